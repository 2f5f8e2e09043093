"""Reading a register or a request batch (CSV or Parquet) and refusing it whole when it cannot be used.

Errors — every one collected and reported together, each naming the file, the row and the field, never the
value: a file that is missing, empty or not UTF-8; a row with the wrong number of fields; a missing required
column, a column named twice, a column without a name that holds values, a column named ``__row`` (sharelog's
own), more than :data:`~sharelog.schemas.MAX_COLUMNS` columns; a Parquet column of lists or records; a blank or
duplicate id; a value longer than its field allows (:data:`~sharelog.schemas.FIELD_LENGTHS`: 100 characters for
an id or a name, 16 for a postcode, 500 for an address…) or holding a NUL or another control character (line
breaks and tabs are allowed in an address only); a date of birth that is not a real ``YYYY-MM-DD`` date.

Bounds — given by the caller (:class:`InputLimits`: an exchange passes the settings' ``max_batch_bytes`` and
``max_batch_rows``), checked before a row is read where the file allows: a file larger than ``max_bytes``; a
Parquet file whose own metadata declares more rows than ``max_rows`` or more unpacked bytes than ``max_bytes`` (a
few kilobytes of Parquet can unpack to gigabytes); a CSV with more rows than ``max_rows``.

Every value is read as the text the file holds: ``007`` stays ``007`` (a request or pupil id with its zeros),
and ``NA``, ``NULL`` or ``nan`` are names like any other; only an empty field is missing.

Oddities — kept, standardised where possible and counted, because requesters send what they have: a postcode
not in UK format, a name with digits, a sex other than M/F/U/blank, a date of birth in the future.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first record row 2 (Parquet: record 1
is row 1).
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq

from sharelog.errors import InputError, Problem, ValidationFailed
from sharelog.schemas import (
    MAX_COLUMNS,
    MULTILINE_FIELDS,
    REGISTER_REQUIRED_COLUMNS,
    REQUEST_REQUIRED_COLUMNS,
    max_length,
)

__all__ = ["InputFile", "InputLimits", "read_input"]

Kind = Literal["register", "requests"]
MAX_PROBLEMS = 50  # beyond this the file is plainly the wrong one; list the first ones and count the rest
ROW = "__row"
_BLOCK_SIZE = 1 << 24  # 16 MB: a longer line (a field of more than 16 MB) is not a readable CSV
# RE2 character classes (DuckDB's regexp functions), written with backslash escapes so that the SQL holds no
# control character itself. NUL is reported on its own; C1 controls (U+0080–U+009F) are what Latin-1 text
# decoded as something else leaves behind. An address may hold line breaks and tabs (09, 0A, 0D); no other field.
_CONTROLS_IN_MULTILINE = r"[\x01-\x08\x0B\x0C\x0E-\x1F\x7F-\x{9F}]"
_CONTROLS = r"[\x01-\x1F\x7F-\x{9F}]"

# What is odd but kept: name → (the columns it reads, the condition that makes a row odd).
_ODDITIES: dict[str, tuple[tuple[str, ...], str]] = {
    "postcode not in UK format": (
        ("postcode",),
        "postcode IS NOT NULL AND trim(postcode) <> '' AND NOT regexp_matches(upper(trim(postcode)), "
        "'^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$')",
    ),
    "postcode missing": (("postcode",), "postcode IS NULL OR trim(postcode) = ''"),
    "name containing digits": (
        ("forename", "surname"),
        "regexp_matches(coalesce(forename, '') || coalesce(surname, ''), '[0-9]')",
    ),
    "sex other than M, F or U": (
        ("sex",),
        "sex IS NOT NULL AND upper(trim(sex)) NOT IN ('', 'M', 'F', 'U', 'MALE', 'FEMALE')",
    ),
    "date of birth missing": (("dob",), "dob IS NULL OR trim(dob) = ''"),
    "date of birth in the future": (("dob",), "try_strptime(trim(dob), '%Y-%m-%d')::DATE > current_date"),
}


@dataclass(frozen=True)
class InputLimits:
    """How big a file may be before it is read: ``max_bytes`` (its size, and a Parquet file's declared unpacked
    size) and ``max_rows`` (records). ``None``: no bound (the holder's own register)."""

    max_bytes: int | None = None
    max_rows: int | None = None


@dataclass(frozen=True)
class InputFile:
    """A file read into a DuckDB table: what it held and what was odd about it."""

    path: Path
    kind: Kind
    table: str
    rows: int
    columns: tuple[str, ...]
    checksum: str
    oddities: dict[str, int] = field(default_factory=dict)


def _id_column(kind: Kind) -> str:
    return "pupil_id" if kind == "register" else "request_id"


def _required(kind: Kind) -> tuple[str, ...]:
    return REGISTER_REQUIRED_COLUMNS if kind == "register" else REQUEST_REQUIRED_COLUMNS


@dataclass(frozen=True)
class _Scan:
    """What the file's bytes may hold, so that the value checks skip what cannot be there: a regular expression
    over every value of a register of millions is seconds; a look at the bytes is a fraction of one. Parquet
    files are compressed, so nothing is ruled out for them."""

    nul: bool = True
    controls: bool = True  # a control character other than a line break (a tab, a C1 control…)
    line_breaks_in_values: bool = True  # quoted values, which alone may hold a line break in a CSV


# every byte but the C0 controls (save line feed and carriage return, which end lines) and DEL
_NOT_CONTROLS = bytes(b for b in range(256) if not (b < 0x20 or b == 0x7F) or b in (0x0A, 0x0D))


def _scan(data: bytes) -> _Scan:
    return _Scan(
        nul=b"\x00" in data,
        # a C1 control is C2 80–C2 9F in UTF-8; C2 also starts £, ° and the no-break space, hence "may"
        controls=bool(data.translate(None, _NOT_CONTROLS)) or b"\xc2" in data,
        line_breaks_in_values=b'"' in data,
    )


def _either(one: _Scan, other: _Scan) -> _Scan:
    return _Scan(
        nul=one.nul or other.nul,
        controls=one.controls or other.controls,
        line_breaks_in_values=one.line_breaks_in_values or other.line_breaks_in_values,
    )


_CHUNK = 1 << 24  # 16 MB: the file is read in chunks, never whole (a 20-million-pupil register is 3 GB)


def _file_checksum_and_text_check(path: Path, problems: list[Problem]) -> tuple[str, _Scan]:
    """sha256 of the bytes; for CSV also the first line that is not UTF-8 (a problem, not an exception) and
    what characters the values may hold. The file is read a chunk at a time."""
    digest = hashlib.sha256()
    if path.suffix.lower() in {".parquet", ".pq"}:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        return digest.hexdigest(), _Scan()
    decoder = codecs.getincrementaldecoder("utf-8")()
    scan = _Scan(nul=False, controls=False, line_breaks_in_values=False)
    lines_before = 0  # line breaks in the chunks already read
    utf8 = True
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            digest.update(chunk)
            scan = _either(scan, _scan(chunk))
            if utf8:
                # the decoder keeps an incomplete character from the end of the last chunk (never a line break)
                pending = decoder.getstate()[0]
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as error:
                    line = lines_before + (pending + chunk).count(b"\n", 0, error.start) + 1
                    problems.append(Problem(str(path), "not UTF-8 text (save the file as UTF-8)", row=line))
                    utf8 = False
            if not chunk:
                return digest.hexdigest(), scan
            lines_before += chunk.count(b"\n")


def _parse_options(on_bad_row: Callable[[pv.InvalidRow], str]) -> pv.ParseOptions:
    return pv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_bad_row)


