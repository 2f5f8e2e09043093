"""Reading an outcomes file (CSV or XLSX) into numbered rows, refusing what cannot be read.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first outcome row 2 (a CSV record whose
note spans several lines is still one row). Cell values are returned as the file holds them — text from a CSV;
text, numbers or dates from a workbook — for the importer to interpret. Wholly blank rows are skipped.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sharelog.errors import InputError, Problem, ValidationFailed

__all__ = ["OutcomesTable", "read_outcomes_table"]

SUFFIXES = (".csv", ".xlsx", ".xlsm")


@dataclass(frozen=True)
class OutcomesTable:
    """A file's column names (stripped, lower case), its non-blank rows with their spreadsheet numbers, and the
    rows that could not be split into those columns (reported after the header has been checked)."""

    source: str
    """How problems name the file (a workbook's with the sheet read)."""
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, Any]], ...]
    problems: tuple[Problem, ...] = ()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(file: str, cells: Iterable[Any]) -> tuple[str, ...]:
    names = [str(c).strip().lower() if c is not None else "" for c in cells]
    while names and not names[-1]:  # spreadsheets often carry empty cells after the last column
        names.pop()
    problems = [
        Problem(file, "a column without a name", row=1, field=f"column {i + 1}")
        for i, n in enumerate(names)
        if not n
    ]
    first: dict[str, int] = {}
    for index, name in enumerate(names):
        if name and name in first:
            # by position: in a file saved without its header, the "names" are a row of data
            message = f"has the same name as column {first[name] + 1}; each column needs its own"
            problems.append(Problem(file, message, row=1, field=f"column {index + 1}"))
        first.setdefault(name, index)
    if not names:
        problems.append(Problem(file, "the file is empty; its first row must name the columns"))
    if problems:
        raise ValidationFailed(problems)
    return tuple(names)


def _table(file: str, records: Iterator[tuple[int, list[Any]]]) -> OutcomesTable:
    first = next(records, None)
    if first is None:
        raise ValidationFailed([Problem(file, "the file is empty; its first row must name the columns")])
    columns = _header(file, first[1])
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    for number, cells in records:
        if all(_blank(c) for c in cells):
            continue
        if len(cells) > len(columns) and not all(_blank(c) for c in cells[len(columns) :]):
            problems.append(Problem(file, f"more values than the {len(columns)} named columns", row=number))
            continue
        padded = list(cells[: len(columns)]) + [None] * (len(columns) - len(cells))
        rows.append((number, dict(zip(columns, padded, strict=True))))
    return OutcomesTable(source=file, columns=columns, rows=tuple(rows), problems=tuple(problems))


def _read_csv(path: Path, name: str) -> OutcomesTable:
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records: list[tuple[int, list[Any]]] = list(enumerate(csv.reader(handle), start=1))
        return _table(name, iter(records))
    except UnicodeDecodeError:
        raise ValidationFailed([Problem(name, "not UTF-8 text; save it as CSV UTF-8")]) from None
    except csv.Error as error:
        raise ValidationFailed([Problem(name, f"not readable as CSV ({error})")]) from None


def _read_xlsx(path: Path, name: str) -> OutcomesTable:
    from openpyxl import load_workbook

    unreadable = ValidationFailed([Problem(name, "not readable as an XLSX workbook")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 — not a zip, not a workbook, or a damaged part: openpyxl raises any of
            raise unreadable from None  # InvalidFileException, BadZipFile, KeyError, XML parse errors…
        try:
            if not workbook.worksheets:
                raise ValidationFailed([Problem(name, "the workbook has no worksheet (only charts?)")])
            sheet = workbook.worksheets[0]
            title = sheet.title
            # read_only parses the sheet's XML lazily, as the rows are read: a damaged sheet fails here
            records = [
                (number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), 1)
            ]
        except ValidationFailed:
            raise
        except Exception:  # noqa: BLE001 — as above: XML, zip or value errors from a damaged sheet
            raise unreadable from None
        finally:
            workbook.close()
    return _table(f"{name} (sheet {title!r})", iter(records))


def read_outcomes_table(path: Path, *, name: str | None = None) -> OutcomesTable:
    """The rows of an outcomes file (CSV, or the first sheet of an XLSX workbook).

    Args:
        path: the file.
        name: how problems name the file; default: its path.

    Raises:
        InputError: no such file, or not a CSV or XLSX file.
        ValidationFailed: the file cannot be read, or its header or rows cannot be told apart.
    """
    shown = name or str(path)
    if not path.is_file():
        raise InputError(f"{shown}: no such file")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{shown}: an outcomes file must be CSV (.csv) or a workbook (.xlsx)")
    return _read_csv(path, shown) if suffix == ".csv" else _read_xlsx(path, shown)
