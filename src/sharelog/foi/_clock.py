"""A case's clock, derived when read from the day of receipt and the case's events — never stored.

- The clock starts on the day of receipt (day zero) and the response is due on the 20th working day.
- Clarification sought (s.1(3)): no deadline runs until the reply; the reply's receipt starts a **new** 20 working
  days (s.10(6)(b)). Pauses and extensions before it belong to the old request and are dropped.
- A fees notice (s.9) pauses the clock: the working days from the day the notice is given to the day the fee is
  received are disregarded (s.10(2)). While the fee is unpaid there is no due date.
- A public-interest extension (s.10(3), FOIA only) adds working days to the due date, at most 20 in all (the ICO's
  view of "reasonable").
- Overdue from the day after the due date; long overdue from the day after the 40th working day (60th for a
  school), counted from the same start, as Alaveteli does.
- Internal review: due 20 working days after the request for it, long overdue after 40 (the ICO's maximum).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sharelog.foi._calendar import WorkingDayCalendar

__all__ = [
    "LONG_OVERDUE_DAYS",
    "MAX_EXTENSION_DAYS",
    "RESPONSE_DAYS",
    "REVIEW_DAYS",
    "REVIEW_LONG_OVERDUE_DAYS",
    "REVIEW_WINDOW_DAYS",
    "Clock",
    "ClockEvent",
    "Pause",
    "ReviewClock",
    "case_clock",
    "review_clock",
]

RESPONSE_DAYS = 20
LONG_OVERDUE_DAYS = {"central_government": 40, "other": 40, "school": 60}
MAX_EXTENSION_DAYS = 20
REVIEW_DAYS = 20
REVIEW_LONG_OVERDUE_DAYS = 40
REVIEW_WINDOW_DAYS = 40  # the requester asks for a review within 40 working days of the response


@dataclass(frozen=True)
class ClockEvent:
    """The part of a case event the clock reads."""

    kind: str
    on: date
    days: int | None = None


@dataclass(frozen=True)
class Pause:
    """Working days disregarded under s.10(2): from the fees notice to the payment, both days included."""

    start: date
    end: date | None  # None: not paid yet

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Clock:
    """Where a case's deadline stands: its start, pauses, extension and the dates they give."""

    start: date
    restarted: bool  # by a clarification
    waiting_clarification_since: date | None
    pauses: tuple[Pause, ...]
    extension_days: int
    statutory_due: date | None  # the 20th working day (pauses disregarded)
    due: date | None  # with any public-interest extension
    long_overdue_after: date | None  # the 40th (60th for a school) working day

    @property
    def paused_since(self) -> date | None:
        """The day an unpaid fees notice was given, or None."""
        open_pauses = [p.start for p in self.pauses if p.end is None]
        return open_pauses[-1] if open_pauses else None

    @property
    def running(self) -> bool:
        """Whether a deadline runs: not waiting for clarification nor for a fee."""
        return self.waiting_clarification_since is None and self.paused_since is None

    def lateness(self, on: date) -> str | None:
        """``overdue`` from the day after the due date, ``long_overdue`` after the long-overdue day, else None."""
        if self.long_overdue_after is not None and on > self.long_overdue_after:
            return "long_overdue"
        if self.due is not None and on > self.due:
            return "overdue"
        return None


def _nth_counted_day(
    calendar: WorkingDayCalendar, start: date, n: int, pauses: Sequence[Pause]
) -> date | None:
    """The ``n``-th working day after ``start`` outside every pause; None if an unpaid pause comes first."""
    for counted, day in enumerate(
        calendar.working_days(start, skip=lambda d: any(p.covers(d) for p in pauses if p.end is not None)),
        start=1,
    ):
        if any(p.end is None and day >= p.start for p in pauses):
            return None
        if counted == n:
            return day
    raise AssertionError("unreachable: working days never run out")


def case_clock(
    calendar: WorkingDayCalendar,
    *,
    received_on: date,
    authority_type: str,
    events: Sequence[ClockEvent],
) -> Clock:
    """The clock of a case received on ``received_on`` after ``events`` (in the order they happened)."""
    start, restarted = received_on, False
    waiting: date | None = None
    pauses: list[Pause] = []
    extension = 0
    for event in events:
        if event.kind == "clarification_sought":
            waiting = event.on
        elif event.kind == "clarification_received":
            start, restarted, waiting, pauses, extension = event.on, True, None, [], 0
        elif event.kind == "fees_notice":
            pauses.append(Pause(event.on, None))
        elif event.kind == "fee_paid" and pauses and pauses[-1].end is None:
            pauses[-1] = Pause(pauses[-1].start, event.on)
        elif event.kind == "extended":
            extension += event.days or 0
    if waiting is not None:
        return Clock(start, restarted, waiting, tuple(pauses), extension, None, None, None)
    statutory = _nth_counted_day(calendar, start, RESPONSE_DAYS, pauses)
    due = _nth_counted_day(calendar, start, RESPONSE_DAYS + extension, pauses)
    long_overdue = _nth_counted_day(calendar, start, LONG_OVERDUE_DAYS[authority_type], pauses)
    return Clock(start, restarted, None, tuple(pauses), extension, statutory, due, long_overdue)


@dataclass(frozen=True)
class ReviewClock:
    """An internal review's deadlines: due 20 working days after the request, long overdue after 40."""

    requested_on: date
    due: date
    long_overdue_after: date

    def lateness(self, on: date) -> str | None:
        if on > self.long_overdue_after:
            return "long_overdue"
        if on > self.due:
            return "overdue"
        return None


def review_clock(calendar: WorkingDayCalendar, *, requested_on: date) -> ReviewClock:
    """The deadlines of an internal review requested on ``requested_on``."""
    return ReviewClock(
        requested_on,
        calendar.working_days_after(requested_on, REVIEW_DAYS),
        calendar.working_days_after(requested_on, REVIEW_LONG_OVERDUE_DAYS),
    )
