"""The series rule at real volumes (about 80 requests a month, a quarter returned, July 2015 – August 2020), attacked.

The attacker (``attacks.py``) pools publications and solves an integer programme over their margins. It must
recover no protected cell from the series rule's publications — each on its own, consecutive monthly ones, year
to date ones — and it must recover cells from naively protected tables, or it proves nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.ledger import ledger_session
from sharelog.reports import (
    CONFIDENTIAL,
    FOI_QUESTIONS,
    PROFILES,
    SERIES,
    MonthlyReport,
    MonthlyTable,
    Reason,
    build_monthly_report,
    coverage,
    month_range,
    series_columns,
    write_monthly_charts,
    write_monthly_report,
)
from sharelog.reports._layout import monthly_sheets
from sharelog.reports._report import NOT_RETURNED, row_id
from sharelog.reports._sdc import LOW, UNAVAILABLE, rounded

from ..worlds import GOLDEN, MONTHS, WorldFactory
from .attacks import Publication, Reading, publication, recovered
from .volumes import FOI_FIRST, FOI_LAST, published, real_volume_table, within

SERIES_READING = Reading(threshold=5, base=5, small=frozenset({LOW}), protected=frozenset({CONFIDENTIAL}))
EXACT_READING = Reading(
    threshold=5, base=1, small=frozenset({CONFIDENTIAL}), protected=frozenset({CONFIDENTIAL})
)


@pytest.fixture(scope="module")
def foi_table() -> MonthlyTable:
    return real_volume_table()


# ----------------------------------------------------------------------------------------------- what it shows


def test_columns_are_months_whole_quarters_and_whole_years() -> None:
    labels = [c.label for c in series_columns(month_range("2015-11", "2017-02"))]
    assert labels[:4] == ["November 2015", "December 2015", "January 2016", "February 2016"]
    assert "Oct–Dec 2015" not in labels  # October is outside the period: no part-quarter total
    assert "Total 2015" not in labels and "Total 2017" not in labels  # no part-year (year-to-date) total
    assert labels[labels.index("March 2016") + 1] == "Jan–Mar 2016"
    assert labels[labels.index("December 2016") + 1 : labels.index("December 2016") + 3] == [
        "Oct–Dec 2016",
        "Total 2016",
    ]


def test_sent_and_returned_by_month_breakdowns_by_quarter(foi_table: MonthlyTable) -> None:
    table = within(foi_table, "2019-01", "2019-12")
    report = published(table, SERIES)
    for row in table.rows:
        for column in report.columns:
            shown, exact = (
                report.cell(row, column),
                sum(row.values[table.months.index(m)] for m in column.months),
            )
            if row.section != "flow" and column.period == "month":
                assert shown == UNAVAILABLE
                assert report.reasons[(row_id(row), column.key)] is Reason.PERIOD
            elif exact == 0:
                assert shown == 0
            elif exact < 5:
                assert shown == LOW
            elif shown != CONFIDENTIAL:
                assert shown == rounded(exact, 5)
    assert all(isinstance(report.cell(table.row("received"), c), int) for c in report.columns)


# ------------------------------------------------------------------------------------------------- the attacks


def _series(table: MonthlyTable, first: str, lasts: Sequence[str]) -> list[Publication]:
    return [publication(published(within(table, first, last), SERIES)) for last in lasts]


def test_every_publication_shows_the_same_figure_for_the_same_cell(foi_table: MonthlyTable) -> None:
    """Consecutive monthly publications of the whole series and year-to-date ones: a cell's figure never
    changes, so subtracting one publication from another gives nothing either does not show."""
    publications = [
        *_series(foi_table, FOI_FIRST, ["2019-12", "2020-01", "2020-02", "2020-03"]),
        *_series(foi_table, "2020-01", ["2020-01", "2020-02", "2020-03", "2020-04"]),
        *_series(foi_table, "2019-04", ["2019-06", "2019-07"]),
    ]
    seen: dict[object, int | str] = {}
    for shown in publications:
        for key, value in shown.items():
            assert seen.setdefault(key, value) == value, key


def test_differencing_consecutive_publications_recovers_nothing(foi_table: MonthlyTable) -> None:
    """Across a year's end and a quarter's end, and two year-to-date publications."""
    monthly = _series(foi_table, "2019-07", ["2019-12", "2020-01"])
    to_date = _series(foi_table, "2020-01", ["2020-03", "2020-04"])
    for earlier, later in [
        *zip(monthly, monthly[1:], strict=False),
        *zip(to_date, to_date[1:], strict=False),
    ]:
        assert recovered([earlier, later], SERIES_READING) == []


@pytest.mark.slow
def test_no_protected_cell_of_the_foi_period_can_be_worked_out(foi_table: MonthlyTable) -> None:
    report = published(foi_table, SERIES)
    shown = publication(report)
    assert any(value == LOW for value in shown.values())  # there is something to attack
    assert recovered([shown], SERIES_READING) == []


def test_the_attack_recovers_cells_from_naive_suppression(foi_table: MonthlyTable) -> None:
    """Small counts hidden, everything else exact, no secondary suppression: as in many FOI replies. A row's
    total, or a month's returned, with one hidden count gives it away."""
    table = within(foi_table, "2019-01", "2019-06")
    naive: dict[tuple[str, tuple[str, ...]], int | str] = {}
    for row in table.rows:
        for month, value in zip(table.months, row.values, strict=True):
            naive[(row_id(row), (month,))] = CONFIDENTIAL if 0 < value < 5 else value
        naive[(row_id(row), table.months)] = CONFIDENTIAL if 0 < row.total < 5 else row.total
    assert recovered([naive], EXACT_READING)


