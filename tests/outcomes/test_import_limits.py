"""Importing outcomes within bounds: a small file cannot inflate, spread or run into minutes of work, and a
workbook formula is refused rather than read as its last calculated value (or as nothing)."""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from sharelog.errors import ValidationFailed
from sharelog.ledger import ledger_session
from sharelog.ledger.models import OutcomeEvent
from sharelog.outcomes import ImportResult, import_outcomes
from sharelog.outcomes._files import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_NOTE_CHARS,
    MAX_ROWS,
    MAX_TEXT_CHARS,
    MAX_UNPACKED_BYTES,
)
from sharelog.spreadsheets import MAX_XLSX_PARTS, MAX_XLSX_RATIO

from ..worlds import audit_count
from .conftest import OutcomesLedger

TODAY = date(2019, 12, 31)
HEADER = ["disclosure_id", "kind", "code", "date", "note"]
SECRET = "Haddad"  # stands for personal data in a cell: never in a message


def _import(ledger: OutcomesLedger, path: Path) -> ImportResult:
    with ledger_session(ledger.engine) as session:
        return import_outcomes(session, path=path, recorded_by="importer", today=TODAY)


def _refused(ledger: OutcomesLedger, path: Path) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as failure:
        _import(ledger, path)
    text = "\n".join([failure.value.message, *failure.value.details()])
    assert SECRET not in text
    with ledger_session(ledger.engine) as session:
        assert session.query(OutcomeEvent).count() == 0
        assert audit_count(session) == 0
    return failure.value


