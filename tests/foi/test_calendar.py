"""The working-day calendar: FOIA s.10(6) (bank holidays in any part of the UK) and FOISA s.73 (Scotland only).

Every expected date below was counted by hand from the gov.uk bank-holiday lists, not computed by the code.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.easter import easter

from sharelog.errors import InputError
from sharelog.foi import (
    PROCLAIMED_DAYS,
    UK_PARTS,
    ProclaimedDay,
    due_date,
    explain_deadline,
    extra_holidays_of,
    is_working_day,
    parse_extra_holidays,
    working_days_after,
    working_days_between,
)
from sharelog.foi._calendar import MAX_WORKING_DAYS, WorkingDayCalendar, package_bank_holidays
from sharelog.settings import Settings

D = date
SHARELOG = Path(__file__).resolve().parents[2] / "src" / "sharelog"


@pytest.mark.parametrize(
    ("received", "regime", "due"),
    [
        pytest.param(D(2020, 8, 12), "foia", D(2020, 9, 10), id="seed-request-due-10-september"),
        pytest.param(D(2020, 8, 12), "foisa", D(2020, 9, 9), id="seed-foisa-31-august-is-not-scottish"),
        pytest.param(D(2020, 7, 27), "foia", D(2020, 8, 25), id="3-august-2020-scottish-counts-for-foia"),
        pytest.param(D(2020, 7, 27), "foisa", D(2020, 8, 25), id="3-august-2020-foisa"),
        pytest.param(D(2019, 12, 20), "foia", D(2020, 1, 23), id="christmas-boxing-new-year-2-january"),
        pytest.param(D(2019, 12, 20), "foisa", D(2020, 1, 23), id="christmas-new-year-foisa"),
        pytest.param(D(2020, 12, 18), "foia", D(2021, 1, 21), id="christmas-on-friday-substitutes"),
        pytest.param(D(2020, 3, 27), "foia", D(2020, 4, 28), id="good-friday-and-easter-monday"),
        pytest.param(D(2020, 3, 27), "foisa", D(2020, 4, 27), id="easter-monday-not-scottish"),
        pytest.param(D(2020, 3, 10), "foia", D(2020, 4, 8), id="st-patricks-day-counts-for-foia"),
        pytest.param(D(2020, 3, 10), "foisa", D(2020, 4, 7), id="st-patricks-day-not-for-foisa"),
        pytest.param(D(2020, 7, 1), "foia", D(2020, 7, 30), id="battle-of-the-boyne-2020-observed"),
        pytest.param(D(2020, 7, 1), "foisa", D(2020, 7, 29), id="battle-of-the-boyne-not-for-foisa"),
        pytest.param(D(2022, 7, 1), "foia", D(2022, 8, 2), id="12-july-and-1-august-2022"),
        pytest.param(D(2022, 7, 1), "foisa", D(2022, 7, 29), id="foisa-12-july-2022-counts"),
        pytest.param(D(2022, 5, 20), "foia", D(2022, 6, 21), id="platinum-jubilee-2-and-3-june-2022"),
        pytest.param(D(2022, 9, 1), "foia", D(2022, 9, 30), id="state-funeral-19-september-2022"),
        pytest.param(D(2020, 4, 20), "foia", D(2020, 5, 19), id="ve-day-8-may-2020"),
        pytest.param(D(2023, 4, 17), "foia", D(2023, 5, 17), id="coronation-8-may-2023"),
        pytest.param(D(2020, 8, 14), "foia", D(2020, 9, 14), id="received-friday"),
        pytest.param(D(2020, 8, 15), "foia", D(2020, 9, 14), id="received-saturday-counts-from-monday"),
        pytest.param(D(2020, 8, 16), "foia", D(2020, 9, 14), id="received-sunday"),
        pytest.param(D(2020, 8, 13), "foia", D(2020, 9, 11), id="received-thursday"),
    ],
)
def test_due_date(received: date, regime: str, due: date) -> None:
    assert due_date(received, regime=regime) == due


@pytest.mark.parametrize(
    ("day", "foia", "foisa"),
    [
        (D(2020, 12, 25), False, False),  # Christmas Day
        (D(2022, 12, 27), False, False),  # Christmas Day substitute (25th a Sunday)
        (D(2020, 12, 28), False, False),  # Boxing Day substitute
        (D(2020, 1, 1), False, False),
        (D(2020, 1, 2), False, False),  # 2 January: Scotland
        (D(2021, 1, 4), False, False),  # 2 January substitute: Scotland
        (D(2020, 4, 10), False, False),  # Good Friday
        (D(2020, 4, 13), False, True),  # Easter Monday: not in Scotland
        (D(2020, 3, 17), False, True),  # St Patrick's Day: Northern Ireland
        (D(2020, 7, 13), False, True),  # Battle of the Boyne (observed)
        (D(2020, 8, 3), False, False),  # first Monday in August: Scotland
        (D(2020, 8, 31), False, True),  # late summer: not in Scotland
        (D(2020, 11, 30), False, False),  # St Andrew's Day
        (D(2020, 5, 4), True, True),  # the early May bank holiday moved to the 8th in 2020
        (D(2020, 5, 8), False, False),
        (D(2022, 5, 30), True, True),  # spring bank holiday moved to 2 June in 2022
        (D(2022, 6, 2), False, False),
        (D(2022, 6, 3), False, False),
        (D(2022, 9, 19), False, False),
        (D(2023, 5, 8), False, False),
        (D(2020, 8, 15), False, False),  # a Saturday
        (D(2020, 8, 12), True, True),
    ],
)
def test_is_working_day(day: date, foia: bool, foisa: bool) -> None:
    assert is_working_day(day, regime="foia") is foia
    assert is_working_day(day, regime="foisa") is foisa


def test_receipt_day_is_day_zero_and_zero_days_is_the_day_itself() -> None:
    assert working_days_after(D(2020, 8, 15), 0) == D(2020, 8, 15)
    assert working_days_after(D(2020, 8, 15), 1) == D(2020, 8, 17)
    assert working_days_between(D(2020, 8, 12), D(2020, 9, 10)) == 20
    assert working_days_between(D(2020, 9, 10), D(2020, 8, 12)) == 0


def test_bad_regime_and_negative_days_are_refused() -> None:
    with pytest.raises(InputError, match=r"^'eir' is not one of foia, foisa$") as regime:
        due_date(D(2020, 8, 12), regime="eir")
    assert regime.value.field == "regime"
    with pytest.raises(InputError, match="^-1 is negative") as days:
        working_days_after(D(2020, 8, 12), -1)
    assert days.value.field == "days"


def test_explanation_names_every_day_not_counted() -> None:
    explained = explain_deadline(D(2020, 7, 27))
    assert explained.due == D(2020, 8, 25)
    skipped = dict(explained.skipped)
    assert skipped[D(2020, 8, 3)] == "Summer Bank Holiday (Scotland)"
    assert skipped[D(2020, 8, 1)] == "Saturday"
    assert len(skipped) == 9  # four weekends and the Scottish holiday
    assert explained.lines()[0] == "2020-08-25"


def test_explanation_names_where_a_holiday_is_one() -> None:
    skipped = dict(explain_deadline(D(2020, 3, 27)).skipped)
    assert skipped[D(2020, 4, 10)] == "Good Friday"
    assert skipped[D(2020, 4, 13)] == "Easter Monday (England, Wales and Northern Ireland)"


# --- the package and the bundled table agree -----------------------------------------------------------------

# gov.uk bank-holiday lists (weekdays), by division, typed from the published pages.
GOV_UK = {
    ("england-and-wales", 2020): "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28",
    ("scotland", 2020): "01-01 01-02 04-10 05-08 05-25 08-03 11-30 12-25 12-28",
    ("northern-ireland", 2020): "01-01 03-17 04-10 04-13 05-08 05-25 07-13 08-31 12-25 12-28",
    ("england-and-wales", 2022): "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27",
    ("scotland", 2022): "01-03 01-04 04-15 05-02 06-02 06-03 08-01 09-19 11-30 12-26 12-27",
    ("northern-ireland", 2022): "01-03 03-17 04-15 04-18 05-02 06-02 06-03 07-12 08-29 09-19 12-26 12-27",
    ("england-and-wales", 2023): "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26",
    ("scotland", 2023): "01-02 01-03 04-07 05-01 05-08 05-29 08-07 11-30 12-25 12-26",
    ("northern-ireland", 2023): "01-02 03-17 04-07 04-10 05-01 05-08 05-29 07-12 08-28 12-25 12-26",
}
DIVISION_PARTS = {"england-and-wales": ("ENG", "WLS"), "scotland": ("SCT",), "northern-ireland": ("NIR",)}


@pytest.mark.parametrize(("division", "year"), sorted(GOV_UK), ids=lambda v: str(v))
def test_the_holidays_package_matches_gov_uk(division: str, year: int) -> None:
    expected = {date.fromisoformat(f"{year}-{md}") for md in GOV_UK[(division, year)].split()}
    for part in DIVISION_PARTS[division]:
        weekdays = {day for day in package_bank_holidays(part, year) if day.weekday() < 5}
        assert weekdays == expected, part


@pytest.mark.parametrize("proclaimed", PROCLAIMED_DAYS, ids=lambda p: p.day.isoformat())
def test_the_package_knows_every_proclaimed_day_in_the_table(proclaimed: ProclaimedDay) -> None:
    for part in proclaimed.parts:
        assert proclaimed.day in package_bank_holidays(part, proclaimed.day.year), part


@pytest.mark.parametrize(
    "moved", [D(1995, 5, 1), D(2002, 5, 27), D(2012, 5, 28), D(2020, 5, 4), D(2022, 5, 30)]
)
def test_a_usual_holiday_moved_for_an_occasion_is_a_working_day(moved: date) -> None:
    for part in UK_PARTS:
        assert moved not in package_bank_holidays(part, moved.year)
    assert is_working_day(moved)


# --- newly proclaimed days from configuration ------------------------------------------------------------------


def test_extra_holidays_parse_with_and_without_parts() -> None:
    days = parse_extra_holidays(" 2030-01-08, 2030-07-15:NIR ,2030-08-12:sct+nir,")
    assert [d.day for d in days] == [D(2030, 1, 8), D(2030, 7, 15), D(2030, 8, 12)]
    assert days[0].parts == UK_PARTS
    assert days[1].parts == ("NIR",)
    assert days[2].parts == ("SCT", "NIR")
    assert parse_extra_holidays("") == ()
    assert parse_extra_holidays(None) == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2030-02-30", "SHARELOG_EXTRA_BANK_HOLIDAYS: '2030-02-30' is not a date written YYYY-MM-DD"),
        ("8 Jan 2030", "'8 Jan 2030' is not a date"),
        ("2030-01-08:XX", "names XX; parts are ENG, WLS, SCT, NIR"),
    ],
)
def test_bad_extra_holidays_are_refused_naming_the_setting(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_extra_holidays(text)


def test_the_settings_holidays_are_read_by_one_function(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url=None, extra_bank_holidays="2030-01-08, 2030-07-15:NIR"
    )
    assert extra_holidays_of(settings) == parse_extra_holidays("2030-01-08,2030-07-15:NIR")
    with pytest.raises(InputError, match="SHARELOG_EXTRA_BANK_HOLIDAYS: '7 Sept' is not a date"):
        extra_holidays_of(settings.model_copy(update={"extra_bank_holidays": "7 Sept"}))


def test_only_the_calendar_reads_the_settings_holidays() -> None:
    """The command line, the pages, the API and the dashboard all take the proclaimed days from
    :func:`extra_holidays_of`: none parses the setting itself."""
    readers = sorted(
        str(path.relative_to(SHARELOG))
        for path in SHARELOG.rglob("*.py")
        if "extra_bank_holidays" in path.read_text(encoding="utf-8")
    )
    assert readers == ["foi/_calendar.py", "settings.py"]


def test_an_extra_holiday_moves_the_deadline_under_the_regimes_it_covers() -> None:
    received = D(2030, 1, 2)  # a Wednesday
    plain = due_date(received)
    whole_uk = parse_extra_holidays("2030-01-08")
    northern_ireland = parse_extra_holidays("2030-01-08:NIR")
    assert not is_working_day(D(2030, 1, 8), extra_holidays=whole_uk)
    assert due_date(received, extra_holidays=whole_uk) == working_days_after(plain, 1)
    assert due_date(received, extra_holidays=northern_ireland) == working_days_after(plain, 1)
    assert due_date(received, regime="foisa", extra_holidays=northern_ireland) == due_date(
        received, regime="foisa"
    )
    assert is_working_day(D(2030, 1, 8), regime="foisa", extra_holidays=[D(2030, 1, 9)])
    assert not is_working_day(D(2030, 1, 9), regime="foisa", extra_holidays=[D(2030, 1, 9)])


def test_good_friday_and_christmas_day_are_named_by_the_act_not_only_as_bank_holidays() -> None:
    """FOIA s.10(6) names Christmas Day and Good Friday itself; the calendar works Easter out on its own, so its
    Good Friday is checked against dateutil's Easter (an independent implementation) over three centuries."""
    calendar = WorkingDayCalendar.of("foia")
    wrong = [
        year
        for year in range(1900, 2200)
        if calendar.non_working_reason(easter(year) - timedelta(days=2)) != "Good Friday"
    ]
    assert not wrong, f"Good Friday not found in {wrong[:5]}"
    assert calendar.non_working_reason(D(2020, 12, 25)) == "Christmas Day"  # a Friday