def test_the_attack_recovers_cells_from_rounding_without_secondary_suppression() -> None:
    """10-5 with no secondary suppression (what ONS's cell-key package computes with the table it ships): 10 | c
    | c adding up to a published 10 (true 12) — both c are 1."""
    month = ("2019-01",)
    shown: Publication = {
        ("flow:received", month): 40,
        ("flow:returned", month): 10,
        ("result:contact_reestablished", month): 10,
        ("result:not_located", month): CONFIDENTIAL,
        ("result:leave_granted", month): CONFIDENTIAL,
        ("result:outcome_unknown", month): 0,
    }
    reading = Reading(
        threshold=10, base=5, small=frozenset({CONFIDENTIAL}), protected=frozenset({CONFIDENTIAL})
    )
    assert sorted(recovered([shown], reading)) == [
        ("result:leave_granted", month),
        ("result:not_located", month),
    ]


def _year_to_date(table: MonthlyTable, last: str) -> Publication:
    """A naive year-to-date publication: months with small counts hidden and a second cell hidden in any row with
    one, so no row gives a hidden count away; each row's exact total to date."""
    part = within(table, "2020-01", last)
    shown: dict[tuple[str, tuple[str, ...]], int | str] = {}
    for row in part.rows:
        values = dict(zip(part.months, row.values, strict=True))
        hidden = {m for m, v in values.items() if 0 < v < 5}
        if len(hidden) == 1:
            rest = [m for m, v in values.items() if v and m not in hidden]
            if rest:
                hidden.add(min(rest, key=lambda m: values[m]))
        for month, value in values.items():
            shown[(row_id(row), (month,))] = CONFIDENTIAL if month in hidden else value
        shown[(row_id(row), part.months)] = row.total
    return shown


def test_differencing_recovers_cells_from_naive_year_to_date_publications(foi_table: MonthlyTable) -> None:
    earlier, later = _year_to_date(foi_table, "2020-02"), _year_to_date(foi_table, "2020-03")
    reading = Reading(threshold=1, base=1, small=frozenset(), protected=frozenset({CONFIDENTIAL}))
    alone = set(recovered([earlier], reading)) | set(recovered([later], reading))
    pooled = set(recovered([earlier, later], reading))
    assert pooled - alone  # cells that only subtracting one publication from the other gives away


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    start=st.integers(0, 11),
    length=st.integers(1, 16),
    requests=st.sampled_from([3, 10, 30, 80, 200]),
)
def test_random_series_give_nothing_away_alone_or_together(
    seed: int, start: int, length: int, requests: int
) -> None:
    """Any period, any volume: a publication and the one a month shorter show the same figures, and neither
    alone nor pooled do they give a protected cell away."""
    months = month_range("2018-01", "2020-12")[start : start + length]
    table = real_volume_table(months[0], months[-1], seed=seed, requests=requests)
    whole = publication(published(table, SERIES))
    assert recovered([whole], SERIES_READING) == []
    if length > 1:
        shorter = publication(published(within(table, months[0], months[-2]), SERIES))
        assert all(whole[key] == value for key, value in shorter.items())
        assert recovered([shorter, whole], SERIES_READING) == []


