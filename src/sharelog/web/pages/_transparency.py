"""The public transparency page: the published monthly figures, their charts and the register of data-sharing
agreements, for anyone, signed in or not.

Nothing here takes a disclosure-control mode from the request: the report services behind these routes apply
publication disclosure control (ONS 10-5) and nothing else, whatever the query string says.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sharelog.reports import (
    month_label,
    monthly_chart_png,
    monthly_sheets,
    published_monthly_report,
    transparency_report,
)
from sharelog.web._context import Ledger
from sharelog.web._templating import render
from sharelog.web.pages._reports import CHARTS, ChartName

router = APIRouter()


@router.get("/transparency", response_class=HTMLResponse)
def read_transparency(request: Request, session: Ledger, year: int | None = None) -> HTMLResponse:
    """The published monthly figures (small numbers suppressed), their charts and the data-sharing agreements."""
    report = transparency_report(session, year=year)
    return render(
        request,
        "transparency.html",
        title="Transparency: published figures",
        report=report,
        sheet=monthly_sheets(report.monthly)[0] if report.monthly is not None else None,
        charts=CHARTS,
        month_label=month_label,
    )


@router.get("/transparency/chart/{chart}.png")
def read_transparency_chart(session: Ledger, chart: ChartName, year: int | None = None) -> Response:
    """One chart of the published monthly figures (PNG), drawn from the figures published."""
    report = published_monthly_report(session, year=year)
    return Response(monthly_chart_png(report, chart), media_type="image/png")
