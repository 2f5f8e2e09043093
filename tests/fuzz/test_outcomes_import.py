"""Fuzzing `outcomes import` (CSV and XLSX): every file is imported whole or refused whole.

A refused file leaves the ledger exactly as it was — not one outcome event or audit event more — and the error
names the file (and the row and field) without quoting a cell. An accepted one records one outcome event per
row and one audit event per event plus one for the file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from sharelog.errors import ValidationFailed
from sharelog.ledger import ledger_session
from sharelog.ledger.models import AuditEvent, OutcomeEvent
from sharelog.outcomes import import_outcomes
from sharelog.outcomes._files import read_outcomes_table

from ..worlds import EXCHANGE_REFERENCE, RETURNED, SQLITE, Backend, WorldFactory
from ._hostile import (
    GIANT_CASES,
    MARKER,
    check_refusal,
    csv_files,
    fuzz_settings,
    giant_csv,
    tally,
    workbook_bytes,
    xlsx_files,
)

TODAY = date(2019, 12, 31)
EXCHANGE = EXCHANGE_REFERENCE
COLUMNS = (
    "disclosure_id",
    "request_id",
    "exchange_id",
    "kind",
    "code",
    "date",
    "children_affected",
    "family_members_affected",
    "note",
)
# the fixture's two disclosures are ids 1 and 2 on a fresh ledger
GOOD_ROWS = (
    ("1", "", "", "use", "contact_attempt", "2019-03-10", "", "", "Spoke to the family"),
    ("", "HO-2019-03-00002", EXCHANGE, "onward_share", "police", "2019-03-12", "", "", ""),
    ("2", "HO-2019-03-00002", EXCHANGE, "result", "enforced_removal", "2019-05-01", "2", "3", ""),
)


@dataclass(frozen=True)
class Ledger:
    engine: Engine
    folder: Path


@contextmanager
def _ledger(worlds: WorldFactory, folder: Path, backend: Backend = SQLITE) -> Iterator[Ledger]:
    copy = worlds.copy(RETURNED, folder / "world", backend=backend)
    assert copy.facts["disclosures"] == [1, 2]
    with copy.engine() as engine:
        yield Ledger(engine, folder)


@pytest.fixture
def ledger(worlds: WorldFactory, ledger_backend: Backend, tmp_path: Path) -> Iterator[Ledger]:
    """The ledger on SQLite, then on PostgreSQL."""
    with _ledger(worlds, tmp_path, ledger_backend) as ledger:
        yield ledger


@pytest.fixture
def sqlite_ledger(worlds: WorldFactory, tmp_path: Path) -> Iterator[Ledger]:
    """The ledger on SQLite only, for the giant files (their size is the reader's business, not the database's)."""
    with _ledger(worlds, tmp_path) as ledger:
        yield ledger


def _counts(engine: Engine) -> tuple[int, int]:
    with ledger_session(engine) as session:
        events = session.execute(select(func.count()).select_from(OutcomeEvent)).scalar_one()
        audit = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return int(events), int(audit)


def _check_import(ledger: Ledger, data: bytes, name: str) -> None:
    folder = ledger.folder / f"import-{len(list(ledger.folder.iterdir()))}"
    folder.mkdir()
    path = folder / name
    path.write_bytes(data)
    before = _counts(ledger.engine)
    try:
        with ledger_session(ledger.engine) as session:
            result = import_outcomes(session, path=path, recorded_by="fuzz", today=TODAY)
    except Exception as error:  # noqa: BLE001 — the property says which exceptions may come out
        tally(f"refused: {type(error).__name__}")
        check_refusal(error, file=str(path))
        assert _counts(ledger.engine) == before, "a refused file changed the ledger"
        return
    tally("imported")
    events, audit = _counts(ledger.engine)
    assert events == before[0] + result.recorded
    assert audit == before[1] + result.recorded + 1


@fuzz_settings(0.5)
@given(data=csv_files(COLUMNS, GOOD_ROWS, ("note",), renumber=False))
@example(data=f"1,,,use,not_used,2019-04-01,,,{MARKER} said the family moved\n".encode())  # no header
@example(data=b"disclosure_id,kind,code,date\n" + b"9" * 30 + b",use,not_used,2019-04-01\n")
@example(data=b"disclosure_id,kind,code,date,children_affected\n2,result,not_located,2019-04-01," + b"9" * 30)
@example(data=b"disclosure_id,kind,code,date,note\n1,use,not_used,2019-04-01,a\x00b\n")
def test_outcomes_csv(data: bytes, ledger: Ledger) -> None:
    _check_import(ledger, data, "outcomes.csv")


@fuzz_settings(0.5)
@given(data=xlsx_files(COLUMNS, GOOD_ROWS, ("note",)))
def test_outcomes_xlsx(data: bytes, ledger: Ledger) -> None:
    _check_import(ledger, data, "outcomes.xlsx")


@pytest.mark.parametrize("case", GIANT_CASES)
def test_giant_outcomes_files(case: str, sqlite_ledger: Ledger) -> None:
    _check_import(sqlite_ledger, giant_csv(COLUMNS, GOOD_ROWS[0], case=case), "outcomes.csv")


def test_a_workbook_of_ten_thousand_columns(sqlite_ledger: Ledger) -> None:
    extra = [f"c{i}" for i in range(10_000)]
    data = workbook_bytes([[*COLUMNS, *extra], [*GOOD_ROWS[0], *[MARKER] * len(extra)]], typed=False)
    _check_import(sqlite_ledger, data, "outcomes.xlsx")


@fuzz_settings(0.5)
@given(data=st.binary(max_size=3000), suffix=st.sampled_from((".csv", ".xlsx", ".xlsm", ".txt", "")))
def test_random_bytes_under_any_name(
    data: bytes, suffix: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("outcomes") / f"outcomes{suffix}"
    path.write_bytes(data)
    try:
        read_outcomes_table(path)
    except Exception as error:  # noqa: BLE001
        check_refusal(error, file=str(path))


def _bomb(plain: bytes, megabytes: int) -> bytes:
    """``plain`` with its sheet padded by ``megabytes`` MB of one byte repeated: a few hundred KB on disk."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, data)
                continue
            head, tail = data.split(b"<sheetData", 1)
            info = zipfile.ZipInfo(item.filename)
            info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(info, "w", force_zip64=True) as part:
                part.write(head)
                for _ in range(megabytes):
                    part.write(b" " * 1_000_000)
                part.write(b"<sheetData" + tail)
    return out.getvalue()


def test_a_workbook_that_inflates_to_400_mb_is_refused_unopened(
    sqlite_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the case of issue 12: a few hundred KB on disk, 400 MB unpacked, seconds of CPU before
    data = _bomb(workbook_bytes([list(COLUMNS), list(GOOD_ROWS[0])], typed=False), megabytes=400)
    assert len(data) < 1_000_000
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("openpyxl was given the bomb"))
    _check_import(sqlite_ledger, data, "outcomes.xlsx")
    path = sqlite_ledger.folder / "bomb.xlsx"
    path.write_bytes(data)
    with pytest.raises(ValidationFailed, match="the workbook unpacks to more than 50 MB"):
        read_outcomes_table(path)


def test_a_workbook_of_formulas_is_refused_without_quoting_them(sqlite_ledger: Ledger) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    sheet.append([f'="{MARKER}"' for _ in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    _check_import(sqlite_ledger, out.getvalue(), "outcomes.xlsx")
    path = sqlite_ledger.folder / "formulas.xlsx"
    path.write_bytes(out.getvalue())
    table = read_outcomes_table(path)
    assert [(p.row, p.field) for p in table.problems] == [(2, name) for name in COLUMNS]
