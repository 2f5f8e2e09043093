"""Reports as the web app asks for them: a period given as text (or the latest year by default), and the public
transparency page — the monthly table and the register of data shares under publication disclosure control only.

The public page never takes a disclosure-control mode from its caller: :func:`transparency_report` and
:func:`published_monthly_report` always apply :data:`PUBLIC_SDC` with :data:`PUBLIC_PROFILE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.errors import NotFound
from sharelog.ledger.models import Exchange
from sharelog.reports._period import months_between, parse_month
from sharelog.reports._report import MonthlyReport, build_monthly_report
from sharelog.reports._sdc import DEFAULT_PROFILE
from sharelog.reports._shares import AgreementTerms, SharesRegister, agreement_terms, build_shares_register
from sharelog.reports._versions import recorded_versions

__all__ = [
    "PUBLIC_PROFILE",
    "PUBLIC_SDC",
    "TransparencyReport",
    "default_months",
    "exchange_years",
    "monthly_report_for",
    "published_monthly_report",
    "shares_register_for",
    "transparency_report",
]

PUBLIC_SDC = "publish"
PUBLIC_PROFILE = DEFAULT_PROFILE
"""The only profile the public sees: :data:`DEFAULT_PROFILE` (ONS 10-5 today; docs/reports.md says why `series`
fits the FOI's monthly series better)."""


@dataclass(frozen=True)
class TransparencyReport:
    """What the public transparency page shows for one calendar year (nothing when no exchange is recorded)."""

    year: int | None
    years: tuple[int, ...]
    """Every year with an exchange, newest first."""
    monthly: MonthlyReport | None
    shares: SharesRegister | None
    agreements: tuple[AgreementTerms, ...]


def exchange_years(session: Session) -> tuple[int, ...]:
    """The calendar years in which an exchange was recorded, newest first."""
    months = session.execute(select(Exchange.month).distinct()).scalars().all()
    return tuple(sorted({int(month[:4]) for month in months}, reverse=True))


def _year_months(session: Session, year: int) -> tuple[str, ...]:
    """January of ``year`` to December, or to the last month with an exchange when that is the latest year."""
    last = (
        session.execute(
            select(Exchange.month).where(Exchange.month.like(f"{year:04d}-%")).order_by(Exchange.month.desc())
        )
        .scalars()
        .first()
    )
    latest = max(exchange_years(session), default=year)
    final = last if year == latest and last is not None else f"{year:04d}-12"
    return months_between(f"{year:04d}-01", final)


def default_months(session: Session, *, today: date | None = None) -> tuple[str, ...]:
    """The period a report shows unless told otherwise: the latest year with an exchange, January to its last
    exchange month; with no exchange at all, this year up to this month."""
    years = exchange_years(session)
    if years:
        return _year_months(session, years[0])
    day = today or datetime.now(UTC).date()
    return months_between(f"{day.year:04d}-01", f"{day:%Y-%m}")


def monthly_report_for(
    session: Session,
    *,
    first: str | None = None,
    last: str | None = None,
    sdc: str = "publish",
    profile: str = DEFAULT_PROFILE,
    now: datetime | None = None,
) -> MonthlyReport:
    """The monthly report from month ``first`` to month ``last`` (``YYYY-MM``), or :func:`default_months`
    when either is missing.

    Raises:
        InputError: a month not written YYYY-MM, a period that ends before it starts or spans over ten years,
            an unknown mode or profile.
    """
    months = _months_for(session, first, last, now)
    return build_monthly_report(session, months=months, sdc=sdc, profile=profile, now=now)


def _months_for(
    session: Session, first: str | None, last: str | None, now: datetime | None
) -> tuple[str, ...]:
    if first and last:
        return months_between(parse_month(first, field="from"), parse_month(last, field="to"), field="to")
    return default_months(session, today=now.date() if now else None)


def shares_register_for(
    session: Session,
    *,
    first: str | None = None,
    last: str | None = None,
    sdc: str = "publish",
    profile: str = DEFAULT_PROFILE,
    now: datetime | None = None,
) -> SharesRegister:
    """The register of data shares from month ``first`` to month ``last`` (``YYYY-MM``), or
    :func:`default_months` when either is missing.

    Raises:
        InputError: as :func:`monthly_report_for`.
    """
    months = _months_for(session, first, last, now)
    return build_shares_register(session, months=months, sdc=sdc, profile=profile, now=now)


def _public_months(session: Session, year: int | None) -> tuple[int, tuple[str, ...]]:
    years = exchange_years(session)
    if not years:
        raise NotFound("no exchange has been recorded yet, so there are no published figures")
    chosen = years[0] if year is None else year
    if chosen not in years:
        raise NotFound(f"there are no published figures for {chosen}")
    return chosen, _year_months(session, chosen)


def published_monthly_report(
    session: Session, *, year: int | None = None, now: datetime | None = None
) -> MonthlyReport:
    """The public monthly table of one calendar year (default: the latest), with publication disclosure control.

    Raises:
        NotFound: no exchange in the ledger, or none in ``year``.
    """
    _, months = _public_months(session, year)
    return build_monthly_report(session, months=months, sdc=PUBLIC_SDC, profile=PUBLIC_PROFILE, now=now)


def transparency_report(
    session: Session, *, year: int | None = None, now: datetime | None = None
) -> TransparencyReport:
    """Everything the public transparency page shows: the year's monthly table and register of data shares, both
    under publication disclosure control, and the terms of every recorded agreement version.

    With no exchange in the ledger the tables are None (the agreements are still listed).

    Raises:
        NotFound: ``year`` has no exchange.
    """
    agreements = tuple(agreement_terms(version) for version in recorded_versions(session))
    years = exchange_years(session)
    if not years and year is None:
        return TransparencyReport(None, (), None, None, agreements)
    chosen, months = _public_months(session, year)
    monthly = build_monthly_report(session, months=months, sdc=PUBLIC_SDC, profile=PUBLIC_PROFILE, now=now)
    shares = build_shares_register(session, months=months, sdc=PUBLIC_SDC, profile=PUBLIC_PROFILE, now=now)
    return TransparencyReport(chosen, years, monthly, shares, agreements)
