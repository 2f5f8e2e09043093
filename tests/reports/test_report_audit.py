"""A report written to a file is recorded in the audit trail (period, disclosure control, each file's sha256);
a report only built — a preview, a page — is not."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.reports import CHART_FILES, build_monthly_report, record_report_generated, write_monthly_report
from sharelog.settings import Settings

from ..worlds import GOLDEN, MONTHS, WorldFactory, audit_count, audit_details

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture
def cli_settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    return worlds.copy(GOLDEN, tmp_path, actor="analyst").settings


def _recorded(settings: Settings) -> list[dict[str, object]]:
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        details = audit_details(session, "report-generated")
        assert verify_audit_chain(session).ok
    engine.dispose()
    return details


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_monthly_report_and_its_charts_are_recorded(cli_settings: Settings, tmp_path: Path) -> None:
    out, charts = tmp_path / "monthly.xlsx", tmp_path / "charts"
    args = [
        "report",
        "monthly",
        "--from",
        "2019-01",
        "--to",
        "2019-03",
        "--out",
        str(out),
        "--charts",
        str(charts),
    ]
    assert runner.invoke(app, args, obj=cli_settings).exit_code == 0
    [detail] = _recorded(cli_settings)
    files = detail.pop("files")
    assert isinstance(files, list)
    assert detail.pop("generated_at")
    assert detail == {
        "report": "monthly",
        "period": {"from": "2019-01", "to": "2019-03"},
        "agreement": None,
        "sdc": "publish",
        "profile": "series",  # the default
        "via": "cli",
    }
    written = [out, *(charts / name for name in CHART_FILES.values())]
    assert files == [{"name": p.name, "sha256": _sha256(p), "bytes": p.stat().st_size} for p in written]


def test_an_internal_report_is_recorded_as_internal(cli_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "internal.csv"
    args = [
        "report",
        "monthly",
        "--from",
        "2019-02",
        "--to",
        "2019-02",
        "--sdc",
        "internal",
        "--out",
        str(out),
    ]
    args += ["--agreement", "ho-dfe-test"]
    assert runner.invoke(app, args, obj=cli_settings).exit_code == 0
    [detail] = _recorded(cli_settings)
    assert detail["sdc"] == "internal" and detail["profile"] is None and detail["agreement"] == "ho-dfe-test"
    assert detail["period"] == {"from": "2019-02", "to": "2019-02"}


def test_the_register_of_shares_is_recorded_only_when_written(cli_settings: Settings, tmp_path: Path) -> None:
    printed = runner.invoke(app, ["report", "shares", "--period", "2019"], obj=cli_settings)
    assert printed.exit_code == 0 and _recorded(cli_settings) == []
    out = tmp_path / "shares.json"
    args = ["report", "shares", "--period", "2019", "--profile", "1-4", "--out", str(out)]
    assert runner.invoke(app, args, obj=cli_settings).exit_code == 0
    [detail] = _recorded(cli_settings)
    assert detail["report"] == "shares" and detail["profile"] == "1-4"
    assert detail["period"] == {"from": "2019-01", "to": "2019-12"}
    assert detail["files"] == [{"name": "shares.json", "sha256": _sha256(out), "bytes": out.stat().st_size}]


def test_building_a_report_records_nothing(golden_sqlite: Engine, tmp_path: Path) -> None:
    """Previews and pages build reports all the time; only the service that is handed a written file records."""
    with ledger_session(golden_sqlite) as session:
        report = build_monthly_report(session, months=MONTHS, sdc="publish")
        assert audit_count(session) == 0
    path = write_monthly_report(report, tmp_path / "r.json")
    with ledger_session(golden_sqlite) as session:
        event = record_report_generated(session, report, files=[path], actor="web-user", via="web")
        assert audit_count(session) == 1
    assert event.action == "report-generated" and event.object_id == "monthly/2019-01..2019-03"
    assert event.detail["via"] == "web" and event.actor == "web-user"