def _header_names(path: Path) -> list[str]:
    """The column names, read by the same parser as the rows (so that the two agree on where the header ends)."""
    reader = pv.open_csv(
        path,
        read_options=pv.ReadOptions(block_size=_BLOCK_SIZE, use_threads=False),
        parse_options=_parse_options(lambda _row: "skip"),
    )
    try:
        return list(reader.schema.names)
    finally:
        reader.close()


def _parse_csv(path: Path, names: list[str], *, use_threads: bool) -> tuple[pa.Table, list[int]]:
    bad_rows: list[int] = []

    def note_bad_row(row: pv.InvalidRow) -> str:
        # row.text holds the row's values: never keep it; the number alone locates the problem
        bad_rows.append(row.number if row.number is not None else -1)
        return "skip"

    table = pv.read_csv(
        path,
        read_options=pv.ReadOptions(block_size=_BLOCK_SIZE, use_threads=use_threads),
        parse_options=_parse_options(note_bad_row),
        # every column as text, and only an empty field as missing: type inference would turn the id 007 into
        # 7, and Arrow's default null markers would erase a person called NA or NULL
        convert_options=pv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, bad_rows


def _too_many_columns(path: Path, count: int) -> Problem:
    return Problem(
        str(path), f"has {count:,} columns; a register or a batch has at most {MAX_COLUMNS}", row=1
    )


def _too_many_rows(path: Path, limits: InputLimits) -> Problem:
    return Problem(str(path), f"has more than {limits.max_rows:,} rows, the most a file may hold here")


def _read_csv(path: Path, problems: list[Problem], limits: InputLimits) -> tuple[pa.Table | None, list[int]]:
    """The rows that parse, and the numbers of the rows skipped because their field count is wrong."""
    try:
        names = _header_names(path)
        if len(names) > MAX_COLUMNS:
            problems.append(_too_many_columns(path, len(names)))
            return None, []
        table, bad_rows = _parse_csv(path, names, use_threads=True)
        if bad_rows:  # only a single-threaded read knows where the bad rows are
            table, bad_rows = _parse_csv(path, names, use_threads=False)
    except pa.ArrowInvalid as error:
        message = "the file is empty" if "Empty CSV file" in str(error) else "not a readable CSV file"
        problems.append(Problem(str(path), message))
        return None, []
    if limits.max_rows is not None and table.num_rows + len(bad_rows) > limits.max_rows:
        problems.append(_too_many_rows(path, limits))
        return None, []
    for number in bad_rows[:MAX_PROBLEMS]:
        problems.append(Problem(str(path), "wrong number of fields for the header", row=number))
    if len(bad_rows) > MAX_PROBLEMS:
        problems.append(
            Problem(str(path), f"{len(bad_rows) - MAX_PROBLEMS:,} more rows with the wrong field count")
        )
    return table, bad_rows


def _parquet_bound_problems(path: Path, limits: InputLimits) -> list[Problem] | None:
    """What the file's own metadata says that is too big (read before any data is); None: not Parquet at all."""
    try:
        metadata = pq.read_metadata(path)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError):
        return None
    problems: list[Problem] = []
    if metadata.num_columns > MAX_COLUMNS:
        problems.append(_too_many_columns(path, metadata.num_columns))
    if limits.max_rows is not None and metadata.num_rows > limits.max_rows:
        problems.append(_too_many_rows(path, limits))
    if limits.max_bytes is not None:
        unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
        if unpacked > limits.max_bytes:
            problems.append(
                Problem(
                    str(path), f"unpacks to more than {_megabytes(limits.max_bytes)}, the most a file may"
                )
            )
    return problems


