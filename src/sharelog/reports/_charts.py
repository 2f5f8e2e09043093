"""Charts of the monthly report (matplotlib, Agg, PNG): requests and returns, the result mix, outcomes unknown,
and onward sharing and interventions by the period's year totals.

The charts draw exactly the figures the report shows (:func:`chart_data`): after disclosure control, the
published (rounded) numbers. A cell the report shows as a symbol (suppressed, not applicable…) is not drawn at
all — never as a bar of 0 — its symbol is written where the bar would be, and :func:`chart_text` names every
such cell for the chart's text alternative. matplotlib is used through its object API (``Figure``, no pyplot),
which renders with Agg: no display, no network.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sharelog.errors import InputError
from sharelog.reports._report import Column, MonthlyReport, row_id

__all__ = [
    "CHART_FILES",
    "CHART_TITLES",
    "ChartData",
    "chart_data",
    "chart_text",
    "monthly_chart_png",
    "write_monthly_charts",
]

CHART_FILES = {
    "sent_returned": "monthly-sent-returned.png",
    "result_mix": "monthly-result-mix.png",
    "outcome_unknown": "monthly-outcome-unknown.png",
    "onward_sharing": "onward-sharing.png",
    "interventions": "interventions.png",
}
CHART_TITLES = {
    "sent_returned": "Requests received and records returned, by month",
    "result_mix": "Latest result of the returned records, by month",
    "outcome_unknown": "Share of returned records with outcome unknown, by month",
    "onward_sharing": "Returned records shared onward, by recipient",
    "interventions": "Returned records with an intervention, by type",
}
BREAKDOWNS = {"onward_sharing": "onward", "interventions": "intervention"}
"""The charts of a breakdown of the returned records, and the report section each draws."""

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
    totals: tuple[Column, ...] = ()
    """The columns the breakdowns are drawn over: the period's year totals (its months when it has none)."""
    onward: dict[str, tuple[str, Series]] = field(default_factory=dict)  # recipient → (label, one per total)
    interventions: dict[str, tuple[str, Series]] = field(
        default_factory=dict
    )  # type → (label, one per total)
    periods: tuple[Column, ...] = ()
    """The columns the results are drawn over: the months, or the quarters where the rule publishes what
    happened to the returned records by quarter only (the series rule)."""
    period_returned: Series = ()  # the returned, one per column of ``periods``
    symbols: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Row id → per column the symbol shown instead of a figure ('' where a figure is shown): the months for
    the flows, ``periods`` for the results."""
    notes: str = ""
    """What the figures are, and what each symbol shown means (under every chart)."""


def chart_data(report: MonthlyReport) -> ChartData:
    """The figures behind the charts: the report's own cells (published ones after disclosure control)."""
    months = tuple(c for c in report.columns if not c.total)
    totals = _breakdown_columns(report)

    def series(row: str, columns: Sequence[Column] = months) -> Series:
        return tuple(
            v if isinstance(v, int) else None for v in (report.values[(row, c.key)] for c in columns)
        )

    def section(name: str) -> dict[str, tuple[str, Series]]:
        return {row.key: (row.label, series(row_id(row), totals)) for row in report.table.section(name)}

    periods = _result_columns(report)
    returned = series("flow:returned")
    period_returned = series("flow:returned", periods)
    results = {row.key: (row.label, series(row_id(row), periods)) for row in report.table.section("result")}
    unknown = results["outcome_unknown"][1]
    share = tuple(
        100.0 * u / r if u is not None and r else None for u, r in zip(unknown, period_returned, strict=True)
    )
    symbols = _symbol_table(report, months, periods)
    return ChartData(
        months,
        series("flow:received"),
        returned,
        results,
        share,
        totals=totals,
        onward=section("onward"),
        interventions=section("intervention"),
        periods=periods,
        period_returned=period_returned,
        symbols=symbols,
        notes=_footnote(report),
    )


def _title(report: MonthlyReport, name: str) -> str:
    """The chart's title; the results' charts say "by quarter" where the rule gives results by quarter only."""
    title = CHART_TITLES[name]
    if name in ("result_mix", "outcome_unknown") and any(c.quarter for c in report.columns):
        return title.replace("by month", "by quarter")
    return title


