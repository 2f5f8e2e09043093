"""Statistical disclosure control for a published table of counts: small counts suppressed, the rest rounded.

Pure functions on a table of integers and its additive structure (which cells are the sum of which, and which
are bounded by which). The rule, in the order it runs:

1. **Primary suppression** — a count of 1 to ``threshold − 1`` (1–9 under ONS "10-5", 1–4 under "1-4") is shown
   as ``c``. A true zero stays 0.
2. **Attribute disclosure** — in a group marked ``attribute`` (the latest results of the returned records, or an
   onward-sharing row against the returned), a category equal to its non-zero whole is suppressed: publishing
   it would say that everyone in the group had that outcome. Parts marked ``exempt`` (outcome unknown, which
   attributes no outcome to anyone) are left alone.
3. **Secondary suppression** — every additive group (``whole = sum of parts``) ends with no suppressed cell or
   at least two, the extra ones being the smallest non-zero cells (never a true zero; the whole may go).
4. **Audit** — for each suppressed cell, a linear programme finds the smallest and largest value consistent
   with everything published (zeros exact, rounded numbers within their rounding interval, the relations and
   bounds, and small suppressed counts between 1 and ``threshold − 1``); a cell whose range holds one whole
   number could be worked out, so the nearest further cell is suppressed and the rule runs again.
5. **Rounding** — every other cell is rounded to the nearest ``base`` (5). Totals are cells of their own: they
   are rounded from their unrounded value, so rounded parts need not add up to a rounded total.

Profiles: ONS ``10-5`` and ``1-4`` (small counts shown as ``c``, every group with no ``c`` or at least two), and
``series``, the default — small counts (1–4) shown with the small-number mark ``low``, no group-count step (the
audit decides); the report applies it block by block (a month, a quarter, a year), passing the cells already
published as ``decided`` so they keep their figure (``reports/_report.py``, ``protect_series``). Where only a
small-number mark pins a count, the mark is shown as ``c`` instead.

The audit needs SciPy (``scipy.optimize.linprog``, HiGHS); it is imported only when a table is protected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sharelog.errors import SharelogError

__all__ = [
    "CONFIDENTIAL",
    "DEFAULT_PROFILE",
    "GSS_SYMBOLS",
    "LOW",
    "NOT_APPLICABLE",
    "PROFILES",
    "SERIES",
    "UNAVAILABLE",
    "Bound",
    "Cell",
    "Profile",
    "ProtectedTable",
    "Reason",
    "Relation",
    "Structure",
    "exactly_derivable",
    "knowledge",
    "rounded",
    "shown",
    "suppress_small_counts",
]

# The Government Analysis Function's shorthand for tables ("Using symbols and shorthand", 2022): a letter in
# square brackets, explained wherever it is used. reports/_marks.py says which figure gets which, and why.
CONFIDENTIAL = "[c]"
NOT_APPLICABLE = "[z]"
UNAVAILABLE = "[x]"
LOW = "[low]"
GSS_SYMBOLS = {
    CONFIDENTIAL: "confidential: withheld to protect the people counted",
    NOT_APPLICABLE: "not applicable: the agreement in force did not provide for it",
    UNAVAILABLE: "not available: the ledger holds no figure for it",
    LOW: "a count of 1 to 4: not 0, too few to give exactly",  # only the series rule (small: 1 to 4) uses it
}

Cell = tuple[str, str]
"""A cell of a table: (row, column)."""

_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Profile:
    """A disclosure-control profile: counts from 1 to ``threshold − 1`` suppressed, the rest rounded to ``base``.

    ``small_symbol`` is what a small count is shown as: ``c`` (suppressed), or the small-number mark ``low``
    ("1 to threshold − 1", a figure a reader may use). ``pairs``: every additive group must have no suppressed cell
    or at least two (the table-at-a-time rule); without it, only the audit adds secondary suppressions.
    ``breakdowns``: the shortest period the outcome breakdowns are published for — ``month``, or ``quarter``
    (sent and returned by month; onward sharing, interventions and results by calendar quarter and year, each
    block protected once so that every publication shows the same figure for the same cell).
    """

    name: str
    threshold: int
    base: int
    small_symbol: str = CONFIDENTIAL
    pairs: bool = True
    breakdowns: str = "month"

    @property
    def series(self) -> bool:
        """Whether this is the monthly-series rule (breakdowns by quarter, blocks protected once)."""
        return self.breakdowns == "quarter"

    @property
    def small_mark(self) -> str | None:
        """The mark a small count is shown with when it is given as a range (``[low]``), not suppressed."""
        return None if self.small_symbol == CONFIDENTIAL else self.small_symbol

    def small_meaning(self) -> str:
        """What a small count's mark says, in words."""
        return f"a count of 1 to {self.threshold - 1}: not 0, too few to give exactly"

    def describe(self) -> str:
        """One line, e.g. ``ONS 10-5: counts of 1 to 9 shown as c, others rounded to the nearest 5; …``."""
        if self.series:
            return (
                f"Monthly series: records sent and returned by month, outcome breakdowns by calendar quarter and "
                f"year; counts of 1 to {self.threshold - 1} shown as {self.small_symbol}, others rounded to the "
                f"nearest {self.base}; a true 0 shown as 0"
            )
        prefix = "ONS 10-5" if self.name == "10-5" else f"Profile {self.name}"
        return (
            f"{prefix}: counts of 1 to {self.threshold - 1} shown as {self.small_symbol}, "
            f"others rounded to the nearest {self.base}; a true 0 shown as 0"
        )


