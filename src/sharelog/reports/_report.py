"""The monthly outcomes report: the ledger's exact table (``_monthly.py``), its columns and year totals, and —
for publication — disclosure control over its additive structure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.orm import Session

from sharelog.errors import InputError, SharelogError
from sharelog.reports._marks import (
    MissingContext,
    MissingFigure,
    missing_context,
    missing_figures,
    months_without_exchange,
    symbol_lines,
)
from sharelog.reports._monthly import MonthlyRow, MonthlyTable, monthly_table
from sharelog.reports._period import MONTH_NAMES, month_label, period_text
from sharelog.reports._sdc import (
    CONFIDENTIAL,
    DEFAULT_PROFILE,
    PROFILES,
    Bound,
    Cell,
    Profile,
    ProtectedTable,
    Reason,
    Relation,
    Structure,
    shown,
    suppress_small_counts,
)
from sharelog.reports._versions import AgreementVersionInfo, recorded_versions, versions_in_force

__all__ = [
    "NOT_RETURNED",
    "SDC_MODES",
    "Column",
    "MonthlyReport",
    "SdcMode",
    "build_monthly_report",
    "check_sdc",
    "monthly_columns",
    "monthly_structure",
    "protect_monthly_table",
    "protect_series",
    "report_columns",
    "row_id",
    "series_columns",
    "series_structure",
]

SdcMode = Literal["publish", "internal"]
SDC_MODES: tuple[SdcMode, ...] = ("publish", "internal")

NOT_RETURNED = "flow:not_returned"
"""A row that is never shown: received − returned. Anyone can compute it from the two published rows, so
disclosure control treats it as published (it must not reveal a small count either)."""


def row_id(row: MonthlyRow) -> str:
    """The row's id in a cell: ``section:key`` (``result:outcome_unknown``)."""
    return f"{row.section}:{row.key}"


@dataclass(frozen=True)
class Column:
    """A column of the report: one month, or the total of a calendar year's months in the period."""

    key: str  # "2019-03" or "2019"
    label: str  # "March 2019" or "Total 2019"
    months: tuple[str, ...]
    time_period: str  # "2019"
    time_identifier: str  # "March"; "Calendar year", or "January to March" for part of a year
    total: bool = False
    quarter: bool = False  # a calendar quarter's total (the series rule)

    @property
    def period(self) -> str:
        """``month``, ``quarter`` or ``year`` (a year's total, whole or part)."""
        return "quarter" if self.quarter else "year" if self.total else "month"


QUARTER_NAMES = ("Jan–Mar", "Apr–Jun", "Jul–Sep", "Oct–Dec")


def series_columns(months: Sequence[str]) -> tuple[Column, ...]:
    """The series rule's columns: each month; after each calendar quarter whose three months are all in the
    period, that quarter's total; after each calendar year whose twelve months are, the year's total. No total
    of part of a quarter or part of a year: a year-to-date total would change from one publication to the
    next, and two of them subtract to a month."""
    present = set(months)
    columns: list[Column] = []
    for month in months:
        year, number = month[:4], int(month[5:])
        columns.append(Column(month, month_label(month), (month,), year, MONTH_NAMES[number - 1]))
        if number % 3 == 0:
            quarter = tuple(f"{year}-{m:02d}" for m in range(number - 2, number + 1))
            if present.issuperset(quarter):
                q = number // 3
                columns.append(
                    Column(
                        f"{year}-Q{q}",
                        f"{QUARTER_NAMES[q - 1]} {year}",
                        quarter,
                        year,
                        f"Calendar year Q{q}",
                        total=True,
                        quarter=True,
                    )
                )
        if number == 12:
            whole = tuple(f"{year}-{m:02d}" for m in range(1, 13))
            if present.issuperset(whole):
                columns.append(Column(year, f"Total {year}", whole, year, "Calendar year", total=True))
    return tuple(columns)


def monthly_columns(months: Sequence[str]) -> tuple[Column, ...]:
    """Each month, and after each calendar year's months a total for that year (over the months in the period;
    none for a year with a single month in it, whose total would repeat that month)."""
    columns: list[Column] = []
    for year in sorted({m[:4] for m in months}):
        in_year = tuple(m for m in months if m[:4] == year)
        names = [MONTH_NAMES[int(m[5:]) - 1] for m in in_year]
        columns.extend(
            Column(m, month_label(m), (m,), year, name) for m, name in zip(in_year, names, strict=True)
        )
        if len(in_year) == 12:
            columns.append(Column(year, f"Total {year}", in_year, year, "Calendar year", total=True))
        elif len(in_year) > 1:
            label = f"Total {names[0][:3]}–{names[-1][:3]} {year}"
            columns.append(Column(year, label, in_year, year, f"{names[0]} to {names[-1]}", total=True))
    return tuple(columns)


