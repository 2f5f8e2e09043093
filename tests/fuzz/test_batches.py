"""Fuzzing the reader of request batches and registers (`sharelog link`, `register prepare`, `exchange run`).

Every file is either read whole — every value exactly as written, none turned into a number, a date or a null —
or refused with a :class:`~sharelog.errors.ValidationFailed` naming the file (and the row and field where there
is one), never quoting a value.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sharelog.errors import SharelogError
from sharelog.linkage import load_model, read_input
from sharelog.schemas import REGISTER_COLUMNS, REQUEST_COLUMNS, REQUEST_REQUIRED_COLUMNS

from ._hostile import GIANT_CASES, MARKER, check_refusal, csv_files, fuzz_settings, giant_csv, tally

REQUEST_ROWS = (
    ("HO-2019-03-00001", "Amira", "", "Haddad", "2011-03-04", "F", "M14 5RT", "1 Low Road", "SYR", "C-1"),
    ("HO-2019-03-00002", "Omar", "Ali", "Haddad", "2009-12-30", "M", "M14 5RT", "", "", ""),
    ("007", "NA", "", "NULL", "2010-01-02", "U", "", "", "", ""),
)
REGISTER_ROWS = (
    ("P0000001", "Amira", "", "Haddad", "2011-03-04", "F", "M14 5RT")
    + ("1 Low Road", "105000", "Low Road Primary", "352", "2019-01-17", "2015-09-01", "", "SYR"),
    ("000123", "Omar", "", "Haddad", "2009-12-30", "M", "M14 5RT") + ("",) * 8,
)
# where any text is allowed (odd values are kept and counted, not refused)
FREE_TEXT = ("forename", "middle_names", "surname", "sex", "postcode", "address")


def _read(
    path: Path, kind: str, *, fetch: bool = True
) -> tuple[list[tuple[object, ...]], tuple[str, ...]] | SharelogError:
    """The rows and columns sharelog read from ``path`` (rows only if ``fetch``), or the error it raised."""
    con = duckdb.connect()
    try:
        table = "requests_raw" if kind == "requests" else "register_raw"
        read = read_input(con, path, kind=kind, table=table)  # type: ignore[arg-type]
        if not fetch:
            return [], read.columns
        names = ", ".join(f'"{c}"' for c in read.columns)
        return con.sql(f"SELECT {names} FROM {table} ORDER BY __row").fetchall(), read.columns
    except SharelogError as error:
        return error
    finally:
        con.close()


def _as_written(data: bytes) -> list[list[str]] | None:
    """What Python's csv module reads from a file sharelog accepted, when the bytes are plain UTF-8 CSV."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return [row for row in csv.reader(io.StringIO(text, newline="")) if row]


def _check_batch(data: bytes, tmp_path: Path, kind: str) -> None:
    path = tmp_path / ("requests.csv" if kind == "requests" else "register.csv")
    path.write_bytes(data)
    outcome = _read(path, kind)
    if isinstance(outcome, SharelogError):
        tally(f"refused: {type(outcome).__name__}")
        check_refusal(outcome, file=str(path))
        return
    tally("accepted")
    rows, columns = outcome
    written = _as_written(data)
    if written is None or b"\x00" in data or b"\r" in data.replace(b"\r\n", b""):
        return  # pyarrow and the csv module may split such text differently; accepted is enough
    header, *records = written
    assert list(columns) == [name for name in header], "the header is read as written"
    assert len(set(columns)) == len(columns), "a repeated column name is refused"
    assert len(rows) == len(records)
    for read, expected in zip(rows, records, strict=True):
        # every value exactly as written: "007" stays 007, "NA" stays NA; only an empty field is missing
        assert [value if value is not None else "" for value in read] == expected


