"""Reports: the monthly outcomes table for a chosen period and disclosure-control mode — previewed on the page,
downloaded as XLSX, CSV or JSON, and drawn as charts. Exact (internal) figures are for people inside the two
organisations only; the public sees the transparency page."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask

from sharelog.errors import InputError
from sharelog.reports import (
    CHART_TITLES,
    MonthlyReport,
    monthly_chart_png,
    monthly_sheets,
    record_report_generated,
    write_monthly_report,
)
from sharelog.web._context import Ledger
from sharelog.web._report_query import ReportParams
from sharelog.web._security import CurrentUser
from sharelog.web._templating import render

router = APIRouter()

ChartName = Literal["sent_returned", "result_mix", "outcome_unknown", "onward_sharing", "interventions"]
DownloadFormat = Literal["xlsx", "csv", "json"]

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
CHARTS = CHART_TITLES


def file_download(name: str, write: Callable[[Path], Path]) -> FileResponse:
    """A file made for one response: ``write`` makes it as ``name`` in a private temporary folder, which is
    removed once the response is sent (or at once, if ``write`` fails)."""
    folder = Path(tempfile.mkdtemp(prefix="sharelog-download-"))
    try:
        path = write(folder / name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[path.suffix.lstrip(".")],
        filename=path.name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def report_query(report: MonthlyReport, sdc: str, profile: str) -> str:
    """The query string that asks for ``report`` again (for download and chart links)."""
    months = report.table.months
    return urlencode({"from": months[0], "to": months[-1], "sdc": sdc, "profile": profile})


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _period_errors(first: str | None, last: str | None) -> dict[str, str]:
    """A period needs both months or neither (neither: the latest year)."""
    if _blank(first) and not _blank(last):
        return {"from": "Enter the first month, for example 2019-01"}
    if _blank(last) and not _blank(first):
        return {"to": "Enter the last month, for example 2019-12"}
    return {}


_INPUTS = {"from": "from", "to": "to"}
"""The report services' fields and the ids of the inputs that give them."""


def _field_errors(error: InputError) -> dict[str, str]:
    """The report service's error about a month, against the input of the field it names (else the first)."""
    message = error.message
    return {_INPUTS.get(error.field or "", "from"): message[:1].upper() + message[1:]}


@router.get("/reports", response_class=HTMLResponse)
def read_reports(
    request: Request,
    session: Ledger,
    user: CurrentUser,
    query: ReportParams,
) -> HTMLResponse:
    """Choose a period and a disclosure-control mode, preview the monthly table, download it or its charts."""
    errors = _period_errors(query.first, query.last)
    report = None
    if not errors:
        try:
            report = query.monthly(session)
        except InputError as error:
            errors = _field_errors(error)
    return render(
        request,
        "reports.html",
        status_code=400 if errors else 200,
        title="Reports",
        errors=errors,
        report=report,
        sheet=monthly_sheets(report)[0] if report is not None else None,
        query=report_query(report, query.sdc, query.profile) if report is not None else "",
        first=(query.first or "").strip() or (report.table.months[0] if report else ""),
        last=(query.last or "").strip() or (report.table.months[-1] if report else ""),
        sdc=query.sdc,
        profile=query.profile,
        charts=CHARTS,
    )


@router.get("/reports/download")
def download_report(
    session: Ledger,
    user: CurrentUser,
    query: ReportParams,
    file_format: Annotated[DownloadFormat, Query(alias="format", description="xlsx, csv or json.")] = "xlsx",
) -> FileResponse:
    """The monthly report as a file: XLSX (Monthly, Data and Notes sheets), CSV (the Monthly sheet) or JSON."""
    report = query.monthly(session)
    months = report.table.months
    stem = f"monthly-outcomes-{months[0]}-to-{months[-1]}" + ("-INTERNAL" if query.sdc == "internal" else "")

    def write(path: Path) -> Path:
        written = write_monthly_report(report, path, format=file_format)
        record_report_generated(session, report, files=[written], actor=user.username, via="web")
        return written

    return file_download(f"{stem}.{file_format}", write)


@router.get("/reports/chart/{chart}.png")
def read_report_chart(
    session: Ledger,
    user: CurrentUser,
    chart: ChartName,
    query: ReportParams,
) -> Response:
    """One chart of the monthly report (PNG), drawn from the figures the report shows."""
    return Response(monthly_chart_png(query.monthly(session), chart), media_type="image/png")