def _exact_cells(table: MonthlyTable, columns: Sequence[Column]) -> dict[Cell, int]:
    index = {month: i for i, month in enumerate(table.months)}
    values: dict[Cell, int] = {}
    for row in table.rows:
        for column in columns:
            values[(row_id(row), column.key)] = sum(row.values[index[m]] for m in column.months)
    for column in columns:
        received, returned = values[("flow:received", column.key)], values[("flow:returned", column.key)]
        values[(NOT_RETURNED, column.key)] = received - returned
    return values


def monthly_structure(table: MonthlyTable, columns: Sequence[Column]) -> Structure:
    """The table's additive structure, as disclosure control needs it.

    Relations: each row's months add up to its year totals; in every column the latest-result rows (with outcome
    unknown) add up to the returned, and the returned plus the (unshown) not-returned make the received. Bounds:
    each onward-sharing and intervention count is at most the returned (a record can go to several recipients,
    so they do not add up), and matched plus sent to review is at most the received. A result, onward-sharing
    or intervention count equal to the returned would attribute that outcome to everyone returned.
    """
    rows = [row_id(row) for row in table.rows]
    cells = tuple((row, column.key) for row in [*rows, NOT_RETURNED] for column in columns)
    relations: list[Relation] = []
    bounds: list[Bound] = []
    for row in rows:
        for total in (c for c in columns if c.total):
            relations.append(Relation((row, total.key), tuple((row, month) for month in total.months)))
    for column in columns:
        _column_rules(table, column.key, relations, bounds, breakdowns=True)
    return Structure(cells=cells, relations=tuple(relations), bounds=tuple(bounds))


def _column_rules(
    table: MonthlyTable, key: str, relations: list[Relation], bounds: list[Bound], *, breakdowns: bool
) -> None:
    """One column's relations and bounds: the returned plus the not-returned make the received, matched plus
    sent to review is at most the received; with ``breakdowns``, the results (outcome unknown among them) make
    the returned and each onward-sharing and intervention count is at most it — an outcome equal to the
    returned would attribute it to everyone returned."""
    returned, received = ("flow:returned", key), ("flow:received", key)
    relations.append(Relation(received, (returned, (NOT_RETURNED, key))))
    bounds.append(Bound(received, (("flow:matched", key), ("flow:review", key))))
    if not breakdowns:
        return
    results = tuple((row_id(row), key) for row in table.section("result"))
    relations.append(
        Relation(returned, results, attribute=True, exempt=frozenset({("result:outcome_unknown", key)}))
    )
    for counted in (*table.section("onward"), *table.section("intervention")):
        bounds.append(Bound(returned, ((row_id(counted), key),), attribute=True))


FLOW_SECTION = "flow"


def series_structure(table: MonthlyTable, columns: Sequence[Column]) -> Structure:
    """The published cells of the series rule and how they relate.

    Cells: the flow rows (received, matched, sent to review, returned) and the unshown not-returned in every
    column; the breakdown rows (onward sharing, interventions, results, people) in quarter and year columns only.
    Relations: a flow row's quarter is the sum of its months; every row's year is the sum of its quarters; in
    every column, as in :func:`monthly_structure`, the results with outcome unknown make the returned and the
    returned plus the not-returned make the received. Bounds as in :func:`monthly_structure`.
    """
    flow = [row_id(row) for row in table.rows if row.section == FLOW_SECTION] + [NOT_RETURNED]
    breakdown = [row_id(row) for row in table.rows if row.section != FLOW_SECTION]
    cells: list[Cell] = []
    relations: list[Relation] = []
    bounds: list[Bound] = []
    quarters = [c for c in columns if c.quarter]
    for column in columns:
        key = column.key
        rows = flow if column.period == "month" else [*flow, *breakdown]
        cells.extend((row, key) for row in rows)
        _column_rules(table, key, relations, bounds, breakdowns=column.period != "month")
        if column.period == "month":
            continue
        if column.quarter:
            relations.extend(Relation((row, key), tuple((row, m) for m in column.months)) for row in flow)
        else:
            parts = [q.key for q in quarters if set(q.months) <= set(column.months)]
            relations.extend(Relation((row, key), tuple((row, q) for q in parts)) for row in rows)
    return Structure(cells=tuple(cells), relations=tuple(relations), bounds=tuple(bounds))


