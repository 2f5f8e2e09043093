"""A register is checksummed and checked for UTF-8 a chunk at a time, never read whole into memory: the same
checksum, the same first bad line and the same row numbers as reading it whole, wherever the chunks fall."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from sharelog.errors import ValidationFailed
from sharelog.linkage import _inputs, read_input

HEADER = "pupil_id,forename,middle_names,surname,dob,sex,postcode\n"
ROWS = [
    "P1,Zoë,,Brontë,2011-03-04,F,M14 5RT\n",  # two-byte characters, which a chunk may split
    'P2,"Seán",,Ó Briain,2010-05-23,M,LS8 2AB\n',
    "P3,Chloé,Anaïs,Dubois,2009-11-07,F,\n",
    "P4,王,,芳,2012-01-30,F,E1 6AN\n",  # three-byte characters
]


@pytest.fixture(params=[1, 2, 3, 5, 7, 64, 1 << 20], ids=lambda size: f"chunk-{size}")
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(_inputs, "_CHUNK", request.param)
    return int(request.param)


def test_checksum_is_the_whole_files(chunk: int, tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    with duckdb.connect() as con:
        read = read_input(con, register, kind="register", table="register_raw")
        numbers = con.sql("SELECT __row FROM register_raw ORDER BY __row").fetchall()
    assert read.checksum == hashlib.sha256(register.read_bytes()).hexdigest()
    assert read.rows == len(ROWS)
    assert [row[0] for row in numbers] == list(range(2, 2 + len(ROWS)))


@pytest.mark.parametrize("bad_line", [2, 3, 5])
def test_the_first_line_not_utf8_is_named(chunk: int, bad_line: int, tmp_path: Path) -> None:
    lines = [HEADER.encode(), *(row.encode() for row in ROWS)]
    lines[bad_line - 1] = lines[bad_line - 1].replace(b"2", "é".encode("latin-1"), 1)
    register = tmp_path / "register.csv"
    register.write_bytes(b"".join(lines))
    with duckdb.connect() as con, pytest.raises(ValidationFailed) as refused:
        read_input(con, register, kind="register", table="register_raw")
    assert [(p.row, p.message) for p in refused.value.problems] == [
        (bad_line, "not UTF-8 text (save the file as UTF-8)")
    ]


def test_a_file_cut_inside_a_character_is_not_utf8(chunk: int, tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_bytes((HEADER + "".join(ROWS)).encode()[:-1] + "é".encode()[:1])
    with duckdb.connect() as con, pytest.raises(ValidationFailed) as refused:
        read_input(con, register, kind="register", table="register_raw")
    assert [p.row for p in refused.value.problems] == [len(ROWS) + 1]


def test_rows_skipped_for_their_field_count_keep_the_numbers_after_them(tmp_path: Path) -> None:
    numbers = _inputs._row_numbers(4, is_parquet=False, skipped=[3, 5])
    assert numbers.to_pylist() == [2, 4, 6, 7]
    assert _inputs._row_numbers(3, is_parquet=True, skipped=[]).to_pylist() == [1, 2, 3]