def _result_columns(report: MonthlyReport) -> tuple[Column, ...]:
    """The months, or the whole quarters where the rule publishes the results by quarter only."""
    quarters = tuple(c for c in report.columns if c.quarter)
    return quarters or tuple(c for c in report.columns if not c.total)


def _symbol_table(
    report: MonthlyReport, months: Sequence[Column], periods: Sequence[Column]
) -> dict[str, tuple[str, ...]]:
    def shown(row: str, columns: Sequence[Column]) -> tuple[str, ...]:
        return tuple(symbol or "" for symbol in _symbols(report, row, columns))

    table = {row: shown(row, months) for row in ("flow:received", "flow:returned")}
    table["period:returned"] = shown("flow:returned", periods)
    table.update({row_id(row): shown(row_id(row), periods) for row in report.table.section("result")})
    return table


def _breakdown_columns(report: MonthlyReport) -> tuple[Column, ...]:
    totals = tuple(c for c in report.columns if c.total)
    return totals or tuple(c for c in report.columns if not c.total)


def write_monthly_charts(report: MonthlyReport, directory: Path) -> list[Path]:
    """Draw every chart of :data:`CHART_FILES` into ``directory`` (created if missing) and return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    data = chart_data(report)
    return [_save(_DRAWERS[name](report, data), directory / file) for name, file in CHART_FILES.items()]


def monthly_chart_png(report: MonthlyReport, name: str) -> bytes:
    """One of the charts (a key of :data:`CHART_FILES`) drawn as PNG bytes, as :func:`write_monthly_charts`
    draws it.

    Raises:
        InputError: ``name`` is not one of the charts.
    """
    buffer = io.BytesIO()
    _drawer(name)(report, chart_data(report)).savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _drawer(name: str) -> Callable[[MonthlyReport, ChartData], Any]:
    if name not in _DRAWERS:
        raise InputError(f"no chart called {name!r}; the charts are {', '.join(CHART_FILES)}")
    return _DRAWERS[name]


def _chart_cells(report: MonthlyReport, name: str) -> list[tuple[str, list[Column]]]:
    """The rows a chart draws and the columns it draws them over."""
    months = [c for c in report.columns if not c.total]
    if name == "sent_returned":
        return [("flow:received", months), ("flow:returned", months)]
    if name in ("result_mix", "outcome_unknown"):
        rows = [row_id(r) for r in report.table.section("result")]
        periods = list(_result_columns(report))
        return [(row, periods) for row in (rows if name == "result_mix" else ["result:outcome_unknown"])]
    columns = list(_breakdown_columns(report))
    return [(row_id(r), columns) for r in report.table.section(BREAKDOWNS[name])]


def _listed(columns: Sequence[str], of: int) -> str:
    if len(columns) > 4:
        return f"{len(columns)} of {of}"
    return ", ".join(columns[:-1]) + " and " + columns[-1] if len(columns) > 1 else columns[0]


def chart_text(report: MonthlyReport, name: str) -> str:
    """The chart's text alternative: what it draws, over which period, and every figure it leaves out because
    the report shows a symbol instead (with that symbol), so a reader who cannot see the chart knows them too.

    Raises:
        InputError: ``name`` is not one of the charts.
    """
    _drawer(name)
    labels = {row_id(r): r.label for r in report.table.rows}
    left_out = []
    for row, columns in _chart_cells(report, name):
        hidden: dict[str, list[str]] = {}
        for column in columns:
            value = report.values[(row, column.key)]
            if not isinstance(value, int):
                hidden.setdefault(_shown_as(value), []).append(column.label)
        for symbol, where in hidden.items():
            left_out.append(f"{labels[row]} ({symbol}): {_listed(where, len(columns))}")
    text = f"Chart: {_title(report, name).lower()}, {report.period_text()}."
    if left_out:
        text += (
            " Not drawn, because the table shows a symbol instead of a figure: " + "; ".join(left_out) + "."
        )
    else:
        text += " Every figure is drawn."
    return text + " The figures are in the table."


def _figure(report: MonthlyReport, title: str) -> tuple[Any, Any]:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 5.2), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(f"{title}\n{report.selection_text()}, {report.period_text()}", fontsize=11, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return figure, axes


def _footnote(report: MonthlyReport, extra: str = "") -> str:
    if report.profile is None:
        text = "INTERNAL: exact counts from the ledger, not for publication."
    else:
        text = f"Published figures ({report.profile.name}): rounded to the nearest {report.profile.base}."
    symbols = " ".join(report.symbol_lines())
    if symbols:
        text += f" Figures shown as a symbol are not drawn: {symbols}"
    return f"{text} {extra}".strip()


def _note(figure: Any, text: str) -> None:
    figure.supxlabel("\n".join(textwrap.wrap(text, 150)), fontsize=8, x=0.01, ha="left")


def _save(figure: Any, path: Path) -> Path:
    figure.savefig(path, format="png", metadata={"Software": None})
    return path


def _symbols(report: MonthlyReport, row: str, columns: Sequence[Column]) -> list[str | None]:
    """The symbol the report shows in each column instead of a figure (None where it shows a figure)."""
    return [
        None if isinstance(v, int) else _shown_as(v) for v in (report.values[(row, c.key)] for c in columns)
    ]


def _shown_as(value: object) -> str:
    """What the report shows for a cell without a figure: its symbol (a blank has none to write)."""
    return "blank" if value is None else str(value)


def _ticks(axes: Any, months: Sequence[Column]) -> list[int]:
    years = {c.time_period for c in months}
    labels = [
        (c.key[-2:] if c.quarter else c.time_identifier[:3])
        + (f"\n{c.time_period}" if len(years) > 1 else "")
        for c in months
    ]
    positions = list(range(len(months)))
    axes.set_xticks(positions, labels)
    return positions


def _sent_returned(report: MonthlyReport, data: ChartData) -> Any:
    figure, axes = _figure(report, CHART_TITLES["sent_returned"])
    positions = _ticks(axes, data.months)
    width = 0.4
    pairs = [
        (report.table.row("received", "flow").label, "flow:received", data.received, "#0072B2"),
        (report.table.row("returned", "flow").label, "flow:returned", data.returned, "#E69F00"),
    ]
    for offset, (label, row, values, colour) in enumerate(pairs):
        xs = [p + (offset - 0.5) * width for p in positions]
        drawn = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        axes.bar([x for x, _ in drawn], [v for _, v in drawn], width=width, label=label, color=colour)
        for x, symbol in zip(xs, data.symbols[row], strict=True):
            if symbol:
                axes.annotate(symbol, (x, 0), ha="center", va="bottom", fontsize=8)
    axes.set_ylabel("Records")
    axes.legend(frameon=False)
    _note(figure, _footnote(report))
    return figure


def _result_mix(report: MonthlyReport, data: ChartData) -> Any:
    figure, axes = _figure(report, _title(report, "result_mix"))
    positions = _ticks(axes, data.periods)
    bottoms = [0.0] * len(positions)
    hidden: list[set[str]] = [set() for _ in positions]
    for index, (key, (label, values)) in enumerate(data.results.items()):
        for symbols, symbol in zip(hidden, data.symbols[f"result:{key}"], strict=True):
            symbols.update([symbol] if symbol else [])
        if not any(values):
            continue  # a category with nothing to draw stays out of the legend
        drawn = [(x, float(v), bottoms[x]) for x, v in zip(positions, values, strict=True) if v is not None]
        colour = _UNKNOWN if key == "outcome_unknown" else _COLOURS[index % len(_COLOURS)]
        axes.bar(
            [x for x, _, _ in drawn],
            [h for _, h, _ in drawn],
            bottom=[b for _, _, b in drawn],
            label=label,
            color=colour,
            width=0.7,
        )
        for x, height, _ in drawn:
            bottoms[x] += height
    shown = [(x, r) for x, r in zip(positions, data.period_returned, strict=True) if r is not None]
    if shown:
        xs, ys = zip(*shown, strict=True)
        axes.hlines(
            ys, [x - 0.4 for x in xs], [x + 0.4 for x in xs], colors="black", label="Returned", zorder=3
        )
    for x, bottom, symbols in zip(positions, bottoms, hidden, strict=True):
        if symbols:
            axes.annotate("+ " + " ".join(sorted(symbols)), (x, bottom), ha="center", va="bottom", fontsize=8)
    axes.set_ylabel("Returned records")
    axes.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    each = "quarter" if any(c.quarter for c in data.periods) else "month"
    extra = f"'+' and a symbol: results of the {each} not drawn, so its bar may not reach the returned."
    _note(figure, _footnote(report, extra if report.profile is not None else ""))
    return figure


def _outcome_unknown(report: MonthlyReport, data: ChartData) -> Any:
    figure, axes = _figure(report, _title(report, "outcome_unknown"))
    positions = _ticks(axes, data.periods)
    drawn = [(x, share) for x, share in zip(positions, data.unknown_share, strict=True) if share is not None]
    axes.bar([x for x, _ in drawn], [share for _, share in drawn], color=_UNKNOWN, width=0.7)
    unknown, sent_back = data.symbols["result:outcome_unknown"], data.symbols["period:returned"]
    shares = zip(positions, data.unknown_share, data.period_returned, strict=True)
    for index, (x, share, returned) in enumerate(shares):
        if share is not None:
            text = f"{share:.0f}%"
        else:
            text = "none returned" if returned == 0 else (unknown[index] or sent_back[index])
        axes.annotate(text, (x, share or 0.0), ha="center", va="bottom", fontsize=8)
    axes.set_ylabel("% of returned records")
    axes.set_ylim(0, 105)
    extra = "Each share is outcome unknown divided by returned, both as the table shows them"
    _note(figure, _footnote(report, extra + ("; the symbol where either is one." if report.profile else ".")))
    return figure


def _breakdown(report: MonthlyReport, data: ChartData, name: str) -> Any:
    """Horizontal bars: one group per recipient (or intervention type), one bar per year total of the period."""
    figure, axes = _figure(report, CHART_TITLES[name])
    series = data.onward if name == "onward_sharing" else data.interventions
    columns = data.totals
    rows = list(series.items())
    height = 0.8 / max(len(columns), 1)
    largest = max((v for _key, (_label, values) in rows for v in values if v is not None), default=0)
    for number, column in enumerate(columns):
        ys = [index + (number - (len(columns) - 1) / 2) * height for index in range(len(rows))]
        figures = [values[number] for _key, (_label, values) in rows]
        symbols = [_symbols(report, f"{BREAKDOWNS[name]}:{key}", [column])[0] for key, _ in rows]
        drawn = [(y, v) for y, v in zip(ys, figures, strict=True) if v is not None]
        axes.barh(
            [y for y, _ in drawn],
            [v for _, v in drawn],
            height=height * 0.9,
            color=_COLOURS[number % len(_COLOURS)],
            label=column.label,
        )
        for y, value, symbol in zip(ys, figures, symbols, strict=True):
            text = f"{value:,}" if value is not None else symbol or ""
            axes.annotate(
                text, (value or 0, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8
            )
    axes.set_yticks(range(len(rows)), [label for _key, (label, _values) in rows])
    axes.invert_yaxis()  # the table's order, top to bottom
    axes.set_xlim(0, max(largest * 1.15, 10))
    axes.set_xlabel("Returned records")
    axes.spines[["top", "right"]].set_visible(False)
    if len(columns) > 1:
        axes.legend(frameon=False, fontsize=8, loc="lower right")
    _note(figure, _footnote(report, "A record can count under several; each bar is at most the returned."))
    return figure


_DRAWERS: dict[str, Callable[[MonthlyReport, ChartData], Any]] = {
    "sent_returned": _sent_returned,
    "result_mix": _result_mix,
    "outcome_unknown": _outcome_unknown,
    "onward_sharing": lambda report, data: _breakdown(report, data, "onward_sharing"),
    "interventions": lambda report, data: _breakdown(report, data, "interventions"),
}