def _within(structure: Structure, cells: Sequence[Cell]) -> Structure:
    """The part of ``structure`` on ``cells``: the relations and bounds all of whose cells are among them."""
    inside = set(cells)
    return Structure(
        cells=tuple(cell for cell in structure.cells if cell in inside),
        relations=tuple(r for r in structure.relations if inside.issuperset(r.members)),
        bounds=tuple(b for b in structure.bounds if inside.issuperset(b.members)),
    )


def protect_series(
    values: Mapping[Cell, int], structure: Structure, columns: Sequence[Column], *, profile: Profile
) -> tuple[dict[Cell, int | str], dict[Cell, Reason]]:
    """The series rule, block by block, so that a cell shows the same figure in every publication that has it.

    Each month is protected on its own (its flow rows); then each quarter, its months' decisions kept and only its
    own cells open to suppression; then each year, its quarters' and months' decisions kept. What a block shows
    depends only on its own counts, never on which other months a publication covers, so comparing two
    publications — consecutive months, a year to date — gives nothing that either does not show.
    """
    decided: dict[Cell, Reason | None] = {}
    published: dict[Cell, int | str] = {}
    by_column: dict[str, list[Cell]] = {}
    for cell in structure.cells:
        by_column.setdefault(cell[1], []).append(cell)

    def below(column: Column) -> list[Cell]:
        if column.quarter:
            return [cell for m in column.months for cell in by_column[m]]
        inner = [c for c in columns if c.quarter and set(c.months) <= set(column.months)]
        return [cell for q in inner for cell in (*below(q), *by_column[q.key])]

    for period in ("month", "quarter", "year"):
        for column in (c for c in columns if c.period == period):
            own = by_column[column.key]
            block = _within(structure, [*(below(column) if period != "month" else []), *own])
            kept = {cell: decided[cell] for cell in block.cells if cell in decided}
            protected = _protect_block(values, block, own, kept, profile)
            for cell in own:
                decided[cell] = protected.reasons.get(cell)
                published[cell] = protected.published[cell]
    reasons = {cell: reason for cell, reason in decided.items() if reason is not None}
    return published, reasons


def _protect_block(
    values: Mapping[Cell, int],
    block: Structure,
    own: Sequence[Cell],
    kept: Mapping[Cell, Reason | None],
    profile: Profile,
) -> ProtectedTable:
    """One block of the series rule. At tiny volumes the zeros around a count can pin it whatever else is
    hidden: then the block's breakdowns are withheld (zeros too), and should that not do, the whole block."""
    breakdowns = [
        cell for cell in own if not cell[0].startswith(f"{FLOW_SECTION}:") and cell[0] != NOT_RETURNED
    ]
    attempts: list[Mapping[Cell, Reason | None]] = [
        kept,
        {**kept, **dict.fromkeys(breakdowns, Reason.WITHHELD)},
        {**kept, **dict.fromkeys(own, Reason.WITHHELD)},
    ]
    for attempt in attempts[:-1]:
        try:
            return suppress_small_counts(values, block, profile=profile, decided=attempt)
        except SharelogError:
            continue
    return suppress_small_counts(values, block, profile=profile, decided=attempts[-1])


@dataclass(frozen=True)
class ProtectedMonthly:
    """The published cells of a monthly table and why any is suppressed."""

    values: Mapping[Cell, int | str]
    reasons: Mapping[Cell, Reason]


def report_columns(months: Sequence[str], profile: Profile | None) -> tuple[Column, ...]:
    """The columns a report has: the series rule's (months, whole quarters, whole years) or months and year
    totals."""
    return series_columns(months) if profile is not None and profile.series else monthly_columns(months)


def protect_monthly_table(table: MonthlyTable, *, profile: Profile) -> ProtectedMonthly:
    """Disclosure control over the whole table, as a publication shows it: under the series rule block by block
    (and the monthly breakdowns shown as not available: they are published by quarter), otherwise over the months
    and year totals at once."""
    columns = report_columns(table.months, profile)
    values = _exact_cells(table, columns)
    if not profile.series:
        protected = suppress_small_counts(values, monthly_structure(table, columns), profile=profile)
        return ProtectedMonthly(values=protected.published, reasons=protected.reasons)
    published, reasons = protect_series(values, series_structure(table, columns), columns, profile=profile)
    for row in table.rows:
        if row.section == FLOW_SECTION:
            continue
        for column in columns:
            if column.period == "month":
                published[(row_id(row), column.key)] = shown(0, Reason.PERIOD, profile)
                reasons[(row_id(row), column.key)] = Reason.PERIOD
    return ProtectedMonthly(values=published, reasons=reasons)


