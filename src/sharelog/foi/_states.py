"""FOI case states, as Alaveteli (WhatDoTheyKnow) names them: the *described* states a person sets, stored, and
the *derived* ones time decides (overdue, long overdue), computed when read and never stored.

Every change of stored state goes through :func:`check_transition`, which refuses a move the table does not
allow with a message naming the state the case is in and the states it can go to.
"""

from __future__ import annotations

from dataclasses import dataclass

from sharelog.errors import Conflict
from sharelog.ledger.models import FOI_STATES

__all__ = [
    "DERIVED_STATES",
    "FINAL_STATES",
    "OPEN_STATES",
    "RESPONSE_STATES",
    "STATES",
    "TRANSITIONS",
    "State",
    "allowed_next",
    "check_transition",
    "state_label",
]


@dataclass(frozen=True)
class State:
    """A stored state: its name, the label people read, its phase and what it means."""

    name: str
    label: str
    phase: str  # awaiting_response, clarification_needed, complete, other (Alaveteli's phases)
    meaning: str


STATES: dict[str, State] = {
    s.name: s
    for s in (
        State("waiting_response", "Awaiting response", "awaiting_response", "received; the clock is running"),
        State(
            "waiting_clarification",
            "Waiting clarification",
            "clarification_needed",
            "clarification sought (s.1(3)); the clock restarts when the reply is received",
        ),
        State("successful", "Successful", "complete", "all the information asked for was provided"),
        State(
            "partially_successful",
            "Partially successful",
            "complete",
            "some information provided, some withheld under exemptions",
        ),
        State("not_held", "Information not held", "complete", "the authority does not hold the information"),
        State(
            "rejected",
            "Refused",
            "complete",
            "refused: exemptions, neither confirm nor deny, cost limit (s.12) or vexatious (s.14)",
        ),
        State(
            "internal_review",
            "Awaiting internal review",
            "other",
            "the requester asked for an internal review of the response",
        ),
        State("user_withdrawn", "Withdrawn", "complete", "withdrawn by the requester (or abandoned)"),
    )
}
assert tuple(STATES) == FOI_STATES, "the ledger's check constraint and the state machine must agree"

RESPONSE_STATES = ("successful", "partially_successful", "not_held", "rejected")
OPEN_STATES = ("waiting_response", "waiting_clarification", "internal_review")
FINAL_STATES = ("user_withdrawn",)

# from → the states a case may move to next
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "waiting_response": ("waiting_clarification", *RESPONSE_STATES, "user_withdrawn"),
    "waiting_clarification": ("waiting_response", "user_withdrawn"),
    "internal_review": (*RESPONSE_STATES, "user_withdrawn"),
    "successful": ("internal_review",),
    "partially_successful": ("internal_review",),
    "not_held": ("internal_review",),
    "rejected": ("internal_review",),
    "user_withdrawn": (),
}

# Derived, never stored: (stored state, lateness) → name and label
DERIVED_STATES: dict[str, str] = {
    "waiting_response_overdue": "Delayed",
    "waiting_response_very_overdue": "Long overdue",
    "waiting_response_paused": "Awaiting response (clock paused: fees notice unpaid)",
    "internal_review_overdue": "Internal review delayed",
    "internal_review_very_overdue": "Internal review long overdue",
}


def state_label(name: str) -> str:
    """The label people read for a stored or derived state."""
    if name in STATES:
        return STATES[name].label
    return DERIVED_STATES.get(name, name)


def allowed_next(state: str) -> tuple[str, ...]:
    """The states a case in ``state`` may move to."""
    return TRANSITIONS.get(state, ())


def check_transition(reference: str, current: str, new: str, *, action: str) -> None:
    """Refuse to move case ``reference`` from ``current`` to ``new`` unless the table allows it.

    Args:
        reference: the case reference, for the message.
        current: the stored state.
        new: the state the action would set.
        action: what was asked, in words (``seek clarification``), for the message.

    Raises:
        Conflict: the move is not allowed; the message names the state and the allowed next states.
    """
    if new not in STATES:
        raise Conflict(f"case {reference}: '{new}' is not a case state ({', '.join(STATES)})")
    if new in allowed_next(current):
        return
    label = state_label(current)
    following = allowed_next(current)
    if not following:
        raise Conflict(
            f"case {reference} is {current} ({label}), which is final: cannot {action}; nothing can follow it"
        )
    raise Conflict(
        f"case {reference} is {current} ({label}): cannot {action} (→ {new}); from {current} a case can go to "
        f"{', '.join(following)}"
    )
