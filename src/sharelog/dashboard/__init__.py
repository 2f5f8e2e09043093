"""The dashboard: one organisation's exchange at a glance, combining the reports' counts with each role's tasks —
the overdue outcomes, the review queue, the FOI cases due, the next batch, the audit chain and retention (so it
sits above ``reports``, ``foi``, ``outcomes`` and the exchange, not inside any of them).

    figures = dashboard_figures(session, organisation_id="dfe", today=date.today(), with_review_queue=True)

See docs/web.md.
"""

from sharelog.dashboard._figures import (
    DASHBOARD_MONTHS,
    DashboardFigures,
    MonthFigures,
    ResultCount,
    dashboard_figures,
)
from sharelog.dashboard._tasks import (
    OLDEST_SHOWN,
    RETENTION_NOTICE_DAYS,
    AuditOversight,
    FoiCaseDue,
    FoiDue,
    NextBatch,
    OverdueOutcomes,
    ReviewQueue,
)

__all__ = [
    "DASHBOARD_MONTHS",
    "OLDEST_SHOWN",
    "RETENTION_NOTICE_DAYS",
    "AuditOversight",
    "DashboardFigures",
    "FoiCaseDue",
    "FoiDue",
    "MonthFigures",
    "NextBatch",
    "OverdueOutcomes",
    "ResultCount",
    "ReviewQueue",
    "dashboard_figures",
]
