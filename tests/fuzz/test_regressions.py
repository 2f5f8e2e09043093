"""The bugs the fuzzers found, one focused test each (see docs/reliability.md, "Hostile input").

Each failed before its fix with a traceback, a value from a file in an error, a silently changed value, or a
DataError on PostgreSQL; each is now a clear refusal or a correct reading.
"""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from sharelog.agreements import load_agreement
from sharelog.errors import InputError, NotFound, ValidationFailed
from sharelog.exchange import month_start
from sharelog.exchange._checks import thresholds_for
from sharelog.foi import explain_deadline, new_case, respond
from sharelog.ledger import ledger_session
from sharelog.linkage import load_model, read_input
from sharelog.outcomes import import_outcomes, record_outcome
from sharelog.reports import parse_month, parse_period

from ..worlds import add_agreement, add_disclosure, add_exchange, add_organisation, migrated
from ._hostile import MARKER, refusal_text

HEADER = "request_id,forename,middle_names,surname,dob,sex,postcode"
TODAY = date(2019, 12, 31)


def _read_requests(tmp_path: Path, text: str) -> list[tuple[object, ...]]:
    path = tmp_path / "requests.csv"
    path.write_text(text, encoding="utf-8")
    con = duckdb.connect()
    read_input(con, path, kind="requests", table="requests_raw")
    return con.sql("SELECT request_id, forename, surname FROM requests_raw ORDER BY __row").fetchall()


def _refusal(tmp_path: Path, text: str, name: str = "requests.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        read_input(duckdb.connect(), path, kind="requests", table="requests_raw")
    text = refusal_text(caught.value)
    assert MARKER not in text
    return text


# --- batches and registers ---------------------------------------------------------------------------------------


def test_values_are_read_as_written_not_as_numbers_or_nulls(tmp_path: Path) -> None:
    # was: 007 read as 7 (the return file answered request "7"), NA and NULL read as missing names
    rows = _read_requests(tmp_path, f"{HEADER}\n007,NA,,NULL,2011-03-04,F,\n0008,nan,,None,2011-03-04,F,\n")
    assert rows == [("007", "NA", "NULL"), ("0008", "nan", "None")]


def test_a_column_named_like_sharelogs_row_numbers_is_refused(tmp_path: Path) -> None:
    # was: ValueError (int() of the file's value), or the file's value shown as "row 77"
    text = _refusal(tmp_path, f"{HEADER},__row\nR1,A,,B,2011-03-04,F,,{MARKER}\nR1,A,,B,2011-03-04,F,,77\n")
    assert "field '__row'" in text and "row 77" not in text


def test_a_column_named_twice_is_refused_by_position(tmp_path: Path) -> None:
    # was: accepted, DuckDB quietly renaming the second "sex" (which one did matching read?)
    text = _refusal(tmp_path, f"{HEADER},sex\nR1,A,,B,2011-03-04,F,,M\n")
    assert "field 'column 8': has the same name as column 6" in text


def test_a_file_without_its_header_quotes_none_of_its_first_row(tmp_path: Path) -> None:
    text = _refusal(tmp_path, f"R1,{MARKER},,{MARKER},2011-03-04,F,\nR2,{MARKER},,{MARKER},2011-03-04,F,\n")
    assert "required column is missing" in text


def test_columns_without_a_name(tmp_path: Path) -> None:
    # a trailing comma on every line is an empty column, dropped; one that holds values is refused
    assert _read_requests(tmp_path, f"{HEADER},\nR1,A,,B,2011-03-04,F,,\n") == [("R1", "A", "B")]
    text = _refusal(tmp_path, f"{HEADER},\nR1,A,,B,2011-03-04,F,,{MARKER}\n")
    assert "field 'column 8': a column without a name" in text


@pytest.mark.parametrize(
    ("request_id", "message"),
    [(MARKER * 12, "longer than 100 characters"), (f"R\x00{MARKER}", "holds a NUL character")],
    ids=["long", "nul"],
)
def test_ids_the_ledger_cannot_keep_are_refused(tmp_path: Path, request_id: str, message: str) -> None:
    # was: accepted; PostgreSQL then failed the exchange (varchar(100), no NUL) after matching
    text = _refusal(tmp_path, f"{HEADER}\n{request_id},A,,B,2011-03-04,F,\n")
    assert f"row 2, field 'request_id': {message}" in text


def test_a_parquet_column_of_records_is_refused(tmp_path: Path) -> None:
    # was: ArrowNotImplementedError (no cast from struct to text)
    columns = {name: pa.array(["x"]) for name in HEADER.split(",")}
    columns["forename"] = pa.array([{"given": MARKER}], pa.struct([("given", pa.string())]))
    path = tmp_path / "requests.parquet"
    pq.write_table(pa.table(columns), path)
    with pytest.raises(ValidationFailed, match="field 'forename': holds lists, records or binary data"):
        read_input(duckdb.connect(), path, kind="requests", table="requests_raw")


def test_a_model_file_nested_too_deep_for_json(tmp_path: Path) -> None:
    # was: RecursionError from the JSON parser (`sharelog link --model`)
    path = tmp_path / "model.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(InputError, match="not a JSON model file"):
        load_model(path)


# --- outcomes ----------------------------------------------------------------------------------------------------


@pytest.fixture
def outcomes_ledger(ledger_engine: Engine) -> Engine:
    migrated(ledger_engine)
    with ledger_session(ledger_engine) as session:
        exchange = add_exchange(session, add_agreement(session))
        add_disclosure(session, exchange, request_ref="HO-1")
    return ledger_engine


def _import_refusal(engine: Engine, path: Path) -> str:
    with pytest.raises(ValidationFailed) as caught, ledger_session(engine) as session:
        import_outcomes(session, path=path, recorded_by="test", today=TODAY)
    text = refusal_text(caught.value)
    assert MARKER not in text
    return text


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("9" * 30 + ",use,not_used,2019-04-01,", "field 'disclosure_id': no disclosure with this id"),
        (
            "1,result,not_located,2019-04-01," + "9" * 30,
            "field 'children_affected': must be a whole number from",
        ),
        (f"1,use,not_used,2019-04-01,,{MARKER}\x00", "field 'note': holds a NUL character"),
    ],
    ids=["huge-id", "huge-count", "nul-note"],
)
def test_outcome_rows_the_ledger_cannot_store(
    outcomes_ledger: Engine, tmp_path: Path, row: str, message: str
) -> None:
    # was: OverflowError (SQLite) or DataError (PostgreSQL): a traceback for a typo  # fmt: skip
    path = tmp_path / "outcomes.csv"
    path.write_text(f"disclosure_id,kind,code,date,children_affected,note\n{row}\n", encoding="utf-8")
    assert message in _import_refusal(outcomes_ledger, path)


