"""What can be done next to a case, in words: the actions its state (``TRANSITIONS``) and its clock allow.

A screen or a client offers these; the service function behind each still checks everything, so an action
offered here and refused there (say, an extension notified after the 20th working day) fails with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from sharelog.foi._clock import MAX_EXTENSION_DAYS
from sharelog.foi._states import RESPONSE_STATES, allowed_next
from sharelog.foi._views import CaseView

__all__ = ["CASE_ACTIONS", "CaseAction", "next_actions"]


@dataclass(frozen=True)
class CaseAction:
    """One thing an FOI officer can record on a case: its name, a label and what it does to the clock."""

    name: str
    label: str
    effect: str


CASE_ACTIONS: dict[str, CaseAction] = {
    a.name: a
    for a in (
        CaseAction(
            "respond",
            "Respond",
            "send the response (or the internal review's outcome) and write the letter",
        ),
        CaseAction(
            "seek-clarification",
            "Seek clarification",
            "ask the requester what they mean (s.1(3)): no deadline runs until they reply",
        ),
        CaseAction(
            "clarification-received",
            "Record the clarification",
            "the requester replied: a new 20 working days start from the day it was received (s.10(6)(b))",
        ),
        CaseAction(
            "fees-notice",
            "Give a fees notice",
            "ask for a fee (s.9): the clock is paused until it is paid (s.10(2))",
        ),
        CaseAction(
            "fee-paid",
            "Record the fee as paid",
            "the clock runs again; the working days it was paused do not count",
        ),
        CaseAction(
            "extend",
            "Extend to consider the public interest",
            f"FOIA s.10(3): up to {MAX_EXTENSION_DAYS} more working days in all, for qualified exemptions, "
            "notified by the 20th working day",
        ),
        CaseAction(
            "request-review",
            "Record a request for internal review",
            "the requester asked for the response to be reviewed: due in 20 working days",
        ),
        CaseAction(
            "withdraw",
            "Record the request as withdrawn",
            "the requester withdrew it, or never answered a request for clarification",
        ),
    )
}


def next_actions(view: CaseView) -> tuple[CaseAction, ...]:
    """The actions that may be recorded on the case now, in the order a person would consider them."""
    state, clock = view.state, view.clock
    following = allowed_next(state)
    names: list[str] = []
    if any(s in following for s in RESPONSE_STATES):
        names.append("respond")
    if "waiting_clarification" in following:
        names.append("seek-clarification")
    if state == "waiting_clarification":
        names.append("clarification-received")
    if state == "waiting_response":
        names.append("fee-paid" if clock.paused_since is not None else "fees-notice")
        if view.regime == "foia" and clock.extension_days < MAX_EXTENSION_DAYS:
            names.append("extend")
    if "internal_review" in following and view.review is None:
        names.append("request-review")
    if "user_withdrawn" in following:
        names.append("withdraw")
    return tuple(CASE_ACTIONS[name] for name in names)
