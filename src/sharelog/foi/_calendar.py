"""Working days for FOI deadlines, offline: FOIA s.10(6) and FOISA s.73.

FOIA: a working day is any day other than a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday
under the Banking and Financial Dealings Act 1971 in **any part** of the United Kingdom — the union of the
England and Wales, Scotland and Northern Ireland lists, so St Patrick's Day and the first Monday in August (a
Scottish bank holiday) stop the clock in London too. FOISA: any day other than a Saturday, a Sunday, Christmas
Day or a bank holiday **in Scotland**.

Bank holidays come from the ``holidays`` package (subdivisions ENG, WLS, SCT, NIR), joined here with a bundled
table of one-off proclaimed days (:data:`PROCLAIMED_DAYS`, checked against the package by the tests) and any
newly proclaimed day configured in ``SHARELOG_EXTRA_BANK_HOLIDAYS``.

Counting (as Alaveteli's ``due_date_from``): the day of receipt is day zero, whatever day it is; step forward
one day at a time counting only working days; the 20th counted day is the due date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import holidays

from sharelog.errors import InputError
from sharelog.settings import Settings

__all__ = [
    "PART_NAMES",
    "PROCLAIMED_DAYS",
    "REGIMES",
    "REGIME_NAMES",
    "UK_PARTS",
    "DeadlineExplanation",
    "ProclaimedDay",
    "Regime",
    "WorkingDayCalendar",
    "check_regime",
    "due_date",
    "explain_deadline",
    "extra_holidays_of",
    "is_working_day",
    "package_bank_holidays",
    "parse_extra_holidays",
    "working_days_after",
    "working_days_between",
]

Regime = Literal["foia", "foisa"]
REGIMES: tuple[Regime, ...] = ("foia", "foisa")
REGIME_NAMES = {
    "foia": "Freedom of Information Act 2000 (FOIA)",
    "foisa": "Freedom of Information (Scotland) Act 2002 (FOISA)",
}
UK_PARTS = ("ENG", "WLS", "SCT", "NIR")
PART_NAMES = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}
_REGIME_PARTS: dict[str, tuple[str, ...]] = {"foia": UK_PARTS, "foisa": ("SCT",)}
_ENV = "SHARELOG_EXTRA_BANK_HOLIDAYS"


@dataclass(frozen=True)
class ProclaimedDay:
    """A bank holiday proclaimed for one occasion (or a usual one moved), in the parts of the UK it covers."""

    day: date
    name: str = "proclaimed bank holiday"
    parts: tuple[str, ...] = UK_PARTS


# One-off days proclaimed under the 1971 Act, for the whole UK. The package knows them all (a test checks); the
# table stays so that a package that lost one would not silently move a deadline. A usual holiday *moved* for an
# occasion (early May 1995 and 2020, spring 2002, 2012 and 2022) is listed on its new day; the table only adds
# days, so the old day's absence is the package's to get right (a test checks that too).
PROCLAIMED_DAYS: tuple[ProclaimedDay, ...] = (
    ProclaimedDay(date(1995, 5, 8), "VE Day 50th anniversary (early May bank holiday moved)"),
    ProclaimedDay(date(1999, 12, 31), "Millennium holiday"),
    ProclaimedDay(date(2002, 6, 3), "Golden Jubilee"),
    ProclaimedDay(date(2002, 6, 4), "Spring bank holiday (moved for the Golden Jubilee)"),
    ProclaimedDay(date(2011, 4, 29), "Royal Wedding"),
    ProclaimedDay(date(2012, 6, 4), "Spring bank holiday (moved for the Diamond Jubilee)"),
    ProclaimedDay(date(2012, 6, 5), "Diamond Jubilee"),
    ProclaimedDay(date(2020, 5, 8), "VE Day 75th anniversary (early May bank holiday moved)"),
    ProclaimedDay(date(2022, 6, 2), "Spring bank holiday (moved for the Platinum Jubilee)"),
    ProclaimedDay(date(2022, 6, 3), "Platinum Jubilee"),
    ProclaimedDay(date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
    ProclaimedDay(date(2023, 5, 8), "Coronation of King Charles III"),
)


def check_regime(regime: str) -> Regime:
    """``regime`` if it is ``foia`` or ``foisa``.

    Raises:
        InputError: any other value.
    """
    for known in REGIMES:
        if regime == known:
            return known
    raise InputError(f"'{regime}' is not one of {', '.join(REGIMES)}", field="regime")


def _easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous algorithm published in Nature, 1876)."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon = (century - correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7
    offset = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * offset + 114, 31)
    return date(year, month, day + 1)


MAX_WORKING_DAYS = 10_000
"""The most working days the calendar counts in one go (the law's longest count is 60)."""


@lru_cache(maxsize=512)
def package_bank_holidays(part: str, year: int) -> dict[date, str]:
    """The ``holidays`` package's bank holidays in one part of the UK (ENG, WLS, SCT or NIR) in ``year``."""
    return dict(holidays.country_holidays("GB", subdiv=part, years=year).items())


def _as_proclaimed(day: date | ProclaimedDay) -> ProclaimedDay:
    return day if isinstance(day, ProclaimedDay) else ProclaimedDay(day, "bank holiday (configured)")


@dataclass(frozen=True)
class WorkingDayCalendar:
    """Which days are working days under one regime, with any extra proclaimed days configured."""

    regime: Regime = "foia"
    extra_holidays: tuple[ProclaimedDay, ...] = ()

    @classmethod
    def of(cls, regime: str, extra_holidays: Iterable[date | ProclaimedDay] = ()) -> WorkingDayCalendar:
        """A calendar for ``regime`` (checked) with ``extra_holidays`` (plain dates count for the whole UK)."""
        return cls(check_regime(regime), tuple(_as_proclaimed(day) for day in extra_holidays))

    @property
    def parts(self) -> tuple[str, ...]:
        """The parts of the UK whose bank holidays stop the clock."""
        return _REGIME_PARTS[self.regime]

    def bank_holidays(self, day: date) -> list[str]:
        """The bank holidays on ``day`` that count under this regime, each named with where it is one."""
        where: dict[str, list[str]] = {}
        for part in self.parts:
            name = package_bank_holidays(part, day.year).get(day)
            if name is not None:
                where.setdefault(name, []).append(part)
        for proclaimed in (*PROCLAIMED_DAYS, *self.extra_holidays):
            if proclaimed.day == day:
                parts = [p for p in proclaimed.parts if p in self.parts]
                if parts and not any(set(parts) <= set(ps) for ps in where.values()):
                    where.setdefault(proclaimed.name, []).extend(parts)
        return [f"{name} ({_parts_text(parts)})" for name, parts in where.items()]

    def non_working_reason(self, day: date) -> str | None:
        """Why ``day`` is not a working day (``Saturday``, ``Christmas Day``, a bank holiday…), or None."""
        if day.weekday() >= 5:
            return day.strftime("%A")
        if day.month == 12 and day.day == 25:
            return "Christmas Day"
        if self.regime == "foia" and day == _easter_sunday(day.year) - timedelta(days=2):
            return "Good Friday"
        found = self.bank_holidays(day)
        return "; ".join(found) if found else None

    def is_working_day(self, day: date) -> bool:
        return self.non_working_reason(day) is None

    def working_days(self, start: date, *, skip: Callable[[date], bool] | None = None) -> Iterator[date]:
        """The working days after ``start`` (not ``start`` itself), in order, leaving out those ``skip`` names."""
        day = start
        while True:
            day += timedelta(days=1)
            if self.is_working_day(day) and not (skip is not None and skip(day)):
                yield day

    def working_days_after(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself when ``days`` is 0).

        Raises:
            InputError: ``days`` is negative or more than :data:`MAX_WORKING_DAYS`, or the day would fall after
                9999-12-31.
        """
        if days < 0:
            raise InputError(f"{days} is negative; count zero or more working days", field="days")
        if days > MAX_WORKING_DAYS:
            # counting is day by day: an absurd count would keep a request busy for minutes
            raise InputError(
                f"count at most {MAX_WORKING_DAYS:,} working days (about 38 years)", field="days"
            )
        if days == 0:
            return start
        try:
            for counted, day in enumerate(self.working_days(start), start=1):
                if counted == days:
                    return day
        except OverflowError:
            raise InputError(
                f"{days} working days after {start} would fall after 9999-12-31, the last day there is",
                field="days",
            ) from None
        raise AssertionError("unreachable: working days never run out")

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days fall after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def _parts_text(parts: Iterable[str]) -> str:
    chosen = set(parts)
    if chosen >= set(UK_PARTS):
        return "all of the UK"
    names = [PART_NAMES[p] for p in UK_PARTS if p in chosen]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def is_working_day(
    day: date, *, regime: str = "foia", extra_holidays: Iterable[date | ProclaimedDay] = ()
) -> bool:
    """Whether ``day`` is a working day under ``regime`` (``foia``: any part of the UK; ``foisa``: Scotland)."""
    return WorkingDayCalendar.of(regime, extra_holidays).is_working_day(day)


def working_days_after(
    start: date, days: int, *, regime: str = "foia", extra_holidays: Iterable[date | ProclaimedDay] = ()
) -> date:
    """The ``days``-th working day after ``start``; ``start`` is day zero even when it is not a working day.

    Args:
        start: the day counting starts from (the day of receipt).
        days: how many working days to count (0 gives ``start``).
        regime: ``foia`` (bank holidays in any part of the UK) or ``foisa`` (in Scotland).
        extra_holidays: newly proclaimed days; a plain date counts for the whole UK.

    Raises:
        InputError: an unknown regime, a negative or absurd number of days, or a day after 9999-12-31.
    """
    return WorkingDayCalendar.of(regime, extra_holidays).working_days_after(start, days)


def working_days_between(
    start: date, end: date, *, regime: str = "foia", extra_holidays: Iterable[date | ProclaimedDay] = ()
) -> int:
    """How many working days fall after ``start`` up to and including ``end``."""
    return WorkingDayCalendar.of(regime, extra_holidays).working_days_between(start, end)


def due_date(
    received: date,
    *,
    days: int = 20,
    regime: str = "foia",
    extra_holidays: Iterable[date | ProclaimedDay] = (),
) -> date:
    """The day a response is due: the 20th working day after the day of receipt (FOIA s.10(1), FOISA s.10(1)).

    >>> due_date(date(2020, 8, 12))
    datetime.date(2020, 9, 10)
    """
    return working_days_after(received, days, regime=regime, extra_holidays=extra_holidays)


@dataclass(frozen=True)
class DeadlineExplanation:
    """A deadline and how it was counted: the non-working days passed over on the way, each with its reason."""

    received: date
    days: int
    regime: Regime
    due: date
    skipped: tuple[tuple[date, str], ...]

    def lines(self) -> list[str]:
        """The explanation as lines of text (the due date comes first, alone)."""
        lines = [
            self.due.isoformat(),
            f"Received {self.received:%A %d %B %Y} (day zero); {self.days} working days under "
            f"{REGIME_NAMES[self.regime]}; due {self.due:%A %d %B %Y}.",
        ]
        if self.skipped:
            lines.append("Not counted:")
            lines.extend(f"  {day.isoformat()} {day:%a}  {reason}" for day, reason in self.skipped)
        return lines


def explain_deadline(
    received: date,
    *,
    days: int = 20,
    regime: str = "foia",
    extra_holidays: Iterable[date | ProclaimedDay] = (),
) -> DeadlineExplanation:
    """The due date and the non-working days between receipt and the due date."""
    calendar = WorkingDayCalendar.of(regime, extra_holidays)
    due = calendar.working_days_after(received, days)
    skipped: list[tuple[date, str]] = []
    day = received
    while day < due:
        day += timedelta(days=1)
        reason = calendar.non_working_reason(day)
        if reason is not None:
            skipped.append((day, reason))
    return DeadlineExplanation(received, days, calendar.regime, due, tuple(skipped))


_EXTRA = re.compile(r"^(\d{4}-\d{2}-\d{2})(?::([A-Za-z+]+))?$")


def parse_extra_holidays(text: str | None, *, setting: str = _ENV) -> tuple[ProclaimedDay, ...]:
    """Newly proclaimed bank holidays from configuration: comma-separated ISO dates, each optionally naming
    the parts of the UK it covers (``2026-07-13:NIR``, ``2026-08-03:SCT+NIR``); without parts, the whole UK.

    Raises:
        InputError: a value that is not such a date (the message names the setting).
    """
    days: list[ProclaimedDay] = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        match = _EXTRA.match(item)
        day: date | None = None
        if match:
            try:
                day = date.fromisoformat(match.group(1))
            except ValueError:
                day = None
        if match is None or day is None:
            raise InputError(
                f"{setting}: '{item}' is not a date written YYYY-MM-DD (optionally followed by :ENG, :WLS, :SCT "
                "or :NIR, joined with +)"
            )
        parts = tuple(p.upper() for p in match.group(2).split("+")) if match.group(2) else UK_PARTS
        unknown = [p for p in parts if p not in UK_PARTS]
        if unknown:
            raise InputError(
                f"{setting}: '{item}' names {', '.join(unknown)}; parts are {', '.join(UK_PARTS)}"
            )
        days.append(ProclaimedDay(day, "bank holiday (configured)", parts))
    return tuple(days)


def extra_holidays_of(settings: Settings) -> tuple[ProclaimedDay, ...]:
    """The bank holidays proclaimed in ``settings`` (``SHARELOG_EXTRA_BANK_HOLIDAYS``), as every calendar, clock and
    case view takes them: what the command line, the pages and the API pass as ``extra_holidays``.

    Raises:
        InputError: the setting holds a value that is not such a date (the message names the setting).
    """
    return parse_extra_holidays(settings.extra_bank_holidays)
