"""What each sheet of a report holds, independent of the file format: a title, a header and rows of cells.

The writers (XLSX, CSV, HTML, JSON) render these; none of them decides what a report says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sharelog.reports._coverage import FOI_QUESTIONS, PERIOD_LENGTHS, coverage
from sharelog.reports._marks import MissingFigure
from sharelog.reports._monthly import MonthlyRow
from sharelog.reports._period import month_label
from sharelog.reports._report import NOT_RETURNED, Column, MonthlyReport
from sharelog.reports._sdc import CONFIDENTIAL, LOW, NOT_APPLICABLE, UNAVAILABLE, Profile, Reason

__all__ = [
    "DATA_HEADER",
    "SYMBOLS_GUIDANCE",
    "GENERATED_AT",
    "MEASURES",
    "SECTION_HEADINGS",
    "Sheet",
    "SheetRow",
    "monthly_sheets",
    "tidy_cells",
    "tidy_rows",
]

CellValue = str | int | None

DATA_HEADER = ("time_period", "time_identifier", "measure", "category", "value")
SYMBOLS_GUIDANCE = (
    'Government Analysis Function, "Using symbols and shorthand" (January 2022), '
    "https://gss.civilservice.gov.uk/policy-store/symbols-in-tables-definitions-and-help/"
)
GENERATED_AT = "Generated at (UTC)"

SECTION_HEADINGS = {
    "onward": "Of the returned records: shared onward, by recipient (a record can go to several)",
    "intervention": "Of the returned records: interventions, by type (a record can have several)",
    "result": "Of the returned records: latest result (each record once; these rows add up to the returned)",
    "people": "People affected by removals and departures",
}

# (measure, category) of each row in the Data sheet: DfE open-data style, snake_case.
MEASURES = {
    "flow": {
        "received": ("records_received", "total"),
        "matched": ("records_matched", "total"),
        "review": ("records_sent_to_review", "total"),
        "returned": ("records_returned", "total"),
    },
    "onward": "records_shared_onward",
    "intervention": "records_with_intervention",
    "result": "records_by_latest_result",
    "people": "people_affected_by_removal_or_departure",
}

DEFINITIONS = (
    (
        "Month",
        "The month of the requester's batch (the exchange's month), not the month anything happened to a record.",
    ),
    (
        "Records received from the requester",
        "Trace requests in the month's batches, including batches refused as a whole. A batch run again on "
        "purpose (a rerun) is not counted again.",
    ),
    ("Matched automatically", "Requests the matcher decided were clear matches, returned without review."),
    (
        "Sent to review",
        "Requests in the review band, decided by a named person (accepted ones are returned).",
    ),
    (
        "Records returned to the requester",
        "Records returned for the month's batches: clear matches and review matches a person accepted, each a "
        "disclosure in the ledger (a rerun's returns included).",
    ),
    (
        "Shared onward, by recipient",
        "Returned records the requester recorded sharing with that recipient. A record shared with several "
        "recipients is counted under each, so these rows do not add up to the returned; each is at most the "
        "returned.",
    ),
    (
        "Interventions, by type",
        "Returned records with at least one intervention of that type; a record can have several.",
    ),
    (
        "Latest result",
        "Each returned record is counted once, by its latest result: its newest current result event, by event "
        "date and then by the order of recording. A correction supersedes an earlier event and superseded "
        "events are left out everywhere, so a corrected record is not counted twice.",
    ),
    (
        "Outcome unknown",
        "Returned records with no current result event. Derived when the report is made, never stored. While "
        "any record returned in a month has no result and is not yet due, that month's outcome rows (and any "
        "total over it) are [x], not yet known. The latest-result rows and this row add up to the returned.",
    ),
    (
        "People affected by removals and departures",
        "Children and other family members recorded on a record's latest result when it is a voluntary "
        "departure or an enforced removal. These count people, not records.",
    ),
)

# The definitions of the records sent and returned, under the rows' labels (which name the parties when they can).
_FLOW_TERMS = {
    "Records received from the requester": "received",
    "Records returned to the requester": "returned",
}


@dataclass(frozen=True)
class SheetRow:
    """One row: its cells, and whether it heads a section (one text cell spanning the table)."""

    cells: tuple[CellValue, ...]
    heading: bool = False
    indent: int = 0


@dataclass(frozen=True)
class Sheet:
    """One sheet of a report: an optional title and subtitle lines, a header and rows.

    ``label_columns`` is how many leading columns label a row (kept in view); ``count_columns`` (0-based) hold
    counts — by default every column after the labels. ``widths`` fixes column widths (text then wraps).
    """

    name: str
    header: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    title: str | None = None
    subtitle: tuple[str, ...] = ()
    label_columns: int = 1
    count_columns: tuple[int, ...] | None = None
    widths: tuple[int, ...] | None = None

    def is_count(self, index: int) -> bool:
        """Whether column ``index`` (0-based) holds counts."""
        if self.count_columns is not None:
            return index in self.count_columns
        return index >= self.label_columns


def monthly_rows(report: MonthlyReport) -> list[SheetRow]:
    """The Monthly sheet's rows: the flow rows, then each section under its heading."""
    rows: list[SheetRow] = []
    section = None
    for row in report.table.rows:
        if row.section != section and row.section in SECTION_HEADINGS:
            rows.append(SheetRow((SECTION_HEADINGS[row.section],), heading=True))
        section = row.section
        cells = tuple(report.cell(row, column) for column in report.columns)
        rows.append(SheetRow((row.label, *cells), indent=0 if row.section == "flow" else 1))
    return rows


