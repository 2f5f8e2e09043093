"""What can be recorded on a case, in one table: each action's name, its words, what recording it takes and the
service that records it — and :func:`apply_case_action`, the one entry point the command line, the pages and the
API record an action through.

    apply_case_action(session, reference="59907", action=FeesNotice(on=date(2020, 8, 20), amount=35.0),
                      actor="fay", organisation_id="home-office")

:func:`next_actions` says what may be recorded now, from the case's state (``TRANSITIONS``) and its clock. A screen
or a client offers those; the service behind each still checks everything, so an action offered here and refused
there (say, an extension notified after the 20th working day) fails with its reason. A response is an action too
(``respond``), but it writes a letter and has its own service, :func:`sharelog.foi.respond`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from sharelog.foi._cases import request_review, withdraw_case
from sharelog.foi._clock import MAX_EXTENSION_DAYS
from sharelog.foi._clock_changes import (
    clarification_received,
    extend_deadline,
    fee_paid,
    give_fees_notice,
    seek_clarification,
)
from sharelog.foi._views import CaseView, ExtraHolidays

__all__ = [
    "CASE_ACTIONS",
    "CaseAction",
    "CaseChange",
    "ClarificationReceived",
    "ClarificationSought",
    "Extension",
    "FeePaid",
    "FeesNotice",
    "ReviewRequest",
    "Withdrawal",
    "apply_case_action",
    "next_actions",
]


# ---- what recording each action takes: one small type per kind ----


@dataclass(frozen=True)
class CaseChange(ABC):
    """An action to record on a case: the day it happened (``on``), and what its kind needs besides.

    A problem with the day is raised with ``field="on"``; with another input, with the input's name."""

    on: date
    kind: ClassVar[str]  # the name of the action in CASE_ACTIONS

    @classmethod
    def needs(cls) -> tuple[str, ...]:
        """What recording this kind takes besides the day (``("days", "exemptions")`` for an extension)."""
        return tuple(f.name for f in fields(cls) if f.name != "on")

    @abstractmethod
    def record(self, session: Session, **case: Any) -> CaseView:
        """Record this action with its service; ``case`` names the case, the actor, the day it is and the
        calendar (the keyword arguments every such service takes)."""


@dataclass(frozen=True)
class ClarificationSought(CaseChange):
    """The authority asked the requester to clarify (s.1(3)): no deadline runs until they reply."""

    kind: ClassVar[str] = "seek-clarification"

    def record(self, session: Session, **case: Any) -> CaseView:
        return seek_clarification(session, sought_on=self.on, **case)


@dataclass(frozen=True)
class ClarificationReceived(CaseChange):
    """The requester's clarification arrived: a new 20 working days start from that day (s.10(6)(b))."""

    kind: ClassVar[str] = "clarification-received"

    def record(self, session: Session, **case: Any) -> CaseView:
        return clarification_received(session, received_on=self.on, **case)


@dataclass(frozen=True)
class FeesNotice(CaseChange):
    """A fees notice (s.9), with the fee asked for in pounds if known: the clock pauses until it is paid."""

    amount: float | None = None
    kind: ClassVar[str] = "fees-notice"

    def record(self, session: Session, **case: Any) -> CaseView:
        return give_fees_notice(session, given_on=self.on, amount=self.amount, **case)


@dataclass(frozen=True)
class FeePaid(CaseChange):
    """The fee arrived: the clock runs again, the paused working days disregarded."""

    kind: ClassVar[str] = "fee-paid"

    def record(self, session: Session, **case: Any) -> CaseView:
        return fee_paid(session, paid_on=self.on, **case)


@dataclass(frozen=True)
class Extension(CaseChange):
    """A public-interest extension (FOIA s.10(3)) of ``days`` working days, for the qualified ``exemptions``."""

    days: int = 0
    exemptions: Sequence[str] = ()
    kind: ClassVar[str] = "extend"

    def record(self, session: Session, **case: Any) -> CaseView:
        return extend_deadline(
            session, days=self.days, exemptions=self.exemptions, extended_on=self.on, **case
        )