SERIES = "series"

PROFILES: dict[str, Profile] = {
    "10-5": Profile("10-5", threshold=10, base=5),
    "1-4": Profile("1-4", threshold=5, base=5),
    SERIES: Profile(SERIES, threshold=5, base=5, small_symbol=LOW, pairs=False, breakdowns="quarter"),
}

DEFAULT_PROFILE = SERIES
"""The profile publications use unless told otherwise: the monthly-series rule (the FOI asks for a monthly series;
docs/reports.md says why). ``10-5`` and ``1-4`` stay available when asked for. The web's report query repeats it as
a literal."""


class Reason(StrEnum):
    """Why a cell is suppressed."""

    PRIMARY = "primary"  # a small count
    ATTRIBUTE = "attribute"  # a category equal to its whole group
    SECONDARY = "secondary"  # so that no other suppressed cell can be worked out
    PERIOD = "period"  # not published for so short a period (a monthly breakdown under the series rule)
    WITHHELD = "withheld"  # a whole block withheld, zeros too: nothing else could protect it (tiny volumes)


@dataclass(frozen=True)
class Relation:
    """An additive group: ``whole`` = the sum of ``parts``."""

    whole: Cell
    parts: tuple[Cell, ...]
    attribute: bool = False  # a part equal to the whole would attribute that category to everyone
    exempt: frozenset[Cell] = frozenset()  # parts that attribute nothing (e.g. outcome unknown)

    @property
    def members(self) -> tuple[Cell, ...]:
        return (self.whole, *self.parts)


@dataclass(frozen=True)
class Bound:
    """What is known without being a sum: the sum of ``parts`` is at most ``whole``."""

    whole: Cell
    parts: tuple[Cell, ...]
    attribute: bool = False

    @property
    def members(self) -> tuple[Cell, ...]:
        return (self.whole, *self.parts)


@dataclass(frozen=True)
class Structure:
    """The cells of a table (in reading order, which breaks ties) and how they relate."""

    cells: tuple[Cell, ...]
    relations: tuple[Relation, ...]
    bounds: tuple[Bound, ...] = ()

    def groups(self) -> tuple[Relation | Bound, ...]:
        return (*self.relations, *self.bounds)


@dataclass(frozen=True)
class ProtectedTable:
    """A table after disclosure control: each cell's published value (a number or a GSS symbol) and why any
    cell is suppressed."""

    profile: Profile
    published: Mapping[Cell, int | str]
    reasons: Mapping[Cell, Reason] = field(default_factory=dict)

    def suppressed(self) -> Counter[Reason]:
        """How many cells were suppressed for each reason."""
        return Counter(self.reasons.values())