def test_an_outcomes_file_without_its_header(outcomes_ledger: Engine, tmp_path: Path) -> None:
    # was: every cell of the first row listed as "not a column of an outcomes file": the note included
    path = tmp_path / "outcomes.csv"
    path.write_text(f"1,use,not_used,2019-04-01,{MARKER} said the family moved\n", encoding="utf-8")
    assert "is the header row missing?" in _import_refusal(outcomes_ledger, path)


def _workbook(change: str) -> bytes:
    """A good outcomes workbook with the worksheet's XML cut in half, or its worksheet dropped."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["disclosure_id", "kind", "code", "date"])
    sheet.append([1, "use", "not_used", "2019-04-01"])
    out = io.BytesIO()
    workbook.save(out)
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                if change == "no-worksheet":
                    continue
                body = body[: len(body) // 2]
            target.writestr(item, body)
    return damaged.getvalue()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("broken-sheet-xml", "not readable as an XLSX workbook"),
        ("no-worksheet", "the workbook has no worksheet"),
    ],
)
def test_damaged_workbooks(outcomes_ledger: Engine, tmp_path: Path, change: str, message: str) -> None:
    # was: xml.etree ParseError and IndexError
    path = tmp_path / "outcomes.xlsx"
    path.write_bytes(_workbook(change))
    assert message in _import_refusal(outcomes_ledger, path)


def test_recording_one_outcome_with_a_huge_id_or_a_nul(outcomes_ledger: Engine) -> None:
    with pytest.raises(NotFound), ledger_session(outcomes_ledger) as session:
        record_outcome(
            session, disclosure_id=10**30, kind="use", code="not_used", event_date=TODAY, recorded_by="t"
        )
    with (
        pytest.raises(ValidationFailed, match="field 'note': holds a NUL"),
        ledger_session(outcomes_ledger) as session,
    ):
        record_outcome(
            session, disclosure_id=1, kind="use", code="not_used", event_date=TODAY, recorded_by="t", note="a\x00"
        )  # fmt: skip


# --- agreements --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: &a [*a]\n", "uses an alias"),
        ("a: &a [x, x]\nb: [*a, *a]\n", "uses an alias"),
        ("a: " + "[" * 3000 + "]" * 3000 + "\n", "nests more than 20 levels deep"),
        ("monthly_cap: 1" + "0" * 5000 + "\n", "holds a number too long to read"),
    ],
    ids=["cycle", "alias", "deep", "huge-number"],
)
def test_agreement_files_that_used_to_crash_or_hang(tmp_path: Path, text: str, message: str) -> None:
    # was: RecursionError, exponential time (an alias bomb took seconds per level), ValueError
    path = tmp_path / "ho-dfe-2019-update" / "v1.0.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ValidationFailed, match=message):
        load_agreement(path)
    assert time.monotonic() - started < 5


def test_matching_thresholds_too_big_for_a_float() -> None:
    class Terms:  # what thresholds_for reads
        matching = {"match_probability": 10**400}

        def file_name(self) -> str:
            return "ho-x/v1.0.yaml"

    with pytest.raises(InputError, match="matching:"):
        thresholds_for(Terms())  # type: ignore[arg-type]


# --- months, FOI cases, deadlines --------------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["2019-1", " 2019-01", "2_019-01", "+2019-01", "٢٠١٩-٠١"])
def test_an_exchange_month_must_be_written_yyyy_mm(month: str) -> None:
    # was: accepted and stored as given: "2019-1" was a month of its own, outside the monthly cap of "2019-01"
    with pytest.raises(InputError, match="is not a month in YYYY-MM form") as raised:
        month_start(month)
    assert raised.value.field == "month"


@pytest.mark.parametrize("text", ["٢٠١٩-03", "０２０１９-03", "0000-01", "٢٠١٩"])
def test_report_periods_are_ascii_months(text: str) -> None:
    # was: "٢٠١٩-03" accepted, and a report of a month no exchange is filed under (all zeros)
    with pytest.raises(InputError):
        parse_period(text)
    with pytest.raises(InputError):
        parse_month(text, field="from")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reference": "FOI-1\n"}, "reference"),
        ({"about": ["2019-01\n"]}, "about"),
        ({"authority": "A" * 201}, "authority"),
        ({"title": f"{MARKER}\x00"}, "title"),
        ({"requester_name": f"{MARKER}\x00"}, "requester_name"),
    ],
    ids=["reference-newline", "about-newline", "long-authority", "nul-title", "nul-requester"],
)
def test_foi_case_fields_the_ledger_cannot_keep(
    ledger_engine: Engine, changes: dict[str, object], field: str
) -> None:
    # was: accepted on SQLite (a reference ending in a newline); a DataError on PostgreSQL  # fmt: skip
    migrated(ledger_engine)
    fields: dict[str, object] = {
        "received_on": date(2020, 8, 12),
        "title": "Pupil data",
        "request_text": "Please",
    }
    with pytest.raises(ValidationFailed) as caught, ledger_session(ledger_engine) as session:
        new_case(
            session, actor="test", organisation_id=add_organisation(session), today=date(2021, 1, 4),
            **{**fields, **changes},  # type: ignore[arg-type]
        )  # fmt: skip
    assert f"field '{field}'" in str(caught.value) and MARKER not in refusal_text(caught.value)


@pytest.mark.parametrize(
    ("received", "days"), [(date(9999, 12, 20), 20), (date(2020, 1, 1), 10**9)], ids=["date-max", "huge"]
)
def test_deadlines_past_the_calendar_or_absurdly_far(received: date, days: int) -> None:
    # was: OverflowError; 10**9 days first walked day by day to the year 9999 (minutes)
    started = time.monotonic()
    with pytest.raises(InputError) as refused:
        explain_deadline(received, days=days)
    assert refused.value.field == "days"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "s12_cost", "hours_estimate": float("nan")}, "hours_estimate"),
        ({"outcome": "s12_cost", "hours_estimate": float("inf")}, "hours_estimate"),
        ({"outcome": "successful", "note": f"{MARKER}\x00"}, "note"),
    ],
    ids=["nan-hours", "infinite-hours", "nul-note"],
)
def test_foi_responses_the_ledger_cannot_keep(
    ledger_engine: Engine, tmp_path: Path, changes: dict[str, object], field: str
) -> None:
    # was: NaN hours accepted (the API's JSON answer then cannot be written); a NUL note a DataError on PostgreSQL
    migrated(ledger_engine)
    with ledger_session(ledger_engine) as session:
        new_case(
            session, received_on=date(2020, 8, 12), title="Pupil data", request_text="Please", actor="test",
            organisation_id=add_organisation(session), reference="59907", today=date(2020, 8, 12),
        )  # fmt: skip
    out = tmp_path / "letters"
    with pytest.raises(ValidationFailed) as caught, ledger_session(ledger_engine) as session:
        respond(
            session, case_reference="59907", responded_on=date(2020, 9, 1), actor="test", out_dir=out,
            today=date(2020, 9, 1), **changes,  # type: ignore[arg-type]
        )  # fmt: skip
    assert f"field '{field}'" in str(caught.value) and MARKER not in refusal_text(caught.value)
    assert not out.exists() or not any(out.iterdir()), "no letter is written for a refused response"
