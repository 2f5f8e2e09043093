"""Every kind of missing figure is marked, never 0 — in the workbook (Monthly, Data, Notes), CSV, JSON, HTML and
the charts.

The golden ledger (docs in tests/worlds/_golden.py) sets each kind up; the expectations below come from its facts,
not from the report code:
- its first exchange is January 2019, so December 2018 is before it: ``[x]``;
- it has no exchange in April 2019 (after the last one): ``[x]``;
- March's 21 returned records were returned on 11 March, nine of them have no result, and the agreement's window is
  90 days: on 1 May 2019 their outcomes are not due yet (due 9 June), so March's outcome rows are ``[x]``; January's
  (due 11 April) and February's (all have results) are not;
- both agreement versions permit onward sharing with police and Border Force only, and nothing else was recorded:
  the other recipients are ``[z]``;
- January returned 14 records, a small count: ``[c]`` when published under ONS 10-5.

"Published" here is ONS 10-5, asked for by name: its month columns carry every kind in the outcome rows. Under
the default series rule a month's outcome rows are ``[x]`` published by quarter (the last test, and
test_series.py).
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sharelog.ledger import ledger_session
from sharelog.reports import (
    SERIES,
    MissingFigure,
    MonthlyReport,
    build_monthly_report,
    chart_data,
    month_range,
    write_monthly_report,
)

from ._golden_tables import workbook_values

MONTHS = month_range("2018-12", "2019-04")
ON_1_MAY = datetime(2019, 5, 1, 9, 0, tzinfo=UTC)
OUTCOME_ROWS = ("Police", "Home visit", "Contact re-established", "Outcome unknown", "Children")
NOT_PERMITTED = ("Local authority (local government)", "Other government", "Overseas authority")
HEADER = (
    "Measure",
    "December 2018",
    "January 2019",
    "February 2019",
    "March 2019",
    "April 2019",
    "Total Jan–Apr 2019",
)

# The cells each kind marks (row label, column header), whatever the disclosure-control mode.
EXPECTED: dict[MissingFigure, list[tuple[str, str]]] = {
    MissingFigure.BEFORE_FIRST_EXCHANGE: [
        (row, "December 2018")
        for row in (
            "Records sent from Home Office to Department for Education",
            "Sent to review",
            *OUTCOME_ROWS,
        )
    ],
    MissingFigure.NO_EXCHANGE: [
        (row, "April 2019")
        for row in (
            "Records sent from Home Office to Department for Education",
            "Sent to review",
            *OUTCOME_ROWS,
        )
    ],
    MissingFigure.NOT_YET_DUE: [
        (row, column) for row in OUTCOME_ROWS for column in ("March 2019", "Total Jan–Apr 2019")
    ],
    MissingFigure.NOT_APPLICABLE: [
        (row, column) for row in NOT_PERMITTED for column in ("January 2019", "February 2019")
    ],
}
SYMBOLS = {
    MissingFigure.BEFORE_FIRST_EXCHANGE: "[x]",
    MissingFigure.NO_EXCHANGE: "[x]",
    MissingFigure.NOT_YET_DUE: "[x]",
    MissingFigure.NOT_APPLICABLE: "[z]",
    MissingFigure.SUPPRESSED: "[c]",
}


def _report(engine: Engine, sdc: str, now: datetime = ON_1_MAY, profile: str = "10-5") -> MonthlyReport:
    with ledger_session(engine) as session:
        return build_monthly_report(session, months=MONTHS, sdc=sdc, profile=profile, now=now)


def _grid(rows: list[list[object]]) -> dict[tuple[str, str], object]:
    """(row label, column header) → the cell, from a Monthly sheet laid out as a grid."""
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Measure")
    columns = [str(c) for c in rows[header]]
    assert tuple(columns) == HEADER
    return {
        (str(row[0]), columns[i]): value
        for row in rows[header + 1 :]
        for i, value in enumerate(row)
        if i > 0 and i < len(columns) and any(v not in (None, "") for v in row[1:])
    }


@pytest.fixture(params=["internal", "publish"])
def sdc(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_each_kind_is_marked_in_the_report(golden_sqlite: Engine, sdc: str) -> None:
    report = _report(golden_sqlite, sdc)
    rows = {row.label: row for row in report.table.rows}
    columns = {column.label: column for column in report.columns}
    for kind, cells in EXPECTED.items():
        for label, header in cells:
            row, column = rows[label], columns[header]
            assert report.missing_reason(row, column) is kind, (label, header)
            assert report.cell(row, column) == SYMBOLS[kind], (label, header)
    # what is known is still shown: the flow rows of March and of the total, and the permitted recipients
    assert (
        report.cell(rows["Records sent from Home Office to Department for Education"], columns["March 2019"])
        == 60
    )
    assert report.cell(
        rows["Records sent from Home Office to Department for Education"], columns["Total Jan–Apr 2019"]
    ) in (
        131,
        130,
    )
    assert isinstance(report.cell(rows["Police"], columns["February 2019"]), int)
    assert isinstance(report.cell(rows["Outcome unknown"], columns["February 2019"]), int)
    if sdc == "publish":
        assert report.missing_reason(
            rows["Records returned from Department for Education to Home Office"], columns["January 2019"]
        ) is (MissingFigure.SUPPRESSED)
        assert report.withheld() > 0
    else:
        assert MissingFigure.SUPPRESSED not in report.missing.values() and report.withheld() == 0


def test_no_unknown_figure_is_shown_as_0(golden_sqlite: Engine, sdc: str) -> None:
    report = _report(golden_sqlite, sdc)
    for row in report.table.rows:
        for column in report.columns:
            if column.label in ("December 2018", "April 2019"):
                assert report.cell(row, column) == "[x]", (row.label, column.label)


def test_an_outcome_is_not_yet_due_until_the_day_after_its_due_date(golden_sqlite: Engine) -> None:
    def march_unknown(now: datetime) -> object:
        report = _report(golden_sqlite, "internal", now)
        march = next(c for c in report.columns if c.key == "2019-03")
        return report.cell(report.table.row("outcome_unknown"), march)

    assert march_unknown(datetime(2019, 6, 9, 23, 0, tzinfo=UTC)) == "[x]"  # due 9 June: still on time
    assert march_unknown(datetime(2019, 6, 10, 9, 0, tzinfo=UTC)) == 9  # overdue: outcome unknown, counted


def test_the_workbook_marks_and_explains_each_kind(golden_sqlite: Engine, tmp_path: Path, sdc: str) -> None:
    report = _report(golden_sqlite, sdc)
    sheets = workbook_values(write_monthly_report(report, tmp_path / "r.xlsx"))
    grid = _grid(sheets["Monthly"])
    for kind, cells in EXPECTED.items():
        assert all(grid[cell] == SYMBOLS[kind] for cell in cells), kind
    legend = " ".join(str(row[0]) for row in sheets["Monthly"][1:3] if row and row[0])
    assert "no exchange for 2 of the 5 months (December 2018, April 2019)" in legend
    assert "[x] = not available" in legend and "[z] = not applicable" in legend
    assert ("[c] = confidential" in legend) is (sdc == "publish")
    # the Data sheet carries the same symbol in its value column
    data = {(r[1], r[2], r[3]): r[4] for r in sheets["Data"][1:]}
    assert data[("December", "records_received", "total")] == "[x]"
    assert data[("March", "records_by_latest_result", "outcome_unknown")] == "[x]"
    assert data[("January", "records_shared_onward", "local_authority")] == "[z]"
    # the Notes sheet counts each kind and cites the shorthand's source
    notes = {str(r[0]): str(r[1]) for r in sheets["Notes"] if r and r[1] is not None}
    assert "Using symbols and shorthand" in notes["Symbols"]
    for kind, cells in EXPECTED.items():
        label = f"{kind.symbol} {kind.value.replace('_', ' ')}"
        count = int(notes[label].rsplit("In this table: ", 1)[1].split()[0])
        assert count >= len(cells), kind


def test_csv_json_and_html_mark_each_kind(golden_sqlite: Engine, tmp_path: Path, sdc: str) -> None:
    report = _report(golden_sqlite, sdc)
    with write_monthly_report(report, tmp_path / "r.csv").open(encoding="utf-8", newline="") as handle:
        rows: list[list[object]] = [list(row) for row in csv.reader(handle)]
    grid = _grid([[cell if cell != "" else None for cell in row] for row in rows])
    for kind, cells in EXPECTED.items():
        assert all(grid[cell] == SYMBOLS[kind] for cell in cells), kind
    assert any("no exchange for 2 of the 5 months" in str(row[0]) for row in rows[:3] if row)

    document = json.loads(write_monthly_report(report, tmp_path / "r.json").read_text(encoding="utf-8"))
    found = {
        (row["time_identifier"], row["time_period"], row["measure"], row["category"]): row
        for row in document["rows"]
    }
    cases = {
        MissingFigure.BEFORE_FIRST_EXCHANGE: ("December", "2018", "records_received", "total"),
        MissingFigure.NO_EXCHANGE: ("April", "2019", "records_received", "total"),
        MissingFigure.NOT_YET_DUE: ("March", "2019", "records_by_latest_result", "outcome_unknown"),
        MissingFigure.NOT_APPLICABLE: ("January", "2019", "records_shared_onward", "local_authority"),
    }
    if sdc == "publish":
        cases[MissingFigure.SUPPRESSED] = ("January", "2019", "records_returned", "total")
    for kind, key in cases.items():
        row = found[key]
        assert (row["value"], row["symbol"], row["reason"]) == (None, SYMBOLS[kind], kind.value), kind
        assert document["missing_figures"]["reasons"][kind.value]["symbol"] == SYMBOLS[kind]
    assert found[("March", "2019", "records_received", "total")]["value"] == 60
    assert "December 2018, April 2019" in document["missing_figures"]["no_data"]

    page = write_monthly_report(report, tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<abbr title="not available: the ledger holds no figure for it">[x]</abbr>' in page
    assert '<abbr title="not applicable: the agreement in force did not provide for it">[z]</abbr>' in page
    assert ('<abbr title="confidential: withheld to protect the people counted">[c]</abbr>' in page) is (
        sdc == "publish"
    )
    assert "no exchange for 2 of the 5 months (December 2018, April 2019)" in page


def test_charts_draw_no_bar_for_a_missing_figure_and_say_why(golden_sqlite: Engine, sdc: str) -> None:
    report = _report(golden_sqlite, sdc)
    data = chart_data(report)
    assert [c.label for c in data.months] == list(HEADER[1:-1])
    assert data.received[0] is None and data.received[4] is None  # December and April: not a bar of 0
    assert data.symbols["flow:received"][0] == data.symbols["flow:received"][4] == "[x]"
    assert (
        data.results["outcome_unknown"][1][3] is None and data.symbols["result:outcome_unknown"][3] == "[x]"
    )
    assert data.unknown_share[3] is None
    assert "[x] = not available" in data.notes
    assert "no batch of requests was exchanged that month" in data.notes
    assert "outcomes of records returned that month are not yet due" in data.notes
    assert ("[c] = confidential" in data.notes) is (sdc == "publish")


def test_under_the_default_rule_a_months_outcomes_are_published_by_quarter(golden_sqlite: Engine) -> None:
    """The series rule: the flow rows are marked by month as under any rule; every outcome row is [x] in every month
    (published by quarter), and in January to March, whose March outcomes are not due on 1 May, [x] not yet due."""
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(session, months=MONTHS, sdc="publish", now=ON_1_MAY)
    assert report.profile is not None and report.profile.name == SERIES
    rows = {row.label: row for row in report.table.rows}
    columns = {column.label: column for column in report.columns}
    assert list(columns) == [
        *HEADER[1:5],
        "Jan–Mar 2019",
        "April 2019",
    ]  # the whole quarter; no part of a year
    sent = rows["Records sent from Home Office to Department for Education"]
    assert report.missing_reason(sent, columns["December 2018"]) is MissingFigure.BEFORE_FIRST_EXCHANGE
    assert report.missing_reason(sent, columns["April 2019"]) is MissingFigure.NO_EXCHANGE
    assert report.cell(sent, columns["March 2019"]) == 60
    # December's and April's quarters are only partly in the period, and neither month had an exchange: that is
    # what their outcome rows say
    for label in (*OUTCOME_ROWS, *NOT_PERMITTED):
        for header, kind in (
            ("December 2018", MissingFigure.BEFORE_FIRST_EXCHANGE),
            *((h, MissingFigure.BY_QUARTER) for h in HEADER[2:5]),
            ("April 2019", MissingFigure.NO_EXCHANGE),
        ):
            assert report.missing_reason(rows[label], columns[header]) is kind, (label, header)
            assert report.cell(rows[label], columns[header]) == "[x]"
        assert report.missing_reason(rows[label], columns["Jan–Mar 2019"]) is MissingFigure.NOT_YET_DUE, label


def test_a_month_whose_quarter_the_period_holds_in_part_says_where_its_outcomes_are(
    golden_sqlite: Engine, tmp_path: Path
) -> None:
    """February and March 2019 without January: no quarter column (a part quarter, set against the whole one,
    would give away January); their outcome rows say the whole quarter's report has them, in every format."""
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(session, months=month_range("2019-02", "2019-03"), sdc="publish")
    rows = {row.label: row for row in report.table.rows}
    assert [column.label for column in report.columns] == ["February 2019", "March 2019"]
    sent = rows["Records sent from Home Office to Department for Education"]
    assert all(isinstance(report.cell(sent, column), int) for column in report.columns)
    for label in OUTCOME_ROWS:
        for column in report.columns:
            assert report.missing_reason(rows[label], column) is MissingFigure.PART_QUARTER, (
                label,
                column.key,
            )
            assert report.cell(rows[label], column) == "[x]"
    document = json.loads(write_monthly_report(report, tmp_path / "r.json").read_text(encoding="utf-8"))
    reasons = {row["reason"] for row in document["rows"] if row["measure"] == "records_shared_onward"}
    assert reasons == {MissingFigure.PART_QUARTER.value}
    assert (
        "whole quarter" in document["missing_figures"]["reasons"][MissingFigure.PART_QUARTER.value]["meaning"]
    )
    notes = workbook_values(write_monthly_report(report, tmp_path / "r.xlsx"))["Notes"]
    assert any("[x] published with whole quarter" in str(row[0]) for row in notes)


def test_a_period_without_data_says_so_in_words(golden_sqlite: Engine, tmp_path: Path) -> None:
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(session, months=month_range("2015-07", "2015-12"), now=ON_1_MAY)
    expected = "No data: the ledger holds no exchange for July to December 2015"
    sheets = workbook_values(write_monthly_report(report, tmp_path / "r.xlsx"))
    assert str(sheets["Monthly"][1][0]).startswith(expected)
    monthly = sheets["Monthly"]
    header = next(i for i, row in enumerate(monthly) if row and row[0] == "Measure")
    counts = [cell for row in monthly[header + 1 :] for cell in row[1:] if cell is not None]
    assert counts and set(counts) == {"[x]"}
    assert expected in write_monthly_report(report, tmp_path / "r.html").read_text(encoding="utf-8")
    assert expected in write_monthly_report(report, tmp_path / "r.csv").read_text(encoding="utf-8")
    document = json.loads(write_monthly_report(report, tmp_path / "r.json").read_text(encoding="utf-8"))
    assert document["missing_figures"]["no_data"].startswith(expected)
    assert {row["value"] for row in document["rows"]} == {None}
