"""Charts: five PNGs, drawn from exactly the figures the report shows (published ones after disclosure control)."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.patches import Rectangle
from sqlalchemy import Engine

from sharelog.ledger import ledger_session
from sharelog.reports import (
    CHART_FILES,
    SERIES,
    MonthlyReport,
    build_monthly_report,
    chart_data,
    chart_text,
    write_monthly_charts,
)
from sharelog.reports._charts import _DRAWERS, _chart_cells

from ..worlds import GENERATED_AT, MONTHS


def test_published_charts_plot_published_figures_only(golden_sqlite: Engine, tmp_path: Path) -> None:
    """Under ONS 10-5, asked for by name: its [c]s fall on figures the series rule shows (the returned)."""
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(session, months=MONTHS, sdc="publish", profile="10-5", now=GENERATED_AT)
    data = chart_data(report)
    assert data.received == (40, 30, 60)
    assert data.returned == (None, None, 20)  # suppressed: not drawn
    assert data.results["contact_reestablished"][1] == (10, 0, 0)
    assert data.results["outcome_unknown"][1] == (None, 0, None)
    assert data.unknown_share == (None, None, None)
    for key, (_, series) in data.results.items():
        shown = [report.values[(f"result:{key}", month)] for month in MONTHS]
        assert list(series) == [v if isinstance(v, int) else None for v in shown]
    paths = write_monthly_charts(report, tmp_path / "charts")
    assert [p.name for p in paths] == list(CHART_FILES.values())
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths)


def test_default_charts_draw_sent_and_returned_every_month_and_results_by_quarter(
    golden_sqlite: Engine,
) -> None:
    """The series rule (the default): received 40, 31, 60 and returned 14, 5, 21, rounded to the nearest 5; the
    results by month are [x] (published by quarter), so they and the share unknown are drawn by the quarter."""
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(session, months=MONTHS, sdc="publish", now=GENERATED_AT)
    data = chart_data(report)
    assert data.received == (40, 30, 60) and data.returned == (15, 5, 20)
    assert [c.key for c in data.periods] == ["2019-Q1"]
    returned, unknown = (
        report.values[(row, "2019-Q1")] for row in ("flow:returned", "result:outcome_unknown")
    )
    assert isinstance(returned, int) and isinstance(unknown, int) and returned > 0
    assert data.period_returned == (returned,)
    assert data.results["outcome_unknown"][1] == (unknown,)
    assert data.unknown_share == pytest.approx((100 * unknown / returned,))
    assert all(
        report.values[(row, month)] == "[x]" for row in ("result:outcome_unknown",) for month in MONTHS
    )
    figure = _DRAWERS["outcome_unknown"](report, data)
    assert len([p for p in figure.axes[0].patches if isinstance(p, Rectangle)]) == 1  # the quarter's bar


def test_internal_charts_plot_exact_counts(golden_sqlite: Engine) -> None:
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(session, months=MONTHS, sdc="internal", now=GENERATED_AT)
    data = chart_data(report)
    assert data.received == (40, 31, 60) and data.returned == (14, 5, 21)
    assert data.unknown_share == pytest.approx((100 * 2 / 14, 0.0, 100 * 9 / 21))


# the period total the breakdowns are drawn by, January to March 2019: 10-5's total of the months; the series
# rule's whole quarter (it publishes no total of part of a year, and breakdowns by quarter and year only)
@pytest.mark.parametrize(("profile", "total"), [(SERIES, "2019-Q1"), ("10-5", "2019")])
def test_breakdowns_are_drawn_by_the_period_total(golden_sqlite: Engine, profile: str, total: str) -> None:
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(
            session, months=MONTHS, sdc="publish", profile=profile, now=GENERATED_AT
        )
    data = chart_data(report)
    assert [c.key for c in data.totals] == [total]
    for section, series in (("onward", data.onward), ("intervention", data.interventions)):
        assert list(series) == [row.key for row in report.table.section(section)]
        for key, (_, figures) in series.items():
            shown = report.values[(f"{section}:{key}", total)]
            assert figures == ((shown if isinstance(shown, int) else None),)


# every chart under 10-5; under the series rule, every chart but sent and returned, which it shows every month of
# the golden ledger (the breakdowns are [x] by month, [low] or [z] by quarter)
SYMBOL_CASES = [
    *(("10-5", name) for name in CHART_FILES),
    # the series rule draws sent and returned by month and the share unknown by quarter, every figure published
    *((SERIES, n) for n in CHART_FILES if n not in ("sent_returned", "outcome_unknown")),
]


@pytest.mark.parametrize(("profile", "name"), SYMBOL_CASES)
def test_a_figure_shown_as_a_symbol_is_not_drawn_and_is_named(
    golden_sqlite: Engine, profile: str, name: str
) -> None:
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(
            session, months=MONTHS, sdc="publish", profile=profile, now=GENERATED_AT
        )
    hidden = [
        (row, column)
        for row, columns in _chart_cells(report, name)
        for column in columns
        if not isinstance(report.values[(row, column.key)], int)
    ]
    drawn = [
        (row, column)
        for row, columns in _chart_cells(report, name)
        for column in columns
        if isinstance(report.values[(row, column.key)], int)
    ]
    assert hidden, "the golden ledger's small counts leave something out of every chart"
    figure = _DRAWERS[name](report, chart_data(report))
    bars = [p for p in figure.axes[0].patches if isinstance(p, Rectangle)]
    if name == "outcome_unknown":  # one bar per month whose share can be worked out
        assert len(bars) == sum(share is not None for share in chart_data(report).unknown_share)
    elif name == "result_mix":  # a category with no figure above 0 is left out (and out of the legend)
        shown = [(row, report.values[(row, c.key)]) for row, c in drawn]
        assert len(bars) == sum(1 for row, _ in shown if any(v for r, v in shown if r == row))
    else:
        assert len(bars) == len(drawn)
    text = chart_text(report, name)
    assert "Not drawn" in text
    for row, column in hidden:
        assert f"({report.values[(row, column.key)]})" in text and column.label in text
    internal = build_monthly_report_internal(golden_sqlite)
    assert "[c]" not in chart_text(internal, name)  # nothing withheld; [z] and [x] may still be named


def build_monthly_report_internal(engine: Engine) -> MonthlyReport:
    with ledger_session(engine) as session:
        return build_monthly_report(session, months=MONTHS, sdc="internal", now=GENERATED_AT)
