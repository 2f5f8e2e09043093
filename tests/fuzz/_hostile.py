"""Hostile input for every parser, and the property every refusal must have.

A file is built in layers, each drawn by hypothesis: a table (a header, possibly with a column repeated, missing
or unknown, and rows of cells — plausible values, impossible dates, formula-injection strings, quoted newlines,
and a planted marker), written as CSV with one line ending (LF, CRLF or a lone CR) and one quoting style, encoded
(UTF-8 with or without a byte-order mark, UTF-16 with and without one, Latin-1, Windows-1252), then perhaps
damaged at the byte level (a NUL, stray bytes, a truncation). Random bytes, empty files and header-only files
come too. The giant cases — a 10 MB field, 10,000 columns, a long line — are fixed examples: drawing them
would only make hypothesis slow, not cleverer.

The property (:func:`check_refusal`): a refusal is a :class:`~sharelog.errors.SharelogError` naming the file,
and neither its message nor its details ever hold the marker — a cell's value never reaches an error.
"""

from __future__ import annotations

import csv
import io
import os
import traceback
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from sharelog.errors import SharelogError, ValidationFailed

from .conftest import FUZZ_PROFILE

MARKER = "Qzvmarker"
"""Planted in cell values (never in a column name): a refusal that echoes a value shows it."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "=cmd|' /C calc'!A0;")
HOSTILE_DATES = (
    "0000-00-00",
    "2019-02-30",
    "99999-01-01",
    "2019-13-01",
    "1900-02-29",
    "0001-01-01",
    "9999-12-31",
    "2019-1-1",
    "20190101",
    "2019/01/01",
    "04/03/2011",
    "2019-01-01T00:00:00",
    "2019-01-01 10:00:00+05:00",
    "２０１９-０１-０１",
    "٢٠١٩-٠١-٠١",
    " 2019-01-01 ",
    "-2019-01-01",
    "+2019-01-01",
)
ODD_VALUES = (
    "",
    " ",
    "NULL",
    "NA",
    "nan",
    "None",
    "007",
    "0",
    "-1",
    "1e5",
    "1.0",
    "true",
    "\u00a0",
    "\ufeff",
)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252")
LINE_ENDINGS = ("\n", "\r\n", "\r")
QUOTING = (csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC)


def fuzz_settings(share: float = 1.0) -> settings:
    """The fuzz profile, with ``share`` of its examples (for tests whose examples are expensive)."""
    profile = settings.get_profile(FUZZ_PROFILE)
    return settings(profile, max_examples=max(3, round(profile.max_examples * share)))


@st.composite
def marked_values(draw: st.DrawFn) -> str:
    """A value carrying the marker, dressed as a formula, a quoted newline, a separator or a long string."""
    prefix = draw(st.sampled_from(("", *FORMULA_PREFIXES)))
    around = draw(st.sampled_from(("", ",", '"', "\n", "\r\n", "\r", '""', "\x00", "'", ";", " ")))
    tail = draw(st.text(max_size=6))
    return f"{prefix}{around}{MARKER}{around}{tail}"


def cells() -> st.SearchStrategy[str]:
    return st.one_of(
        marked_values(),
        st.sampled_from(HOSTILE_DATES),
        st.sampled_from(ODD_VALUES),
        st.text(max_size=12),
    )


@st.composite
def headers(draw: st.DrawFn, columns: Sequence[str]) -> list[str]:
    """The expected columns, perhaps reordered, with one dropped, repeated, re-cased or joined by strangers."""
    header = list(columns)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    edits = draw(
        st.lists(st.sampled_from(("drop", "repeat", "upper", "pad", "unknown", "blank")), max_size=2)
    )
    for edit in edits:
        if not header:
            break
        index = draw(st.integers(0, len(header) - 1))
        if edit == "drop":
            del header[index]
        elif edit == "repeat":
            header.append(header[index])
        elif edit == "upper":
            header[index] = header[index].upper()
        elif edit == "pad":
            header[index] = f" {header[index]} "
        elif edit == "unknown":
            header.append(draw(st.sampled_from(("__row", "extra", "note ", "Unnamed: 0", "a\nb", '"q"'))))
        else:
            header.append("")
    return header


@st.composite
def tables(
    draw: st.DrawFn, columns: Sequence[str], good_rows: Sequence[Sequence[str]] = ()
) -> list[list[str]]:
    """A header and up to six rows; each row is a good one with some cells replaced, or hostile throughout."""
    header = draw(headers(columns))
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(0, 6))):
        if good_rows and draw(st.booleans()):
            row = list(draw(st.sampled_from(list(good_rows))))
            for _ in range(draw(st.integers(0, 2))):
                row[draw(st.integers(0, len(row) - 1))] = draw(cells())
        else:
            row = draw(st.lists(cells(), min_size=len(header), max_size=len(header)))
        if draw(st.integers(0, 9)) == 0:  # a ragged row
            row = row[:-1] if draw(st.booleans()) else [*row, draw(cells())]
        rows.append(row)
    return [header, *rows]


def csv_text(table: Sequence[Sequence[str]], *, line_ending: str, quoting: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_ending, quoting=quoting)
    writer.writerows(table)
    return out.getvalue()


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` as it is, or with a NUL, a few stray bytes or a cut somewhere in it."""
    damage = draw(st.sampled_from(("none", "none", "nul", "bytes", "cut")))
    if damage == "none" or not data:
        return data
    at = draw(st.integers(0, len(data)))
    if damage == "nul":
        return data[:at] + b"\x00" + data[at:]
    if damage == "bytes":
        return data[:at] + draw(st.binary(min_size=1, max_size=6)) + data[at:]
    return data[:at]


