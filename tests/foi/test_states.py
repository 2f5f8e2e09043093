"""The state machine: every allowed transition passes, every other one is refused with a message naming the
state and the states it can go to — in the table, and through the services that change a case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sharelog.errors import Conflict
from sharelog.foi import (
    STATES,
    TRANSITIONS,
    allowed_next,
    check_transition,
    clarification_received,
    read_case,
    request_review,
    respond,
    seek_clarification,
    withdraw_case,
)
from sharelog.ledger import ledger_session
from sharelog.ledger.models import FOI_STATES

from ..worlds import SEED_REFERENCE, TODAY

ALLOWED = [(a, b) for a in STATES for b in STATES if b in TRANSITIONS[a]]
REFUSED = [(a, b) for a in STATES for b in STATES if b not in TRANSITIONS[a]]


def test_the_table_covers_every_stored_state() -> None:
    assert tuple(STATES) == FOI_STATES
    assert set(TRANSITIONS) == set(STATES)
    assert all(set(targets) <= set(STATES) for targets in TRANSITIONS.values())
    assert len(ALLOWED) == 17


@pytest.mark.parametrize(("current", "new"), ALLOWED, ids=lambda s: s)
def test_every_allowed_transition_passes(current: str, new: str) -> None:
    check_transition("C1", current, new, action="act")


@pytest.mark.parametrize(("current", "new"), REFUSED, ids=lambda s: s)
def test_every_other_transition_is_refused_with_a_clear_message(current: str, new: str) -> None:
    with pytest.raises(Conflict) as refused:
        check_transition("C1", current, new, action="do it")
    message = refused.value.message
    assert message.startswith(f"case C1 is {current} ({STATES[current].label})")
    assert "cannot do it" in message
    if allowed_next(current):
        assert message.endswith(f"from {current} a case can go to {', '.join(allowed_next(current))}")
    else:
        assert "which is final" in message and "nothing can follow it" in message


def test_an_unknown_state_is_refused() -> None:
    with pytest.raises(Conflict, match="'closed' is not a case state"):
        check_transition("C1", "waiting_response", "closed", action="close")


# --- through the services ---------------------------------------------------------------------------------------

Step = Callable[[Session, Path], object]


def _respond(outcome: str, on: date) -> Step:
    extra: dict[str, object] = {}
    if outcome in ("partially_successful", "rejected"):
        extra = {"exemptions": ["21"]}
    return lambda s, out: respond(
        s,
        case_reference=SEED_REFERENCE,
        outcome=outcome,
        responded_on=on,
        actor="t",
        out_dir=out,
        today=TODAY,
        **extra,
    )


def _seek(on: date) -> Step:
    return lambda s, out: seek_clarification(
        s, case_reference=SEED_REFERENCE, sought_on=on, actor="t", today=TODAY
    )


def _clarified(on: date) -> Step:
    return lambda s, out: clarification_received(
        s, case_reference=SEED_REFERENCE, received_on=on, actor="t", today=TODAY
    )


def _withdraw(on: date) -> Step:
    return lambda s, out: withdraw_case(
        s, case_reference=SEED_REFERENCE, withdrawn_on=on, actor="t", today=TODAY
    )


def _review(on: date) -> Step:
    return lambda s, out: request_review(
        s, case_reference=SEED_REFERENCE, requested_on=on, actor="t", today=TODAY
    )


RESPONSES = ("successful", "partially_successful", "not_held", "rejected")
# how to bring the seed case into each state (from waiting_response), then the step that leaves it
REACH: dict[str, list[Step]] = {
    "waiting_response": [],
    "waiting_clarification": [_seek(date(2020, 8, 14))],
    "internal_review": [_respond("successful", date(2020, 9, 1)), _review(date(2020, 9, 8))],
    **{state: [_respond(state, date(2020, 9, 1))] for state in RESPONSES},
    "user_withdrawn": [_withdraw(date(2020, 8, 20))],
}
LEAVE: dict[str, Step] = {
    "waiting_clarification": _seek(date(2020, 9, 20)),
    "waiting_response": _clarified(date(2020, 9, 20)),
    "internal_review": _review(date(2020, 9, 20)),
    **{state: _respond(state, date(2020, 9, 20)) for state in RESPONSES},
    "user_withdrawn": _withdraw(date(2020, 9, 20)),
}


def _walk(engine: Engine, steps: list[Step], out: Path) -> None:
    for step in steps:
        with ledger_session(engine) as session:
            step(session, out)


@pytest.mark.parametrize(("current", "new"), ALLOWED, ids=lambda s: s)
def test_each_allowed_transition_through_the_services(
    seed_case: Engine, tmp_path: Path, current: str, new: str
) -> None:
    _walk(seed_case, REACH[current], tmp_path)
    _walk(seed_case, [LEAVE[new]], tmp_path)
    with ledger_session(seed_case) as session:
        assert read_case(session, case_reference=SEED_REFERENCE, today=TODAY).state == new


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("waiting_response", "waiting_response"),
        ("waiting_response", "internal_review"),
        ("waiting_clarification", "successful"),
        ("waiting_clarification", "internal_review"),
        ("rejected", "user_withdrawn"),
        ("not_held", "successful"),
        ("successful", "waiting_clarification"),
        ("user_withdrawn", "successful"),
        ("user_withdrawn", "internal_review"),
        ("internal_review", "waiting_clarification"),
    ],
    ids=lambda s: s,
)
def test_refused_transitions_through_the_services_change_nothing(
    seed_case: Engine, tmp_path: Path, current: str, new: str
) -> None:
    _walk(seed_case, REACH[current], tmp_path)
    with pytest.raises(Conflict, match=f"case {SEED_REFERENCE} is {current} .*cannot"):
        _walk(seed_case, [LEAVE[new]], tmp_path)
    with ledger_session(seed_case) as session:
        assert read_case(session, case_reference=SEED_REFERENCE, today=TODAY).state == current
