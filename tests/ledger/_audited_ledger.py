"""A ledger whose audit trail was written by the real services: the schema created, the shipped agreements
recorded, accounts and API tokens managed, outcomes recorded and corrected, an FOI case taken through its clock.

About three dozen events, on SQLite or PostgreSQL, for the tamper tests. The exchange and its disclosures are
built straight from the models (an exchange needs a register and a matching run; its events are tested in
tests/exchange): the outcomes recorded about them are real.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Engine, select

from sharelog.accounts import add_user, create_api_token, disable_user, revoke_api_token, set_password
from sharelog.agreements import load_agreements
from sharelog.foi import (
    clarification_received,
    fee_paid,
    give_fees_notice,
    new_case,
    seek_clarification,
    withdraw_case,
)
from sharelog.ledger import ledger_session, upgrade
from sharelog.ledger.agreement_records import record_agreement
from sharelog.ledger.models import AuditEvent
from sharelog.outcomes import record_outcome
from sharelog.settings import shipped_agreements_dir

from .._ledger_rows import add_agreement, add_disclosure, add_exchange

PASSWORD = "correct horse battery staple"
TODAY = date(2021, 6, 1)


def _accounts(engine: Engine) -> None:
    with ledger_session(engine) as session:
        for username, org, role in [
            ("operator", "dfe", "holder_operator"),
            ("reviewer", "dfe", "holder_reviewer"),
            ("caseworker", "home-office", "requester_caseworker"),
        ]:
            add_user(
                session,
                username=username,
                display_name=username.title(),
                organisation_id=org,
                role=role,
                password=PASSWORD,
                actor="admin",
            )
        set_password(session, "reviewer", password=PASSWORD + " again", actor="admin")
        token = create_api_token(session, username="caseworker", name="case system", actor="admin")
        revoke_api_token(session, token.id, actor="admin")
        disable_user(session, "operator", actor="admin")


def _outcomes(engine: Engine) -> None:
    with ledger_session(engine) as session:
        agreement = add_agreement(session)
        exchange = add_exchange(session, agreement)
        disclosures = [
            add_disclosure(session, exchange, request_ref=f"R{n}", pupil_id=f"P{n:07d}") for n in range(1, 5)
        ]
        for disclosure in disclosures:
            for kind, code, day in [
                ("use", "contact_attempt", date(2019, 3, 11)),
                ("onward_share", "local_authority", date(2019, 3, 18)),
                ("result", "not_located", date(2019, 4, 1)),
            ]:
                record_outcome(
                    session,
                    disclosure_id=disclosure.id,
                    kind=kind,
                    code=code,
                    event_date=day,
                    recorded_by="caseworker",
                    today=TODAY,
                )
        first_result = disclosures[0].id
    with ledger_session(engine) as session:
        record_outcome(
            session,
            disclosure_id=first_result,
            kind="result",
            code="contact_reestablished",
            event_date=date(2019, 4, 2),
            recorded_by="caseworker",
            today=TODAY,
        )


def _foi_case(engine: Engine) -> None:
    with ledger_session(engine) as session:
        case = new_case(
            session,
            received_on=date(2020, 8, 12),
            title="Outcomes of pupil data use",
            request_text="Please provide the outcomes per month.",
            actor="foi-officer",
            organisation_id="home-office",
            today=TODAY,
        )
        reference = case.reference
        steps: list[tuple[Callable[..., object], dict[str, Any]]] = [
            (seek_clarification, {"sought_on": date(2020, 8, 13)}),
            (clarification_received, {"received_on": date(2020, 8, 20)}),
            (give_fees_notice, {"given_on": date(2020, 8, 21), "amount": 35.0}),
            (fee_paid, {"paid_on": date(2020, 8, 24)}),
            (withdraw_case, {"withdrawn_on": date(2020, 9, 3)}),
        ]
        for step, arguments in steps:
            step(session, case_reference=reference, actor="foi-officer", today=TODAY, **arguments)


def build_audited_ledger(engine: Engine) -> list[int]:
    """Migrate ``engine``'s empty database and write the events; return the audit events' ids in order."""
    upgrade(engine, actor="ops")
    with ledger_session(engine) as session:
        for agreement in load_agreements(shipped_agreements_dir()):
            record_agreement(session, agreement, actor="ops")
    _accounts(engine)
    _outcomes(engine)
    _foi_case(engine)
    with ledger_session(engine) as session:
        return list(session.execute(select(AuditEvent.id).order_by(AuditEvent.id)).scalars())
