"""Disclosure control: the rule cell by cell, then properties on random tables checked by an independent solver.

The property tests play the reader. From the published cells alone they set up a linear programme — a published
0 is exact, a published number ``p`` is one of the whole numbers that round to it and are not small, a ``c``
hiding a small count is between 1 and threshold − 1 (the reader is told which ones those are), any other ``c``
is at least 1 — with the table's additive relations as equalities and its bounds as inequalities, and for each
``c`` finds the smallest and largest value it can take (``scipy.optimize.linprog``). A ``c`` is recovered when
that range holds a single whole number (stricter than max − min < 1). None may be.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from sharelog.errors import SharelogError
from sharelog.reports import (
    PROFILES,
    MonthlyRow,
    MonthlyTable,
    Profile,
    Reason,
    Relation,
    Structure,
    protect_monthly_table,
    suppress_small_counts,
)
from sharelog.reports._monthly import INTERVENTIONS, LABELS, ONWARD_RECIPIENTS, RESULTS
from sharelog.reports._report import monthly_columns
from sharelog.reports._sdc import Bound, exactly_derivable, rounded

TEN_FIVE, ONE_FOUR = PROFILES["10-5"], PROFILES["1-4"]

# ---------------------------------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (10, 10), (12, 10), (13, 15), (17, 15), (18, 20), (22, 20), (23, 25), (216, 215), (-13, -15)],
)
def test_rounding_to_the_nearest_five(value: int, expected: int) -> None:
    assert rounded(value, 5) == expected


def _alone(values: Mapping[str, int], profile: Profile = TEN_FIVE) -> dict[str, int | str]:
    cells = tuple((name, "") for name in values)
    protected = suppress_small_counts(
        {(name, ""): v for name, v in values.items()}, Structure(cells=cells, relations=()), profile=profile
    )
    return {cell[0]: value for cell, value in protected.published.items()}


def test_small_counts_are_c_the_rest_rounded_a_true_zero_stays() -> None:
    assert _alone({"zero": 0, "one": 1, "nine": 9, "ten": 10, "twelve": 12, "big": 1234}) == {
        "zero": 0,
        "one": "[c]",
        "nine": "[c]",
        "ten": 10,
        "twelve": 10,
        "big": 1235,
    }


def test_the_1_4_profile() -> None:
    assert _alone({"zero": 0, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9}, ONE_FOUR) == {
        "zero": 0,
        "four": "[c]",
        "five": 5,
        "seven": 5,
        "eight": 10,
        "nine": 10,
    }


def _group(whole: int, parts: Sequence[int], **options: object) -> tuple[int | str, list[int | str]]:
    names = [f"p{i}" for i in range(len(parts))]
    values = {("whole", ""): whole, **{(n, ""): v for n, v in zip(names, parts, strict=True)}}
    exempt = frozenset((n, "") for n in names if n in options.get("exempt", ()))  # type: ignore[operator]
    relation = Relation(
        ("whole", ""), tuple((n, "") for n in names), attribute=bool(options.get("attribute")), exempt=exempt
    )
    protected = suppress_small_counts(values, Structure(tuple(values), (relation,)), profile=TEN_FIVE)
    return protected.published[("whole", "")], [protected.published[(n, "")] for n in names]


def test_secondary_suppression_takes_the_smallest_non_zero_cell_never_a_zero() -> None:
    assert _group(58, [3, 0, 40, 15]) == (60, ["[c]", 0, 40, "[c]"])


def test_two_suppressed_cells_in_a_group_protect_each_other() -> None:
    assert _group(12, [3, 0, 9]) == (10, ["[c]", 0, "[c]"])
    assert _group(35, [5, 30]) == (35, ["[c]", "[c]"])


def test_a_category_equal_to_its_whole_group_is_suppressed() -> None:
    # 30 of 30 returned had one result: suppressed, and the returned with it (the others are true zeros)
    assert _group(30, [30, 0, 0], attribute=True) == ("[c]", ["[c]", 0, 0])


def test_outcome_unknown_may_equal_the_returned() -> None:
    assert _group(30, [0, 30], attribute=True, exempt=("p1",)) == (30, [0, 30])


def test_an_onward_share_to_everyone_returned_is_suppressed() -> None:
    values = {("returned", "m"): 40, ("police", "m"): 40, ("border_force", "m"): 12}
    bounds = tuple(
        Bound(("returned", "m"), ((row, "m"),), attribute=True) for row in ("police", "border_force")
    )
    protected = suppress_small_counts(values, Structure(tuple(values), (), bounds), profile=TEN_FIVE)
    assert dict(protected.published) == {
        ("returned", "m"): 40,
        ("police", "m"): "[c]",
        ("border_force", "m"): 10,
    }
    assert protected.reasons == {("police", "m"): Reason.ATTRIBUTE}


def test_the_worked_example_of_the_domain_notes() -> None:
    # 20 immigration enforcement = 15 family members + 5 children: children is c, and family must go too
    assert _group(20, [15, 5]) == (20, ["[c]", "[c]"])


def test_suppression_continues_where_counting_groups_is_not_enough() -> None:
    # 10 + 1 + 1 = 12, published 10 | c | c: two c's, yet c + c = 10 − 10 ± 4 with each c ≥ 1 gives 1 and 1
    whole, parts = _group(12, [10, 1, 1])
    assert (whole, parts) == (10, ["[c]", "[c]", "[c]"])


# ------------------------------------------------------------------------------------- the independent reader


def reader_ranges(
    published: Mapping[tuple[str, str], int | str],
    primary: set[tuple[str, str]],
    equalities: Sequence[tuple[tuple[str, str], Sequence[tuple[str, str]]]],
    at_most: Sequence[tuple[Sequence[tuple[str, str]], tuple[str, str]]],
    profile: Profile,
) -> dict[tuple[str, str], tuple[float, float]]:
    """Smallest and largest value of each ``c`` consistent with the published cells (see the module docstring)."""
    cells = list(published)
    index = {cell: i for i, cell in enumerate(cells)}
    box: list[tuple[float | None, float | None]] = []
    for cell in cells:
        value = published[cell]
        if value == 0:
            box.append((0, 0))
        elif isinstance(value, int):
            low, high = max(abs(value) - 2, profile.threshold), abs(value) + 2
            box.append((low, high) if value > 0 else (-high, -low))
        elif cell in primary:
            box.append((1, profile.threshold - 1))
        else:
            box.append((1, None))
    a_eq = np.zeros((max(len(equalities), 1), len(cells)))
    for row, (whole, parts) in enumerate(equalities):
        a_eq[row, index[whole]] = 1
        for part in parts:
            a_eq[row, index[part]] -= 1
    a_ub = np.zeros((max(len(at_most), 1), len(cells)))
    for row, (parts, whole) in enumerate(at_most):
        a_ub[row, index[whole]] = -1
        for part in parts:
            a_ub[row, index[part]] += 1
    ranges = {}
    for cell in cells:
        if published[cell] != "[c]":
            continue
        ends = []
        for sign in (1, -1):
            objective = np.zeros(len(cells))
            objective[index[cell]] = sign
            result = linprog(
                objective,
                A_eq=a_eq,
                b_eq=np.zeros(len(a_eq)),
                A_ub=a_ub,
                b_ub=np.zeros(len(a_ub)),
                bounds=box,
            )
            assert result.status in (0, 3), result.message  # the true table is always feasible
            ends.append(sign * result.fun if result.status == 0 else sign * -math.inf)
        ranges[cell] = (ends[0], ends[1])
    return ranges


def recovered(ranges: Mapping[tuple[str, str], tuple[float, float]]) -> list[tuple[str, str]]:
    """The ``c`` cells whose range holds one whole number."""
    return [
        cell
        for cell, (low, high) in ranges.items()
        if math.isfinite(high - low) and math.floor(high + 1e-6) <= math.ceil(low - 1e-6)
    ]


def check_published(
    exact: Mapping[tuple[str, str], int],
    published: Mapping[tuple[str, str], int | str],
    reasons: Mapping[tuple[str, str], Reason],
    equalities: Sequence[tuple[tuple[str, str], Sequence[tuple[str, str]]]],
    at_most: Sequence[tuple[Sequence[tuple[str, str]], tuple[str, str]]],
    profile: Profile,
) -> None:
    for cell, value in published.items():
        true = exact[cell]
        assert value == "[c]" or isinstance(value, int), cell
        if true == 0:
            assert value == 0, f"{cell}: a true zero must stay 0"
        elif 0 < abs(true) < profile.threshold:
            assert value == "[c]", f"{cell}: a small count must be c"
        if isinstance(value, int):
            assert value % 5 == 0 and (value == 0 or abs(value) >= profile.threshold), cell
            assert abs(value - true) <= 2, cell
    for whole, parts in equalities:
        hidden = sum(published[c] == "[c]" for c in (whole, *parts))
        assert hidden != 1, f"group of {whole} has exactly one c"
    primary = {cell for cell, reason in reasons.items() if reason is Reason.PRIMARY}
    ranges = reader_ranges(published, primary, equalities, at_most, profile)
    assert recovered(ranges) == [], f"recoverable: {recovered(ranges)}"


count = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 45))


@st.composite
def grids(
    draw: st.DrawFn,
) -> tuple[dict[tuple[str, str], int], list[tuple[tuple[str, str], list[tuple[str, str]]]]]:
    """A table of counts with row totals, column totals and a grand total."""
    n_rows, n_columns = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    values: dict[tuple[str, str], int] = {}
    for r in range(n_rows):
        for c in range(n_columns):
            values[(f"r{r}", f"c{c}")] = draw(count)
    for r in range(n_rows):
        values[(f"r{r}", "total")] = sum(values[(f"r{r}", f"c{c}")] for c in range(n_columns))
    for c in [*(f"c{c}" for c in range(n_columns)), "total"]:
        values[("all", c)] = sum(values[(f"r{r}", c)] for r in range(n_rows))
    groups = [((f"r{r}", "total"), [(f"r{r}", f"c{c}") for c in range(n_columns)]) for r in range(n_rows)]
    columns = [*(f"c{c}" for c in range(n_columns)), "total"]
    groups += [(("all", c), [(f"r{r}", c) for r in range(n_rows)]) for c in columns]
    return values, groups


@pytest.mark.slow
@pytest.mark.parametrize("profile", [TEN_FIVE, ONE_FOUR], ids=["10-5", "1-4"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=grids())
def test_no_c_can_be_recovered_from_a_table_with_margins(
    profile: Profile,
    table: tuple[dict[tuple[str, str], int], list[tuple[tuple[str, str], list[tuple[str, str]]]]],
) -> None:
    values, groups = table
    structure = Structure(tuple(values), tuple(Relation(whole, tuple(parts)) for whole, parts in groups))
    try:
        protected = suppress_small_counts(values, structure, profile=profile)
    except SharelogError:
        # Refusing publishes nothing, so it is safe; it is allowed only where suppressing every non-zero cell
        # would still give a count away (a 2×2 of ones: zeros are published, so the grand total of 4 or less
        # and four cells of at least 1 each tell every cell).
        everything = {cell: Reason.PRIMARY for cell in structure.cells if values[cell] != 0}
        assert exactly_derivable(values, structure, everything, profile=profile)
        return
    check_published(values, protected.published, protected.reasons, groups, [], profile)


# -------------------------------------------------------------------------------------- monthly-shaped tables

USED_RESULTS = ("contact_reestablished", "enforced_removal", "outcome_unknown")
USED_ONWARD = ("police", "border_force")
USED_INTERVENTIONS = ("home_visit",)


@st.composite
def monthly_tables(draw: st.DrawFn) -> MonthlyTable:
    """A consistent monthly table over one to three months: results add up to the returned, the returned and
    the not returned to the received, matched + review ≤ received, onward and interventions ≤ returned."""
    months = tuple(f"2019-{m:02d}" for m in range(1, draw(st.integers(1, 3)) + 1))
    columns: dict[tuple[str, str], list[int]] = {}

    def put(section: str, key: str, value: int) -> None:
        columns.setdefault((section, key), []).append(value)

    for _ in months:
        results = {key: draw(count) for key in USED_RESULTS}
        returned = sum(results.values())
        received = returned + draw(count)
        matched = draw(st.integers(0, returned))
        put("flow", "received", received)
        put("flow", "matched", matched)
        put("flow", "review", draw(st.integers(0, received - matched)))
        put("flow", "returned", returned)
        for key in USED_ONWARD + USED_INTERVENTIONS:
            section = "onward" if key in USED_ONWARD else "intervention"
            put(section, key, draw(st.one_of(st.just(returned), st.integers(0, returned))))
        for key, value in results.items():
            put("result", key, value)
        put("people", "children", draw(count))
        put("people", "family_members", draw(count))
    layout = [
        *(("flow", k) for k in ("received", "matched", "review", "returned")),
        *(("onward", k) for k in ONWARD_RECIPIENTS),
        *(("intervention", k) for k in INTERVENTIONS),
        *(("result", k) for k in (*RESULTS, "outcome_unknown")),
        *(("people", k) for k in ("children", "family_members")),
    ]
    rows = tuple(
        MonthlyRow(s, k, LABELS[k], tuple(columns.get((s, k), [0] * len(months)))) for s, k in layout
    )
    return MonthlyTable(months=months, rows=rows)


def monthly_relations(
    table: MonthlyTable,
) -> tuple[
    list[tuple[tuple[str, str], list[tuple[str, str]]]], list[tuple[list[tuple[str, str]], tuple[str, str]]]
]:
    """The monthly table's relations, written out again from docs/design.md §5 (not taken from the code)."""
    columns = monthly_columns(table.months)
    keys = [col.key for col in columns]
    rows = [f"{r.section}:{r.key}" for r in table.rows]
    equalities = [((row, c.key), [(row, m) for m in c.months]) for row in rows for c in columns if c.total]
    at_most = []
    for key in keys:
        results = [(f"result:{k}", key) for k in (*RESULTS, "outcome_unknown")]
        equalities.append((("flow:returned", key), results))
        equalities.append((("flow:received", key), [("flow:returned", key), ("flow:not_returned", key)]))
        for r in table.rows:
            if r.section in ("onward", "intervention"):
                at_most.append(([(f"{r.section}:{r.key}", key)], ("flow:returned", key)))
        at_most.append(([("flow:matched", key), ("flow:review", key)], ("flow:received", key)))
    return equalities, at_most


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=monthly_tables())
def test_no_c_can_be_recovered_from_a_published_monthly_table(table: MonthlyTable) -> None:
    protected = protect_monthly_table(table, profile=TEN_FIVE)
    exact: dict[tuple[str, str], int] = {}
    for column in monthly_columns(table.months):
        for row in table.rows:
            positions = [table.months.index(m) for m in column.months]
            exact[(f"{row.section}:{row.key}", column.key)] = sum(row.values[i] for i in positions)
        exact[("flow:not_returned", column.key)] = (
            exact[("flow:received", column.key)] - exact[("flow:returned", column.key)]
        )
    equalities, at_most = monthly_relations(table)
    check_published(exact, protected.values, protected.reasons, equalities, at_most, TEN_FIVE)
    for column in monthly_columns(table.months):
        returned = exact[("flow:returned", column.key)]
        for row in table.rows:
            cell = (f"{row.section}:{row.key}", column.key)
            attributes = row.section in ("onward", "intervention", "result") and row.key != "outcome_unknown"
            if attributes and returned and exact[cell] == returned:
                assert protected.values[cell] == "[c]", f"{cell} equals the returned"
