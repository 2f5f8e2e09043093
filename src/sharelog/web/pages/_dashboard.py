"""The dashboard: each role's tasks first (what is overdue, waiting or due next), then the organisation's exchange
at a glance."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.routing import Route

from sharelog.dashboard import RETENTION_NOTICE_DAYS, dashboard_figures
from sharelog.foi import extra_holidays_of
from sharelog.reports import month_label
from sharelog.retention import overdue_deletions
from sharelog.web._access import ACCESS, allowed
from sharelog.web._context import Ledger, context_of
from sharelog.web._security import CurrentUser
from sharelog.web._templating import render
from sharelog.web.pages._bar_chart import grouped_bar_chart
from sharelog.web.pages._exchanges import STATES

router = APIRouter()

# Each role's tasks, in the order its dashboard shows them: what that person comes to the service to do.
TASKS: dict[str, tuple[str, ...]] = {
    "requester_caseworker": ("overdue_outcomes",),
    "holder_reviewer": ("review_queue",),
    "holder_operator": ("next_batch", "review_queue"),
    "foi_officer": ("foi",),
    "auditor": ("oversight", "foi"),
    "admin": ("foi", "accounts"),
}

# The page where the holder's operator runs a month's batch; until the app has one, the exchanges list.
RUN_BATCH_PATH = "/exchanges/new"


def _may(route: str, role: str) -> bool:
    rule = ACCESS.get(route)
    return rule is not None and allowed(rule, role)


def _page_for(request: Request, path: str, role: str) -> str | None:
    """``path`` if the app has a page there that ``role`` may open, else None."""
    for route in request.app.routes:
        if isinstance(route, Route) and route.path == path and "GET" in (route.methods or ()):
            return path if _may(route.name, role) else None
    return None


@router.get("/dashboard", response_class=HTMLResponse)
def read_dashboard(request: Request, user: CurrentUser, session: Ledger) -> HTMLResponse:
    """Your tasks (overdue outcomes, review queue, FOI cases due, next batch, audit and retention), then the
    organisation's figures: monthly sent and returned, the result mix, outcomes unknown and overdue."""
    settings = context_of(request).settings
    tasks = TASKS.get(user.role, ())
    today = date.today()
    figures = dashboard_figures(
        session,
        organisation_id=user.organisation_id,
        today=today,
        with_review_queue="review_queue" in tasks,
        with_foi="foi" in tasks,
        with_overdue_outcomes="overdue_outcomes" in tasks,
        with_next_batch="next_batch" in tasks,
        with_oversight="oversight" in tasks,
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
        tasks=tasks,
        chart=chart,
        month_labels={m.month: month_label(m.month) for m in figures.months},
        month_label=month_label,
        states=STATES,
        notice_days=RETENTION_NOTICE_DAYS,
        organisation=user.organisation.name,
        today=today,
        can_review=_may("read_review_case", user.role),
        can_open_foi=_may("read_new_foi_case", user.role),
        run_batch=_page_for(request, RUN_BATCH_PATH, user.role),
        # return files kept past retention: a warning for everyone of the organisation (templates/_retention_warning)
        overdue_deletions=overdue_deletions(session, organisation_id=user.organisation_id, today=today),
    )