@dataclass(frozen=True)
class MonthlyReport:
    """The monthly outcomes table as one report shows it: exact (internal) or after disclosure control."""

    table: MonthlyTable
    columns: tuple[Column, ...]
    values: Mapping[Cell, int | str]
    mode: SdcMode
    profile: Profile | None
    agreement_id: str | None
    versions: tuple[AgreementVersionInfo, ...]
    in_force: Mapping[str, tuple[str, ...]]
    generated_at: datetime
    reasons: Mapping[Cell, Reason] = field(default_factory=dict)
    missing: Mapping[Cell, MissingFigure] = field(default_factory=dict)
    """Every shown cell that carries a symbol instead of a figure, and why (``_marks.py``)."""
    context: MissingContext | None = None

    @property
    def for_publication(self) -> bool:
        return self.mode == "publish"

    def missing_reason(self, row: MonthlyRow, column: Column) -> MissingFigure | None:
        """Why the report shows a symbol for ``row`` in ``column``, or None where it shows a figure."""
        return self.missing.get((row_id(row), column.key))

    def withheld(self) -> int:
        """How many shown cells disclosure control withheld (``[c]``)."""
        return sum(1 for mark in self.missing.values() if mark is MissingFigure.SUPPRESSED)

    def missing_counts(self) -> dict[MissingFigure, int]:
        """How many shown cells carry each kind of missing-figure mark."""
        counts: dict[MissingFigure, int] = {}
        for mark in self.missing.values():
            counts[mark] = counts.get(mark, 0) + 1
        return counts

    def symbol_lines(self) -> list[str]:
        """What each symbol the report shows means, one line per symbol (``[x] = not available: …``)."""
        return symbol_lines(self.missing.values())

    def no_data_text(self) -> str | None:
        """In words, the months for which the ledger holds no exchange — the whole period, or some months — or
        None when every month had one."""
        if self.context is None:
            return None
        empty = months_without_exchange(self.table.months, self.context)
        if not empty:
            return None
        if len(empty) == len(self.table.months):
            return (
                f"No data: the ledger holds no exchange for {self.period_text()}, so there are no figures for "
                f"this period. Every figure is shown as {MissingFigure.NO_EXCHANGE.symbol} (not available), "
                "not as 0."
            )
        listed = ", ".join(empty)
        return (
            f"The ledger holds no exchange for {len(empty)} of the {len(self.table.months)} months ({listed}): "
            f"their figures are shown as {MissingFigure.NO_EXCHANGE.symbol} (not available), not as 0."
        )

    def cell(self, row: MonthlyRow, column: Column) -> int | str:
        """What the report shows for ``row`` in ``column``: a count, or a GSS symbol."""
        return self.values[(row_id(row), column.key)]

    def period_text(self) -> str:
        """``January to December 2019``, ``July 2019 to June 2020`` or ``March 2019``."""
        return period_text(self.table.months)

    def selection_text(self) -> str:
        """The agreement versions the report covers, e.g. ``ho-dfe-2019-update v1.0``."""
        labels = sorted({label for labels in self.in_force.values() for label in labels})
        listed = ", ".join(labels) if labels else "no agreement in force"
        if self.agreement_id is None:
            return f"all agreements ({listed})"
        return listed if labels else f"{self.agreement_id} (not in force in the period)"

    def title(self) -> str:
        title = f"Monthly outcomes of data-sharing requests: {self.selection_text()}, {self.period_text()}"
        return title if self.for_publication else f"{title} — INTERNAL: exact counts, not for publication"

    def rule_text(self) -> str:
        """The disclosure-control rule that ran, in one line."""
        if self.profile is None:
            return "None: exact counts from the ledger. NOT FOR PUBLICATION."
        if self.profile.series:
            return (
                f"{self.profile.describe()}; totals rounded from unrounded counts; a category equal to its whole "
                "group suppressed; further figures suppressed until no figure can be worked out; each month, "
                "quarter and year decided once, so every publication shows the same figure for it"
            )
        return (
            f"{self.profile.describe()}; totals rounded from unrounded counts; a category equal to its whole group "
            "suppressed; secondary suppression until no suppressed count can be worked out"
        )

    def suppressed(self) -> dict[str, int]:
        """How many shown cells were suppressed, by reason (the unshown not-returned row left out, and cells shown
        with another mark — such as ``[x]`` for an outcome not yet due — counted under that mark instead)."""
        counts: dict[str, int] = {}
        for cell, reason in self.reasons.items():
            if (
                cell[0] != NOT_RETURNED
                and self.missing.get(cell, MissingFigure.SUPPRESSED) is MissingFigure.SUPPRESSED
            ):
                counts[reason.value] = counts.get(reason.value, 0) + 1
        return counts


