"""Golden files: the fixed small ledger of tests/worlds/_golden.py → the workbook's cells, sheet by sheet,
equal the committed tables in ``golden/`` (one JSON file per mode and sheet), on SQLite and PostgreSQL: internal,
published under the default rule (the monthly series), and published under ONS 10-5 asked for by name.

The generation time is fixed, and its cell is ignored all the same. The test only compares: after a deliberate
change to a report, regenerate the files with ``make golden`` (tests/reports/regenerate_golden.py) and review the
diff before committing it.
"""

from __future__ import annotations

import csv
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from sharelog.reports import (
    DEFAULT_PROFILE,
    PROFILES,
    Sheet,
    SheetRow,
    html_table,
    write_monthly_report,
)
from sharelog.reports._layout import DATA_HEADER

from ._golden_tables import (
    GOLDEN_CASES,
    SHEETS,
    monthly_report,
    read_golden,
    workbook_tables,
    workbook_values,
)


@pytest.mark.parametrize(("mode", "profile", "prefix"), GOLDEN_CASES, ids=[c[2] for c in GOLDEN_CASES])
def test_the_workbook_equals_the_golden_tables(
    golden_engine: Engine, tmp_path: Path, mode: str, profile: str, prefix: str
) -> None:
    sheets = workbook_tables(golden_engine, mode, profile, tmp_path)
    assert tuple(sheets) == SHEETS
    for name in SHEETS:
        rows, expected = sheets[name], read_golden(prefix, name)
        assert len(rows) == len(expected), f"{name}: {len(rows)} rows, expected {len(expected)}"
        for number, (got, want) in enumerate(zip(rows, expected, strict=True), start=1):
            assert got == want, f"{name}, row {number}"


def _monthly_rows(sheet: list[list[Any]]) -> dict[str, list[Any]]:
    """Label → the row's cells after the label, for the rows holding counts."""
    return {row[0]: row[1:] for row in sheet[4:] if any(cell is not None for cell in row[1:])}


RESULTS = (
    "Contact re-established",
    "Not located",
    "Voluntary departure",
    "Enforced removal",
    "Leave granted (incl. visa renewal)",
    "Application pending",
    "No further action",
    "Child safeguarded",
    "Outcome unknown",
)


def test_internal_results_add_up_to_the_returned_in_every_month(
    golden_engine: Engine, tmp_path: Path
) -> None:
    sheets = workbook_values(
        write_monthly_report(monthly_report(golden_engine, "internal"), tmp_path / "r.xlsx")
    )
    rows = _monthly_rows(sheets["Monthly"])
    returned = rows["Records returned from Department for Education to Home Office"]
    assert returned == [14, 5, 21, 40]
    for column, total in enumerate(returned):
        assert sum(rows[label][column] for label in RESULTS) == total
    assert rows["Records sent from Home Office to Department for Education"] == [
        40,
        31,
        60,
        131,
    ]  # the rejected batch counts
    assert rows["Enforced removal"] == [1, 0, 0, 1]  # the corrected event, not the one it superseded
    assert rows["Not located"] == [0, 0, 0, 0]
    assert "not for publication" in sheets["Monthly"][0][0]
    assert "not for publication" in sheets["Notes"][0][0]


@pytest.mark.parametrize("profile", [DEFAULT_PROFILE, "10-5"])
def test_published_numbers_are_multiples_of_five_or_symbols(
    golden_engine: Engine, tmp_path: Path, profile: str
) -> None:
    report = monthly_report(golden_engine, "publish", profile)
    sheets = workbook_values(write_monthly_report(report, tmp_path / "r.xlsx"))
    counts = [cell for row in _monthly_rows(sheets["Monthly"]).values() for cell in row]
    counts += [row[4] for row in sheets["Data"][1:]]
    # the missing-figure marks, and the profile's own mark for a small count ([c] under 10-5, [low] under series)
    symbols = {"[c]", "[x]", "[z]", PROFILES[profile].small_symbol}
    assert counts and all(cell in symbols or (isinstance(cell, int) and cell % 5 == 0) for cell in counts)
    assert "not for publication" not in sheets["Monthly"][0][0].lower()


class _TableReader(HTMLParser):
    """The rows of an HTML table: each row's header cell and data cells, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def sheet_from_worksheet_rows(rows: list[list[Any]]) -> Sheet:
    """The Monthly sheet rebuilt from the cells openpyxl read: title, legend, header, then rows."""
    body = []
    for row in rows[4:]:
        heading = all(cell is None for cell in row[1:])
        body.append(SheetRow(tuple(row[:1]) if heading else tuple(row), heading=heading))
    return Sheet(
        name="Monthly", title=rows[0][0], subtitle=(rows[1][0],), header=tuple(rows[3]), rows=tuple(body)
    )


def _number(text: str) -> int | str:
    return int(text.replace(",", "")) if text.replace(",", "").isdigit() else text


@pytest.mark.parametrize("mode", ["internal", "publish"])
def test_the_monthly_sheet_rendered_as_html_shows_the_same_numbers(
    golden_engine: Engine, tmp_path: Path, mode: str
) -> None:
    report = monthly_report(golden_engine, mode)
    sheet = workbook_values(write_monthly_report(report, tmp_path / "r.xlsx"))["Monthly"]
    page = html_table(sheet_from_worksheet_rows(sheet))
    assert '<th scope="col">January 2019</th>' in page and "<caption>" in page
    reader = _TableReader()
    reader.feed(page)
    shown = {row[0]: [_number(text) for text in row[1:]] for row in reader.rows[1:] if len(row) > 1}
    expected = {
        row.label: [report.cell(row, column) for column in report.columns] for row in report.table.rows
    }
    assert shown == expected


@pytest.mark.parametrize("mode", ["internal", "publish"])
def test_csv_and_json_say_what_the_workbook_says(golden_engine: Engine, tmp_path: Path, mode: str) -> None:
    report = monthly_report(golden_engine, mode)
    sheets = workbook_values(write_monthly_report(report, tmp_path / "r.xlsx"))
    with write_monthly_report(report, tmp_path / "r.csv").open(encoding="utf-8", newline="") as handle:
        grid = list(csv.reader(handle))
    width = len(sheets["Monthly"][0])
    assert [row + [""] * (width - len(row)) for row in grid] == [
        ["" if cell is None else str(cell) for cell in row] for row in sheets["Monthly"]
    ]
    document = json.loads(write_monthly_report(report, tmp_path / "r.json").read_text(encoding="utf-8"))
    # a figure is a number; a missing one is null with the Data sheet's symbol and its reason
    tidy = [
        [*(row[key] for key in DATA_HEADER[:4]), row["symbol"] or row["value"]] for row in document["rows"]
    ]
    assert tidy == sheets["Data"][1:]
    small = report.profile.small_symbol if report.profile else None
    for row in document["rows"]:
        assert (row["value"] is None) == (row["symbol"] is not None), row
        # every figure not given exactly has its reason, the series rule's small-number mark (1 to 4) too
        assert (row["reason"] is not None) == (row["symbol"] is not None), row
        assert (row["reason"] == "small_count") == (row["symbol"] is not None and row["symbol"] == small), row
        assert (
            row["reason"] is None
            or document["missing_figures"]["reasons"][row["reason"]]["symbol"] == row["symbol"]
        )
        assert row["symbol"] is None or row["symbol"] in document["missing_figures"]["symbols"]
    if mode == "publish":  # the golden ledger's small counts: the check above has cases to check
        assert any(row["reason"] == "small_count" for row in document["rows"])
    assert document["not_for_publication"] is (mode == "internal")
    html = write_monthly_report(report, tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<table") == 2
