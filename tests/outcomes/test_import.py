"""Importing outcomes: CSV or XLSX, every row valid or nothing imported, problems named by row and field."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sharelog.errors import Conflict, InputError, ValidationFailed
from sharelog.ledger import ledger_session, verify_audit_chain
from sharelog.ledger.models import OutcomeEvent
from sharelog.outcomes import ImportResult, import_outcomes

from ..worlds import audit_count, audit_details
from .conftest import EXCHANGE, OutcomesLedger

TODAY = date(2019, 12, 31)
NOTE = "Spoke to Mrs Haddad, 3 Rose Street, who said the family moved to Leeds"


def _write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _import(ledger: OutcomesLedger, path: Path) -> ImportResult:
    with ledger_session(ledger.engine) as session:
        return import_outcomes(session, path=path, recorded_by="importer", today=TODAY)


def _events(session: Session) -> list[tuple[int, str, str, date, int | None, str | None]]:
    rows = session.execute(select(OutcomeEvent).order_by(OutcomeEvent.id)).scalars()
    return [(e.disclosure_id, e.kind, e.code, e.event_date, e.children_affected, e.note) for e in rows]


def _good_rows(ledger: OutcomesLedger) -> list[list[object]]:
    return [
        ["disclosure_id", "request_id", "exchange_id", "kind", "code", "date", "children_affected", "note"],
        [ledger.first, "", "", "use", "contact_attempt", "2019-03-10", "", NOTE],
        ["", "HO-2019-03-00002", EXCHANGE, "onward_share", "overseas_authority", "2019-03-12", "", ""],
        ["", "", "", "", "", "", "", ""],  # blank rows are skipped
        [ledger.first, "HO-2019-03-00001", EXCHANGE, "result", "enforced_removal", "2019-05-01", "2", ""],
    ]


def test_a_csv_file_is_imported_whole_with_its_audit_events(ledger: OutcomesLedger, tmp_path: Path) -> None:
    result = _import(ledger, _write_csv(tmp_path / "outcomes.csv", _good_rows(ledger)))
    assert result.recorded == 3
    assert result.by_kind == {"use": 1, "onward_share": 1, "result": 1}
    assert result.outside_agreement_rows == (3,)
    with ledger_session(ledger.engine) as session:
        assert _events(session) == [
            (ledger.first, "use", "contact_attempt", date(2019, 3, 10), None, NOTE),
            (ledger.second, "onward_share", "overseas_authority", date(2019, 3, 12), None, None),
            (ledger.first, "result", "enforced_removal", date(2019, 5, 1), 2, None),
        ]
        details = audit_details(session, "outcome-recorded")
        assert [d["row"] for d in details] == [2, 3, 5]
        assert {d["file_sha256"] for d in details} == {result.checksum}
        assert details[1]["outside_agreement"] is True
        [imported] = audit_details(session, "outcomes-imported")
        assert imported == {
            "events": 3,
            "by_kind": {"use": 1, "onward_share": 1, "result": 1},
            "outside_agreement": 1,
        }
        assert verify_audit_chain(session).ok


def test_one_bad_row_imports_nothing_and_is_named(ledger: OutcomesLedger, tmp_path: Path) -> None:
    rows = _good_rows(ledger)
    rows[2][4] = "Haddad"  # a value in the wrong column: could be anything, so never echoed
    path = _write_csv(tmp_path / "outcomes.csv", rows)
    with pytest.raises(ValidationFailed) as failure:
        _import(ledger, path)
    assert [str(p) for p in failure.value.problems] == [
        f"{path}, row 3, field 'code': not a code of 'onward_share'; its codes are police, border_force, "
        "local_authority, other_government, overseas_authority"
    ]
    with ledger_session(ledger.engine) as session:
        assert _events(session) == []
        assert audit_count(session) == 0


def test_every_problem_of_every_row_is_listed_without_values(ledger: OutcomesLedger, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["disclosure_id", "request_id", "exchange_id", "kind", "code", "date", "children_affected", "note"],
        [ledger.first, "", "", "use", "not_used", "04/03/2019", "1", NOTE],
        ["", "HO-2019-03-00009", EXCHANGE, "result", "not_located", "2019-04-01", "two", ""],
        ["", "HO-2019-03-00001", "EX-1999-01-ffffffff", "result", "not_located", "2019-04-01", "", ""],
        ["", "", "", "result", "not_located", "2019-04-01", "", ""],
        ["abc", "", "", "use", "not_used", "2020-02-01", "", ""],
        [ledger.second, "HO-2019-03-00001", EXCHANGE, "use", "not_used", "2019-04-01", "", ""],
    ]
    path = _write_csv(tmp_path / "outcomes.csv", rows)
    with pytest.raises(ValidationFailed) as failure:
        _import(ledger, path)
    problems = [(p.row, p.field, p.message) for p in failure.value.problems]
    assert problems == [
        (2, "date", "not a date written YYYY-MM-DD"),
        (2, "children_affected", "people affected are recorded on result events only, not on a 'use' event"),
        (3, "request_id", "no record was returned for this request in that exchange"),
        (3, "children_affected", "must be a whole number, 0 or more"),
        (4, "exchange_id", "no exchange with this reference in the ledger"),
        (5, None, "names no disclosure: fill disclosure_id, or request_id and exchange_id"),
        (6, "disclosure_id", "not a disclosure id (a whole number)"),
        (7, "disclosure_id", "names a different disclosure from request_id and exchange_id"),
    ]
    text = "\n".join(str(p) for p in failure.value.problems)
    for value in ("Haddad", "04/03/2019", "two", "EX-1999", "abc", "HO-2019-03-00009"):
        assert value not in text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["disclosure_id", "kind", "code", "date", "childen_affected"],
            [
                (
                    "childen_affected",
                    "not a column of an outcomes file; the columns are disclosure_id, request_id",
                )
            ],
        ),
        (["disclosure_id", "kind", "code"], [("date", "missing column")]),
        (["request_id", "kind", "code", "date"], [("request_id", "request_id and exchange_id go together")]),
        (["kind", "code", "date"], [(None, "no column names the disclosure")]),
        (["Disclosure_ID ", "kind", "code", "date", "", ""], []),  # names are trimmed and case-insensitive
    ],
)
def test_the_header_is_checked_before_any_row(
    ledger: OutcomesLedger, tmp_path: Path, header: list[str], expected: list[tuple[str | None, str]]
) -> None:
    rows: list[list[object]] = [list(header), [ledger.first, "use", "not_used", "2019-04-01"]]
    path = _write_csv(tmp_path / "outcomes.csv", rows)
    if not expected:
        assert _import(ledger, path).recorded == 1
        return
    with pytest.raises(ValidationFailed) as failure:
        _import(ledger, path)
    found = [(p.field, p.message) for p in failure.value.problems]
    assert len(found) == len(expected)
    for (field, message), (want_field, want_start) in zip(found, expected, strict=True):
        assert field == want_field and message.startswith(want_start)
    assert all(p.row in (1, None) for p in failure.value.problems)


def test_an_xlsx_workbook_is_imported_with_its_dates_and_numbers(
    ledger: OutcomesLedger, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        ["disclosure_id", "kind", "code", "date", "children_affected", "family_members_affected", "note"],
        [ledger.first, "intervention", "home_visit", datetime(2019, 3, 20), None, None, NOTE],
        [float(ledger.second), "result", "voluntary_departure", "2019-06-01", 3, 2.0, None],
    ]
    _import(ledger, _write_xlsx(tmp_path / "outcomes.xlsx", rows))
    with ledger_session(ledger.engine) as session:
        assert _events(session) == [
            (ledger.first, "intervention", "home_visit", date(2019, 3, 20), None, NOTE),
            (ledger.second, "result", "voluntary_departure", date(2019, 6, 1), 3, None),
        ]
        assert session.execute(select(func.max(OutcomeEvent.family_members_affected))).scalar_one() == 2


def test_an_xlsx_row_problem_is_numbered_as_the_spreadsheet_shows_it(
    ledger: OutcomesLedger, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        ["disclosure_id", "kind", "code", "date"],
        [ledger.first, "use", "not_used", date(2019, 4, 1)],
        [None, None, None, None],
        [ledger.first, "use", "not_used", 43556],  # a number that Excel would show as a date if formatted
    ]
    with pytest.raises(ValidationFailed) as failure:
        _import(ledger, _write_xlsx(tmp_path / "outcomes.xlsx", rows))
    [problem] = failure.value.problems
    assert (problem.row, problem.field, problem.message) == (4, "date", "not a date written YYYY-MM-DD")
    assert "sheet 'Sheet'" in problem.file


def test_the_same_file_cannot_be_imported_twice(ledger: OutcomesLedger, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "outcomes.csv", _good_rows(ledger))
    _import(ledger, path)
    with pytest.raises(Conflict, match="this file \\(same sha256\\) was already imported on .* by importer"):
        _import(ledger, path)
    with ledger_session(ledger.engine) as session:
        assert len(_events(session)) == 3


def test_files_that_cannot_be_read_are_refused(ledger: OutcomesLedger, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        _import(ledger, tmp_path / "missing.csv")
    with pytest.raises(InputError, match="must be CSV \\(.csv\\) or a workbook \\(.xlsx\\)"):
        _import(ledger, _write_csv(tmp_path / "outcomes.txt", [["kind"]]))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "disclosure_id,kind,code,date,note\n1,use,not_used,2019-04-01,caf\xe9\n".encode("latin-1")
    )
    with pytest.raises(ValidationFailed, match="not UTF-8 text"):
        _import(ledger, latin)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="not readable as an XLSX workbook"):
        _import(ledger, fake)
    with pytest.raises(ValidationFailed, match="no outcome rows under the header"):
        _import(ledger, _write_csv(tmp_path / "empty.csv", [["disclosure_id", "kind", "code", "date"]]))
    with pytest.raises(ValidationFailed, match="row 2: more values than the 4 named columns"):
        _import(
            ledger,
            _write_csv(tmp_path / "wide.csv", [["disclosure_id", "kind", "code", "date"], [1, 2, 3, 4, 5]]),
        )
