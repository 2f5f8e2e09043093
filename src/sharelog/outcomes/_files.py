"""Reading an outcomes file (CSV or XLSX) into numbered rows, refusing what cannot be read.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first outcome row 2 (a CSV record whose
note spans several lines is still one row). Cell values are returned as the file holds them — text from a CSV;
text, numbers or dates from a workbook — for the importer to interpret. Wholly blank rows are skipped.

A file is read within bounds, so that a small file cannot cost minutes of work or gigabytes of memory: its size,
what a workbook unpacks to (checked from the zip's directory before openpyxl opens it), its rows, its columns,
its cells (rows × columns, as the file spells them out) and the length of each cell's text. A workbook cell
holding a formula is refused: the value the importer would read is whatever a spreadsheet last calculated (or
nothing, for a file written by a program), not what the person typed.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sharelog.errors import InputError, Problem, ValidationFailed
from sharelog.outcomes._taxonomy import MAX_NOTE_CHARS
from sharelog.spreadsheets import check_xlsx_bounds

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_NOTE_CHARS",
    "MAX_ROWS",
    "MAX_TEXT_CHARS",
    "MAX_UNPACKED_BYTES",
    "OutcomesTable",
    "read_outcomes_table",
]

SUFFIXES = (".csv", ".xlsx", ".xlsm")

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest outcomes file read (the web upload limit too)."""
MAX_UNPACKED_BYTES = 50_000_000
"""The most a workbook's parts may unpack to, together."""
MAX_ROWS = 20_000
"""The most outcome rows under the header (a month's exchange returns a few thousand records at most)."""
MAX_COLUMNS = 30
"""The most columns the header may name (an outcomes file has nine)."""
MAX_CELLS = 1_000_000
"""The most cells read, counting each row as wide as the file spells it out (empty cells too)."""
MAX_TEXT_CHARS = 200
"""The longest value of any other column (an id, a reference, a code, a date, a number)."""
_MAX_LINE_CHARS = 64 * 1024  # a CSV line: a full note and every other field fit many times over


@dataclass(frozen=True)
class OutcomesTable:
    """A file's column names (stripped, lower case), its non-blank rows with their spreadsheet numbers, and the
    rows that could not be split into those columns (reported after the header has been checked)."""

    source: str
    """How problems name the file (a workbook's with the sheet read)."""
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, Any]], ...]
    problems: tuple[Problem, ...] = ()


class _Formula:
    """A workbook cell holding a formula (its calculated value is not read)."""

    def __repr__(self) -> str:
        return "<formula>"


FORMULA = _Formula()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _too_long(name: str, value: Any) -> bool:
    limit = MAX_NOTE_CHARS if name == "note" else MAX_TEXT_CHARS
    return isinstance(value, str) and len(value) > limit


def _header(file: str, cells: Iterable[Any]) -> tuple[str, ...]:
    if any(cell is FORMULA for cell in cells):
        raise ValidationFailed(
            Problem(file, "holds a formula; type the column's name", row=1, field=f"column {i + 1}")
            for i, cell in enumerate(cells)
            if cell is FORMULA
        )
    names = [str(c).strip().lower() if c is not None else "" for c in cells]
    while names and not names[-1]:  # spreadsheets often carry empty cells after the last column
        names.pop()
    if len(names) > MAX_COLUMNS:
        message = f"more than {MAX_COLUMNS} columns; an outcomes file has {MAX_COLUMNS} at most"
        raise ValidationFailed([Problem(file, message, row=1, field=f"column {MAX_COLUMNS + 1}")])
    problems = [
        Problem(file, "a column without a name", row=1, field=f"column {i + 1}")
        for i, n in enumerate(names)
        if not n
    ]
    problems += [
        Problem(
            file,
            f"longer than {MAX_TEXT_CHARS} characters; not a column name",
            row=1,
            field=f"column {i + 1}",
        )
        for i, n in enumerate(names)
        if len(n) > MAX_TEXT_CHARS
    ]
    if problems:
        raise ValidationFailed(problems)
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


def _cell_problems(file: str, number: int, values: dict[str, Any]) -> list[Problem]:
    problems = []
    for name, value in values.items():
        if value is FORMULA:
            message = "holds a formula; type the value itself (in a spreadsheet: copy, then paste values)"
            problems.append(Problem(file, message, number, name))
        elif _too_long(name, value):
            limit = MAX_NOTE_CHARS if name == "note" else MAX_TEXT_CHARS
            problems.append(Problem(file, f"longer than {limit:,} characters", number, name))
    return problems


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
        values = dict(zip(columns, padded, strict=True))
        found = _cell_problems(file, number, values)
        if found:
            problems += found
            continue
        rows.append((number, values))
    return OutcomesTable(source=file, columns=columns, rows=tuple(rows), problems=tuple(problems))


