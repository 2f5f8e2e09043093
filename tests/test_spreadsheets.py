"""The shared spreadsheet guards: a workbook's declared unpacked size is checked before openpyxl reads it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from sharelog.errors import ValidationFailed
from sharelog.spreadsheets import check_xlsx_bounds, neutralise


def _workbook(path: Path, rows: int = 3) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in range(rows):
        sheet.append([f"R{row}", row])
    book.save(path)
    return path


def _bomb(path: Path, megabytes: int) -> Path:
    """A zip of a few kilobytes whose one sheet unpacks to ``megabytes`` MB of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"0" * 1_000_000
            for _ in range(megabytes):
                part.write(chunk)
    return path


def test_an_ordinary_workbook_passes(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "ok.xlsx")
    check_xlsx_bounds(path, max_uncompressed=10_000_000, label="ok.xlsx")
    assert load_workbook(path).active is not None


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", megabytes=200)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(
        ValidationFailed, match=r"^bomb\.xlsx: the workbook unpacks to more than 50 MB"
    ) as caught:
        check_xlsx_bounds(path, max_uncompressed=50_000_000, label="bomb.xlsx")
    assert str(tmp_path) not in caught.value.message


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.xlsx"
    path.write_bytes(content)
    with pytest.raises(ValidationFailed, match=r"^odd\.xlsx: not readable as an XLSX workbook$"):
        check_xlsx_bounds(path, max_uncompressed=10_000_000, label="odd.xlsx")


def test_too_many_parts_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(12):
            archive.writestr(f"part{index}.xml", "")
    with pytest.raises(ValidationFailed, match="more than 10 parts"):
        check_xlsx_bounds(path, max_uncompressed=10_000_000, label="many.xlsx", max_parts=10)


def test_the_reports_name_for_neutralise_is_the_shared_one() -> None:
    from sharelog.reports import neutralise as reports_neutralise

    assert reports_neutralise is neutralise
    assert neutralise("=1+1") == "'=1+1"


def test_a_part_that_inflates_far_more_than_a_sheet_does_is_refused_within_the_size_bound(
    tmp_path: Path,
) -> None:
    path = _bomb(tmp_path / "dense.xlsx", megabytes=5)  # 5 MB of zeros: about 1,000 times its packed size
    with pytest.raises(
        ValidationFailed, match=r"^dense\.xlsx: a part of the workbook unpacks to over 200 times"
    ):
        check_xlsx_bounds(path, max_uncompressed=50_000_000, label="dense.xlsx")
    # an ordinary sheet of a few megabytes deflates far less
    rows = _workbook(tmp_path / "rows.xlsx", rows=60_000)
    with zipfile.ZipFile(rows) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 1_000_000
    check_xlsx_bounds(rows, max_uncompressed=50_000_000, label="rows.xlsx")
