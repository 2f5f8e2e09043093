"""Every change appends an audit event: each command that writes to the ledger is run while the database is
watched, and no transaction may commit a change without an audit event in it.

The commands cover accounts and API tokens, outcomes (one by one and imported), subject access, retention, FOI
cases through every state change, reports written to files, audit checkpoints and schema changes. Exchanges and
review decisions are watched the same way in tests/exchange/test_review.py (they need a prepared register).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.checkpoint import generate_signing_key
from sharelog.ledger.models import AuditEvent, Disclosure, Exchange
from sharelog.settings import Settings

from ..worlds import TEST_KEY_BYTES, add_return_file, build_golden_ledger
from ._write_watch import UnauditedWrites

runner = CliRunner(env={"COLUMNS": "200"})
PASSWORD = "a long enough password for tests"


def _run(settings: Settings, *args: str, input: str | None = None) -> str:
    result = runner.invoke(app, list(args), obj=settings, input=input)
    assert result.exit_code == 0, f"{args}: {result.output}"
    return result.stdout


def _golden_ledger_with_a_return_file(settings: Settings) -> tuple[int, int]:
    """The reports' golden ledger, and a return file past its retention date; the first two disclosures' ids."""
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        build_golden_ledger(session)
        exchange = session.execute(select(Exchange).order_by(Exchange.id)).scalars().first()
        assert exchange is not None
        add_return_file(session, exchange, data_dir=settings.data_dir, retention_until=date(2019, 6, 2))
        first, second = session.execute(select(Disclosure.id).order_by(Disclosure.id).limit(2)).scalars()
    engine.dispose()
    return first, second


def _accounts(settings: Settings) -> None:
    _run(settings, "users", "add", "operator", "--role", "holder_operator", "--org", "dfe", "--password-stdin",
         input=PASSWORD + "\n")  # fmt: skip
    _run(settings, "users", "password", "operator", "--password-stdin", input=PASSWORD + " again\n")
    issued = _run(settings, "users", "token", "operator", "--name", "batch system")
    token_id = issued.split("API token ", 1)[1].split(" ", 1)[0]
    _run(settings, "users", "revoke", token_id)
    _run(settings, "users", "disable", "operator")


def _outcomes(settings: Settings, first: int, second: int, folder: Path) -> None:
    _run(
        settings,
        "outcomes",
        "record",
        str(first),
        "--kind",
        "intervention",
        "--code",
        "letter",
        "--date",
        "2019-03-01",
    )
    imported = folder / "outcomes.csv"
    with imported.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["disclosure_id", "kind", "code", "date"])
        writer.writerow([second, "result", "not_located", "2019-03-02"])
    _run(settings, "outcomes", "import", str(imported))


def _foi_cases(settings: Settings, folder: Path) -> None:
    _run(settings, "foi", "new", "--org", "home-office", "--received", "2020-08-12", "--title", "Outcomes",
         "--text", "Please…", "--requester", "Requester Name", "--about", "2019-01..2019-03")  # fmt: skip
    case = "FOI-2020-0001"
    _run(settings, "foi", "clarify", case, "--sought", "2020-08-13")
    _run(settings, "foi", "clarify", case, "--received", "2020-08-20")
    _run(settings, "foi", "fees", case, "--notice", "2020-08-21", "--amount", "35")
    _run(settings, "foi", "fees", case, "--paid", "2020-08-24")
    _run(settings, "foi", "extend", case, "--days", "10", "--exemption", "43(2)", "--on", "2020-09-01")
    _run(settings, "foi", "respond", case, "--outcome", "partially_successful", "--on", "2020-09-09", "--with-report",
         "2019", "--out", str(folder / "foi"))  # fmt: skip
    _run(settings, "foi", "review", case, "--on", "2020-10-01")
    _run(settings, "foi", "new", "--org", "home-office", "--received", "2020-08-12", "--title", "Other",
         "--text", "Please…", "--requester", "Another Requester")  # fmt: skip
    _run(settings, "foi", "withdraw", "FOI-2020-0002", "--on", "2020-08-13")
    _run(settings, "foi", "purge", "--today", "2030-01-01")


def _reports_and_checkpoints(settings: Settings, folder: Path) -> None:
    _run(settings, "report", "monthly", "--from", "2019-01", "--to", "2019-03", "--out", str(folder / "m.xlsx"),
         "--charts", str(folder / "charts"))  # fmt: skip
    _run(settings, "report", "shares", "--period", "2019", "--out", str(folder / "shares.csv"))
    _run(settings, "audit", "export", "--out", str(folder / "checkpoint.json"))


EXPECTED_ACTIONS = {
    "ledger-initialised",
    "ledger-downgraded",
    "user-added",
    "password-changed",
    "api-token-created",
    "api-token-revoked",
    "user-disabled",
    "outcome-recorded",
    "outcomes-imported",
    "subject-access-searched",
    "return-file-deleted",
    "foi-case-opened",
    "foi-clarification-sought",
    "foi-clarification-received",
    "foi-fees-notice-given",
    "foi-fee-paid",
    "foi-deadline-extended",
    "foi-responded",
    "foi-review-requested",
    "foi-case-withdrawn",
    "foi-requester-erased",
    "report-generated",
    "audit-checkpoint-signed",
}


@pytest.mark.slow
def test_every_command_that_changes_the_ledger_appends_an_audit_event(
    settings: Settings, tmp_path: Path
) -> None:
    key = generate_signing_key(tmp_path / "keys" / "audit.key")
    settings = Settings(
        data_dir=settings.data_dir,
        holder_key=TEST_KEY_BYTES.decode(),
        audit_signing_key_file=key.private_path,
        actor="tester",
    )
    watch = UnauditedWrites()
    with watch.watching():
        _run(settings, "db", "upgrade")
    first, second = _golden_ledger_with_a_return_file(settings)  # set-up rows, not watched
    with watch.watching():
        _accounts(settings)
        _outcomes(settings, first, second, tmp_path)
        _run(settings, "subject", "P0100001", "--case", "SAR-1")
        _run(settings, "retention", "apply")
        _foi_cases(settings, tmp_path)
        _reports_and_checkpoints(settings, tmp_path)
        _run(settings, "db", "downgrade", "0003", "--yes")
        _run(settings, "db", "upgrade")
    assert watch.found == [], "transactions that changed the ledger without an audit event"
    assert watch.audited_commits >= len(EXPECTED_ACTIONS)
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        actions = set(session.execute(select(AuditEvent.action)).scalars())
        assert verify_audit_chain(session).ok
    engine.dispose()
    assert EXPECTED_ACTIONS <= actions, EXPECTED_ACTIONS - actions


def test_the_watch_sees_a_change_without_an_event(settings: Settings) -> None:
    """The watch itself works: a raw update with no event is reported."""
    _run(settings, "db", "upgrade")
    engine = create_ledger_engine(settings.ledger_url())
    watch = UnauditedWrites()
    with watch.watching(), engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO organisations (id, name, kind) VALUES ('x', 'X', 'recipient')"
        )
    engine.dispose()
    assert watch.found == [["organisations"]]