def _bounded(file: str, records: Iterable[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    """``records`` up to the bounds on rows and cells; stops at the first row past them, refusing the file."""
    cells = 0
    for number, row in records:
        if number > MAX_ROWS + 1:
            message = f"more than {MAX_ROWS:,} rows under the header; split the file"
            raise ValidationFailed([Problem(file, message, row=number)])
        cells += len(row)
        if cells > MAX_CELLS:
            message = f"more than {MAX_CELLS:,} cells (rows × columns, empty ones too); remove empty columns"
            raise ValidationFailed([Problem(file, message, row=number)])
        yield number, row


def _lines(file: str, handle: IO[str]) -> Iterator[str]:
    """The file's lines, refusing one longer than any outcomes file needs before the CSV reader builds it."""
    while line := handle.readline(_MAX_LINE_CHARS + 1):
        if len(line) > _MAX_LINE_CHARS:
            raise ValidationFailed(
                [Problem(file, f"a line longer than {_MAX_LINE_CHARS:,} characters; not an outcomes file")]
            )
        yield line


def _read_csv(path: Path, name: str) -> OutcomesTable:
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(_lines(name, handle))
            records: list[tuple[int, list[Any]]] = list(_bounded(name, enumerate(rows, start=1)))
        return _table(name, iter(records))
    except UnicodeDecodeError:
        raise ValidationFailed([Problem(name, "not UTF-8 text; save it as CSV UTF-8")]) from None
    except csv.Error as error:
        raise ValidationFailed([Problem(name, f"not readable as CSV ({error})")]) from None


def _cell_value(cell: Any) -> Any:
    # data_only=False: a formula cell reads as its formula, typed "f" (a cached result is never used)
    return FORMULA if cell.data_type == "f" else cell.value


def _read_xlsx(path: Path, name: str) -> OutcomesTable:
    from openpyxl import load_workbook

    check_xlsx_bounds(path, max_uncompressed=MAX_UNPACKED_BYTES, label=name)
    unreadable = ValidationFailed([Problem(name, "not readable as an XLSX workbook")])
    # openpyxl is given an open file, not the path: when it fails half-way through opening a damaged workbook,
    # it leaves its zip open; this way the file is closed all the same
    with warnings.catch_warnings(), path.open("rb") as handle:
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
        try:
            workbook = load_workbook(handle, read_only=True, data_only=False)
        except Exception:  # noqa: BLE001 — not a zip, not a workbook, or a damaged part: openpyxl raises any of
            raise unreadable from None  # InvalidFileException, BadZipFile, KeyError, XML parse errors…
        try:
            if not workbook.worksheets:
                raise ValidationFailed([Problem(name, "the workbook has no worksheet (only charts?)")])
            sheet = workbook.worksheets[0]
            source = f"{name} (sheet {sheet.title!r})"
            records = _sheet_records(source, sheet)
        except ValidationFailed:
            raise
        except Exception:  # noqa: BLE001 — as above: XML, zip or value errors from a damaged sheet
            raise unreadable from None
        finally:
            workbook.close()
    return _table(source, iter(records))


def _sheet_records(source: str, sheet: Any) -> list[tuple[int, list[Any]]]:
    # The size a sheet declares (<dimension ref="A1:XFD1048576"/>) is not believed: openpyxl would pad every row
    # to it. Without it, a row is as wide as its last cell, and the rows are read one by one as they come.
    sheet.reset_dimensions()
    cells_by_row = sheet.iter_rows()  # read_only: parses the XML lazily, so a damaged sheet fails here
    try:
        rows = ([_cell_value(cell) for cell in cells] for cells in cells_by_row)
        return list(_bounded(source, enumerate(rows, 1)))
    finally:
        cells_by_row.close()  # stopped at a bound: let go of the sheet's part before the workbook closes


def read_outcomes_table(path: Path, *, name: str | None = None) -> OutcomesTable:
    """The rows of an outcomes file (CSV, or the first sheet of an XLSX workbook).

    Args:
        path: the file.
        name: how problems name the file; default: its path.

    Raises:
        InputError: no such file, or not a CSV or XLSX file.
        ValidationFailed: the file cannot be read, is past one of the bounds (size, unpacked size, rows, columns,
            cells, text length), holds a formula, or its header or rows cannot be told apart.
    """
    shown = name or str(path)
    if not path.is_file():
        raise InputError(f"{shown}: no such file")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{shown}: an outcomes file must be CSV (.csv) or a workbook (.xlsx)")
    if path.stat().st_size > MAX_FILE_BYTES:
        message = f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split the file"
        raise ValidationFailed([Problem(shown, message)])
    return _read_csv(path, shown) if suffix == ".csv" else _read_xlsx(path, shown)
