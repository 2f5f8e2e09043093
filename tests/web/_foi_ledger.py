"""The FOI case in the web tests' ledger: the 2020 request about the exchange, received long ago (so overdue),
asking about the golden ledger's months — the FOI pages and the authorization matrix use it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from sharelog.foi import new_case
from sharelog.reports import month_range

FOI_REFERENCE = "FOI-2020-0001"
FOI_RECEIVED = date(2020, 8, 12)
FOI_DUE = date(2020, 9, 10)
FOI_REQUESTER = "Requester Name-Marker"
FOI_CONTACT = "request-marker@example.org"


def add_foi_case(session: Session) -> None:
    """Open the FOI case (awaiting a response, long overdue by now)."""
    new_case(
        session,
        received_on=FOI_RECEIVED,
        title="Department for Education pupil data use: outcomes",
        request_text="Please provide the outcomes, per month, of pupil data shared with the Home Office.\n"
        "Please also state where the outcome is unknown.",
        actor="test",
        reference=FOI_REFERENCE,
        authority="Home Office",
        requester_name=FOI_REQUESTER,
        requester_contact=FOI_CONTACT,
        about=month_range("2019-01", "2019-03"),
    )