# ------------------------------------------------------------------------------------------------- coverage


def _shares(report: MonthlyReport) -> dict[str, float | None]:
    measured = coverage(report)
    return {length: measured.share(length) for length in ("month", "quarter", "year")}


@pytest.mark.slow
def test_the_series_answers_every_question_every_year_and_most_quarters(foi_table: MonthlyTable) -> None:
    measured = coverage(published(foi_table, SERIES))
    assert measured.cells == {"month": 62 * len(FOI_QUESTIONS), "quarter": 20 * 11, "year": 4 * 11}
    assert measured.share("year") == 1.0
    quarter = measured.share("quarter")
    assert quarter is not None and quarter >= 0.8
    # by month, only sent and returned are published
    assert measured.answered["month"] <= 2 * 62


def test_coverage_counts_c_and_x_as_unanswered(foi_table: MonthlyTable) -> None:
    """The measure can fail: under 10-5 at real volumes most monthly answers are c, and no quarter is shown."""
    report = published(within(foi_table, "2019-01", "2019-12"), "10-5")
    shares = _shares(report)
    assert shares["quarter"] == 0.0
    month = shares["month"]
    assert month is not None and month < 0.5
    series = _shares(published(within(foi_table, "2019-01", "2019-12"), SERIES))
    assert series["year"] == 1.0
    assert PROFILES[SERIES].small_symbol == LOW
    assert FOI_FIRST < FOI_LAST


# ----------------------------------------------------------------------------------------- from the ledger, out


def test_a_series_report_from_the_ledger_writes_every_format_and_the_charts(
    golden_sqlite: Engine, tmp_path: Path
) -> None:
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(session, months=MONTHS, profile=SERIES)
    assert [c.label for c in report.columns][-1] == "Jan–Mar 2019"
    for suffix in ("xlsx", "csv", "html", "json"):
        assert write_monthly_report(report, tmp_path / f"report.{suffix}").stat().st_size > 0
    assert write_monthly_charts(report, tmp_path / "charts")
    rows = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["rows"]
    quarter = [r for r in rows if r["time_identifier"] == "Calendar year Q1"]
    assert {r["measure"] for r in quarter} >= {"records_received", "records_by_latest_result"}
    by_month = [
        r for r in rows if r["time_identifier"] == "January" and r["measure"] == "records_shared_onward"
    ]
    assert by_month and all(r["value"] in (UNAVAILABLE, None) for r in by_month)
    assert "Monthly series" in report.rule_text()
    notes = {row.cells[0]: row.cells[-1] for row in monthly_sheets(report)[2].rows}
    assert "quarters" in str(notes["FOI questions answered"])
    assert str(notes["Cells"]).startswith(
        f"{sum(r is Reason.PRIMARY for (row, _), r in report.reasons.items() if row != NOT_RETURNED)} shown as {LOW}"
    )


def test_sharelog_report_coverage_prints_the_shares(worlds: WorldFactory, tmp_path: Path) -> None:
    settings = worlds.copy(GOLDEN, tmp_path, actor="analyst").settings
    args = [
        "report",
        "coverage",
        "--from",
        MONTHS[0],
        "--to",
        MONTHS[-1],
        "--profile",
        SERIES,
        "--by-question",
    ]
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, args, obj=settings)
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 3}
    assert f"{3 * len(FOI_QUESTIONS)}" in lines["month"]  # three months
    assert f"{len(FOI_QUESTIONS)}" in lines["quarter"]  # one whole quarter
    assert "-" in lines["year"]  # no whole year
    assert "Records sent (requested)" in result.output
