"""The dashboard's figures for one organisation: sent and returned month by month, the result mix, outcomes
unknown and overdue, the review queue and the FOI cases due this week.

Exact counts, for people inside the two organisations (no disclosure control: nothing here is published). They
are counted the way the monthly report counts them (:func:`sharelog.reports.latest_results`): a rerun's records
were received once, each returned record counts once by its latest current result, and no result means *outcome
unknown* — overdue once the agreement's outcome-reporting window has passed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sharelog.foi import ProclaimedDay, cases_due
from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange, ReviewItem
from sharelog.outcomes import OUTCOME_CODES, due_on
from sharelog.reports import MONTHLY_LABELS, latest_results, month_range

__all__ = [
    "DASHBOARD_MONTHS",
    "DashboardFigures",
    "FoiDue",
    "MonthFigures",
    "ResultCount",
    "dashboard_figures",
]

DASHBOARD_MONTHS = 12  # the chart shows at most the last year with exchanges
UNKNOWN = "outcome_unknown"
RESULTS = OUTCOME_CODES["result"]

ExtraHolidays = Iterable[date | ProclaimedDay]  # as sharelog.foi takes them


@dataclass(frozen=True)
class MonthFigures:
    """One month of the chart: records the requester sent and records returned to it."""

    month: str
    sent: int
    returned: int


@dataclass(frozen=True)
class ResultCount:
    """How many returned records have this latest result (or none: outcome unknown)."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class FoiDue:
    """FOI cases awaiting a response (or an internal review): due by the end of this week, and overdue."""

    week_ends: date
    due_this_week: int
    overdue: int
    waiting: int


@dataclass(frozen=True)
class DashboardFigures:
    """Everything the dashboard shows, for one organisation on one day.

    ``review_queue`` and ``foi`` are None when not asked for (the reader's role does not see them).
    """

    organisation_id: str
    today: date
    exchanges: int
    months: tuple[MonthFigures, ...]
    results: tuple[ResultCount, ...]
    returned: int
    outcome_unknown: int
    overdue: int
    review_queue: int | None = None
    foi: FoiDue | None = None

    @property
    def empty(self) -> bool:
        """No exchange yet under any agreement the organisation is party to."""
        return self.exchanges == 0

    @property
    def unknown_share(self) -> float | None:
        """Per cent of the returned records whose outcome is unknown (None when nothing was returned)."""
        return 100.0 * self.outcome_unknown / self.returned if self.returned else None

    @property
    def overdue_share(self) -> float | None:
        """Per cent of the returned records whose outcome is unknown and overdue (None when nothing returned)."""
        return 100.0 * self.overdue / self.returned if self.returned else None

    @property
    def largest_month(self) -> int:
        """The largest monthly figure, which the chart scales to (at least 1)."""
        return max((max(m.sent, m.returned) for m in self.months), default=0) or 1


def _chart_months(months: Iterable[str]) -> tuple[str, ...]:
    """The last :data:`DASHBOARD_MONTHS` months up to the latest with an exchange, none before the first."""
    present = sorted(set(months))
    if not present:
        return ()
    last = present[-1]
    year, number = int(last[:4]), int(last[5:])
    index = year * 12 + number - 1 - (DASHBOARD_MONTHS - 1)
    start = max(present[0], f"{index // 12:04d}-{index % 12 + 1:02d}")
    return month_range(start, last)


def _review_queue(session: Session, organisation_id: str) -> int:
    count = session.execute(
        select(func.count(ReviewItem.id))
        .join(Exchange, Exchange.id == ReviewItem.exchange_id)
        .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
        .where(ReviewItem.decision.is_(None), AgreementVersion.holder_id == organisation_id)
    ).scalar_one()
    return int(count)


def _foi_due(session: Session, *, organisation_id: str, today: date, extra_holidays: ExtraHolidays) -> FoiDue:
    cases = cases_due(session, today=today, organisation_id=organisation_id, extra_holidays=extra_holidays)
    week_ends = today + timedelta(days=6 - today.weekday())
    return FoiDue(
        week_ends=week_ends,
        due_this_week=sum(1 for c in cases if c.due_on is not None and today <= c.due_on <= week_ends),
        overdue=sum(1 for c in cases if c.lateness is not None),
        waiting=len(cases),
    )


def dashboard_figures(
    session: Session,
    *,
    organisation_id: str,
    today: date,
    with_review_queue: bool = False,
    with_foi: bool = False,
    extra_holidays: ExtraHolidays = (),
) -> DashboardFigures:
    """Count the dashboard for the exchanges under agreements the organisation is party to.

    Args:
        organisation_id: The reader's organisation (holder or requester of the agreements counted).
        today: The day outcomes are judged overdue on, and FOI deadlines measured from.
        with_review_queue: Count the undecided review items of exchanges the organisation holds the register for.
        with_foi: Count the organisation's FOI cases awaiting a response: due this week (to Sunday) and overdue.
        extra_holidays: Bank holidays proclaimed after this release, for FOI deadlines (see the settings).
    """
    exchanges = (
        session.execute(
            select(Exchange)
            .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
            .where(
                or_(
                    AgreementVersion.holder_id == organisation_id,
                    AgreementVersion.requester_id == organisation_id,
                )
            )
        )
        .scalars()
        .all()
    )
    month_of = {exchange.id: exchange.month for exchange in exchanges}
    sent: Counter[str] = Counter()
    for exchange in exchanges:
        if exchange.rerun_of_id is None:  # a rerun sends the same records again: they were received once
            sent[exchange.month] += exchange.n_received
    disclosures = (
        session.execute(select(Disclosure).where(Disclosure.exchange_id.in_(list(month_of)))).scalars().all()
    )
    latest = latest_results(session, [d.id for d in disclosures])
    returned: Counter[str] = Counter()
    results: Counter[str] = Counter()
    overdue = 0
    for disclosure in disclosures:
        returned[month_of[disclosure.exchange_id]] += 1
        result = latest[disclosure.id]
        results[result.code if result is not None else UNKNOWN] += 1
        if result is None and due_on(disclosure) < today:
            overdue += 1
    return DashboardFigures(
        organisation_id=organisation_id,
        today=today,
        exchanges=len(month_of),
        months=tuple(MonthFigures(m, sent[m], returned[m]) for m in _chart_months(month_of.values())),
        results=tuple(ResultCount(code, MONTHLY_LABELS[code], results[code]) for code in (*RESULTS, UNKNOWN)),
        returned=len(disclosures),
        outcome_unknown=results[UNKNOWN],
        overdue=overdue,
        review_queue=_review_queue(session, organisation_id) if with_review_queue else None,
        foi=(
            _foi_due(session, organisation_id=organisation_id, today=today, extra_holidays=extra_holidays)
            if with_foi
            else None
        ),
    )
