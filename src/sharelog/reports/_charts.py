"""Charts of the monthly report (matplotlib, Agg, PNG): requests and returns, the result mix, outcomes unknown.

The charts draw exactly the figures the report shows (:func:`chart_data`): after disclosure control, the
published (rounded) numbers. A cell the table shows as a symbol — ``[c]`` suppressed, ``[x]`` not available (no
exchange, or outcomes not yet due), ``[z]`` not applicable — is not drawn as a bar of 0: its symbol is written
where the bar would be, and each symbol used is explained under the chart. matplotlib is
used through its object API (``Figure``, no pyplot), which renders with Agg: no display, no network.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sharelog.errors import InputError
from sharelog.reports._report import Column, MonthlyReport, row_id

__all__ = ["CHART_FILES", "ChartData", "chart_data", "monthly_chart_png", "write_monthly_charts"]

CHART_FILES = {
    "sent_returned": "monthly-sent-returned.png",
    "result_mix": "monthly-result-mix.png",
    "outcome_unknown": "monthly-outcome-unknown.png",
}

# Colour-blind-friendly categorical colours (Okabe–Ito), outcome unknown in grey.
_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
_UNKNOWN = "#9E9E9E"

Series = tuple[int | None, ...]  # one figure per month; None where the report shows a symbol


@dataclass(frozen=True)
class ChartData:
    """What the charts plot, month by month, taken from the cells the report shows."""

    months: tuple[Column, ...]
    received: Series
    returned: Series
    results: dict[str, tuple[str, Series]]  # result key → (label, figures), outcome unknown last
    unknown_share: tuple[float | None, ...]  # % of the returned with outcome unknown, from the shown figures
    symbols: dict[
        str, tuple[str, ...]
    ]  # row id → per month the symbol shown instead of a figure ('' for one)
    notes: str  # what the figures are, and what each symbol shown means (under every chart)


def chart_data(report: MonthlyReport) -> ChartData:
    """The figures behind the three charts: the report's own cells (published ones after disclosure control)."""
    months = tuple(c for c in report.columns if not c.total)

    def series(row: str) -> Series:
        return tuple(v if isinstance(v, int) else None for v in (report.values[(row, c.key)] for c in months))

    returned = series("flow:returned")
    results = {row.key: (row.label, series(row_id(row))) for row in report.table.section("result")}
    unknown = results["outcome_unknown"][1]
    share = tuple(
        100.0 * u / r if u is not None and r else None for u, r in zip(unknown, returned, strict=True)
    )
    rows = ["flow:received", "flow:returned", *(row_id(row) for row in report.table.section("result"))]
    symbols = {
        row: tuple(
            "" if isinstance(v, int) else str(v) for v in (report.values[(row, c.key)] for c in months)
        )
        for row in rows
    }
    return ChartData(months, series("flow:received"), returned, results, share, symbols, _footnote(report))