def test_the_count_of_working_days_is_bounded() -> None:
    start = D(2020, 8, 12)
    assert working_days_between(start, working_days_after(start, MAX_WORKING_DAYS)) == MAX_WORKING_DAYS
    with pytest.raises(InputError, match=f"^count at most {MAX_WORKING_DAYS:,} working days") as absurd:
        working_days_after(start, MAX_WORKING_DAYS + 1)
    assert absurd.value.field == "days"
    near_the_end = D(9999, 12, 20)
    left = working_days_between(near_the_end, D(9999, 12, 31))
    assert working_days_after(near_the_end, left) <= D(9999, 12, 31)
    with pytest.raises(
        InputError, match=f"^{left + 1} working days after 9999-12-20 would fall after"
    ) as late:
        working_days_after(near_the_end, left + 1)
    assert late.value.field == "days"


def test_working_days_between_counts_the_extra_holidays() -> None:
    start, end = D(2030, 1, 2), D(2030, 1, 16)
    extra = parse_extra_holidays("2030-01-08")
    assert working_days_between(start, end, extra_holidays=extra) == working_days_between(start, end) - 1
    assert WorkingDayCalendar.of("foia", extra).non_working_reason(D(2030, 1, 8)) == (
        "bank holiday (configured) (all of the UK)"
    )


def test_a_proclaimed_day_the_package_knows_is_named_once() -> None:
    assert WorkingDayCalendar.of("foia").non_working_reason(D(2022, 9, 19)) == (
        "State Funeral of Queen Elizabeth II (all of the UK)"
    )
