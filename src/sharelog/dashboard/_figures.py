"""The dashboard's figures for one organisation: sent and returned month by month, the result mix, outcomes
unknown and overdue — and, asked for by role, the tasks of :mod:`sharelog.dashboard._tasks`.

Exact counts, for people inside the two organisations (no disclosure control: nothing here is published). They
are counted the way the monthly report counts them (:func:`sharelog.reports.latest_results`): a rerun's records
were received once, each returned record counts once by its latest current result, and no result means *outcome
unknown* — overdue once the agreement's outcome-reporting window has passed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sharelog.dashboard._tasks import (
    AuditOversight,
    ExtraHolidays,
    FoiDue,
    NextBatch,
    OverdueOutcomes,
    ReviewQueue,
    audit_oversight,
    foi_due,
    next_batch,
    overdue_outcomes,
    review_queue_of,
)
from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange
from sharelog.outcomes import OUTCOME_CODES, due_on
from sharelog.reports import MONTHLY_LABELS, latest_results, month_range

__all__ = ["DASHBOARD_MONTHS", "DashboardFigures", "MonthFigures", "ResultCount", "dashboard_figures"]

DASHBOARD_MONTHS = 12  # the chart shows at most the last year with exchanges
UNKNOWN = "outcome_unknown"
RESULTS = OUTCOME_CODES["result"]


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
class DashboardFigures:
    """Everything the dashboard shows, for one organisation on one day.

    Each task (``review_queue``, ``foi``, ``overdue_outcomes``, ``next_batch``, ``oversight``) is None when not
    asked for: the reader's role does not see it.
    """

    organisation_id: str
    today: date
    exchanges: int
    months: tuple[MonthFigures, ...]
    results: tuple[ResultCount, ...]
    returned: int
    outcome_unknown: int
    overdue: int
    review_queue: ReviewQueue | None = None
    foi: FoiDue | None = None
    overdue_outcomes: OverdueOutcomes | None = None
    next_batch: NextBatch | None = None
    oversight: AuditOversight | None = None

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


def dashboard_figures(
    session: Session,
    *,
    organisation_id: str,
    today: date,
    with_review_queue: bool = False,
    with_foi: bool = False,
    with_overdue_outcomes: bool = False,
    with_next_batch: bool = False,
    with_oversight: bool = False,
    extra_holidays: ExtraHolidays = (),
) -> DashboardFigures:
    """Count the dashboard for the exchanges under agreements the organisation is party to.

    Args:
        organisation_id: The reader's organisation (holder or requester of the agreements counted).
        today: The day outcomes are judged overdue on, and FOI deadlines measured from.
        with_review_queue: Count the undecided review items of exchanges the organisation holds the register for.
        with_foi: Count the organisation's FOI cases awaiting a response: due this week (to Sunday) and overdue,
            and the few due soonest.
        with_overdue_outcomes: The overdue outcomes of records returned to the organisation (as requester).
        with_next_batch: The latest exchange the organisation holds the register for, and the month after it.
        with_oversight: Check the audit chain; count the organisation's return files by retention date.
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
        review_queue=review_queue_of(session, organisation_id=organisation_id) if with_review_queue else None,
        foi=(
            foi_due(session, organisation_id=organisation_id, today=today, extra_holidays=extra_holidays)
            if with_foi
            else None
        ),
        overdue_outcomes=(
            overdue_outcomes(session, organisation_id=organisation_id, today=today)
            if with_overdue_outcomes
            else None
        ),
        next_batch=next_batch(exchanges, organisation_id=organisation_id) if with_next_batch else None,
        oversight=audit_oversight(session, organisation_id=organisation_id, today=today)
        if with_oversight
        else None,
    )
