"""Charts: three PNGs, drawn from exactly the figures the report shows (published ones after disclosure control)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from sharelog.ledger import ledger_session
from sharelog.reports import CHART_FILES, build_monthly_report, chart_data, write_monthly_charts

from ..worlds import GENERATED_AT, MONTHS


def test_published_charts_plot_published_figures_only(golden_sqlite: Engine, tmp_path: Path) -> None:
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(session, months=MONTHS, sdc="publish", now=GENERATED_AT)
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


def test_internal_charts_plot_exact_counts(golden_sqlite: Engine) -> None:
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(session, months=MONTHS, sdc="internal", now=GENERATED_AT)
    data = chart_data(report)
    assert data.received == (40, 31, 60) and data.returned == (14, 5, 21)
    assert data.unknown_share == pytest.approx((100 * 2 / 14, 0.0, 100 * 9 / 21))
