"""The monthly report's columns, titles and notes, over periods other than the golden one."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from sharelog.ledger import ledger_session
from sharelog.reports import SERIES, MissingFigure, Reason, build_monthly_report, month_range, monthly_sheets
from sharelog.reports._report import monthly_columns

from ..worlds import GENERATED_AT, MONTHS


@pytest.mark.parametrize(
    ("first", "last", "labels", "identifiers"),
    [
        ("2019-03", "2019-03", ["March 2019"], ["March"]),
        (
            "2019-11",
            "2020-02",
            [
                "November 2019",
                "December 2019",
                "Total Nov–Dec 2019",
                "January 2020",
                "February 2020",
                "Total Jan–Feb 2020",
            ],
            ["November", "December", "November to December", "January", "February", "January to February"],
        ),
        ("2019-01", "2019-12", [*(f"{m} 2019" for m in ("January", "February")), "Total 2019"], None),
    ],
)
def test_columns_are_months_with_a_total_per_year(
    first: str, last: str, labels: list[str], identifiers: list[str] | None
) -> None:
    columns = monthly_columns(month_range(first, last))
    if identifiers is None:  # a whole year: check the ends
        assert [c.label for c in columns[:2]] + [columns[-1].label] == labels
        assert columns[-1].time_identifier == "Calendar year" and len(columns[-1].months) == 12
        return
    assert [c.label for c in columns] == labels
    assert [c.time_identifier for c in columns] == identifiers


@pytest.mark.parametrize("profile", [SERIES, "10-5"])
def test_a_period_with_nothing_in_it(golden_sqlite: Engine, profile: str) -> None:
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(
            session, months=month_range("2018-01", "2018-02"), profile=profile, now=GENERATED_AT
        )
    # the ledger holds nothing before January 2019: not a zero anywhere, every figure "not available" for that
    # reason, nothing withheld (the series rule, the default, would not publish a month's breakdowns anyway, but
    # with only part of a quarter in the period what the cells say is that the ledger holds nothing)
    shown = {report.cell(row, column) for row in report.table.rows for column in report.columns}
    assert shown == {"[x]"}
    assert set(report.reasons.values()) == ({Reason.PERIOD} if profile == SERIES else set())
    flow = {
        report.missing[(f"flow:{row.key}", column.key)]
        for row in report.table.section("flow")
        for column in report.columns
    }
    assert flow == {MissingFigure.BEFORE_FIRST_EXCHANGE}
    assert set(report.missing.values()) == {MissingFigure.BEFORE_FIRST_EXCHANGE}
    assert (
        report.no_data_text() is not None
        and "no exchange for January to February 2018" in report.no_data_text()
    )
    assert report.title() == (
        "Monthly outcomes of data-sharing requests: all agreements (no agreement in force), January to February 2018"
    )


def test_one_agreement_and_the_1_4_profile(golden_sqlite: Engine) -> None:
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(
            session, months=MONTHS, agreement_id="ho-dfe-test", profile="1-4", now=GENERATED_AT
        )
    assert report.selection_text() == "ho-dfe-test v1.0, ho-dfe-test v2.0"

    def shown(key: str) -> list[int | str]:
        return [report.cell(report.table.row(key), c) for c in report.columns]

    assert shown("matched") == [10, 5, 20, 35]  # 5 is shown under 1-4
    # February's five returned all had leave granted: the category is suppressed, and the returned with it
    assert shown("leave_granted")[1] == "[c]" and shown("returned")[1] == "[c]"
    notes = {row.cells[0]: row.cells[-1] for row in monthly_sheets(report)[2].rows if not row.heading}
    assert str(notes["Rule applied"]).startswith("Profile 1-4: counts of 1 to 4 shown as [c]")
    assert notes["February 2019"] == "ho-dfe-test v1.0, ho-dfe-test v2.0 (exchanges under: ho-dfe-test v2.0)"