@st.composite
def gentle_tables(
    draw: st.DrawFn,
    columns: Sequence[str],
    good_rows: Sequence[Sequence[str]],
    free: Sequence[str],
    *,
    renumber: bool = True,
) -> list[list[str]]:
    """A table that should be accepted: the right header (perhaps reordered) and good rows, with any cell of the
    ``free`` columns (those where any text is allowed) replaced by a marked, odd or random value. With
    ``renumber``, the first column is an id: each row gets its own, some with leading zeros or looking like a
    null or a formula."""
    order = draw(st.permutations(range(len(columns))))
    rows: list[list[str]] = []
    prefixes = ("", "0", "00", "NA", "NULL", "=", "+", "-", "@")
    for number in range(draw(st.integers(1, 5))):
        row = list(draw(st.sampled_from(list(good_rows))))
        if renumber:
            row[0] = f"{draw(st.sampled_from(prefixes))}{number}"
        for _ in range(draw(st.integers(0, 3))):
            column = draw(st.sampled_from(list(free)))
            row[columns.index(column)] = draw(st.one_of(marked_values(), st.sampled_from(ODD_VALUES)))
        rows.append(row)
    return [[table_row[i] for i in order] for table_row in [list(columns), *rows]]


@st.composite
def csv_files(
    draw: st.DrawFn,
    columns: Sequence[str],
    good_rows: Sequence[Sequence[str]] = (),
    free: Sequence[str] = (),
    *,
    renumber: bool = True,
) -> bytes:
    """The bytes of a hostile CSV file meant to follow ``columns`` (see the module docstring); with ``good_rows``
    and ``free`` columns, a share of files that should be accepted (UTF-8, with or without a byte-order mark)."""
    kinds = (
        ("table",) * 5 + ("random", "empty", "header-only", "headerless") + (("gentle",) * 4 if free else ())
    )
    kind = draw(st.sampled_from(kinds))
    if kind == "random":
        return draw(st.binary(max_size=400))
    if kind == "empty":
        return draw(st.sampled_from((b"", b"\n", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b" ")))
    line_ending, quoting = draw(st.sampled_from(LINE_ENDINGS)), draw(st.sampled_from(QUOTING))
    if kind == "gentle":
        table = draw(gentle_tables(columns, good_rows, free, renumber=renumber))
        text = csv_text(table, line_ending=line_ending, quoting=quoting)
        return encode(text, draw(st.sampled_from(("utf-8", "utf-8-sig"))))
    table = draw(tables(columns, good_rows))
    if kind == "header-only":
        table = table[:1]
    elif kind == "headerless":  # saved without its header: the first row of data stands where the names go
        table = table[1:] or [[MARKER] * len(columns)]
        table[0] = [MARKER + cell if i == 0 else cell for i, cell in enumerate(table[0])]
    text = csv_text(table, line_ending=line_ending, quoting=quoting)
    return draw(damaged(encode(text, draw(st.sampled_from(ENCODINGS)))))


def _typed(cell: str) -> object:
    """A cell as a spreadsheet would hold it: numbers as numbers, ISO dates as dates, the rest as text."""
    try:
        return int(cell) if cell.strip().lstrip("-").isdigit() and len(cell) < 15 else float(cell)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(cell) if len(cell) == 10 else cell
    except ValueError:
        return cell