def _read_parquet(path: Path, problems: list[Problem], limits: InputLimits) -> pa.Table | None:
    unreadable = Problem(str(path), "not a readable Parquet file")
    bounds = _parquet_bound_problems(path, limits)
    if bounds is None or bounds:
        problems += bounds if bounds is not None else [unreadable]
        return None
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError):
        problems.append(unreadable)
        return None
    columns: list[pa.ChunkedArray] = []
    for index, name in enumerate(table.column_names):
        try:
            columns.append(_as_text(table.column(index)))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            problems.append(Problem(str(path), "holds lists, records or binary data, not text", field=name))
    if problems:
        return None
    return pa.Table.from_arrays(columns, names=table.column_names)


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
        return pc.strftime(column, format="%Y-%m-%d")
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
        column = column.cast(pa.string())  # refused when the bytes are not UTF-8
    return column.cast(pa.string())


def _blank(column: pa.ChunkedArray) -> bool:
    """Whether a column holds nothing but empty fields (a trailing comma on every line)."""
    text = pc.utf8_trim_whitespace(column)
    return bool(pc.all(pc.or_kleene(pc.is_null(text), pc.equal(text, ""))).as_py() is not False)


def _header_problems(path: Path, table: pa.Table) -> tuple[pa.Table, list[Problem]]:
    """Drop unnamed columns that are empty throughout; refuse unnamed ones with values, repeats and ``__row``."""
    problems: list[Problem] = []
    first: dict[str, int] = {}
    keep: list[int] = []
    for index, name in enumerate(table.column_names):
        where = f"column {index + 1}"  # by position: a file saved without its header has data for names
        if not name.strip():
            if not _blank(table.column(index)):
                problems.append(Problem(str(path), "a column without a name", row=1, field=where))
            continue
        keep.append(index)
        if name in first:
            message = f"has the same name as column {first[name] + 1}; each column needs its own"
            problems.append(Problem(str(path), message, row=1, field=where))
        elif name == ROW:
            problems.append(
                Problem(str(path), f"{ROW} is the name of sharelog's row numbers; rename the column", 1, name)
            )
        first.setdefault(name, index)
    return table.select(keep), problems