def _csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _with_sheet(source: Path, target: Path, sheet_xml: bytes | None = None, *, padding: int = 0) -> Path:
    """``source`` rezipped with its first sheet's XML replaced (``sheet_xml``) or padded with ``padding`` bytes of
    spaces (which deflate to almost nothing), written part by part so the test never holds the padding."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, data)
                continue
            data = sheet_xml if sheet_xml is not None else data
            head, tail = data.split(b"<sheetData", 1)
            info = zipfile.ZipInfo(item.filename)
            info.compress_type = zipfile.ZIP_DEFLATED
            with out.open(info, "w") as part:
                part.write(head)
                chunk = b" " * (1024 * 1024)
                for start in range(0, padding, len(chunk)):
                    part.write(chunk[: padding - start])
                part.write(b"<sheetData" + tail)
    return target


def _sheet_xml(rows: str, dimension: str | None = None) -> bytes:
    size = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{size}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def _text_cells(row: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(ord("A") + i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values)
    )
    return f'<row r="{row}">{cells}</row>'


def _good(ledger: OutcomesLedger) -> list[str]:
    return [str(ledger.first), "use", "not_used", "2019-04-01", ""]


def _no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl was given the workbook")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_openpyxl_opens_it(
    ledger: OutcomesLedger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _workbook(tmp_path / "plain.xlsx", [HEADER, _good(ledger)])
    bomb = _with_sheet(plain, tmp_path / "bomb.xlsx", padding=MAX_UNPACKED_BYTES + 1)
    assert bomb.stat().st_size < 500_000  # small on disk, more than the bound unpacked
    _no_openpyxl(monkeypatch)
    failure = _refused(ledger, bomb)
    assert (
        failure.message
        == f"{bomb}: the workbook unpacks to more than 50 MB; send fewer rows or the data as CSV"
    )


def _declare_size(path: Path, member: str, size: int) -> None:
    """Rewrite the size ``member`` declares in the zip's central directory (what readers check and trust)."""
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x05\x06")
    entry = int.from_bytes(data[at + 16 : at + 20], "little")  # where the central directory starts
    while data[entry : entry + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = (
            int.from_bytes(data[entry + offset : entry + offset + 2], "little") for offset in (28, 30, 32)
        )
        if data[entry + 46 : entry + 46 + name_length] == member.encode():
            data[entry + 24 : entry + 28] = size.to_bytes(4, "little")
            path.write_bytes(bytes(data))
            return
        entry += 46 + name_length + extra_length + comment_length
    raise AssertionError(f"no {member} in {path}")


def test_a_part_that_lies_about_its_size_cannot_unpack_past_it(
    ledger: OutcomesLedger, tmp_path: Path
) -> None:
    plain = _workbook(tmp_path / "plain.xlsx", [HEADER, _good(ledger)])
    liar = _with_sheet(plain, tmp_path / "liar.xlsx", padding=MAX_UNPACKED_BYTES + 1)
    _declare_size(liar, "xl/worksheets/sheet1.xml", 1000)
    with zipfile.ZipFile(liar) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    # the directory passes the check; zipfile stops unpacking the sheet at 1,000 bytes and fails its CRC
    failure = _refused(ledger, liar)
    assert failure.message == f"{liar}: not readable as an XLSX workbook"


def test_a_workbook_spelling_out_millions_of_empty_cells_is_refused(
    ledger: OutcomesLedger, tmp_path: Path
) -> None:
    # each row's last cell is in the last column Excel has (XFD), so each row is 16,384 cells wide
    rows = _text_cells(1, HEADER) + "".join(f'<row r="{r}"><c r="XFD{r}"/></row>' for r in range(2, 200))
    plain = _workbook(tmp_path / "plain.xlsx", [HEADER])
    wide = _with_sheet(plain, tmp_path / "wide.xlsx", _sheet_xml(rows))
    assert wide.stat().st_size < 20_000
    failure = _refused(ledger, wide)
    assert re.fullmatch(
        rf"{re.escape(str(wide))} \(sheet 'Sheet'\), row \d+: more than {MAX_CELLS:,} cells \(rows × columns, "
        r"empty ones too\); remove empty columns",
        failure.message,
    )


def test_a_sheet_is_read_as_it_is_not_as_large_as_it_declares(ledger: OutcomesLedger, tmp_path: Path) -> None:
    # openpyxl would pad every row to the declared 16,384 columns: past the cells bound at row 62
    rows = _text_cells(1, HEADER) + _text_cells(2, _good(ledger))
    plain = _workbook(tmp_path / "plain.xlsx", [HEADER])
    liar = _with_sheet(plain, tmp_path / "liar.xlsx", _sheet_xml(rows, dimension="A1:XFD100"))
    assert _import(ledger, liar).recorded == 1


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_more_rows_than_the_bound_are_refused(ledger: OutcomesLedger, tmp_path: Path, suffix: str) -> None:
    rows: list[list[object]] = [HEADER, *[_good(ledger)] * (MAX_ROWS + 1)]
    path = (_csv if suffix == ".csv" else _workbook)(tmp_path / f"many{suffix}", rows)
    failure = _refused(ledger, path)
    [problem] = failure.problems
    assert (problem.row, problem.field) == (MAX_ROWS + 2, None)
    assert problem.message == f"more than {MAX_ROWS:,} rows under the header; split the file"


def test_a_row_far_below_the_rest_is_refused_without_reading_the_rows_between(
    ledger: OutcomesLedger, tmp_path: Path
) -> None:
    rows = _text_cells(1, HEADER) + _text_cells(2, _good(ledger)) + _text_cells(999_999_999, _good(ledger))
    plain = _workbook(tmp_path / "plain.xlsx", [HEADER])
    far = _with_sheet(plain, tmp_path / "far.xlsx", _sheet_xml(rows))
    [problem] = _refused(ledger, far).problems
    assert problem.row == MAX_ROWS + 2 and problem.message.startswith("more than 20,000 rows")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_more_columns_than_the_bound_are_refused(ledger: OutcomesLedger, tmp_path: Path, suffix: str) -> None:
    header = [*HEADER, *[f"extra_{i}" for i in range(MAX_COLUMNS)]]
    path = (_csv if suffix == ".csv" else _workbook)(tmp_path / f"wide{suffix}", [header, _good(ledger)])
    [problem] = _refused(ledger, path).problems
    assert (problem.row, problem.field) == (1, f"column {MAX_COLUMNS + 1}")
    assert problem.message == f"more than {MAX_COLUMNS} columns; an outcomes file has {MAX_COLUMNS} at most"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(
    ("field", "length", "limit"),
    [("note", MAX_NOTE_CHARS + 1, MAX_NOTE_CHARS), ("code", MAX_TEXT_CHARS + 1, MAX_TEXT_CHARS)],
)
def test_a_cell_longer_than_its_bound_is_refused_by_row_and_field(
    ledger: OutcomesLedger, tmp_path: Path, suffix: str, field: str, length: int, limit: int
) -> None:
    row = _good(ledger)
    row[HEADER.index(field)] = (SECRET * length)[:length]
    path = (_csv if suffix == ".csv" else _workbook)(tmp_path / f"long{suffix}", [HEADER, _good(ledger), row])
    [problem] = _refused(ledger, path).problems
    assert (problem.row, problem.field, problem.message) == (3, field, f"longer than {limit:,} characters")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_note_as_long_as_the_bound_is_imported(ledger: OutcomesLedger, tmp_path: Path, suffix: str) -> None:
    row = _good(ledger)
    row[HEADER.index("note")] = "n" * MAX_NOTE_CHARS
    path = (_csv if suffix == ".csv" else _workbook)(tmp_path / f"long{suffix}", [HEADER, row])
    assert _import(ledger, path).recorded == 1


def test_a_csv_line_longer_than_any_outcomes_file_needs_is_refused(
    ledger: OutcomesLedger, tmp_path: Path
) -> None:
    path = tmp_path / "commas.csv"
    path.write_text(",".join(HEADER) + "\n" + "," * 1_000_000 + "\n", encoding="utf-8")
    failure = _refused(ledger, path)
    assert failure.message == f"{path}: a line longer than 65,536 characters; not an outcomes file"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_larger_than_the_bound_is_refused_unread(
    ledger: OutcomesLedger, tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / f"large{suffix}"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing written
    _no_openpyxl(monkeypatch)
    failure = _refused(ledger, path)
    assert failure.message == f"{path}: larger than 20 MB; split the file"


def _formula_workbook(path: Path, ledger: OutcomesLedger, column: str, formula: str) -> Path:
    row: list[object] = [ledger.first, "use", "not_used", date(2019, 4, 1), SECRET]
    row[HEADER.index(column)] = formula
    return _workbook(path, [HEADER, [ledger.second, "use", "not_used", date(2019, 4, 1), None], row])


@pytest.mark.parametrize(
    ("column", "formula"),
    [
        ("note", '=CONCATENATE("Mrs ","Haddad")'),
        ("note", '=HYPERLINK("http://example.invalid/","Click")'),
        ("date", "=TODAY()"),
        ("date", "=DATE(2019,4,1)"),
        ("disclosure_id", "=1+0"),
    ],
)
def test_a_formula_cell_is_refused_by_row_and_field(
    ledger: OutcomesLedger, tmp_path: Path, column: str, formula: str
) -> None:
    path = _formula_workbook(tmp_path / "formula.xlsx", ledger, column, formula)
    [problem] = _refused(ledger, path).problems
    assert (problem.row, problem.field) == (3, column)
    assert (
        problem.message
        == "holds a formula; type the value itself (in a spreadsheet: copy, then paste values)"
    )
    assert "Haddad" not in str(problem) and "TODAY" not in str(problem)


def test_a_formula_with_a_cached_value_is_refused_too(ledger: OutcomesLedger, tmp_path: Path) -> None:
    # as Excel saves it: the formula and the value it last calculated; the value is not used
    plain = _workbook(tmp_path / "plain.xlsx", [HEADER])
    formula = '<c r="D2"><f>DATE(2019,4,1)</f><v>43556</v></c>'
    row = _text_cells(2, _good(ledger)[:3]).replace("</row>", f"{formula}</row>")
    path = _with_sheet(plain, tmp_path / "cached.xlsx", _sheet_xml(_text_cells(1, HEADER) + row))
    [problem] = _refused(ledger, path).problems
    assert (problem.row, problem.field) == (2, "date") and problem.message.startswith("holds a formula")


def test_a_formula_in_the_header_is_refused(ledger: OutcomesLedger, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "header.xlsx", [["disclosure_id", "kind", '="co"&"de"', "date"]])
    [problem] = _refused(ledger, path).problems
    assert (problem.row, problem.field, problem.message) == (
        1,
        "column 3",
        "holds a formula; type the column's name",
    )


@pytest.mark.parametrize(
    "note", ["=1+1", "+44 20 7946 0000", "-see the case file", "@home visit", "=HYPERLINK(1)"]
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_note_typed_as_text_that_looks_like_a_formula_is_kept_as_text(
    ledger: OutcomesLedger, tmp_path: Path, suffix: str, note: str
) -> None:
    row = _good(ledger)
    row[HEADER.index("note")] = note
    if suffix == ".csv":
        path = _csv(tmp_path / "text.csv", [HEADER, row])
    else:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(HEADER)
        sheet.append(row)
        sheet.cell(2, HEADER.index("note") + 1).data_type = "s"  # typed as text, as Excel keeps '=1+1
        path = tmp_path / "text.xlsx"
        workbook.save(path)
    assert _import(ledger, path).recorded == 1
    with ledger_session(ledger.engine) as session:
        assert [e.note for e in session.query(OutcomeEvent)] == [note]


def test_the_limits_are_documented_as_they_are() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "outcomes.md").read_text(encoding="utf-8")
    for line in [
        f"| the file | {MAX_FILE_BYTES // (1024 * 1024)} MB ",
        f"| {MAX_UNPACKED_BYTES // 1_000_000} MB; at most {MAX_XLSX_PARTS:,} parts; a part of over 1 MB may unpack "
        f"to at most {MAX_XLSX_RATIO} times",
        f"| rows under the header | {MAX_ROWS:,} ",
        f"| columns named in the header | {MAX_COLUMNS} ",
        f"empty cells too | {MAX_CELLS:,} |",
        f"| a note | {MAX_NOTE_CHARS:,} characters |",
        f"| any other cell | {MAX_TEXT_CHARS} characters |",
    ]:
        assert line in docs