def rounded(value: int, base: int) -> int:
    """``value`` rounded to the nearest multiple of ``base`` (halves away from zero)."""
    magnitude = (abs(value) + base // 2) // base * base
    return magnitude if value >= 0 else -magnitude


def suppress_small_counts(
    values: Mapping[Cell, int],
    structure: Structure,
    *,
    profile: Profile,
    decided: Mapping[Cell, Reason | None] | None = None,
) -> ProtectedTable:
    """Apply the whole rule (see the module's docstring) to a table of exact counts.

    Args:
        values: every cell of ``structure`` with its exact count.
        structure: the cells and their additive relations and bounds.
        profile: one of :data:`PROFILES`.
        decided: cells already published by an earlier step (None: shown, else why suppressed). They keep their
            decision and are never picked for secondary suppression; the audit counts what they give away.

    Returns:
        The published table: ``c`` for suppressed cells, rounded numbers for the rest, 0 for true zeros.

    Raises:
        SharelogError: a suppressed cell could still be worked out with every other non-zero cell of its part of
            the table suppressed (not seen in practice; publish a longer period instead).
    """
    fixed = dict(decided or {})
    reasons: dict[Cell, Reason] = {cell: reason for cell, reason in fixed.items() if reason is not None}
    for cell in structure.cells:
        if cell not in fixed and 0 < abs(values[cell]) < profile.threshold:
            reasons[cell] = Reason.PRIMARY
    for group in structure.groups():
        if group.attribute and values[group.whole] != 0:
            exempt = group.exempt if isinstance(group, Relation) else frozenset()
            for part in group.parts:
                if (
                    part not in exempt
                    and part not in reasons
                    and part not in fixed
                    and values[part] == values[group.whole]
                ):
                    reasons[part] = Reason.ATTRIBUTE
    order = {cell: index for index, cell in enumerate(structure.cells) if cell not in fixed}
    while True:
        if profile.pairs:
            _complete_groups(values, structure, reasons, order)
        exact = exactly_derivable(values, structure, reasons, profile=profile)
        if not exact:
            break
        nearest = (_nearest_candidate(cell, values, structure, reasons, order) for cell in exact)
        added = {cell for cell in nearest if cell is not None}
        if not added and profile.small_symbol != CONFIDENTIAL:
            # Every figure around is already hidden, and a small-number mark (1 to threshold − 1) is what pins
            # the count: show that mark as c instead, which says no more than "at least 1".
            marks = (
                _nearest_candidate(cell, values, structure, reasons, order, marked=True) for cell in exact
            )
            added = {cell for cell in marks if cell is not None}
        if not added:
            raise SharelogError(
                "disclosure control cannot protect this table: a suppressed count can still be worked out; "
                "publish a longer period"
            )
        for cell in added:
            reasons[cell] = Reason.SECONDARY
    published = {cell: shown(values[cell], reasons.get(cell), profile) for cell in structure.cells}
    return ProtectedTable(profile=profile, published=published, reasons=dict(reasons))


def shown(value: int, reason: Reason | None, profile: Profile) -> int | str:
    """What a cell shows: its count rounded, the small-number mark, or a GSS symbol."""
    if reason is None:
        return rounded(value, profile.base)
    if reason is Reason.PRIMARY:
        return profile.small_symbol
    return UNAVAILABLE if reason is Reason.PERIOD else CONFIDENTIAL


def _complete_groups(
    values: Mapping[Cell, int],
    structure: Structure,
    reasons: dict[Cell, Reason],
    order: Mapping[Cell, int],
) -> None:
    """Suppress further cells until no additive group has exactly one suppressed cell."""
    changed = True
    while changed:
        changed = False
        for relation in structure.relations:
            members = relation.members
            if sum(member in reasons for member in members) != 1:
                continue
            candidates = [m for m in members if m in order and m not in reasons and values[m] != 0]
            if candidates:
                pick = min(candidates, key=lambda m: (abs(values[m]), m == relation.whole, order[m]))
                reasons[pick] = Reason.SECONDARY
                changed = True


def _nearest_candidate(
    cell: Cell,
    values: Mapping[Cell, int],
    structure: Structure,
    reasons: Mapping[Cell, Reason],
    order: Mapping[Cell, int],
    *,
    marked: bool = False,
) -> Cell | None:
    """The smallest non-zero published cell sharing a group with ``cell``, else with the groups around those;
    with ``marked``, the smallest cell shown with the small-number mark instead."""
    groups = structure.groups()
    frontier, seen = {cell}, {cell}
    used: set[int] = set()
    while frontier:
        reached = [i for i, g in enumerate(groups) if i not in used and frontier & set(g.members)]
        used.update(reached)
        members = {m for i in reached for m in groups[i].members}
        if marked:
            candidates = [m for m in members if m in order and reasons.get(m) is Reason.PRIMARY]
        else:
            candidates = [m for m in members if m in order and m not in reasons and values[m] != 0]
        if candidates:
            return min(candidates, key=lambda m: (abs(values[m]), order[m]))
        frontier = members - seen
        seen |= members
    return None


def knowledge(value: int, reason: Reason | None, profile: Profile) -> tuple[float | None, float | None]:
    """What a reader can tell about a cell's true value from what is published (None: no limit).

    A published 0 is exact; a published number ``p`` stands for the whole numbers that round to it and are not
    small; a small count suppressed is between 1 and ``threshold − 1``; a withheld cell may be 0; any other
    suppressed cell is at least 1.
    The reader is assumed to know which suppressed cells hide small counts (a stronger reader than one who only
    sees ``c``), and the sign of every cell.
    """
    sign = 1 if value > 0 else -1
    if reason is Reason.WITHHELD:
        return (0.0, None) if value >= 0 else (None, 0.0)
    if reason is None:
        if value == 0:
            return 0.0, 0.0
        p = abs(rounded(value, profile.base))
        low, high = max(p - profile.base // 2, profile.threshold), p + (profile.base - 1) // 2
    elif reason is Reason.PRIMARY:
        low, high = 1, profile.threshold - 1
    else:
        return (1.0, None) if sign > 0 else (None, -1.0)
    return (float(low), float(high)) if sign > 0 else (float(-high), float(-low))


class _Audit:
    """The linear programme a reader could solve: the published table's knowledge as bounds, the relations as
    equalities and the bounds as inequalities. A value with no upper limit is capped far beyond any count in
    the table, so that no programme is unbounded (a cell that reaches the cap is plainly not derivable)."""

    def __init__(
        self,
        values: Mapping[Cell, int],
        structure: Structure,
        reasons: Mapping[Cell, Reason],
        profile: Profile,
    ) -> None:
        import numpy as np

        self.index = {cell: i for i, cell in enumerate(structure.cells)}
        self.truth = np.array([float(values[cell]) for cell in structure.cells])
        n = len(self.index)
        cap = 10.0 * (float(np.abs(self.truth).sum()) + 100.0)
        equalities = np.zeros((len(structure.relations), n))
        for row, relation in enumerate(structure.relations):
            equalities[row, self.index[relation.whole]] = 1.0
            for part in relation.parts:
                equalities[row, self.index[part]] -= 1.0
        limits = np.zeros((len(structure.bounds), n))
        for row, bound in enumerate(structure.bounds):
            limits[row, self.index[bound.whole]] = -1.0
            for part in bound.parts:
                limits[row, self.index[part]] += 1.0
        box = []
        for cell in structure.cells:
            low, high = knowledge(values[cell], reasons.get(cell), profile)
            box.append((-cap if low is None else low, cap if high is None else high))
        self.problem: dict[str, object] = {"bounds": box, "method": "highs"}
        if len(structure.relations):
            self.problem.update(A_eq=equalities, b_eq=np.zeros(len(structure.relations)))
        if len(structure.bounds):
            self.problem.update(A_ub=limits, b_ub=np.zeros(len(structure.bounds)))

    def solve(self, objective: Any) -> Any:
        """A solution minimising ``objective`` (the true table, should the solver fail: it is feasible)."""
        from scipy.optimize import linprog

        result = linprog(objective, **self.problem)
        return result.x if result.status == 0 else self.truth

    def extreme(self, i: int, direction: float) -> float:
        """The largest (direction 1) or smallest (-1) value cell ``i`` can take."""
        import numpy as np

        objective = np.zeros(len(self.truth))
        objective[i] = -direction
        return float(self.solve(objective)[i])


def exactly_derivable(
    values: Mapping[Cell, int],
    structure: Structure,
    reasons: Mapping[Cell, Reason],
    *,
    profile: Profile,
) -> list[Cell]:
    """The suppressed cells a reader could work out exactly, in reading order.

    The true table is one solution of the reader's programme, so a cell is safe as soon as some other solution
    moves it by at least 1. Pushing all open cells up together, then down, settles most of them with two
    programmes; the rest get a programme per end.
    """
    import numpy as np

    audit = _Audit(values, structure, reasons, profile)
    open_cells = {audit.index[cell] for cell in structure.cells if cell in reasons}
    if not open_cells:
        return []

    def moved(x: Any, i: int) -> bool:
        return bool(abs(x[i] - audit.truth[i]) >= 1 - _TOLERANCE)

    progress = True
    while progress and open_cells:
        progress = False
        for direction in (1.0, -1.0):
            objective = np.zeros(len(audit.truth))
            objective[list(open_cells)] = -direction
            x = audit.solve(objective)
            settled = {i for i in open_cells if moved(x, i)}
            open_cells -= settled
            progress = progress or bool(settled)
    exact = []
    for i in sorted(open_cells):
        if audit.extreme(i, 1.0) >= audit.truth[i] + 1 - _TOLERANCE:
            continue
        if audit.extreme(i, -1.0) <= audit.truth[i] - 1 + _TOLERANCE:
            continue
        exact.append(i)
    return [structure.cells[i] for i in exact]
