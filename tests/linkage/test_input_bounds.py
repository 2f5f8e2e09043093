"""Registers and batches are bounded: no value longer than its field allows, no NUL or control character, no more
columns, rows or bytes than allowed — each refusal names the file, the row and the field, never the value."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sharelog.errors import ValidationFailed
from sharelog.linkage import InputLimits, read_input
from sharelog.schemas import FIELD_LENGTHS, MAX_COLUMNS, MAX_FIELD_LENGTH, REGISTER_REQUIRED_COLUMNS

HEADER = "request_id,forename,middle_names,surname,dob,sex,postcode,address\n"
MARKER = "Qzvmarker"


def _row(**values: str) -> str:
    fields = {
        "request_id": "R1",
        "forename": "Amira",
        "middle_names": "",
        "surname": "Haddad",
        "dob": "2011-03-04",
        "sex": "F",
        "postcode": "M14 5RT",
        "address": "",
    }
    fields.update(values)
    return ",".join(fields.values()) + "\n"


def _read(path: Path, *, kind: str = "requests", limits: InputLimits | None = None) -> int:
    with duckdb.connect() as con:
        return read_input(con, path, kind=kind, table="t", limits=limits).rows  # type: ignore[arg-type]


def _refusal(path: Path, **options: object) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        _read(path, **options)  # type: ignore[arg-type]
    text = "\n".join([caught.value.message, *caught.value.details()])
    assert MARKER not in text, "a value reached the message"
    return caught.value


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (_row(surname=MARKER + "x" * 10_000_000), "row 2, field 'surname': longer than 100 characters"),
        (_row(forename=MARKER + "x" * 100), "row 2, field 'forename': longer than 100 characters"),
        (_row(postcode=MARKER + " M14 5RT"), "row 2, field 'postcode': longer than 16 characters"),
        (_row(address=MARKER * 60), "row 2, field 'address': longer than 500 characters"),
        (_row(request_id="R" * 101), "row 2, field 'request_id': longer than 100 characters"),
        (_row(surname=f"Had\x00{MARKER}"), "row 2, field 'surname': holds a NUL character"),
        (_row(forename=f"Am\x07{MARKER}"), "row 2, field 'forename': holds a control character"),
        (_row(forename=f"Am\t{MARKER}"), "row 2, field 'forename': holds a control character"),
        (_row(forename=f"Am\u0085{MARKER}"), "row 2, field 'forename': holds a control character"),
        (_row(surname=f'"Had\n{MARKER}"'), "row 2, field 'surname': holds a control character"),
        (_row(request_id=f'"R\r{MARKER}"'), "row 2, field 'request_id': holds a control character"),
        (_row(address=f'"1 Road\x1b{MARKER}"'), "row 2, field 'address': holds a control character"),
    ],
    ids=[
        "10MB-surname",
        "long-forename",
        "long-postcode",
        "long-address",
        "long-id",
        "nul",
        "bell",
        "tab-in-name",
        "c1-control",
        "line-break-in-name",
        "carriage-return-in-id",
        "escape-in-address",
    ],
)
def test_values_beyond_their_field_are_refused(tmp_path: Path, row: str, expected: str) -> None:
    path = tmp_path / "requests.csv"
    path.write_text(HEADER + row, encoding="utf-8")
    refusal = _refusal(path)
    assert len(refusal.problems) == 1
    assert str(refusal.problems[0]).startswith(f"{path}, {expected}")


@pytest.mark.parametrize(
    "row",
    [
        _row(address='"1 Low Road\nManchester"'),
        _row(address='"1 Low Road\r\n\tManchester"'),
        _row(forename="Zoë", surname="Ó Súilleabháin", address='"£5 Road, 10° East"'),
        _row(forename="x" * FIELD_LENGTHS["forename"], address="y" * FIELD_LENGTHS["address"]),
    ],
    ids=["line-break-in-address", "crlf-and-tab-in-address", "accents-and-pound", "at-the-limit"],
)
def test_values_within_bounds_are_read_as_written(tmp_path: Path, row: str) -> None:
    path = tmp_path / "requests.csv"
    path.write_text(HEADER + row, encoding="utf-8")
    assert _read(path) == 1


def test_every_problem_is_listed_with_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "requests.csv"
    rows = [_row(request_id="R1", surname="x" * 101), _row(request_id="R2", forename="A\x00")]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    refusal = _refusal(path)
    assert [(p.row, p.field) for p in refusal.problems] == [(2, "surname"), (3, "forename")]


def test_an_extra_register_column_has_the_general_bound(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    header = ",".join([*REGISTER_REQUIRED_COLUMNS, "house_notes"])
    path.write_text(
        f"{header}\nP1,Amira,,Haddad,2011-03-04,F,M14 5RT,{'n' * (MAX_FIELD_LENGTH + 1)}\n", encoding="utf-8"
    )
    refusal = _refusal(path, kind="register")
    assert str(refusal.problems[0]).endswith(
        f"field 'house_notes': longer than {MAX_FIELD_LENGTH} characters"
    )


def test_too_many_columns_are_refused_before_the_rows_are_read(tmp_path: Path) -> None:
    path = tmp_path / "requests.csv"
    extra = ",".join(f"x{i}" for i in range(MAX_COLUMNS))
    path.write_text(HEADER.strip() + "," + extra + "\n", encoding="utf-8")
    refusal = _refusal(path)
    assert (
        str(refusal.problems[0])
        == f"{path}, row 1: has {MAX_COLUMNS + 8} columns; a register or a batch has at most {MAX_COLUMNS}"
    )


def test_a_file_larger_than_allowed_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "requests.csv"
    path.write_text(HEADER + _row() * 10, encoding="utf-8")
    refusal = _refusal(path, limits=InputLimits(max_bytes=100))
    assert refusal.message == f"{path}: the file is larger than 100 bytes, the most a file may be"


def test_a_csv_with_more_rows_than_allowed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "requests.csv"
    path.write_text(HEADER + "".join(_row(request_id=f"R{i}") for i in range(11)), encoding="utf-8")
    assert _read(path, limits=InputLimits(max_rows=11)) == 11
    refusal = _refusal(path, limits=InputLimits(max_rows=10))
    assert refusal.message == f"{path}: has more than 10 rows, the most a file may hold here"


def _parquet(path: Path, rows: int, *, value: str = "x", address: str = "", dictionary: bool = True) -> Path:
    columns = {name: pa.array([value] * rows) for name in HEADER.strip().split(",")}
    columns["request_id"] = pa.array([f"R{i}" for i in range(rows)])
    columns["dob"] = pa.array(["2011-03-04"] * rows)
    columns["address"] = pa.array([address] * rows)
    pq.write_table(pa.table(columns), path, compression="zstd", use_dictionary=dictionary)
    return path


def test_a_parquet_bomb_is_refused_by_its_metadata(tmp_path: Path) -> None:
    """A few hundred kilobytes that unpack to millions of rows: refused before any row is read."""
    path = _parquet(tmp_path / "requests.parquet", 2_000_000)
    assert path.stat().st_size < 5_000_000
    refusal = _refusal(path, limits=InputLimits(max_bytes=50_000_000, max_rows=100_000))
    assert refusal.message.startswith(f"{path}: has more than 100,000 rows")


def test_a_parquet_file_that_unpacks_too_far_is_refused(tmp_path: Path) -> None:
    path = _parquet(tmp_path / "requests.parquet", 1_000, address="y" * 400, dictionary=False)
    assert path.stat().st_size < 100_000
    refusal = _refusal(path, limits=InputLimits(max_bytes=100_000, max_rows=10_000))
    assert refusal.message == f"{path}: unpacks to more than 100,000 bytes, the most a file may"
    assert _read(path, limits=InputLimits(max_bytes=1_000_000)) == 1_000


def test_parquet_values_are_bounded_too(tmp_path: Path) -> None:
    path = _parquet(tmp_path / "requests.parquet", 3, value=MARKER + "z" * 200)
    refusal = _refusal(path)
    assert {p.field for p in refusal.problems} >= {"forename", "surname", "postcode"}


def test_the_documented_limits_are_the_codes() -> None:
    from sharelog.settings import Settings

    text = " ".join((Path(__file__).parents[2] / "docs" / "operations.md").read_text("utf-8").split())
    assert (
        f"`sharelog.schemas.FIELD_LENGTHS`: {FIELD_LENGTHS['forename']} characters for an id, a forename or a "
        f"surname, {FIELD_LENGTHS['middle_names']} for middle names, {FIELD_LENGTHS['postcode']} for a postcode or "
        f"sex, {FIELD_LENGTHS['address']} for an address or any extra column" in text
    )
    assert FIELD_LENGTHS["request_id"] == FIELD_LENGTHS["forename"] == FIELD_LENGTHS["surname"]
    assert FIELD_LENGTHS["sex"] == FIELD_LENGTHS["postcode"]
    assert MAX_FIELD_LENGTH == FIELD_LENGTHS["address"]
    assert f"more than {MAX_COLUMNS} columns" in text
    fields = Settings.model_fields
    assert f"| `SHARELOG_MAX_BATCH_BYTES` | `{fields['max_batch_bytes'].default}` |" in text
    assert f"| `SHARELOG_MAX_BATCH_ROWS` | `{fields['max_batch_rows'].default}` |" in text