def write_monthly_charts(report: MonthlyReport, directory: Path) -> list[Path]:
    """Draw the three charts into ``directory`` (created if missing) and return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    data = chart_data(report)
    return [
        _save(_sent_returned(report, data), directory / CHART_FILES["sent_returned"]),
        _save(_result_mix(report, data), directory / CHART_FILES["result_mix"]),
        _save(_outcome_unknown(report, data), directory / CHART_FILES["outcome_unknown"]),
    ]


def monthly_chart_png(report: MonthlyReport, name: str) -> bytes:
    """One of the charts (a key of :data:`CHART_FILES`) drawn as PNG bytes, as :func:`write_monthly_charts`
    draws it.

    Raises:
        InputError: ``name`` is not one of the charts.
    """
    drawers: dict[str, Callable[[MonthlyReport, ChartData], Any]] = {
        "sent_returned": _sent_returned,
        "result_mix": _result_mix,
        "outcome_unknown": _outcome_unknown,
    }
    if name not in drawers:
        raise InputError(f"no chart called {name!r}; the charts are {', '.join(CHART_FILES)}")
    buffer = io.BytesIO()
    drawers[name](report, chart_data(report)).savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _figure(report: MonthlyReport, title: str) -> tuple[Any, Any]:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 5.2), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(f"{title}\n{report.selection_text()}, {report.period_text()}", fontsize=11, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return figure, axes


def _footnote(report: MonthlyReport) -> str:
    if report.profile is None:
        text = "INTERNAL: exact counts from the ledger, not for publication."
    else:
        text = f"Published figures ({report.profile.name}): rounded to the nearest {report.profile.base}."
    symbols = " ".join(report.symbol_lines())
    if symbols:
        text += f" Figures shown as a symbol are not drawn: {symbols}"
    return text


def _note(figure: Any, text: str) -> None:
    figure.supxlabel("\n".join(textwrap.wrap(text, 150)), fontsize=8, x=0.01, ha="left")


def _save(figure: Any, path: Path) -> Path:
    figure.savefig(path, format="png", metadata={"Software": None})
    return path


def _ticks(axes: Any, months: Sequence[Column]) -> list[int]:
    years = {c.time_period for c in months}
    labels = [c.time_identifier[:3] + (f"\n{c.time_period}" if len(years) > 1 else "") for c in months]
    positions = list(range(len(months)))
    axes.set_xticks(positions, labels)
    return positions


def _sent_returned(report: MonthlyReport, data: ChartData) -> Any:
    figure, axes = _figure(report, "Requests received and records returned, by month")
    positions = _ticks(axes, data.months)
    width = 0.4
    pairs = [
        ("Received from the requester", data.received, "#0072B2", "flow:received"),
        ("Returned", data.returned, "#E69F00", "flow:returned"),
    ]
    for offset, (label, values, colour, row) in enumerate(pairs):
        xs = [p + (offset - 0.5) * width for p in positions]
        axes.bar(xs, [v or 0 for v in values], width=width, label=label, color=colour)
        for x, v, symbol in zip(xs, values, data.symbols[row], strict=True):
            if v is None:
                axes.annotate(symbol, (x, 0), ha="center", va="bottom", fontsize=7)
    axes.set_ylabel("Records")
    axes.legend(frameon=False)
    _note(figure, data.notes)
    return figure


def _result_mix(report: MonthlyReport, data: ChartData) -> Any:
    figure, axes = _figure(report, "Latest result of the returned records, by month")
    positions = _ticks(axes, data.months)
    bottoms = [0.0] * len(positions)
    hidden = [False] * len(positions)
    for index, (key, (label, values)) in enumerate(data.results.items()):
        hidden = [was or v is None for was, v in zip(hidden, values, strict=True)]
        if not any(values):
            continue  # a category with nothing to draw stays out of the legend
        heights = [float(v or 0) for v in values]
        colour = _UNKNOWN if key == "outcome_unknown" else _COLOURS[index % len(_COLOURS)]
        axes.bar(positions, heights, bottom=bottoms, label=label, color=colour, width=0.7)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    shown = [(x, r) for x, r in zip(positions, data.returned, strict=True) if r is not None]
    if shown:
        xs, ys = zip(*shown, strict=True)
        axes.hlines(
            ys, [x - 0.4 for x in xs], [x + 0.4 for x in xs], colors="black", label="Returned", zorder=3
        )
    results = [row_id(row) for row in report.table.section("result")]
    for index, (x, bottom, suppressed) in enumerate(zip(positions, bottoms, hidden, strict=True)):
        if suppressed:
            symbols = sorted({data.symbols[row][index] for row in results} - {""})
            drawn = bottom > 0
            text = ("+ " if drawn else "") + "".join(symbols)
            axes.annotate(text, (x, bottom), ha="center", va="bottom", fontsize=7)
    axes.set_ylabel("Returned records")
    axes.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    extra = "'+ [c]': the month has results not drawn, so its bar may not reach the returned."
    _note(figure, f"{data.notes} {extra}" if report.missing else data.notes)
    return figure


def _outcome_unknown(report: MonthlyReport, data: ChartData) -> Any:
    figure, axes = _figure(report, "Share of returned records with outcome unknown, by month")
    positions = _ticks(axes, data.months)
    axes.bar(positions, [s or 0.0 for s in data.unknown_share], color=_UNKNOWN, width=0.7)
    unknown, sent_back = data.symbols["result:outcome_unknown"], data.symbols["flow:returned"]
    shares = zip(positions, data.unknown_share, data.returned, strict=True)
    for index, (x, share, returned) in enumerate(shares):
        if share is not None:
            text = f"{share:.0f}%"
        elif returned == 0:
            text = "none returned"
        else:
            text = unknown[index] or sent_back[index]
        axes.annotate(text, (x, share or 0.0), ha="center", va="bottom", fontsize=7)
    axes.set_ylabel("% of returned records")
    axes.set_ylim(0, 105)
    extra = "Each share is outcome unknown divided by returned, both as the table shows them"
    _note(
        figure,
        f"{data.notes} {extra}" + ("; where either is a symbol, that symbol." if report.missing else "."),
    )
    return figure
