"""Reports as the web app asks for them: a period given as text (or the latest year by default), and the public
transparency page — the monthly table and the register of data shares under publication disclosure control only,
for a calendar year or a period of months.

The public page never takes a disclosure-control mode from its caller: :func:`transparency_report`,
:func:`published_monthly_report` and :func:`published_shares_register` always apply :data:`PUBLIC_SDC` with
:data:`PUBLIC_PROFILE`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.errors import InputError, NotFound
from sharelog.ledger.models import Exchange
from sharelog.reports._period import months_between, parse_month, period_text
from sharelog.reports._report import MonthlyReport, build_monthly_report
from sharelog.reports._sdc import DEFAULT_PROFILE
from sharelog.reports._shares import AgreementTerms, SharesRegister, agreement_terms, build_shares_register
from sharelog.reports._versions import Parties, parties_of, recorded_versions

__all__ = [
    "PUBLIC_PROFILE",
    "PUBLIC_SDC",
    "TransparencyReport",
    "default_months",
    "exchange_years",
    "monthly_report_for",
    "public_months",
    "published_monthly_report",
    "published_shares_register",
    "shares_register_for",
    "transparency_report",
]

PUBLIC_SDC = "publish"
PUBLIC_PROFILE = DEFAULT_PROFILE
"""The only profile the public sees: :data:`DEFAULT_PROFILE`, the monthly-series rule (docs/reports.md says
why)."""


@dataclass(frozen=True)
class TransparencyReport:
    """What the public transparency page shows for one calendar year or a period of months.

    ``monthly`` and ``shares`` are None when the period holds no exchange (or none is recorded at all): the
    page says so in words rather than showing a table of zeros.
    """

    year: int | None
    """The calendar year shown, or None for a period of months chosen by its first and last month."""
    years: tuple[int, ...]
    """Every year with an exchange, newest first."""
    months: tuple[str, ...]
    """The months of the period shown (none when no exchange is recorded and none was asked for)."""
    monthly: MonthlyReport | None
    shares: SharesRegister | None
    agreements: tuple[AgreementTerms, ...]
    parties: Parties | None
    """The organisations named in the agreements in force in the period (in any recorded agreement when none
    was), or None when no agreement is recorded."""

    def period_text(self) -> str:
        """``January to December 2019``; empty when there is no period."""
        return period_text(self.months) if self.months else ""


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


def public_months(
    session: Session, *, year: int | None = None, first: str | None = None, last: str | None = None
) -> tuple[int | None, tuple[str, ...]]:
    """The period the public page shows: months ``first`` to ``last`` when both are given, else calendar
    ``year``, else the latest year with an exchange; as (the year or None, its months). A year's months run
    January to December, or to the last month with an exchange in the latest year.

    With no exchange recorded and no period asked for, the months are empty.

    Raises:
        InputError: a month not written YYYY-MM, only one of ``first`` and ``last``, a period that ends before
            it starts or spans over ten years, a year outside 1 to 9999.
    """
    if first or last:
        if not (first and last):
            missing = "from" if not first else "to"
            raise InputError("enter both the first and the last month, or neither", field=missing)
        return None, months_between(
            parse_month(first, field="from"), parse_month(last, field="to"), field="to"
        )
    if year is not None:
        if not 1 <= year <= 9999:
            raise InputError(f"{year} is not a year from 1 to 9999", field="year")
        return year, _year_months(session, year)
    years = exchange_years(session)
    return (years[0], _year_months(session, years[0])) if years else (None, ())


def _has_exchange(session: Session, months: Sequence[str]) -> bool:
    found = session.execute(select(Exchange.id).where(Exchange.month.in_(months)).limit(1)).first()
    return found is not None


def _published_months(
    session: Session, year: int | None, first: str | None, last: str | None
) -> tuple[str, ...]:
    _, months = public_months(session, year=year, first=first, last=last)
    if not months:
        raise NotFound("no exchange has been recorded yet, so there are no published figures")
    if not _has_exchange(session, months):
        raise NotFound(
            f"there are no published figures for {period_text(months)}: no exchange in that period"
        )
    return months


def published_monthly_report(
    session: Session,
    *,
    year: int | None = None,
    first: str | None = None,
    last: str | None = None,
    now: datetime | None = None,
) -> MonthlyReport:
    """The public monthly table of the period :func:`public_months` chooses, with publication disclosure
    control (:data:`PUBLIC_SDC`, :data:`PUBLIC_PROFILE`) and nothing else.

    Raises:
        InputError: as :func:`public_months`.
        NotFound: no exchange in the ledger, or none in the period.
    """
    months = _published_months(session, year, first, last)
    return build_monthly_report(session, months=months, sdc=PUBLIC_SDC, profile=PUBLIC_PROFILE, now=now)


def published_shares_register(
    session: Session,
    *,
    year: int | None = None,
    first: str | None = None,
    last: str | None = None,
    now: datetime | None = None,
) -> SharesRegister:
    """The public register of data shares of the period :func:`public_months` chooses, with publication
    disclosure control and nothing else.

    Raises:
        InputError: as :func:`public_months`.
        NotFound: no exchange in the ledger, or none in the period.
    """
    months = _published_months(session, year, first, last)
    return build_shares_register(session, months=months, sdc=PUBLIC_SDC, profile=PUBLIC_PROFILE, now=now)


def transparency_report(
    session: Session,
    *,
    year: int | None = None,
    first: str | None = None,
    last: str | None = None,
    now: datetime | None = None,
) -> TransparencyReport:
    """Everything the public transparency page shows for the period :func:`public_months` chooses: its monthly
    table and register of data shares, both under publication disclosure control, the terms of every recorded
    agreement version, and the parties by name.

    When the period holds no exchange (or none is recorded), the tables are None; the agreements are still
    listed.

    Raises:
        InputError: as :func:`public_months`.
    """
    versions = recorded_versions(session)
    agreements = tuple(agreement_terms(version) for version in versions)
    chosen, months = public_months(session, year=year, first=first, last=last)
    in_force = {v.label for v in versions for month in months if v.in_force_during(month)}
    parties = parties_of(versions, labels=sorted(in_force))
    years = exchange_years(session)
    if not months or not _has_exchange(session, months):
        return TransparencyReport(chosen, years, months, None, None, agreements, parties)
    monthly = build_monthly_report(session, months=months, sdc=PUBLIC_SDC, profile=PUBLIC_PROFILE, now=now)
    shares = build_shares_register(session, months=months, sdc=PUBLIC_SDC, profile=PUBLIC_PROFILE, now=now)
    return TransparencyReport(chosen, years, months, monthly, shares, agreements, parties)
