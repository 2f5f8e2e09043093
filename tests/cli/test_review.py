"""`sharelog review` shows a batch's text as written: rich markup in a request id or a name is not obeyed (it
would draw links in the reviewer's terminal, or crash the command on an unbalanced tag)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.linkage._session import PREPARED_FORMAT
from sharelog.settings import Settings

from ..worlds import add_agreement, add_exchange, add_review_item, migrated

runner = CliRunner()
REFERENCE = "EX-2019-03-1a2b3c4d"
REQUEST = "[link=http://x.example/]click[/link]"
FORENAME = "[bold]Amira[/]"


def test_review_list_and_show_print_markup_as_text(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", actor="reviewer")
    engine = migrated(create_ledger_engine(settings.ledger_url()))
    with ledger_session(engine) as session:
        exchange = add_exchange(session, add_agreement(session), reference=REFERENCE, state="awaiting_review")
        add_review_item(session, exchange, request_ref=REQUEST, pupil_id="P1")
    engine.dispose()
    settings.review_path().mkdir(parents=True)
    (settings.review_path() / f"{REFERENCE}.json").write_text(
        json.dumps({"items": [{"request_id": REQUEST, "pupil_id": "P1", "details": {"forename": FORENAME}}]}),
        encoding="utf-8",
    )
    settings.register_path().mkdir(parents=True)
    with duckdb.connect(
        str(settings.register_path() / "register.duckdb")
    ) as con:  # a prepared register's rows
        con.execute("CREATE TABLE raw AS SELECT 'P1' AS pupil_id, '[/]' AS forename")
    (settings.register_path() / "manifest.json").write_text(
        json.dumps({"format": PREPARED_FORMAT}), encoding="utf-8"
    )

    listed = runner.invoke(app, ["review", "list"], obj=settings, env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert REQUEST in listed.stdout

    shown = runner.invoke(app, ["review", "show", REFERENCE, REQUEST], obj=settings, env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert FORENAME in shown.stdout and "[/]" in shown.stdout.replace(FORENAME, "")
    assert REQUEST in shown.stdout