@fuzz_settings()
@given(data=csv_files(REQUEST_COLUMNS, REQUEST_ROWS, FREE_TEXT))
@example(data=b"request_id,forename,middle_names,surname,dob,sex,postcode,__row\nR1,A,,B,2011-03-04,F,,x\n")
@example(data=b"request_id,forename,middle_names,surname,dob,sex,postcode,sex\nR1,A,,B,2011-03-04,F,,M\n")
@example(data=b"request_id,forename,middle_names,surname,dob,sex,postcode\n007,NA,,NULL,2011-03-04,F,\n")
@example(data=b'request_id,forename,middle_names,surname,dob,sex,postcode,""\nR1,A,,B,2011-03-04,F,,x\n')
def test_request_batches(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    _check_batch(data, tmp_path_factory.mktemp("batch"), "requests")


@fuzz_settings(0.5)
@given(data=csv_files(REGISTER_COLUMNS, REGISTER_ROWS, FREE_TEXT))
def test_registers(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    _check_batch(data, tmp_path_factory.mktemp("register"), "register")


@pytest.mark.parametrize("case", GIANT_CASES)
def test_giant_batches(case: str, tmp_path: Path) -> None:
    data = giant_csv(REQUEST_COLUMNS, REQUEST_ROWS[0], case=case)
    path = tmp_path / "requests.csv"
    path.write_bytes(data)
    outcome = _read(path, "requests", fetch=False)
    if isinstance(outcome, SharelogError):
        check_refusal(outcome, file=str(path))
    else:
        assert case != "line", "a file that is one long line has no records"


def _parquet_tables() -> st.SearchStrategy[pa.Table]:
    """Parquet files a requester might send: the right columns in odd types, nested values, repeated names."""
    plain = {name: pa.array(["x"]) for name in REQUEST_REQUIRED_COLUMNS}
    odd_types = st.sampled_from(
        [
            pa.array([7], pa.int64()),
            pa.array([1.5]),
            pa.array([True]),
            pa.array([None], pa.null()),
            pa.array([b"\x00" + MARKER.encode()], pa.binary()),
            pa.array([[MARKER]], pa.list_(pa.string())),
            pa.array([{"a": MARKER}], pa.struct([("a", pa.string())])),
            pa.array([MARKER], pa.dictionary(pa.int32(), pa.string())),
            pa.array([12345], pa.time64("us")),
            pa.array([10**6], pa.duration("s")),
            pa.array([1], pa.decimal128(38, 2)),
            pa.array([[("k", MARKER)]], pa.map_(pa.string(), pa.string())),
        ]
    )

    @st.composite
    def build(draw: st.DrawFn) -> pa.Table:
        columns = dict(plain)
        for name in draw(st.lists(st.sampled_from(REQUEST_REQUIRED_COLUMNS), max_size=3, unique=True)):
            columns[name] = draw(odd_types)
        table = pa.table(columns)
        if draw(st.booleans()):  # a column name repeated (Parquet allows it)
            table = table.append_column("surname", pa.array([MARKER]))
        return table

    return build()


@fuzz_settings(0.5)
@given(table=_parquet_tables(), garbage=st.booleans(), cut=st.integers(0, 2000))
def test_parquet_batches(
    table: pa.Table, garbage: bool, cut: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("parquet") / "requests.parquet"
    pq.write_table(table, path)
    if garbage:  # a truncated or damaged file
        data = path.read_bytes()
        path.write_bytes(data[: cut % max(len(data), 1)])
    outcome = _read(path, "requests")
    if isinstance(outcome, SharelogError):
        check_refusal(outcome, file=str(path))


@fuzz_settings(0.5)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.sampled_from((b"[" * 100_000, b'{"format": ' * 5_000, b"null", b"[]", b'{"format": 1}')),
        st.builds(
            lambda settings, checksum: json.dumps(
                {"format": "sharelog-linkage-model/1", "splink_settings": settings, "checksum": checksum}
            ).encode(),
            st.one_of(st.none(), st.text(max_size=5), st.dictionaries(st.text(max_size=5), st.integers())),
            st.one_of(st.none(), st.text(max_size=64), st.integers()),
        ),
    )
)
def test_linkage_model_files(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`sharelog link --model` reads a model JSON: a damaged or edited one is refused, never a traceback."""
    path = tmp_path_factory.mktemp("model") / "model.json"
    path.write_bytes(data)
    try:
        load_model(path)
    except Exception as error:  # noqa: BLE001 — the property says which exceptions may come out
        check_refusal(error, file=str(path))