def _row_numbers(count: int, *, is_parquet: bool, skipped: list[int]) -> pa.Array:
    """The row a person sees for each record read: CSV rows start at 2 (the header is row 1) and skip the rows
    that could not be parsed; Parquet records start at 1. (Computed whole: a register has millions of rows.)"""
    if is_parquet:
        return pa.array(np.arange(1, count + 1, dtype=np.int64))
    numbers = np.arange(2, 2 + count + len(skipped), dtype=np.int64)
    if skipped:
        numbers = numbers[~np.isin(numbers, np.asarray(skipped, dtype=np.int64))]
    return pa.array(numbers[:count])


def _problems_sql(table: str, id_column: str) -> str:
    """Rows with a blank id, a repeated id, or a date of birth that is given but is not a real ISO date."""
    return f"""
    WITH firsts AS (SELECT {id_column} AS id, min({ROW}) AS first_row FROM {table} GROUP BY 1)
    SELECT {ROW}, '{id_column}' AS field, 'missing' AS message FROM {table}
        WHERE {id_column} IS NULL OR trim({id_column}) = ''
    UNION ALL
    SELECT t.{ROW}, '{id_column}', 'repeats the id of row ' || f.first_row FROM {table} AS t
        JOIN firsts AS f ON f.id = t.{id_column} WHERE t.{ROW} <> f.first_row
    UNION ALL
    SELECT {ROW}, 'dob', 'not a real date in YYYY-MM-DD form' FROM {table}
        WHERE dob IS NOT NULL AND trim(dob) <> ''
          AND (try_strptime(trim(dob), '%Y-%m-%d') IS NULL
               OR NOT regexp_matches(trim(dob), '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$'))
    ORDER BY 1, 2
    """


_VALUE_PROBLEMS = {
    1: "holds a NUL character (a damaged file?)",
    2: "holds a control character (a damaged file?)",
}


def _value_conditions(column: str, name: str, scan: _Scan) -> list[str]:
    """What makes a value of ``column`` (named ``name`` in the file) a problem, less what ``scan`` rules out."""
    limit = max_length(name)
    conditions = [f"length({column}) > {limit}"]
    if scan.nul:
        conditions.append(f"contains({column}, chr(0))")
    multiline = name in MULTILINE_FIELDS
    if scan.controls:
        conditions.append(f"regexp_matches({column}, '{_CONTROLS_IN_MULTILINE if multiline else _CONTROLS}')")
    elif scan.line_breaks_in_values and not multiline:
        conditions.append(f"contains({column}, chr(10)) OR contains({column}, chr(13))")
    return conditions


def _value_problems_sql(view: str, columns: list[str], scan: _Scan) -> str:
    """Values too long for their field (:func:`~sharelog.schemas.max_length`) or holding a NUL or another control
    character: one row per (row, column) with a problem, the first that applies. ``view`` names its columns
    ``c0``, ``c1``… (the file's own names may hold anything); the problem code is the length limit's negative,
    or a key of :data:`_VALUE_PROBLEMS`."""
    arms = []
    for index, name in enumerate(columns):
        column, limit = f"c{index}", max_length(name)
        arms.append(
            f"SELECT {ROW}, {index} AS col, CASE WHEN length({column}) > {limit} THEN -{limit} "
            f"WHEN contains({column}, chr(0)) THEN 1 ELSE 2 END AS problem FROM {view} "
            f"WHERE {' OR '.join(_value_conditions(column, name, scan))}"
        )
    return " UNION ALL ".join(arms) + " ORDER BY 1, 2"


def _value_problems(
    con: duckdb.DuckDBPyConnection, path: Path, numbered: pa.Table, scan: _Scan
) -> list[Problem]:
    columns = [name for name in numbered.column_names if name != ROW]
    view = numbered.select([*columns, ROW]).rename_columns([*(f"c{i}" for i in range(len(columns))), ROW])
    con.register("__values", view)
    try:
        found = con.sql(_value_problems_sql("__values", columns, scan)).fetchall()
    finally:
        con.unregister("__values")
    return [
        Problem(
            str(path),
            f"longer than {-problem} characters" if problem < 0 else _VALUE_PROBLEMS[problem],
            row=int(row),
            field=columns[col],
        )
        for row, col, problem in found
    ]


