"""The FOI cases in the web tests' ledger: the 2020 request about the exchange at the DfE, received long ago (so
overdue), asking about the golden ledger's months — the FOI pages and the authorization matrix use it — and a
third organisation's case, answered with a letter, that no DfE account may reach (nor its accounts the DfE's)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from sharelog.foi import case_folder, new_case, respond
from sharelog.ledger.models import AgreementVersion, Organisation
from sharelog.reports import month_range

FOI_REFERENCE = "FOI-2020-0001"
FOI_ORGANISATION = "dfe"
FOI_RECEIVED = date(2020, 8, 12)
FOI_DUE = date(2020, 9, 10)
FOI_REQUESTER = "Requester Name-Marker"
FOI_CONTACT = "request-marker@example.org"

# the third organisation: a council with its own agreement, accounts and FOI case
THIRD_PARTY = "northshire"
THIRD_PARTY_REFERENCE = "NCC-2021-0042"
THIRD_PARTY_REQUESTER = "Council Requester-Marker"
THIRD_PARTY_CONTACT = "council-marker@example.org"
THIRD_PARTY_LETTER = "NCC-2021-0042-response.md"


def add_foi_case(session: Session) -> None:
    """Open the DfE's FOI case (awaiting a response, long overdue by now)."""
    new_case(
        session,
        received_on=FOI_RECEIVED,
        title="Department for Education pupil data use: outcomes",
        request_text="Please provide the outcomes, per month, of pupil data shared with the Home Office.\n"
        "Please also state where the outcome is unknown.",
        actor="test",
        organisation_id=FOI_ORGANISATION,
        reference=FOI_REFERENCE,
        authority="Home Office",
        requester_name=FOI_REQUESTER,
        requester_contact=FOI_CONTACT,
        about=month_range("2019-01", "2019-03"),
    )


def add_third_party(session: Session) -> None:
    """Northshire County Council, party to an agreement of its own with the DfE (in force from 2021, so no report
    of the golden ledger's months counts it)."""
    session.add(Organisation(id=THIRD_PARTY, name="Northshire County Council", kind="requester"))
    session.flush()
    session.add(
        AgreementVersion(
            agreement_id="northshire-dfe-test",
            version="1.0",
            title="Northshire school attendance checks",
            holder_id="dfe",
            requester_id=THIRD_PARTY,
            valid_from=date(2021, 1, 1),
            valid_to=None,
            checksum="c" * 64,
            document={"id": "northshire-dfe-test", "version": "1.0", "retention_days": 90},
        )
    )
    session.flush()


def add_third_party_case(session: Session, data_dir: Path) -> None:
    """The council's case, answered (so it has a letter to download), with its requester's details."""
    new_case(
        session,
        received_on=date(2021, 3, 1),
        title="Attendance checks with the Department for Education",
        request_text="How many attendance checks did the council ask the Department for in 2021?",
        actor="test",
        organisation_id=THIRD_PARTY,
        reference=THIRD_PARTY_REFERENCE,
        authority="Northshire County Council",
        requester_name=THIRD_PARTY_REQUESTER,
        requester_contact=THIRD_PARTY_CONTACT,
    )
    respond(
        session,
        case_reference=THIRD_PARTY_REFERENCE,
        organisation_id=THIRD_PARTY,
        outcome="successful",
        responded_on=date(2021, 3, 15),
        actor="test",
        out_dir=case_folder(data_dir, organisation_id=THIRD_PARTY, reference=THIRD_PARTY_REFERENCE),
    )
