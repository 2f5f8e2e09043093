"""A year's FOI statistics, like the authority statistics on WhatDoTheyKnow and the government's quarterly FOI
release: the cases **received** in the year (a cohort, so late answers count against the year they were due
in), how many were answered and how many in time, the outcomes, the exemptions cited, internal reviews.

Definitions:
- *answered*: the case has a first response (a withdrawn case is not answered).
- *in time*: the first response came by the due date, with any public-interest extension; *within 20 working
  days*: by the 20th working day, extensions ignored (both after any clarification restarted the clock, with
  fee pauses disregarded).
- *outcomes*: each answered case once, by its first response's outcome; *after review* by its latest response.
- *exemptions*: cases citing each exemption in any response (a case counts once per exemption).
- *overdue now* / *long overdue now*: cases still awaiting a response on the day the statistics are made.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sharelog.foi._calendar import WorkingDayCalendar
from sharelog.foi._responses import OUTCOMES
from sharelog.foi._views import CaseView, ExtraHolidays, list_cases

__all__ = ["FoiStats", "foi_stats"]


@dataclass(frozen=True)
class FoiStats:
    """The statistics of the cases received in one year, as on ``today``."""

    year: int
    today: date
    received: int
    answered: int
    answered_in_time: int
    answered_within_20: int
    extended: int
    clarification_sought: int
    withdrawn: int
    awaiting: int  # still awaiting a response (or clarification)
    overdue_now: int
    long_overdue_now: int
    outcomes: dict[str, int]
    outcomes_after_review: dict[str, int]
    reviews_requested: int
    reviews_answered: int
    reviews_changed: int  # the review's outcome differs from the first response's
    exemptions: dict[str, int]
    median_working_days: float | None  # receipt (or clarification) to first response

    @property
    def answered_late(self) -> int:
        return self.answered - self.answered_in_time

    @property
    def in_time_share(self) -> float | None:
        return self.answered_in_time / self.answered if self.answered else None


def _working_days_taken(case: CaseView, extra_holidays: ExtraHolidays) -> int | None:
    first = case.first_response
    if first is None:
        return None
    calendar = WorkingDayCalendar.of(case.regime, extra_holidays)
    return calendar.working_days_between(case.clock.start, first.responded_on)


def foi_stats(
    session: Session,
    *,
    year: int,
    today: date,
    organisation_id: str | None = None,
    extra_holidays: ExtraHolidays = (),
) -> FoiStats:
    """The statistics of the cases ``organisation_id`` (None: every organisation) received in ``year``, as they
    stand on ``today``."""
    cases = list_cases(
        session, today=today, organisation_id=organisation_id, received_in=year, extra_holidays=extra_holidays
    )
    answered = [c for c in cases if c.first_response is not None]
    first_outcomes = Counter(c.first_response.outcome for c in answered if c.first_response)
    final_outcomes = Counter(c.responses[-1].outcome for c in answered)
    exemptions: Counter[str] = Counter()
    for case in cases:
        exemptions.update({e.citation for r in case.responses for e in r.exemptions})
    reviews = [c for c in cases if c.review is not None]
    reviewed = [c for c in reviews if c.review_response is not None]
    taken = [t for t in (_working_days_taken(c, extra_holidays) for c in answered) if t is not None]
    return FoiStats(
        year=year,
        today=today,
        received=len(cases),
        answered=len(answered),
        answered_in_time=sum(1 for c in answered if c.answered_in_time),
        answered_within_20=sum(
            1
            for c in answered
            if c.first_response
            and (c.clock.statutory_due is None or c.first_response.responded_on <= c.clock.statutory_due)
        ),
        extended=sum(1 for c in cases if c.clock.extension_days),
        clarification_sought=sum(1 for c in cases if any(e.kind == "clarification_sought" for e in c.events)),
        withdrawn=sum(1 for c in cases if c.state == "user_withdrawn"),
        awaiting=sum(1 for c in cases if c.state in ("waiting_response", "waiting_clarification")),
        overdue_now=sum(1 for c in cases if c.state == "waiting_response" and c.lateness is not None),
        long_overdue_now=sum(
            1 for c in cases if c.state == "waiting_response" and c.lateness == "long_overdue"
        ),
        outcomes={o: first_outcomes[o] for o in OUTCOMES if first_outcomes[o]},
        outcomes_after_review={o: final_outcomes[o] for o in OUTCOMES if final_outcomes[o]},
        reviews_requested=len(reviews),
        reviews_answered=len(reviewed),
        reviews_changed=sum(
            1
            for c in reviewed
            if c.review_response
            and c.first_response
            and c.review_response.outcome != c.first_response.outcome
        ),
        exemptions=dict(sorted(exemptions.items(), key=lambda item: (-item[1], item[0]))),
        median_working_days=statistics.median(taken) if taken else None,
    )
