"""Fuzzing the months and periods every command takes (`--month`, `--period`, `--from`/`--to`, `--months`,
`--about`): each is either refused with an InputError naming the option, or read as canonical ``YYYY-MM``
months in ASCII digits — the form the ledger stores and compares, so ``2019-1``, `` 2019-01`` or ``٢٠١٩-٠١``
can never become a month of their own (and slip past a monthly cap)."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from sharelog.errors import InputError
from sharelog.exchange import month_start
from sharelog.reports import parse_month, parse_period
from sharelog.synth import parse_months

from ._hostile import HOSTILE_DATES, fuzz_settings

CANONICAL = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
HOSTILE_MONTHS = (
    "2019-1",
    " 2019-01",
    "2019-01\n",
    "2019-01 ",
    "+2019-01",
    "2_019-01",
    "٢٠١٩-٠١",
    "２０１９-０１",
    "2019-00",
    "2019-13",
    "0000-00",
    "99999-01",
    "-1-01",
    "2019",
    "2019..2020",
    "2019-01..2018-12",
    "2019-01..2040-01",
    "2019-01..",
    "..2019-01",
    "2019-01..2019-02..2019-03",
)


def months_text() -> st.SearchStrategy[str]:
    piece = st.one_of(
        st.sampled_from(HOSTILE_MONTHS),
        st.sampled_from(HOSTILE_DATES),
        st.from_regex(r"\A[0-9]{1,5}-[0-9]{1,3}\Z"),
        st.text(alphabet="0123456789-. \n\t٢١０+_", max_size=12),
        st.text(max_size=8),
    )
    return st.one_of(piece, st.builds(lambda a, b: f"{a}..{b}", piece, piece))


def _canonical(months: tuple[str, ...] | list[str]) -> None:
    assert months, "a period has at least one month"
    for month in months:
        assert CANONICAL.fullmatch(month), f"{month!r} is not a canonical YYYY-MM month"
    assert list(months) == sorted(set(months)), "months in order, each once"


@fuzz_settings()
@given(text=months_text())
@example(text="٢٠١٩-03")
@example(text="2019-03\n")
def test_report_months_and_periods(text: str) -> None:
    try:
        month = parse_month(text, field="from")
    except InputError as error:
        assert error.field == "from"
    else:
        _canonical([month])
    try:
        months = parse_period(text, field="period")
    except InputError as error:
        assert error.field == "period"
    else:
        _canonical(months)
        assert len(months) <= 120


@fuzz_settings()
@given(text=months_text())
@example(text="٢٠١٩")
def test_synth_months(text: str) -> None:
    try:
        months = parse_months(text)
    except InputError as error:
        assert error.field == "months"
    else:
        _canonical(months)


@fuzz_settings()
@given(text=months_text())
@example(text="2019-1")
@example(text=" 2019-01")
@example(text="2_019-01")
def test_exchange_month(text: str) -> None:
    try:
        first = month_start(text)
    except InputError as error:
        assert error.field == "month"
    else:
        assert isinstance(first, date) and first.day == 1
        assert text == f"{first.year:04d}-{first.month:02d}", (
            "the month is stored as given: it must be canonical"
        )