@dataclass(frozen=True)
class ReviewRequest(CaseChange):
    """The requester asked for an internal review; ``late``: accepted after the 40 working days allowed."""

    late: bool = False
    kind: ClassVar[str] = "request-review"

    def record(self, session: Session, **case: Any) -> CaseView:
        return request_review(session, requested_on=self.on, accept_late=self.late, **case)


@dataclass(frozen=True)
class Withdrawal(CaseChange):
    """The requester withdrew the request (or never answered a request for clarification)."""

    kind: ClassVar[str] = "withdraw"

    def record(self, session: Session, **case: Any) -> CaseView:
        return withdraw_case(session, withdrawn_on=self.on, **case)


# ---- the table ----


@dataclass(frozen=True)
class CaseAction:
    """One thing an FOI officer can record on a case: its name, a label, what it does to the clock — and, for all
    but ``respond``, what recording it takes (``change``), the event it adds to the case's history and what its
    day is the date of, in words."""

    name: str
    label: str
    effect: str
    change: type[CaseChange] | None = None  # None: respond, which writes a letter (sharelog.foi.respond)
    event: str | None = None
    date_label: str = ""

    @property
    def needs(self) -> tuple[str, ...]:
        """What recording it takes besides the day (none for respond, which has its own form and service)."""
        return self.change.needs() if self.change is not None else ()


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
            ClarificationSought,
            "clarification_sought",
            "the date clarification was asked for",
        ),
        CaseAction(
            "clarification-received",
            "Record the clarification",
            "the requester replied: a new 20 working days start from the day it was received (s.10(6)(b))",
            ClarificationReceived,
            "clarification_received",
            "the date the clarification was received",
        ),
        CaseAction(
            "fees-notice",
            "Give a fees notice",
            "ask for a fee (s.9): the clock is paused until it is paid (s.10(2))",
            FeesNotice,
            "fees_notice",
            "the date the fees notice was given",
        ),
        CaseAction(
            "fee-paid",
            "Record the fee as paid",
            "the clock runs again; the working days it was paused do not count",
            FeePaid,
            "fee_paid",
            "the date the fee was received",
        ),
        CaseAction(
            "extend",
            "Extend to consider the public interest",
            f"FOIA s.10(3): up to {MAX_EXTENSION_DAYS} more working days in all, for qualified exemptions, "
            "notified by the 20th working day",
            Extension,
            "extended",
            "the date the extension was notified",
        ),
        CaseAction(
            "request-review",
            "Record a request for internal review",
            "the requester asked for the response to be reviewed: due in 20 working days",
            ReviewRequest,
            "review_requested",
            "the date the internal review was asked for",
        ),
        CaseAction(
            "withdraw",
            "Record the request as withdrawn",
            "the requester withdrew it, or never answered a request for clarification",
            Withdrawal,
            "withdrawn",
            "the date the request was withdrawn",
        ),
    )
}


def apply_case_action(
    session: Session,
    *,
    reference: str,
    action: CaseChange,
    actor: str,
    organisation_id: str | None = None,
    today: date | None = None,
    extra_holidays: ExtraHolidays = (),
) -> CaseView:
    """Record ``action`` on the case ``reference`` with the one service for its kind, and return the case after it.

    With ``organisation_id`` (the web app and the API: the acting officer's organisation) only a case of that
    organisation is found; another organisation's case is answered as one that does not exist.

    Raises:
        NotFound: no such case (in ``organisation_id``, when given).
        Conflict: the case's state or clock does not allow the action now.
        InputError: a day in the future or before the case's latest action (``field="on"``), or another input
            that does not fit (its field named).
    """
    return action.record(
        session,
        case_reference=reference,
        actor=actor,
        organisation_id=organisation_id,
        today=today,
        extra_holidays=extra_holidays,
    )


def next_actions(view: CaseView) -> tuple[CaseAction, ...]:
    """The actions that may be recorded on the case now, in the order a person would consider them."""
    return tuple(CASE_ACTIONS[name] for name in view.next_action_names)
