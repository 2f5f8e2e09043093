"""A ledger whose audit trail was written by the real services (a world of tests/worlds): the schema created,
the shipped agreements recorded, accounts and API tokens managed, outcomes recorded and corrected, an FOI case
taken through its clock.

About three dozen events, on SQLite or PostgreSQL, for the tamper tests. The exchange and its disclosures are
rows (an exchange needs a register and a matching run; its events are tested in tests/exchange): the outcomes
recorded about them are real.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.accounts import create_api_token, disable_user, revoke_api_token, set_password
from sharelog.foi import (
    clarification_received,
    fee_paid,
    give_fees_notice,
    seek_clarification,
    withdraw_case,
)
from sharelog.ledger.models import Disclosure
from sharelog.outcomes import record_outcome

from ..worlds import PASSWORD, TODAY, LedgerWorld, add_accounts, open_seed_case

OPERATORS = {
    "operator": ("holder_operator", "dfe"),
    "reviewer": ("holder_reviewer", "dfe"),
    "caseworker": ("requester_caseworker", "home-office"),
}


def _manage_accounts(session: Session) -> None:
    add_accounts(session, OPERATORS, actor="admin")
    set_password(session, "reviewer", password=PASSWORD + " again", actor="admin")
    token = create_api_token(session, username="caseworker", name="case system", actor="admin")
    revoke_api_token(session, token.id, actor="admin")
    disable_user(session, "operator", actor="admin")


def _record_outcomes(session: Session) -> None:
    disclosures = session.execute(select(Disclosure.id).order_by(Disclosure.id)).scalars().all()
    for disclosure_id in disclosures:
        for kind, code, day in [
            ("use", "contact_attempt", date(2019, 3, 11)),
            ("onward_share", "local_authority", date(2019, 3, 18)),
            ("result", "not_located", date(2019, 4, 1)),
        ]:
            record_outcome(
                session,
                disclosure_id=disclosure_id,
                kind=kind,
                code=code,
                event_date=day,
                recorded_by="caseworker",
                today=TODAY,
            )


def _correct_the_first_result(session: Session) -> None:
    first = session.execute(select(Disclosure.id).order_by(Disclosure.id)).scalars().first()
    record_outcome(
        session,
        disclosure_id=first,
        kind="result",
        code="contact_reestablished",
        event_date=date(2019, 4, 2),
        recorded_by="caseworker",
        today=TODAY,
    )


def _take_a_case_through_its_clock(session: Session) -> None:
    case = open_seed_case(
        session,
        title="Outcomes of pupil data use",
        request_text="Please provide the outcomes per month.",
        actor="foi-officer",
        reference=None,
        authority=None,
        requester_name=None,
        requester_contact=None,
    )
    steps: list[tuple[Callable[..., object], dict[str, Any]]] = [
        (seek_clarification, {"sought_on": date(2020, 8, 13)}),
        (clarification_received, {"received_on": date(2020, 8, 20)}),
        (give_fees_notice, {"given_on": date(2020, 8, 21), "amount": 35.0}),
        (fee_paid, {"paid_on": date(2020, 8, 24)}),
        (withdraw_case, {"withdrawn_on": date(2020, 9, 3)}),
    ]
    for step, arguments in steps:
        step(session, case_reference=case.reference, actor="foi-officer", today=TODAY, **arguments)


AUDITED_LEDGER = (
    LedgerWorld(migrated_by="ops")
    .with_shipped_agreements(actor="ops")
    .in_session("accounts managed", _manage_accounts)
    .with_returned_records(records=4)
    .in_session("outcomes recorded", _record_outcomes)
    .in_session("an outcome corrected", _correct_the_first_result)
    .in_session("an FOI case through its clock", _take_a_case_through_its_clock)
)
"""The ledger the module docstring describes."""
