"""The attacker of a published monthly series, written from what a reader of the tables knows (docs/reports.md),
not from the code that protects them.

A publication is what one report shows: for each (row, months) — a month, a quarter, a year or part of one — a
number or a symbol. The reader pools several publications (a cell is the same cell wherever its row and months
are the same), turns every figure into what it says about the true count, adds what the FOI's table means — a
total is the sum of its months, the latest results add up to the returned, nobody is returned who was not
received, no onward-sharing or intervention count exceeds the returned, matched plus sent to review at most the
received — and solves an integer programme (SciPy's HiGHS, ``milp``) for the smallest and largest value of each
protected cell. A protected cell is recovered when both are the same whole number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from sharelog.reports import MonthlyReport, Reason
from sharelog.reports._report import row_id

Key = tuple[str, tuple[str, ...]]
"""A cell as a reader names it: (row, the months it covers)."""

Publication = Mapping[Key, int | str]


@dataclass(frozen=True)
class Reading:
    """How to read a publication's figures: counts below ``threshold`` are never shown as a number; shown numbers
    are rounded to ``base`` (1: exact); ``small`` is the symbol of a count from 1 to threshold − 1 (a reader told
    which cells those are) and ``protected`` every symbol hiding a count."""

    threshold: int
    base: int
    small: frozenset[str]
    protected: frozenset[str]


WITHHELD = "withheld"
"""How a reader sees a cell of a withheld block (a symbol whose reason says it may hide a 0)."""


def publication(report: MonthlyReport) -> dict[Key, int | str]:
    """Every cell ``report`` shows, named by row and months; a withheld cell as :data:`WITHHELD`."""
    shown: dict[Key, int | str] = {}
    for row in report.table.rows:
        for column in report.columns:
            withheld = report.reasons.get((row_id(row), column.key)) is Reason.WITHHELD
            shown[(row_id(row), column.months)] = WITHHELD if withheld else report.cell(row, column)
    return shown


def _interval(value: int | str, reading: Reading, cap: float) -> tuple[float, float] | None:
    """What a shown figure says about the count (None: nothing)."""
    if isinstance(value, int):
        if value == 0:
            return 0.0, 0.0
        half = reading.base // 2
        return float(max(value - half, reading.threshold)), float(value + (reading.base - 1) // 2)
    if value == WITHHELD:
        return 0.0, cap
    if value in reading.small:
        return 1.0, float(reading.threshold - 1)
    if value in reading.protected:
        return 1.0, cap
    return None


def _constraints(keys: Sequence[Key]) -> tuple[list[dict[int, float]], list[tuple[float, float]]]:
    """The FOI table's meaning as linear rows (coefficients by variable, low, high)."""
    index = {key: i for i, key in enumerate(keys)}
    rows: list[dict[int, float]] = []
    limits: list[tuple[float, float]] = []

    def add(coefficients: dict[int, float], low: float, high: float) -> None:
        rows.append(coefficients)
        limits.append((low, high))

    by_months: dict[tuple[str, ...], set[str]] = {}
    for row, months in keys:
        by_months.setdefault(months, set()).add(row)
    for row, months in keys:
        if len(months) > 1:
            parts = [index[(row, (m,))] for m in months if (row, (m,)) in index]
            if len(parts) == len(months):
                coefficients = {index[(row, months)]: 1.0}
                for part in parts:
                    coefficients[part] = -1.0
                add(coefficients, 0.0, 0.0)
    for months, present in by_months.items():
        returned, received = index.get(("flow:returned", months)), index.get(("flow:received", months))
        results = [index[(r, months)] for r in present if r.startswith("result:")]
        if returned is not None and results:
            coefficients = {returned: 1.0}
            for part in results:
                coefficients[part] = -1.0
            add(coefficients, 0.0, 0.0)
        if returned is not None and received is not None:
            add({received: 1.0, returned: -1.0}, 0.0, np.inf)
        if returned is not None:
            for r in present:
                if r.startswith(("onward:", "intervention:")):
                    add({returned: 1.0, index[(r, months)]: -1.0}, 0.0, np.inf)
        flow = [index.get((f"flow:{name}", months)) for name in ("matched", "review")]
        if received is not None and None not in flow:
            add({received: 1.0, flow[0]: -1.0, flow[1]: -1.0}, 0.0, np.inf)  # type: ignore[index]
    return rows, limits


def recovered(publications: Iterable[Publication], reading: Reading) -> list[Key]:
    """The protected cells of ``publications`` (pooled) whose count the reader can work out exactly.

    Raises:
        AssertionError: two publications show different figures for the same cell and neither is a symbol
            (the pooled programme would be infeasible).
    """
    pooled: dict[Key, list[int | str]] = {}
    for shown in publications:
        for key, value in shown.items():
            pooled.setdefault(key, []).append(value)
    years = sorted({months[0][:4] for _, months in pooled})
    found: list[Key] = []
    for year in years:
        keys = [key for key in pooled if key[1][0][:4] == year]
        found.extend(_recovered_in(keys, pooled, reading))
    return found


def _recovered_in(keys: Sequence[Key], pooled: Mapping[Key, list[int | str]], reading: Reading) -> list[Key]:
    """One calendar year's cells (no relation crosses a year)."""
    numbers = [v for key in keys for v in pooled[key] if isinstance(v, int)]
    cap = 10.0 * (sum(numbers) + 100.0)
    low = np.zeros(len(keys))
    high = np.full(len(keys), cap)
    targets = []
    for i, key in enumerate(keys):
        for value in pooled[key]:
            interval = _interval(value, reading, cap)
            if interval is not None:
                low[i], high[i] = max(low[i], interval[0]), min(high[i], interval[1])
            if isinstance(value, str) and (value in reading.protected | reading.small | {WITHHELD}):
                targets.append(i)
    rows, limits = _constraints(keys)
    matrix = np.zeros((len(rows), len(keys)))
    for r, coefficients in enumerate(rows):
        for i, c in coefficients.items():
            matrix[r, i] = c
    constraints = (
        [LinearConstraint(matrix, [lo for lo, _ in limits], [hi for _, hi in limits])] if rows else []
    )
    integrality = np.ones(len(keys))
    found = []
    for i in sorted(set(targets)):
        ends = []
        for direction in (1.0, -1.0):
            objective = np.zeros(len(keys))
            objective[i] = direction
            result = milp(
                objective, integrality=integrality, bounds=Bounds(low, high), constraints=constraints
            )
            assert result.status == 0, f"the pooled publications contradict each other at {keys[i]}"
            ends.append(round(float(result.x[i])))
        if ends[0] == ends[1] and (ends[0] != 0 or WITHHELD not in pooled[keys[i]]):
            found.append(keys[i])  # a withheld cell worked out to be 0 gives nobody away
    return found
