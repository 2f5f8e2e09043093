"""Cases in the ledger, on SQLite and PostgreSQL: opening, references, validation, the audit trail (without the
requester's details) and erasing requesters' details after retention."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from sharelog.errors import Conflict, InputError, NotFound, ValidationFailed
from sharelog.foi import (
    clarification_received,
    erase_expired_requesters,
    extend_deadline,
    fee_paid,
    give_fees_notice,
    list_cases,
    new_case,
    read_case,
    request_review,
    respond,
    seek_clarification,
    withdraw_case,
)
from sharelog.ledger import ledger_session, upgrade, verify_audit_chain
from sharelog.ledger.models import AuditEvent, FoiCase

from ..worlds import (
    CONTACT,
    FOI_ORGANISATION,
    REQUESTER,
    SEED_DUE,
    SEED_RECEIVED,
    SEED_REFERENCE,
    TODAY,
    add_organisation,
    open_seed_case,
)

D = date


@pytest.fixture
def ledger(ledger_engine: Engine) -> Engine:
    upgrade(ledger_engine)
    return ledger_engine


def test_a_case_opens_awaiting_a_response_due_in_20_working_days(ledger: Engine) -> None:
    with ledger_session(ledger) as session:
        case = open_seed_case(session, today=SEED_RECEIVED)
    assert (case.reference, case.state, case.status) == (
        SEED_REFERENCE,
        "waiting_response",
        "waiting_response",
    )
    assert case.clock.due == SEED_DUE
    assert case.requester_erase_after == SEED_RECEIVED + timedelta(days=1095)
    with ledger_session(ledger) as session:
        again = read_case(session, case_reference=SEED_REFERENCE, today=TODAY)
        row = session.execute(select(FoiCase)).scalar_one()
    assert again.requester_name == REQUESTER and again.requester_contact == CONTACT
    assert row.regime == "foia" and row.authority_type == "central_government"
    assert again.status == "waiting_response_very_overdue"  # on TODAY, 2021-06-01


def test_references_are_numbered_per_year_unless_given(ledger: Engine) -> None:
    with ledger_session(ledger) as session:
        made = [
            open_seed_case(session, reference=None, received_on=day).reference
            for day in (D(2020, 1, 6), D(2020, 2, 3), D(2021, 1, 4))
        ]
    assert made == ["FOI-2020-0001", "FOI-2020-0002", "FOI-2021-0001"]
    with pytest.raises(Conflict, match="^case FOI-2020-0002 already exists$") as taken:
        with ledger_session(ledger) as session:
            open_seed_case(session, reference="FOI-2020-0002")
    assert (taken.value.field, taken.value.cli_hint) == ("reference", "`sharelog foi show FOI-2020-0002`")


def test_every_problem_with_a_new_case_is_listed(ledger: Engine) -> None:
    with pytest.raises(ValidationFailed) as failed:
        with ledger_session(ledger) as session:
            new_case(
                session,
                received_on=D(2031, 1, 1),
                title=" ",
                request_text="",
                actor="t",
                regime="eir",
                authority_type="council",
                reference="no spaces allowed",
                organisation_id=add_organisation(session),
                today=TODAY,
            )
    fields = [p.field for p in failed.value.problems]
    assert fields == ["reference", "title", "request_text", "regime", "authority_type", "received_on"]
    assert str(failed.value.problems[3]) == "new case, field 'regime': 'eir' is not one of foia, foisa"


def test_an_unknown_case_is_not_found(ledger: Engine) -> None:
    with pytest.raises(NotFound, match="^no FOI case 'nope' in the ledger$") as missing:
        with ledger_session(ledger) as session:
            read_case(session, case_reference="nope", today=TODAY)
    assert missing.value.cli_hint == "`sharelog foi list` shows the cases"


def test_the_whole_story_is_audited_without_the_requesters_details(ledger: Engine, tmp_path: Path) -> None:
    with ledger_session(ledger) as session:
        open_seed_case(session)
        seek_clarification(
            session, case_reference=SEED_REFERENCE, sought_on=D(2020, 8, 13), actor="cw", today=TODAY
        )
        clarification_received(
            session, case_reference=SEED_REFERENCE, received_on=D(2020, 8, 17), actor="cw", today=TODAY
        )
        give_fees_notice(
            session, case_reference=SEED_REFERENCE, given_on=D(2020, 8, 18), actor="cw", today=TODAY
        )
        fee_paid(session, case_reference=SEED_REFERENCE, paid_on=D(2020, 8, 19), actor="cw", today=TODAY)
        extend_deadline(
            session,
            case_reference=SEED_REFERENCE,
            days=10,
            exemptions=["31(1)(e)"],
            extended_on=D(2020, 9, 1),
            actor="cw",
            today=TODAY,
        )
        respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="rejected",
            exemptions=["31(1)(e)"],
            public_interest="Maintaining the exemption protects the operation of the immigration controls.",
            note="Private note-marker for the letter.",
            responded_on=D(2020, 9, 20),
            actor="cw",
            out_dir=tmp_path,
            today=TODAY,
        )
        request_review(
            session, case_reference=SEED_REFERENCE, requested_on=D(2020, 10, 1), actor="cw", today=TODAY
        )
        withdraw_case(
            session, case_reference=SEED_REFERENCE, withdrawn_on=D(2020, 10, 2), actor="cw", today=TODAY
        )
        chain = verify_audit_chain(session)
        events = session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert chain.ok
    assert [e.action for e in events] == [
        "foi-case-opened",
        "foi-clarification-sought",
        "foi-clarification-received",
        "foi-fees-notice-given",
        "foi-fee-paid",
        "foi-deadline-extended",
        "foi-responded",
        "foi-review-requested",
        "foi-case-withdrawn",
    ]
    assert all(e.object_type == "foi_case" and e.object_id == SEED_REFERENCE for e in events)
    trail = json.dumps([e.detail for e in events])
    for secret in (REQUESTER, CONTACT, "note-marker", "Under the FOI Act"):
        assert secret not in trail
    responded = events[6].detail
    assert responded["outcome"] == "rejected" and responded["exemptions"] == ["31(1)(e)"]
    assert set(responded["files"]) == {"letter_md", "letter_docx"}


def test_requester_details_are_erased_after_retention_from_closed_cases_only(
    ledger: Engine, tmp_path: Path
) -> None:
    with ledger_session(ledger) as session:
        open_seed_case(session, retention_days=30)
        open_seed_case(session, reference="OPEN-1", retention_days=30)
        respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="not_held",
            responded_on=D(2020, 9, 1),
            actor="t",
            out_dir=tmp_path,
            retention_days=30,
            today=TODAY,
        )
    with ledger_session(ledger) as session:
        assert (
            erase_expired_requesters(session, actor="t", today=D(2020, 10, 1)) == []
        )  # kept until 2020-10-01
        assert erase_expired_requesters(session, actor="t", today=D(2020, 10, 2)) == [SEED_REFERENCE]
        assert erase_expired_requesters(session, actor="t", today=D(2020, 10, 3)) == []  # once
    with ledger_session(ledger) as session:
        cases = {c.reference: c for c in list_cases(session, today=TODAY)}
        erased = session.execute(
            select(AuditEvent).where(AuditEvent.action == "foi-requester-erased")
        ).scalar_one()
    assert cases[SEED_REFERENCE].requester_name is None and cases[SEED_REFERENCE].requester_contact is None
    assert cases[SEED_REFERENCE].requester_erased_on is not None
    assert cases["OPEN-1"].requester_name == REQUESTER  # still open: kept
    assert erased.detail == {"erase_after": "2020-10-01", "organisation": FOI_ORGANISATION}


def test_dates_in_the_future_or_before_receipt_are_refused(ledger: Engine) -> None:
    with ledger_session(ledger) as session:
        open_seed_case(session)
    for day, message in [
        (D(2021, 6, 2), r"^2021-06-02 is after today \(2021-06-01\); record only what has happened$"),
        (D(2020, 8, 11), r"^2020-08-11 is before case 59907 was received \(2020-08-12\)$"),
    ]:
        with pytest.raises(InputError, match=message) as refused:
            with ledger_session(ledger) as session:
                seek_clarification(
                    session, case_reference=SEED_REFERENCE, sought_on=day, actor="t", today=TODAY
                )
        assert refused.value.field == "on"
