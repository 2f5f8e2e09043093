"""How long something has been late, in words a person reads at a glance: "7 years 8 months", not "2798 days"."""

from __future__ import annotations

from datetime import UTC, date, datetime

__all__ = ["time_between", "time_since"]


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _months_between(start: date, end: date) -> tuple[int, int]:
    """Whole calendar months from ``start`` to ``end`` (a month from 31 January is the end of February), and the
    days left over."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and not _last_day(end):
        months -= 1
    months = max(months, 0)
    year, month = divmod(start.month - 1 + months, 12)
    anchor_year, anchor_month = start.year + year, month + 1
    anchor_day = min(start.day, _days_in(anchor_year, anchor_month))
    return months, (end - date(anchor_year, anchor_month, anchor_day)).days


def _days_in(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def _last_day(day: date) -> bool:
    return day.day == _days_in(day.year, day.month)


def time_between(start: date, end: date) -> str:
    """From ``start`` to ``end`` in its two largest calendar units: ``7 years 8 months``, ``3 months 5 days``,
    ``12 days``; ``0 days`` when ``end`` is not after ``start``. Months and years are calendar ones, so a year is
    the same date a year later whatever the leap days."""
    if end <= start:
        return "0 days"
    months, days = _months_between(start, end)
    years, months = divmod(months, 12)
    if years:
        return _plural(years, "year") + (f" {_plural(months, 'month')}" if months else "")
    if months:
        return _plural(months, "month") + (f" {_plural(days, 'day')}" if days else "")
    return _plural(days, "day")


def time_since(since: datetime | None, now: datetime) -> str:
    """How long since ``since``: in hours within a day (``less than an hour``, ``5 hours``), else as
    :func:`time_between` the two days; ``not known`` without a time."""
    if since is None:
        return "not known"
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    hours = int((now - since).total_seconds() // 3600)
    if hours < 24:
        return "less than an hour" if hours < 1 else _plural(hours, "hour")
    return time_between(since.date(), now.date())