def legend(report: MonthlyReport) -> str:
    """The line under the title: what the figures are and what each symbol the table shows means."""
    symbols = " ".join(report.symbol_lines())
    if report.profile is not None and report.profile.series:
        symbols = f"{_series_legend(report.profile)} {symbols}".strip()
    if report.profile is None:
        text = "Exact counts from the ledger, without disclosure control. NOT FOR PUBLICATION."
        return " ".join(filter(None, (text, symbols, "0 means none. Definitions: see the Notes sheet.")))
    return " ".join(
        filter(
            None,
            (
                symbols,
                f"Other figures are rounded to the nearest {report.profile.base}; totals are rounded from unrounded "
                "counts, so figures may not add up. 0 means none. Definitions and the rule: see the Notes sheet.",
            ),
        )
    )


def subtitle(report: MonthlyReport) -> tuple[str, ...]:
    """The lines under the Monthly sheet's title: any months without data, in words, then the legend."""
    return tuple(filter(None, (report.no_data_text(), legend(report))))


def tidy_cells(
    report: MonthlyReport,
) -> list[tuple[MonthlyRow, Column, tuple[str, str, str, str, int | str]]]:
    """Each cell of the report with its Data-sheet row (months, then each year's total, row by row)."""
    cells = []
    for row in report.table.rows:
        spec = MEASURES[row.section]
        if isinstance(spec, dict):
            measure, category = spec[row.key]
        else:
            measure, category = spec, "other_family_members" if row.key == "family_members" else row.key
        for column in report.columns:
            tidy = (column.time_period, column.time_identifier, measure, category, report.cell(row, column))
            cells.append((row, column, tidy))
    return cells


def tidy_rows(report: MonthlyReport) -> list[tuple[str, str, str, str, int | str]]:
    """The Data sheet's rows: one per measure, category and column (months, then each year's total)."""
    return [tidy for _, _, tidy in tidy_cells(report)]


def _notes_rows(report: MonthlyReport) -> list[SheetRow]:
    rows: list[SheetRow] = [SheetRow(("About this table",), heading=True)]
    rows.append(SheetRow(("Title", report.title())))
    rows.append(SheetRow(("Period", report.period_text())))
    rows.append(SheetRow(("Agreements", report.selection_text())))
    status = (
        "Published with disclosure control"
        if report.for_publication
        else "INTERNAL: exact counts, not for publication"
    )
    rows.append(SheetRow(("Status", status)))
    if report.no_data_text():
        rows.append(SheetRow(("Months without data", report.no_data_text())))
    rows.append(SheetRow(("Disclosure control",), heading=True))
    rows.extend(SheetRow(cells) for cells in _rule_rows(report))
    rows.append(SheetRow(("Missing figures",), heading=True))
    rows.extend(SheetRow(cells) for cells in _missing_rows(report))
    rows.append(SheetRow(("Definitions",), heading=True))
    named = {term: report.table.row(key, "flow").label for term, key in _FLOW_TERMS.items()}
    rows.extend(SheetRow((named.get(term, term), text)) for term, text in DEFINITIONS)
    rows.append(SheetRow(("Data sheet",), heading=True))
    rows.append(
        SheetRow(
            (
                "time_period, time_identifier",
                "DfE open-data style: time_period is the calendar year (2019) and time_identifier the month "
                "(January), or 'Calendar year' for a whole year's total; where the period covers part of a year, "
                "that total's time_identifier names its months ('January to March'). A six-digit time_period "
                "such as 201901 would read as a two-year span (an academic or financial year) in DfE's open data, "
                "so it is not used.",
            )
        )
    )
    rows.append(
        SheetRow(
            (
                "measure, category, value",
                "snake_case names; category 'total' where a measure has no breakdown; value is the figure shown "
                "in the Monthly sheet, or its symbol ([c], [x] or [z]: see Missing figures).",
            )
        )
    )
    rows.append(SheetRow(("Agreement versions",), heading=True))
    for version in report.versions:
        rows.append(SheetRow((version.label, f"{version.title} (in force {version.validity_text()})")))
    if not report.versions:
        rows.append(SheetRow(("(none)", "The ledger has recorded no agreement version.")))
    rows.append(SheetRow(("Agreement versions in force each month",), heading=True))
    for month in report.table.months:
        used = ", ".join(report.table.agreements.get(month, [])) or "no exchange"
        rows.append(
            SheetRow(
                (
                    month_label(month),
                    f"{', '.join(report.in_force[month]) or 'none'} (exchanges under: {used})",
                )
            )
        )
    rows.append(SheetRow(("Generated",), heading=True))
    rows.append(SheetRow((GENERATED_AT, report.generated_at.strftime("%Y-%m-%d %H:%M:%S"))))
    return rows


