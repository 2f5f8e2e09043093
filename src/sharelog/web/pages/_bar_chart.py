"""A grouped bar chart drawn as inline SVG on the server: no script, no chart library, no external request.

Only geometry is computed here; ``templates/_bar_chart.html`` draws it. Every bar carries its value as text
above it and the two series differ in fill pattern as well as colour, so nothing depends on colour alone; the
page shows the same figures in a table beside the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bar", "BarChart", "Tick", "grouped_bar_chart"]

HEIGHT = 260
TOP = 24  # room for the value above the tallest bar
BASELINE = 210
LEFT = 56
BAR_WIDTH = 24
GROUP_GAP = 28


@dataclass(frozen=True)
class Bar:
    """One bar: where it is, which series, its value and the text a screen reader's tooltip gives."""

    x: float
    y: float
    width: float
    height: float
    series: int
    value: int
    label: str


@dataclass(frozen=True)
class Tick:
    """A gridline of the value axis."""

    y: float
    value: int


@dataclass(frozen=True)
class Group:
    """The bars of one category (a month) and its label under the axis."""

    label: str
    centre: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BarChart:
    """The whole chart: size, groups of bars, gridlines and the series names for the legend."""

    width: int
    height: int
    baseline: int
    left: int
    groups: tuple[Group, ...]
    ticks: tuple[Tick, ...]
    series: tuple[str, ...]


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at least ``value`` (at least 1), so gridlines fall on round numbers."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return max(step * factor, 1)
        step *= 10


def grouped_bar_chart(
    categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, ticks: int = 4
) -> BarChart:
    """Lay out one group of bars per category, one bar per series, scaled to a round maximum.

    Args:
        categories: The label of each group (e.g. ``Mar 2019``).
        series: ``(name, values)`` per series, one value per category.
        ticks: Gridlines above zero.
    """
    largest = max((value for _name, values in series for value in values), default=0)
    step = _nice_ceiling(-(-largest // ticks))
    top = step * ticks
    scale = (BASELINE - TOP) / top
    group_width = BAR_WIDTH * len(series) + GROUP_GAP
    groups = []
    for index, category in enumerate(categories):
        start = LEFT + GROUP_GAP / 2 + index * group_width
        bars = tuple(
            Bar(
                x=start + number * BAR_WIDTH,
                y=BASELINE - values[index] * scale,
                width=BAR_WIDTH - 2,
                height=values[index] * scale,
                series=number,
                value=values[index],
                label=f"{category}: {name} {values[index]:,}",
            )
            for number, (name, values) in enumerate(series)
        )
        groups.append(Group(label=category, centre=start + BAR_WIDTH * len(series) / 2, bars=bars))
    return BarChart(
        width=int(LEFT + group_width * len(categories) + 8),
        height=HEIGHT,
        baseline=BASELINE,
        left=LEFT,
        groups=tuple(groups),
        ticks=tuple(Tick(y=BASELINE - step * n * scale, value=step * n) for n in range(ticks + 1)),
        series=tuple(name for name, _values in series),
    )