def check_sdc(sdc: str, profile: str) -> tuple[SdcMode, Profile | None]:
    """The disclosure-control mode and profile named ``sdc`` and ``profile``.

    Raises:
        InputError: an unknown mode or profile (about the field ``sdc`` or ``profile``).
    """
    if sdc not in SDC_MODES:
        raise InputError(f"'{sdc}' is not one of {', '.join(SDC_MODES)}", field="sdc")
    if profile not in PROFILES:
        raise InputError(f"'{profile}' is not one of {', '.join(PROFILES)}", field="profile")
    return ("publish", PROFILES[profile]) if sdc == "publish" else ("internal", None)


def build_monthly_report(
    session: Session,
    *,
    months: Sequence[str],
    agreement_id: str | None = None,
    sdc: str = "publish",
    profile: str = DEFAULT_PROFILE,
    now: datetime | None = None,
) -> MonthlyReport:
    """Count the monthly table from the ledger and make it a report.

    Args:
        session: a ledger session.
        months: the months, in order (``2019-01`` …).
        agreement_id: one agreement (all its versions), or None for every agreement.
        sdc: ``publish`` (disclosure control, the default for anything leaving the building) or ``internal``
            (exact counts, marked not for publication).
        profile: the disclosure-control profile: ``series`` (the default: the monthly-series rule), ``10-5``
            (ONS) or ``1-4``.
        now: the generation time (UTC; default: now).

    Raises:
        InputError: no months, or an unknown mode or profile.
        NotFound: ``agreement_id`` names no agreement in the ledger.
    """
    mode, chosen = check_sdc(sdc, profile)
    if not months:
        raise InputError("the report needs at least one month")
    versions = recorded_versions(session, agreement_id=agreement_id)
    table = monthly_table(session, months=months, agreement_id=agreement_id, versions=versions)
    columns = report_columns(table.months, chosen)
    generated_at = (now or datetime.now(UTC)).astimezone(UTC)
    exact = _exact_cells(table, columns)
    values: dict[Cell, int | str]
    reasons: Mapping[Cell, Reason] = {}
    if chosen is None:
        values = dict(exact)
    else:
        protected = protect_monthly_table(table, profile=chosen)
        values, reasons = dict(protected.values), protected.reasons
    context = missing_context(
        session, months=table.months, agreement_id=agreement_id, today=generated_at.date()
    )
    missing = missing_figures(
        table,
        [(column.key, column.months) for column in columns],
        exact=exact,
        # withheld by the rule: shown as [c] (a rule may show other symbols, e.g. a small-number mark, as they are)
        suppressed=[cell for cell in reasons if cell[0] != NOT_RETURNED and values[cell] == CONFIDENTIAL],
        context=context,
    )
    # the series rule publishes outcome breakdowns by quarter and year: a month's is not published, whatever else;
    # a month whose quarter the period holds only in part is said so (unless nothing was exchanged that month)
    in_quarters = {month for column in columns if column.quarter for month in column.months}
    for cell, reason in reasons.items():
        if reason is not Reason.PERIOD:
            continue
        if cell[1] in in_quarters:
            missing[cell] = MissingFigure.BY_QUARTER
        elif missing.get(cell) not in (MissingFigure.BEFORE_FIRST_EXCHANGE, MissingFigure.NO_EXCHANGE):
            missing[cell] = MissingFigure.PART_QUARTER
    values.update({cell: mark.symbol for cell, mark in missing.items()})
    return MonthlyReport(
        table=table,
        columns=columns,
        values=values,
        mode=mode,
        profile=chosen,
        agreement_id=agreement_id,
        versions=tuple(versions),
        in_force=versions_in_force(versions, table.months, table.agreements),
        generated_at=generated_at,
        reasons=reasons,
        missing=missing,
        context=context,
    )