def _series_legend(profile: Profile) -> str:
    """The series rule's words before the symbols: which rows are shown by month, and the small-number mark."""
    return (
        "Records received and returned are shown by month; what happened to the returned records, by quarter "
        f"and year. {profile.small_symbol} = a count of 1 to {profile.threshold - 1} (not 0)."
    )


def _series_rule_rows(report: MonthlyReport, profile: Profile) -> list[tuple[str, str]]:
    counted = Counter(reason for (row, _), reason in report.reasons.items() if row != NOT_RETURNED)
    small = f"1 to {profile.threshold - 1}"
    return [
        ("Rule applied", f"{profile.describe()}."),
        (
            "Periods",
            "Records received, matched, sent to review and returned: every month, every whole calendar quarter and "
            "every whole calendar year in the period. Onward sharing, interventions, latest results and people "
            f"affected: whole quarters and whole years only ({UNAVAILABLE} in month columns); about 20 records "
            "are returned a month, so a monthly breakdown would describe one or two people. No total of part of a "
            "quarter or part of a year is published.",
        ),
        (
            "Small counts",
            f"A count of {small} is shown as {profile.small_symbol}; 0 is shown only for a true 0.",
        ),
        (
            "Rounding",
            f"Every other figure is rounded to the nearest {profile.base}. Totals are computed from unrounded "
            "counts and then rounded, so rounded figures may not add up.",
        ),
        (
            "Withheld figures",
            f"{CONFIDENTIAL}: a latest result, onward-sharing or intervention count equal to the quarter's or year's "
            "returned (it would say every returned record had that outcome; outcome unknown is exempt), or a "
            "figure that would let a small count be worked out exactly from the others. A linear programme "
            "checks every month, then every quarter, then every year, keeping what was already decided, so a "
            "figure is the same in every publication that shows it.",
        ),
        (
            "Cells",
            f"{counted[Reason.PRIMARY]} shown as {profile.small_symbol}; "
            f"{counted[Reason.ATTRIBUTE]} {CONFIDENTIAL} (a category equal to its group); "
            f"{counted[Reason.SECONDARY]} {CONFIDENTIAL} (so that no count can be worked out); "
            f"{counted[Reason.WITHHELD]} {CONFIDENTIAL} (withheld with the rest of their block, zeros too); "
            f"{counted[Reason.PERIOD]} {UNAVAILABLE} (not published by month).",
        ),
        ("FOI questions answered", _coverage_text(report)),
    ]


def _coverage_text(report: MonthlyReport) -> str:
    measured = coverage(report)
    parts = []
    for length in PERIOD_LENGTHS:
        cells = measured.cells[length]
        if cells:
            share = measured.answered[length] / cells
            parts.append(f"{length}s {measured.answered[length]} of {cells} ({share:.0%})")
        else:
            parts.append(f"no whole {length}")
    return (
        f"The {len(FOI_QUESTIONS)} questions of the 2020 FOI request (records sent, returned, onward sharing, "
        "interventions, outcome unknown) for each whole month, quarter and year of the period, answered with a "
        f"number or {report.profile.small_symbol if report.profile else ''}: " + "; ".join(parts) + "."
    )