def _check_rows(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, kind: Kind, numbered: pa.Table, scan: _Scan
) -> list[Problem]:
    rows = con.sql(_problems_sql(table, _id_column(kind))).fetchall()
    problems = [
        Problem(str(path), message, row=int(row), field=field_name) for row, field_name, message in rows
    ]
    problems += _value_problems(con, path, numbered, scan)
    problems.sort(key=lambda p: (p.row or 0, p.field or ""))  # every one has a row
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = [
            *problems[:MAX_PROBLEMS],
            Problem(str(path), f"{more:,} more problems like these not listed"),
        ]
    return problems


def _count_oddities(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...]) -> dict[str, int]:
    wanted = {name: sql for name, (needs, sql) in _ODDITIES.items() if all(c in columns for c in needs)}
    counts = ", ".join(f"count(*) FILTER (WHERE {sql})" for sql in wanted.values())
    values = con.sql(f"SELECT {counts} FROM {table}").fetchall()[0]
    return {name: int(value) for name, value in zip(wanted, values, strict=True) if value}


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB" if size >= 1_000_000 else f"{size:,} bytes"


def read_input(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    kind: Kind,
    table: str,
    limits: InputLimits | None = None,
) -> InputFile:
    """Read ``path`` into table ``table`` of ``con`` (all columns as text, plus a row number), or refuse it.

    Args:
        con: the DuckDB connection to read into.
        path: a ``.csv`` or ``.parquet`` file in the register or request-batch schema (docs/design.md §3).
        kind: ``register`` or ``requests``: which schema the file must follow.
        table: the name of the table to create.
        limits: how big the file may be (default: no bound on its size or its rows).

    Raises:
        InputError: the file does not exist.
        ValidationFailed: anything that makes the file unusable, every problem listed.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    limits = limits or InputLimits()
    if limits.max_bytes is not None and path.stat().st_size > limits.max_bytes:
        size = _megabytes(limits.max_bytes)
        raise ValidationFailed(
            [Problem(str(path), f"the file is larger than {size}, the most a file may be")]
        )
    problems: list[Problem] = []
    checksum, scan = _file_checksum_and_text_check(path, problems)
    if problems:
        raise ValidationFailed(problems)
    is_parquet = path.suffix.lower() in {".parquet", ".pq"}
    arrow, skipped = (
        (_read_parquet(path, problems, limits), []) if is_parquet else _read_csv(path, problems, limits)
    )
    if arrow is None:
        raise ValidationFailed(problems)
    arrow, header_problems = _header_problems(path, arrow)
    problems += header_problems
    columns = tuple(arrow.column_names)
    missing = [c for c in _required(kind) if c not in columns]
    problems += [Problem(str(path), "required column is missing", field=c) for c in missing]
    if arrow.num_rows == 0 and not skipped:
        problems.append(Problem(str(path), "the file has a header but no rows"))
    if missing or header_problems or arrow.num_rows == 0:
        raise ValidationFailed(problems)
    numbered = arrow.append_column(ROW, _row_numbers(arrow.num_rows, is_parquet=is_parquet, skipped=skipped))
    con.register(f"{table}__arrow", numbered)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table}__arrow")
    con.unregister(f"{table}__arrow")
    problems += _check_rows(con, path, table, kind, numbered, scan)
    if problems:
        con.execute(f"DROP TABLE {table}")
        # by row, then field; what has no row (how many more were not listed) comes last
        raise ValidationFailed(sorted(problems, key=lambda p: (p.row is None, p.row or 0, p.field or "")))
    return InputFile(
        path=path,
        kind=kind,
        table=table,
        rows=arrow.num_rows,
        columns=columns,
        checksum=checksum,
        oddities=_count_oddities(con, table, columns),
    )


def read_input_columns(
    path: Path, *, kind: Kind, columns: Sequence[str], limits: InputLimits | None = None
) -> pa.Table:
    """Read and check ``path`` as :func:`read_input` does, on a connection of its own, and give back only the
    ``columns`` the file has (as text), in the file's row order: for a package that needs a register's or a
    batch's values without DuckDB (the privacy-preserving encoder)."""
    with duckdb.connect() as con:
        found = read_input(con, path, kind=kind, table="input_file", limits=limits)
        wanted = [column for column in columns if column in found.columns]
        selected = ", ".join(f'"{column}"' for column in wanted)
        return con.sql(f"SELECT {selected} FROM input_file ORDER BY {ROW}").arrow().read_all()
