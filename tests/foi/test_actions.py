"""What can be recorded on a case: the one table of actions (name, what recording each takes, the service behind
it), the one entry point the command line, the pages and the API record an action through
(:func:`sharelog.foi.apply_case_action`), and the actions a case offers next."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sharelog.errors import Conflict, InputError, NotFound
from sharelog.foi import (
    CASE_ACTIONS,
    CaseChange,
    CaseView,
    ClarificationReceived,
    ClarificationSought,
    Extension,
    FeePaid,
    FeesNotice,
    ReviewRequest,
    Withdrawal,
    apply_case_action,
    extend_deadline,
    fee_paid,
    give_fees_notice,
    next_actions,
    read_case,
    request_review,
    respond,
    seek_clarification,
    withdraw_case,
)
from sharelog.ledger import ledger_session
from sharelog.ledger.models import FOI_EVENT_KINDS

from ..worlds import SEED_REFERENCE, TODAY, open_seed_case

D = date


def _read(engine: Engine, today: date = TODAY) -> CaseView:
    with ledger_session(engine) as session:
        return read_case(session, case_reference=SEED_REFERENCE, today=today)


def _names(view: CaseView) -> list[str]:
    return [action.name for action in next_actions(view)]


def _apply(engine: Engine, change: CaseChange, **where: str) -> CaseView:
    with ledger_session(engine) as session:
        return apply_case_action(
            session, reference=SEED_REFERENCE, action=change, actor="officer", today=TODAY, **where
        )


# ---- the table ----


def test_every_action_but_respond_is_recorded_through_the_entry_point() -> None:
    recorded = {name: action for name, action in CASE_ACTIONS.items() if action.change is not None}
    assert set(CASE_ACTIONS) - set(recorded) == {"respond"}  # a response writes a letter: its own service
    for name, action in recorded.items():
        assert action.change is not None and action.change.kind == name
        assert action.event in FOI_EVENT_KINDS, name
        assert action.date_label.startswith("the date "), name


@pytest.mark.parametrize(
    ("name", "needs"),
    [
        ("seek-clarification", ()),
        ("clarification-received", ()),
        ("fees-notice", ("amount",)),
        ("fee-paid", ()),
        ("extend", ("days", "exemptions")),
        ("request-review", ("late",)),
        ("withdraw", ()),
        ("respond", ()),
    ],
)
def test_what_each_action_needs_besides_its_day(name: str, needs: tuple[str, ...]) -> None:
    assert CASE_ACTIONS[name].needs == needs


# ---- one entry point, each kind to its own service ----


@pytest.mark.parametrize(
    ("before", "change", "state", "event"),
    [
        ((), ClarificationSought(D(2020, 8, 14)), "waiting_clarification", "clarification_sought"),
        (
            (ClarificationSought(D(2020, 8, 14)),),
            ClarificationReceived(D(2020, 8, 20)),
            "waiting_response",
            "clarification_received",
        ),
        ((), FeesNotice(D(2020, 8, 19), amount=35.0), "waiting_response", "fees_notice"),
        ((FeesNotice(D(2020, 8, 19)),), FeePaid(D(2020, 8, 26)), "waiting_response", "fee_paid"),
        ((), Extension(D(2020, 9, 1), days=10, exemptions=["31(1)(e)"]), "waiting_response", "extended"),
        ((), Withdrawal(D(2020, 8, 20)), "user_withdrawn", "withdrawn"),
    ],
)
def test_apply_records_the_change_with_its_service(
    seed_case: Engine, before: tuple[CaseChange, ...], change: CaseChange, state: str, event: str
) -> None:
    for earlier in before:
        _apply(seed_case, earlier)
    view = _apply(seed_case, change)
    assert view.state == state
    last = view.events[-1]
    assert (last.kind, last.on, last.recorded_by) == (event, change.on, "officer")
    assert CASE_ACTIONS[change.kind].event == event


def test_apply_passes_on_what_the_kind_needs(seed_case: Engine) -> None:
    view = _apply(seed_case, FeesNotice(D(2020, 8, 19), amount=35.0))
    assert view.events[-1].detail == {"amount": 35.0}
    view = _apply(seed_case, FeePaid(D(2020, 8, 20)))
    view = _apply(seed_case, Extension(D(2020, 9, 1), days=10, exemptions=["s.31(1)(e)"]))
    assert view.clock.extension_days == 10 and view.events[-1].detail == {"exemptions": ["31(1)(e)"]}


def test_a_late_review_request_is_accepted_only_when_said_so(seed_case: Engine, tmp_path: Path) -> None:
    with ledger_session(seed_case) as session:
        respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="successful",
            responded_on=D(2020, 9, 9),
            actor="t",
            out_dir=tmp_path,
            today=TODAY,
        )
    with pytest.raises(Conflict, match="after the 40 working days") as late:
        _apply(seed_case, ReviewRequest(D(2020, 12, 1)))
    assert late.value.field == "late" and "--late" not in late.value.message
    view = _apply(seed_case, ReviewRequest(D(2020, 12, 1), late=True))
    assert view.state == "internal_review" and view.events[-1].detail == {"late": True}


def test_apply_finds_only_the_given_organisations_case(seed_case: Engine) -> None:
    with pytest.raises(NotFound, match="no FOI case '59907'"):
        _apply(seed_case, Withdrawal(D(2020, 8, 20)), organisation_id="dfe")
    assert (
        _apply(seed_case, Withdrawal(D(2020, 8, 20)), organisation_id="home-office").state == "user_withdrawn"
    )


def test_apply_refuses_what_its_service_refuses(seed_case: Engine) -> None:
    with pytest.raises(InputError, match="^2021-06-02 is after today") as future:
        _apply(seed_case, Withdrawal(D(2021, 6, 2)))
    assert future.value.field == "on"  # the CaseChange's own name for its day
    with pytest.raises(InputError, match="^-5.0 is negative$") as negative:
        _apply(seed_case, FeesNotice(D(2020, 8, 19), amount=-5.0))
    assert negative.value.field == "amount"
    with pytest.raises(Conflict, match="no fees notice is waiting for payment"):
        _apply(seed_case, FeePaid(D(2020, 8, 20)))
    assert _read(seed_case).events == ()  # nothing recorded


# ---- what a case offers next ----


def test_the_actions_follow_the_state_and_the_clock(seed_case: Engine) -> None:
    assert _names(_read(seed_case)) == ["respond", "seek-clarification", "fees-notice", "extend", "withdraw"]
    with ledger_session(seed_case) as session:
        give_fees_notice(
            session, case_reference=SEED_REFERENCE, given_on=D(2020, 8, 19), actor="t", today=TODAY
        )
    assert _names(_read(seed_case)) == ["respond", "seek-clarification", "fee-paid", "extend", "withdraw"]
    with ledger_session(seed_case) as session:
        fee_paid(session, case_reference=SEED_REFERENCE, paid_on=D(2020, 8, 20), actor="t", today=TODAY)
        extend_deadline(
            session,
            case_reference=SEED_REFERENCE,
            days=20,
            exemptions=["31(1)(e)"],
            extended_on=D(2020, 9, 1),
            actor="t",
            today=TODAY,
        )
    assert "extend" not in _names(_read(seed_case))  # the 20 days allowed are used
    with ledger_session(seed_case) as session:
        seek_clarification(
            session, case_reference=SEED_REFERENCE, sought_on=D(2020, 9, 2), actor="t", today=TODAY
        )
    assert _names(_read(seed_case)) == ["clarification-received", "withdraw"]


def test_after_a_response_only_a_review_then_its_answer(seed_case: Engine, tmp_path: Path) -> None:
    with ledger_session(seed_case) as session:
        respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="successful",
            responded_on=D(2020, 9, 9),
            actor="t",
            out_dir=tmp_path,
            today=TODAY,
        )
    assert _names(_read(seed_case, D(2020, 9, 10))) == ["request-review"]
    with ledger_session(seed_case) as session:
        request_review(
            session, case_reference=SEED_REFERENCE, requested_on=D(2020, 9, 10), actor="t", today=TODAY
        )
    assert _names(_read(seed_case, D(2020, 9, 10))) == ["respond", "withdraw"]
    with ledger_session(seed_case) as session:
        withdraw_case(
            session, case_reference=SEED_REFERENCE, withdrawn_on=D(2020, 9, 11), actor="t", today=TODAY
        )
    assert _names(_read(seed_case)) == []


def test_foisa_has_no_extension(sqlite_ledger: Engine) -> None:
    with ledger_session(sqlite_ledger) as session:
        view = open_seed_case(session, regime="foisa")
    assert "extend" not in _names(view)
