"""Recording outcome events: the taxonomy, the dates, append-only corrections and the onward-share flag."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sharelog.errors import Conflict, InputError, NotFound, ValidationFailed
from sharelog.ledger import ledger_session, verify_audit_chain
from sharelog.ledger.models import OUTCOME_KINDS, AuditEvent, OutcomeEvent
from sharelog.outcomes import (
    OUTCOME_CODES,
    latest_result,
    outcome_history,
    outside_agreement,
    record_outcome,
)
from sharelog.outcomes._taxonomy import taxonomy_problems

from ..worlds import audit_count, audit_details
from .conftest import OutcomesLedger

TODAY = date(2019, 12, 31)
ALL_CODES = [(kind, code) for kind, codes in OUTCOME_CODES.items() for code in codes]


def _record(session: Session, disclosure: int, kind: str, code: str, **extra: object) -> OutcomeEvent:
    arguments: dict[str, object] = {
        "event_date": date(2019, 4, 1),
        "recorded_by": "caseworker",
        "today": TODAY,
    }
    arguments.update(extra)
    return record_outcome(session, disclosure_id=disclosure, kind=kind, code=code, **arguments)  # type: ignore[arg-type]


def _events(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(OutcomeEvent)).scalar_one())


def test_the_taxonomy_is_design_section_2() -> None:
    assert tuple(OUTCOME_CODES) == OUTCOME_KINDS
    assert OUTCOME_CODES["use"] == ("contact_attempt", "not_used", "safeguarding_referral")
    assert OUTCOME_CODES["onward_share"] == (
        "police",
        "border_force",
        "local_authority",
        "other_government",
        "overseas_authority",
    )
    assert "safeguarding_referral" in OUTCOME_CODES["intervention"]
    assert len(OUTCOME_CODES["intervention"]) == 8 and len(OUTCOME_CODES["result"]) == 8


@pytest.mark.parametrize(("kind", "code"), ALL_CODES, ids=[f"{k}-{c}" for k, c in ALL_CODES])
def test_every_code_of_every_kind_is_accepted(kind: str, code: str) -> None:
    assert taxonomy_problems(kind, code) == []


@pytest.mark.parametrize(
    ("kind", "code", "expected"),
    [
        (
            "usage",
            "not_used",
            ("kind", "not a kind of outcome; the kinds are use, onward_share, intervention, result"),
        ),
        ("", "letter", ("kind", "missing; the kinds are use, onward_share, intervention, result")),
        (
            "result",
            "deported",
            ("code", "not a code of 'result'; its codes are contact_reestablished, not_located"),
        ),
        (
            "intervention",
            "police",
            ("code", "not a code of 'intervention'; its codes are letter, home_visit"),
        ),
        (
            "use",
            "",
            ("code", "missing; the codes of 'use' are contact_attempt, not_used, safeguarding_referral"),
        ),
    ],
)
def test_unknown_kinds_and_codes_are_refused_naming_what_is_allowed(
    kind: str, code: str, expected: tuple[str, str]
) -> None:
    [(field, message)] = taxonomy_problems(kind, code)
    assert field == expected[0]
    assert message.startswith(expected[1])
    assert "deported" not in message  # the value given is never echoed


@pytest.mark.parametrize(
    ("kind", "people", "message"),
    [
        (
            "use",
            {"children_affected": 1},
            "people affected are recorded on result events only, not on a 'use' event",
        ),
        ("result", {"family_members_affected": -1}, "must be a whole number, 0 or more"),
        ("result", {"children_affected": True}, "must be a whole number, 0 or more"),
    ],
)
def test_people_affected_belong_to_results_and_are_never_negative(
    kind: str, people: dict[str, object], message: str
) -> None:
    code = OUTCOME_CODES[kind][0]
    assert [m for _, m in taxonomy_problems(kind, code, people)] == [message]


def test_every_kind_and_code_is_recorded_with_its_audit_event(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        for kind, code in ALL_CODES:
            _record(session, ledger.first, kind, code)
        _record(
            session,
            ledger.first,
            "result",
            "enforced_removal",
            children_affected=5,
            family_members_affected=15,
        )
    with ledger_session(ledger.engine) as session:
        assert _events(session) == len(ALL_CODES) + 1
        assert audit_count(session, "outcome-recorded") == len(ALL_CODES) + 1
        last = audit_details(session, "outcome-recorded")[-1]
        assert last == {
            "disclosure": ledger.first,
            "exchange": "EX-2019-03-1a2b3c4d",
            "kind": "result",
            "code": "enforced_removal",
            "event_date": "2019-04-01",
            "children_affected": 5,
            "family_members_affected": 15,
        }
        assert verify_audit_chain(session).ok


def test_a_refused_event_lists_every_problem_and_writes_nothing(ledger: OutcomesLedger) -> None:
    with pytest.raises(ValidationFailed) as failure, ledger_session(ledger.engine) as session:
        _record(session, ledger.first, "intervention", "deported", children_affected=2)
    assert [str(p) for p in failure.value.problems] == [
        f"disclosure {ledger.first}, field 'code': not a code of 'intervention'; its codes are letter, home_visit, "
        "school_visit, reporting_condition, arrest, detention, removal_directions, safeguarding_referral",
        f"disclosure {ledger.first}, field 'children_affected': people affected are recorded on result events "
        "only, not on a 'intervention' event",
    ]
    with ledger_session(ledger.engine) as session:
        assert _events(session) == 0
        assert audit_count(session) == 0


@pytest.mark.parametrize(
    ("event_date", "message"),
    [
        (date(2019, 3, 3), "is before the record was returned (2019-03-04); nothing can happen to a record"),
        (date(2020, 1, 1), "is after today; record only what has happened"),
    ],
)
def test_dates_before_the_return_or_after_today_are_refused(
    ledger: OutcomesLedger, event_date: date, message: str
) -> None:
    with (
        pytest.raises(ValidationFailed, match="field 'date'") as failure,
        ledger_session(ledger.engine) as session,
    ):
        _record(session, ledger.first, "use", "contact_attempt", event_date=event_date)
    assert failure.value.problems[0].message.startswith(message)


def test_the_return_day_and_today_are_both_allowed(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        _record(session, ledger.first, "use", "contact_attempt", event_date=date(2019, 3, 4))
        _record(session, ledger.first, "intervention", "letter", event_date=TODAY)
        assert _events(session) == 2


def test_a_note_stays_out_of_the_audit_trail(ledger: OutcomesLedger) -> None:
    note = "Amira Haddad, 3 Rose Street: mother says the family moved"
    with ledger_session(ledger.engine) as session:
        event = _record(session, ledger.first, "use", "contact_attempt", note=note)
    with ledger_session(ledger.engine) as session:
        assert session.get(OutcomeEvent, event.id).note == note  # type: ignore[union-attr]
        audit = session.execute(select(AuditEvent)).scalars().all()
        assert "Amira" not in json.dumps([(a.object_id, a.detail) for a in audit])


def test_an_onward_share_outside_the_agreement_is_recorded_and_flagged(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        allowed = _record(session, ledger.first, "onward_share", "police")
        outside = _record(session, ledger.first, "onward_share", "overseas_authority")
        assert not outside_agreement(allowed)
        assert outside_agreement(outside)
    with ledger_session(ledger.engine) as session:
        details = audit_details(session, "outcome-recorded")
        assert [(d["code"], d["outside_agreement"]) for d in details] == [
            ("police", False),
            ("overseas_authority", True),
        ]
        history = outcome_history(session, disclosure_id=ledger.first, today=TODAY)
        assert [e.outside_agreement for e in history.events] == [False, True]


def test_a_correction_supersedes_and_the_latest_result_wins(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        wrong = _record(session, ledger.first, "result", "not_located", event_date=date(2019, 5, 1))
        right = _record(
            session,
            ledger.first,
            "result",
            "voluntary_departure",
            event_date=date(2019, 5, 1),
            children_affected=2,
            family_members_affected=1,
            supersedes=wrong.id,
        )
        assert right.supersedes_id == wrong.id
        assert latest_result(session, disclosure_id=ledger.first) == right
    with ledger_session(ledger.engine) as session:
        history = outcome_history(session, disclosure_id=ledger.first, today=TODAY)
        assert [(e.id, e.current, e.superseded_by_id) for e in history.events] == [
            (wrong.id, False, right.id),
            (right.id, True, None),
        ]
        assert history.latest_result is not None and history.latest_result.code == "voluntary_departure"
        assert not history.outcome_unknown
        [corrected] = audit_details(session, "outcome-corrected")
        assert corrected["supersedes"] == wrong.id


def test_an_event_is_superseded_once_only(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        first = _record(session, ledger.first, "result", "not_located")
        second = _record(session, ledger.first, "result", "leave_granted", supersedes=first.id)
    with pytest.raises(Conflict, match=f"event {first.id} was already corrected by event {second.id}"):
        with ledger_session(ledger.engine) as session:
            _record(session, ledger.first, "result", "application_pending", supersedes=first.id)
    with ledger_session(ledger.engine) as session:  # a chain is fine: correct the correction
        third = _record(session, ledger.first, "result", "application_pending", supersedes=second.id)
        assert latest_result(session, disclosure_id=ledger.first) == third


def test_the_database_refuses_a_second_supersession_that_slips_past_the_check(
    ledger: OutcomesLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ledger_session(ledger.engine) as session:
        first = _record(session, ledger.first, "result", "not_located")
        _record(session, ledger.first, "result", "leave_granted", supersedes=first.id)
    # as if another writer had corrected the event between our check and our write
    monkeypatch.setattr(
        "sharelog.outcomes._record._event_to_supersede",
        lambda session, disclosure, event_id: session.get(OutcomeEvent, event_id),
    )
    with pytest.raises(Conflict, match="corrected by someone else meanwhile"):
        with ledger_session(ledger.engine) as session:
            _record(session, ledger.first, "result", "application_pending", supersedes=first.id)


def test_a_result_corrected_into_another_kind_leaves_the_outcome_unknown(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        result = _record(session, ledger.first, "result", "contact_reestablished")
        _record(session, ledger.first, "use", "contact_attempt", supersedes=result.id)
        assert latest_result(session, disclosure_id=ledger.first) is None


def test_the_latest_result_is_the_newest_by_event_date(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        newer = _record(session, ledger.first, "result", "leave_granted", event_date=date(2019, 6, 1))
        _record(
            session, ledger.first, "result", "application_pending", event_date=date(2019, 5, 1)
        )  # recorded late
        assert latest_result(session, disclosure_id=ledger.first) == newer
        same_day = _record(session, ledger.first, "result", "no_further_action", event_date=date(2019, 6, 1))
        assert latest_result(session, disclosure_id=ledger.first) == same_day


def test_what_cannot_be_found_or_belongs_elsewhere_is_refused(ledger: OutcomesLedger) -> None:
    with (
        pytest.raises(NotFound, match="no disclosure 9999 in the ledger"),
        ledger_session(ledger.engine) as session,
    ):
        _record(session, 9999, "use", "not_used")
    with pytest.raises(InputError, match="recorded_by"), ledger_session(ledger.engine) as session:
        _record(session, ledger.first, "use", "not_used", recorded_by=" ")


NOT_AN_ID = "not an outcome event's id (a whole number)"
NOT_ITS_EVENT = "not one of this disclosure's outcome events; a correction is about the same disclosure"


@pytest.mark.parametrize(
    ("supersedes", "message"),
    [
        (-1, NOT_AN_ID),
        (0, NOT_AN_ID),
        (True, NOT_AN_ID),
        (2**63, NOT_AN_ID),
        ("-1", NOT_AN_ID),
        ("abc", NOT_AN_ID),
        ("0", NOT_AN_ID),
        ("1e3", NOT_AN_ID),
        ("\u0661", NOT_AN_ID),  # an Arabic-Indic digit one: isdigit, but not what an id is typed with
        ("9" * 5000, NOT_AN_ID),  # past what int() will read
        (9999, NOT_ITS_EVENT),
        ("9999", NOT_ITS_EVENT),
        ("other", NOT_ITS_EVENT),  # an event of another disclosure
        ("other's text", NOT_ITS_EVENT),
    ],
)
def test_a_correction_must_name_one_of_the_disclosures_own_events(
    ledger: OutcomesLedger, supersedes: object, message: str
) -> None:
    with ledger_session(ledger.engine) as session:
        other = _record(session, ledger.second, "use", "not_used")
    if supersedes == "other":
        supersedes = other.id
    elif supersedes == "other's text":
        supersedes = f" {other.id} "
    with pytest.raises(ValidationFailed) as failure, ledger_session(ledger.engine) as session:
        _record(session, ledger.first, "use", "not_used", supersedes=supersedes)
    [problem] = failure.value.problems
    assert (problem.file, problem.field, problem.message) == (
        f"disclosure {ledger.first}",
        "supersedes",
        message,
    )
    assert str(ledger.second) not in failure.value.message  # the other disclosure is not named
    with ledger_session(ledger.engine) as session:
        assert _events(session) == 1


def test_a_correction_given_as_text_or_blank(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        first = _record(session, ledger.first, "result", "not_located")
        fix = _record(session, ledger.first, "result", "leave_granted", supersedes=f" {first.id} ")
        assert fix.supersedes_id == first.id
        new = _record(session, ledger.first, "use", "not_used", supersedes="  ")
        assert new.supersedes_id is None


def test_a_supersedes_problem_is_listed_with_the_events_other_problems(ledger: OutcomesLedger) -> None:
    with pytest.raises(ValidationFailed) as failure, ledger_session(ledger.engine) as session:
        _record(session, ledger.first, "use", "deported", supersedes=-1, note="n" * 4001)
    assert [p.field for p in failure.value.problems] == ["code", "note", "supersedes"]
