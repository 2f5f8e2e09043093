"""The dashboard: the exchange at a glance for everyone inside the two organisations."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sharelog.dashboard import dashboard_figures
from sharelog.foi import extra_holidays_of
from sharelog.reports import month_label
from sharelog.retention import overdue_deletions
from sharelog.web._access import ACCESS, allowed
from sharelog.web._context import Ledger, context_of
from sharelog.web._security import CurrentUser
from sharelog.web._templating import render
from sharelog.web.pages._bar_chart import grouped_bar_chart

router = APIRouter()

# Who sees which extra figure: the review queue is the holder's business, FOI deadlines the FOI officer's and
# those who oversee them.
REVIEW_QUEUE_ROLES = frozenset({"holder_operator", "holder_reviewer"})
FOI_ROLES = frozenset({"foi_officer", "auditor", "admin"})


def _may(route: str, role: str) -> bool:
    rule = ACCESS.get(route)
    return rule is not None and allowed(rule, role)


@router.get("/dashboard", response_class=HTMLResponse)
def read_dashboard(request: Request, user: CurrentUser, session: Ledger) -> HTMLResponse:
    """Monthly sent and returned, the result mix, outcomes unknown and overdue, the review queue, FOI cases due."""
    settings = context_of(request).settings
    today = date.today()
    figures = dashboard_figures(
        session,
        organisation_id=user.organisation_id,
        today=today,
        with_review_queue=user.role in REVIEW_QUEUE_ROLES,
        with_foi=user.role in FOI_ROLES,
        extra_holidays=extra_holidays_of(settings),
    )
    chart = grouped_bar_chart(
        [f"{month_label(m.month)[:3]} {m.month[:4]}" for m in figures.months],
        [("Sent", [m.sent for m in figures.months]), ("Returned", [m.returned for m in figures.months])],
    )
    return render(
        request,
        "dashboard.html",
        title="Dashboard",
        figures=figures,
        chart=chart,
        month_labels={m.month: month_label(m.month) for m in figures.months},
        organisation=user.organisation.name,
        can_review=_may("read_review_queue", user.role),
        can_see_foi=_may("read_foi_cases", user.role),
        # return files kept past retention: a warning for everyone of the organisation (templates/_retention_warning)
        overdue_deletions=overdue_deletions(session, organisation_id=user.organisation_id, today=today),
    )
