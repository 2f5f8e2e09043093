"""Months and periods as reports name them: ``2019-03``, ``2019`` or ``2019-01..2019-06``; ``March 2019``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from sharelog.errors import InputError

__all__ = [
    "MONTH_NAMES",
    "month_bounds",
    "month_label",
    "month_range",
    "months_between",
    "parse_month",
    "parse_period",
    "period_text",
]

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# ASCII digits only (``\d`` would take ``٢٠١٩``), year 0001 on, nothing after the month (``$`` would allow a newline)
_MONTH = re.compile(r"(?!0000)([0-9]{4})-(0[1-9]|1[0-2])")
MAX_MONTHS = 120


def month_range(start: str, end: str) -> tuple[str, ...]:
    """``2019-01`` … ``2019-12`` inclusive."""
    year, month = (int(p) for p in start.split("-"))
    last = tuple(int(p) for p in end.split("-"))
    months = []
    while (year, month) <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


def parse_month(text: str, *, field: str) -> str:
    """``2019-03`` as given, checked.

    Raises:
        InputError: not a month written YYYY-MM (about ``field``).
    """
    if not _MONTH.fullmatch(text.strip()):
        raise InputError(f"'{text}' is not a month written YYYY-MM", field=field)
    return text.strip()


def months_between(first: str, last: str, *, field: str = "to") -> tuple[str, ...]:
    """Every month from ``first`` to ``last`` inclusive.

    Raises:
        InputError: the range ends before it starts, or spans more than ten years (about ``field``).
    """
    if last < first:
        raise InputError(f"the period ends ({last}) before it starts ({first})", field=field)
    months = month_range(first, last)
    if len(months) > MAX_MONTHS:
        raise InputError(f"the period spans more than {MAX_MONTHS} months", field=field)
    return months


def parse_period(text: str, *, field: str = "period") -> tuple[str, ...]:
    """The months of ``2019`` (a calendar year), ``2019-03`` (one month) or ``2019-01..2019-06`` (a range).

    Raises:
        InputError: none of those forms (about ``field``).
    """
    spec = text.strip()
    if re.fullmatch(r"(?!0000)[0-9]{4}", spec):
        return months_between(f"{spec}-01", f"{spec}-12", field=field)
    first, separator, last = spec.partition("..")
    if not _MONTH.fullmatch(first) or (separator and not _MONTH.fullmatch(last)):
        raise InputError(
            f"'{text}' is not a year (2019), a month (2019-03) or a range (2019-01..2019-06)", field=field
        )
    return months_between(first, last if separator else first, field=field)


def month_label(month: str) -> str:
    """``2019-03`` → ``March 2019``."""
    return f"{MONTH_NAMES[int(month[5:]) - 1]} {month[:4]}"


def period_text(months: Sequence[str]) -> str:
    """``January to December 2019``, ``July 2019 to June 2020`` or ``March 2019``."""
    first, last = months[0], months[-1]
    if first == last:
        return month_label(first)
    if first[:4] == last[:4]:
        return f"{MONTH_NAMES[int(first[5:]) - 1]} to {month_label(last)}"
    return f"{month_label(first)} to {month_label(last)}"


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of a month."""
    first = date(int(month[:4]), int(month[5:]), 1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)
