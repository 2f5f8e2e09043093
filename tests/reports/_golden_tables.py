"""The golden tables: what the monthly workbook of the golden ledger (tests/worlds/_golden.py) holds, sheet by sheet,
for each mode and profile — read by tests/reports/test_golden.py, written only by ``make golden``
(tests/reports/regenerate_golden.py)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import Engine

from sharelog.ledger import ledger_session
from sharelog.reports import DEFAULT_PROFILE, MonthlyReport, build_monthly_report, write_monthly_report
from sharelog.reports._layout import GENERATED_AT

from ..worlds import GENERATED_AT as NOW
from ..worlds import MONTHS

GOLDEN = Path(__file__).parent / "golden"
SHEETS = ("Monthly", "Data", "Notes")
# (mode, profile, the golden files' prefix): the default profile needs no name; 10-5 stays covered by asking for it
GOLDEN_CASES = [
    ("internal", DEFAULT_PROFILE, "internal"),
    ("publish", DEFAULT_PROFILE, "publish"),
    ("publish", "10-5", "publish-10-5"),
]

Rows = list[list[Any]]


def monthly_report(engine: Engine, mode: str, profile: str = DEFAULT_PROFILE) -> MonthlyReport:
    """The golden months' report of ``engine``'s ledger, generated at the worlds' fixed time."""
    with ledger_session(engine) as session:
        return build_monthly_report(session, months=MONTHS, sdc=mode, profile=profile, now=NOW)


def workbook_values(path: Path) -> dict[str, Rows]:
    """Every sheet's cell values, row by row (what openpyxl reads back)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's own warnings about styles it reads back
        workbook = load_workbook(path)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


def _without_generation_time(rows: Rows) -> Rows:
    return [[row[0], "<generated>", *row[2:]] if row and row[0] == GENERATED_AT else row for row in rows]


def workbook_tables(engine: Engine, mode: str, profile: str, folder: Path) -> dict[str, Rows]:
    """The workbook's sheets (written in ``folder``) as the golden files hold them: the generation time's cell
    replaced, since it says when a report was made, not what it says."""
    sheets = workbook_values(
        write_monthly_report(monthly_report(engine, mode, profile), folder / "report.xlsx")
    )
    return {name: _without_generation_time(rows) for name, rows in sheets.items()}


def golden_path(prefix: str, sheet: str) -> Path:
    return GOLDEN / f"{prefix}-{sheet.lower()}.json"


def golden_text(rows: Rows) -> str:
    """A golden file's text: a JSON list with one row a line, so that a diff shows the rows that changed."""
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    return f"[\n{lines}\n]\n"


def read_golden(prefix: str, sheet: str) -> Rows:
    rows: Rows = json.loads(golden_path(prefix, sheet).read_text(encoding="utf-8"))
    return rows