def _rule_rows(report: MonthlyReport) -> list[tuple[str, str]]:
    profile = report.profile
    if profile is not None and profile.series:
        return _series_rule_rows(report, profile)
    if profile is None:
        return [
            ("Rule applied", "None: exact counts from the ledger."),
            ("Publication", "NOT FOR PUBLICATION: for use inside the organisation only."),
        ]
    small = f"1 to {profile.threshold - 1}"
    suppressed = report.suppressed()
    counted = ", ".join(f"{n} {reason}" for reason, n in sorted(suppressed.items())) or "none"
    return [
        ("Rule applied", f"{profile.describe()}."),
        (
            "Small counts",
            f"A count of {small} is shown as {CONFIDENTIAL} (confidential); 0 is shown only for a true 0.",
        ),
        (
            "Rounding",
            f"Every other figure is rounded to the nearest {profile.base}. Totals (the year totals, the returned) "
            "are computed from unrounded counts and then rounded, so rounded figures may not add up.",
        ),
        (
            "A category equal to its group",
            "A latest result, onward-sharing or intervention count equal to the month's (or the year's) returned "
            "is suppressed: it would say that every returned record had that outcome. Outcome unknown is exempt: "
            "it attributes no outcome to anyone.",
        ),
        (
            "Secondary suppression",
            "Each additive group — a row's months and its year total; the latest-result rows with outcome unknown "
            "and the returned in each column; the received, the returned and the number not returned (received − "
            "returned, which anyone can compute) — has no suppressed figure or at least two, the extra ones being "
            "the smallest non-zero figures. Then, for each suppressed figure, a linear programme finds the "
            "smallest and largest values consistent with everything published (including that each "
            "onward-sharing and intervention count is at most the returned); more figures are suppressed until "
            "none can be worked out exactly.",
        ),
        ("Cells suppressed", f"{counted} (primary: small counts; attribute: a category equal to its group)."),
    ]


def _low_text(report: MonthlyReport) -> str:
    profile = report.profile
    if profile is not None and profile.small_symbol == LOW:
        return f"{LOW}: a count of 1 to {profile.threshold - 1}, by the series rule"
    return f"{LOW} is not used"


def _missing_rows(report: MonthlyReport) -> list[tuple[str, str]]:
    """Each kind of missing figure: its symbol, what it means and how many cells carry it."""
    counts = report.missing_counts()
    rows = [
        (
            "Symbols",
            f"A figure the table cannot give is never shown as 0: it carries the Government Analysis Function's "
            f"shorthand in square brackets — {CONFIDENTIAL} confidential, {UNAVAILABLE} not available, "
            f"{NOT_APPLICABLE} not applicable ({_low_text(report)}). Source: {SYMBOLS_GUIDANCE}.",
        )
    ]
    for mark in MissingFigure:
        n = counts.get(mark, 0)
        if mark in (MissingFigure.BY_QUARTER, MissingFigure.PART_QUARTER) and not n:
            continue  # only the series rule uses it
        cells = "cell" if n == 1 else "cells"
        rows.append(
            (
                f"{mark.symbol} {mark.value.replace('_', ' ')}",
                f"{mark.explanation[0].upper()}{mark.explanation[1:]}. In this table: {n} {cells}.",
            )
        )
    return rows


def monthly_sheets(report: MonthlyReport) -> list[Sheet]:
    """The report's three sheets: Monthly, Data and Notes."""
    monthly = Sheet(
        name="Monthly",
        title=report.title(),
        subtitle=subtitle(report),
        header=("Measure", *(column.label for column in report.columns)),
        rows=tuple(monthly_rows(report)),
    )
    data = Sheet(
        name="Data",
        header=DATA_HEADER,
        rows=tuple(SheetRow(row) for row in tidy_rows(report)),
        label_columns=4,
        count_columns=(4,),
    )
    notes = Sheet(
        name="Notes",
        title=f"Notes: {report.title()}",
        header=("Item", "Detail"),
        rows=tuple(_notes_rows(report)),
        count_columns=(),
        widths=(42, 110),
    )
    return [monthly, data, notes]


def sheet_values(sheet: Sheet) -> Sequence[tuple[CellValue, ...]]:
    """Every row of a sheet as it is laid out in a grid: title, subtitle, a blank row, header, rows."""
    grid: list[tuple[CellValue, ...]] = []
    if sheet.title is not None:
        grid.append((sheet.title,))
        grid.extend((line,) for line in sheet.subtitle)
        grid.append(())
    grid.append(sheet.header)
    grid.extend(row.cells for row in sheet.rows)
    return grid