def workbook_bytes(table: Sequence[Sequence[str]], *, typed: bool, chart_first: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if chart_first:  # the first sheet is a chart, not a worksheet
        workbook.create_chartsheet(index=0)
    for row in table:
        # openpyxl refuses control characters in cells; a spreadsheet cannot hold them either
        cells = [ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row]
        sheet.append([_typed(cell) if typed else cell for cell in cells])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rezipped(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The zip ``data`` with each member passed through ``change`` (None drops it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            changed = change(item.filename, source.read(item.filename))
            if changed is not None:
                target.writestr(item, changed)
    return out.getvalue()


@st.composite
def xlsx_files(
    draw: st.DrawFn,
    columns: Sequence[str],
    good_rows: Sequence[Sequence[str]] = (),
    free: Sequence[str] = (),
) -> bytes:
    """The bytes of a hostile workbook: a hostile or gentle table in a real workbook (cells as text, or typed as
    a spreadsheet would type them; formulas too), or something that only looks like one — not a zip, a zip of
    something else, a workbook with a member missing, cut short or its sheet's XML broken, a chart first."""
    gentle = bool(free) and draw(st.booleans())
    table = draw(
        gentle_tables(columns, good_rows, free, renumber=False) if gentle else tables(columns, good_rows)
    )
    damage = draw(
        st.sampled_from(("none",) * 6 + ("not-zip", "other-zip", "drop", "cut", "xml", "chart", "no-rows"))
    )
    if damage == "not-zip":
        return draw(
            st.sampled_from(
                (b"", b"PK", b"PK\x03\x04", csv_text(table, line_ending="\n", quoting=0).encode())
            )
        )
    if damage == "other-zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", MARKER)
        return out.getvalue()
    data = workbook_bytes(
        table if damage != "no-rows" else [], typed=draw(st.booleans()), chart_first=damage == "chart"
    )
    if damage == "drop":
        victim = draw(st.sampled_from(zipfile.ZipFile(io.BytesIO(data)).namelist()))
        return rezipped(data, lambda name, body: None if name == victim else body)
    if damage == "cut":
        return data[: draw(st.integers(0, len(data) - 1))]
    if damage == "xml":
        cut = draw(st.integers(1, 400))
        return rezipped(data, lambda name, body: body[:-cut] if name.startswith("xl/worksheets/") else body)
    return data


def giant_csv(columns: Sequence[str], row: Sequence[str], *, case: str) -> bytes:
    """The fixed giant cases: ``field`` (a 10 MB value), ``columns`` (10,000 columns) or ``line`` (a 2 MB line
    with no line break at all)."""
    if case == "field":
        big = [*row]
        big[min(1, len(big) - 1)] = MARKER + "x" * 10_000_000
        return csv_text([list(columns), big], line_ending="\n", quoting=csv.QUOTE_MINIMAL).encode()
    if case == "columns":
        extra = [f"c{i}" for i in range(10_000 - len(columns))]
        values = [MARKER] * len(extra)
        return csv_text(
            [[*columns, *extra], [*row, *values]], line_ending="\n", quoting=csv.QUOTE_MINIMAL
        ).encode()
    assert case == "line"
    return (",".join(columns) + "," + MARKER * 200_000).encode()


GIANT_CASES = ("field", "columns", "line")


def tally(label: str) -> None:
    """Count ``label`` in hypothesis's statistics (``--hypothesis-show-statistics``); a no-op outside ``@given``."""
    if currently_in_test_context():
        event(label)


def refusal_text(error: SharelogError) -> str:
    return "\n".join([error.message, str(error), *error.details(), error.cli_hint or ""])


def check_refusal(error: BaseException, *, file: str, markers: Sequence[str] = (MARKER,)) -> None:
    """The property of every refusal: a sharelog error that names ``file`` and never holds a marker."""
    if not isinstance(error, SharelogError):
        shown = "".join(traceback.format_exception(error))
        raise AssertionError(f"not a sharelog error: {type(error).__name__}\n{shown}")
    text = refusal_text(error)
    assert file in text, f"the error does not name the file {file}: {text[:500]}"
    if isinstance(error, ValidationFailed):
        for problem in error.problems:
            # a problem with the exchange's own fields (its purpose) rather than the file names the exchange
            assert problem.file.startswith(file) or problem.file == "the exchange", problem
    folded = text.casefold()
    for marker in markers:
        assert marker.casefold() not in folded, f"the error quotes a value from the file: {text[:500]}"


def check_cli_refusal(exit_code: int, output: str, *, markers: Sequence[str] = (MARKER,)) -> None:
    """A refused command: exit 2, one ``Error:`` line, no traceback and no marker in what it printed."""
    lines = output.splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    assert exit_code == 2, output[-2000:]
    assert len(errors) == 1, output[-2000:]
    assert "Traceback" not in output and "internal error" not in output, output[-2000:]
    for marker in markers:
        assert marker.casefold() not in output.casefold(), output[-2000:]


def folder_listing(folder: os.PathLike[str] | str) -> dict[str, int]:
    """Every file under ``folder`` with its size (a refused input must leave this unchanged)."""
    listing: dict[str, int] = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            listing[os.path.relpath(path, folder)] = os.path.getsize(path)
    return listing


def plain(value: Any) -> str:
    """How a test shows a drawn value in a failure message without flooding it."""
    text = repr(value)
    return text if len(text) < 300 else text[:300] + "…"
