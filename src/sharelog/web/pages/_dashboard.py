"""The dashboard: the exchange at a glance for everyone inside the two organisations."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sharelog.web._security import CurrentUser
from sharelog.web._templating import render

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse)
def read_dashboard(request: Request, user: CurrentUser) -> HTMLResponse:
    """Monthly sent and returned, the result mix, outcomes unknown and overdue, the review queue, FOI cases due."""
    return render(request, "dashboard.html", title="Dashboard")
