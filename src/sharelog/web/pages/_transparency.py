"""The public transparency page: the published monthly figures for a year or a period of months, their charts,
the published tables to download, and the register of data-sharing agreements — for anyone, signed in or not.

Nothing here takes a disclosure-control mode or profile from the request: the report services behind these routes
apply publication disclosure control under the default rule (the monthly series) and nothing else, whatever the
query string says. The downloads are the published tables exactly as ``sharelog report … --sdc publish`` writes
them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from sharelog.errors import InputError
from sharelog.reports import (
    CHART_TITLES,
    PROFILES,
    PUBLIC_PROFILE,
    TransparencyReport,
    chart_text,
    month_label,
    monthly_chart_png,
    monthly_sheets,
    published_monthly_report,
    published_shares_register,
    transparency_report,
    write_monthly_report,
    write_shares_register,
)
from sharelog.web._context import Ledger
from sharelog.web._templating import render
from sharelog.web.pages._reports import ChartName, file_download

router = APIRouter()

PublicTable = Literal["monthly", "shares"]
PublicFormat = Literal["xlsx", "csv"]

FILE_STEMS = {"monthly": "published-monthly-outcomes", "shares": "published-data-shares"}


@dataclass(frozen=True)
class PublicPeriod:
    """The period a visitor asked for: a calendar year, or a first and last month (blank text is no answer)."""

    year: int | None
    first: str | None
    last: str | None


def _public_period(
    year: Annotated[
        int | None, Query(description="A calendar year (default: the latest with an exchange).")
    ] = None,
    first: Annotated[str | None, Query(alias="from", description="The first month, YYYY-MM.")] = None,
    last: Annotated[str | None, Query(alias="to", description="The last month, YYYY-MM.")] = None,
) -> PublicPeriod:
    return PublicPeriod(year=year, first=(first or "").strip() or None, last=(last or "").strip() or None)


PublicPeriodParams = Annotated[PublicPeriod, Depends(_public_period)]


def _shown(report: TransparencyReport) -> str:
    """The query string that asks for the period shown again (for chart and download links)."""
    if report.year is not None:
        return urlencode({"year": report.year})
    return urlencode({"from": report.months[0], "to": report.months[-1]}) if report.months else ""


def _field_errors(error: InputError) -> dict[str, str]:
    message = error.message
    field = error.field if error.field in ("from", "to", "year") else "from"
    return {field: message[:1].upper() + message[1:]}


@router.get("/transparency", response_class=HTMLResponse)
def read_transparency(request: Request, session: Ledger, period: PublicPeriodParams) -> HTMLResponse:
    """The published figures (small numbers suppressed) of a year or a period, their charts and downloads, and
    the data-sharing agreements."""
    errors: dict[str, str] = {}
    report: TransparencyReport
    try:
        report = transparency_report(session, year=period.year, first=period.first, last=period.last)
    except InputError as error:
        errors = _field_errors(error)
        report = transparency_report(session)
    monthly = report.monthly
    return render(
        request,
        "transparency.html",
        status_code=400 if errors else 200,
        title="Transparency: published figures",
        errors=errors,
        report=report,
        period=period,
        query=_shown(report),
        sheet=monthly_sheets(monthly)[0] if monthly is not None else None,
        charts={name: chart_text(monthly, name) for name in CHART_TITLES} if monthly is not None else {},
        chart_titles=CHART_TITLES,
        month_label=month_label,
        profile=PROFILES[PUBLIC_PROFILE],
    )


@router.get("/transparency/chart/{chart}.png")
def read_transparency_chart(session: Ledger, chart: ChartName, period: PublicPeriodParams) -> Response:
    """One chart of the published monthly figures (PNG), drawn from the figures published."""
    report = published_monthly_report(session, year=period.year, first=period.first, last=period.last)
    return Response(monthly_chart_png(report, chart), media_type="image/png")


@router.get("/transparency/download")
def download_transparency(
    session: Ledger,
    period: PublicPeriodParams,
    table: Annotated[PublicTable, Query(description="monthly: the monthly outcomes; shares: data shares.")],
    file_format: Annotated[PublicFormat, Query(alias="format", description="xlsx or csv.")] = "xlsx",
) -> FileResponse:
    """A published table as a file: XLSX (with its Data and Notes sheets) or CSV, after disclosure control."""
    write: Callable[[Path], Path]
    if table == "monthly":
        monthly = published_monthly_report(session, year=period.year, first=period.first, last=period.last)
        months = monthly.table.months

        def write(path: Path) -> Path:
            return write_monthly_report(monthly, path, format=file_format)

    else:
        shares = published_shares_register(session, year=period.year, first=period.first, last=period.last)
        months = shares.months

        def write(path: Path) -> Path:
            return write_shares_register(shares, path, format=file_format)

    return file_download(f"{FILE_STEMS[table]}-{months[0]}-to-{months[-1]}.{file_format}", write)
