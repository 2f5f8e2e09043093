"""The dashboard: one organisation's exchange at a glance, combining the reports' counts, the FOI cases due and
the review queue (so it sits above ``reports``, ``foi`` and the exchange, not inside any of them).

    figures = dashboard_figures(session, organisation_id="dfe", today=date.today(), with_review_queue=True)

See docs/web.md.
"""

from sharelog.dashboard._figures import (
    DASHBOARD_MONTHS,
    DashboardFigures,
    FoiDue,
    MonthFigures,
    ResultCount,
    dashboard_figures,
)

__all__ = [
    "DASHBOARD_MONTHS",
    "DashboardFigures",
    "FoiDue",
    "MonthFigures",
    "ResultCount",
    "dashboard_figures",
]
