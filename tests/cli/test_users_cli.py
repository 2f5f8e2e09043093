"""`sharelog users add|list|disable|password|token|revoke` and `sharelog serve --help`."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import Organisation
from sharelog.settings import Settings

from ..worlds import migrated

runner = CliRunner()
PASSWORD = "a long enough passphrase\n"


def _ledger(settings: Settings) -> None:
    engine = migrated(create_ledger_engine(settings.ledger_url()))
    with ledger_session(engine) as session:
        session.add(Organisation(id="dfe", name="Department for Education", kind="holder"))
    engine.dispose()


def test_add_list_token_disable(settings: Settings) -> None:
    _ledger(settings)
    add = [
        "users",
        "add",
        "ana",
        "--role",
        "holder_reviewer",
        "--org",
        "dfe",
        "--name",
        "Ana A",
        "--password-stdin",
    ]
    result = runner.invoke(app, add, obj=settings, input=PASSWORD)
    assert result.exit_code == 0, result.output
    assert "Added ana: holder_reviewer at dfe." in result.stdout

    again = runner.invoke(app, add, obj=settings, input=PASSWORD)
    assert again.exit_code == 2 and "Error: there is already a user called 'ana'" in again.stderr

    token = runner.invoke(app, ["users", "token", "ana", "--name", "robot"], obj=settings)
    assert token.exit_code == 0, token.output
    secret = [line for line in token.stdout.splitlines() if line.startswith("slt_")]
    assert len(secret) == 1

    listed = runner.invoke(app, ["users", "list"], obj=settings)
    assert "ana" in listed.stdout and "holder_reviewer" in listed.stdout and "yes" in listed.stdout

    assert runner.invoke(app, ["users", "revoke", "1"], obj=settings).exit_code == 0
    disabled = runner.invoke(app, ["users", "disable", "ana"], obj=settings)
    assert disabled.exit_code == 0 and "Disabled ana." in disabled.stdout
    again = runner.invoke(app, ["users", "disable", "ana"], obj=settings)
    assert again.exit_code == 2 and "Error: user 'ana' was already disabled, on " in again.output
    events = runner.invoke(app, ["audit", "log", "--action", "user-disabled", "--json"], obj=settings)
    assert len(events.stdout.splitlines()) == 1  # the second call recorded nothing
    listed = runner.invoke(app, ["users", "list"], obj=settings)
    assert "no (since" in listed.stdout


def test_short_password_and_wrong_role(settings: Settings) -> None:
    _ledger(settings)
    short = runner.invoke(
        app,
        ["users", "add", "bo", "--role", "admin", "--org", "dfe", "--password-stdin"],
        obj=settings,
        input="x\n",
    )
    assert short.exit_code == 2 and "Error: the password is too short" in short.stderr
    wrong = runner.invoke(
        app,
        ["users", "add", "bo", "--role", "requester_caseworker", "--org", "dfe", "--password-stdin"],
        obj=settings,
        input=PASSWORD,
    )
    assert wrong.exit_code == 2 and "belongs to a requester organisation" in wrong.stderr
    assert "x" not in [line.strip() for line in short.stderr.splitlines()]


def test_list_when_empty_says_what_to_do(settings: Settings) -> None:
    _ledger(settings)
    result = runner.invoke(app, ["users", "list"], obj=settings)
    assert "No accounts yet" in result.stdout


def test_serve_help_and_demo_without_a_demo(settings: Settings) -> None:
    helped = runner.invoke(app, ["serve", "--help"])
    assert helped.exit_code == 0 and "--demo" in helped.stdout and "/api/v1" in helped.stdout
    missing = runner.invoke(app, ["serve", "--demo"], obj=settings)
    assert missing.exit_code == 2 and "run `sharelog demo`" in missing.stderr


def test_demo_accounts_and_case_are_made_once(settings: Settings) -> None:
    from datetime import date

    from sharelog.ledger.models import FoiCase, User
    from sharelog.web import DEMO_ACCOUNTS, ensure_demo_accounts, ensure_demo_foi_case

    engine = migrated(create_ledger_engine(settings.ledger_url()))
    with ledger_session(engine) as session:
        session.add_all(
            [
                Organisation(id="dfe", name="DfE", kind="holder"),
                Organisation(id="home-office", name="HO", kind="requester"),
            ]
        )
    for _ in range(2):
        with ledger_session(engine) as session:
            ensure_demo_accounts(session, actor="demo")
            ensure_demo_foi_case(session, actor="demo", today=date(2026, 11, 30))
    with ledger_session(engine) as session:
        assert len(session.execute(select(User)).all()) == len(DEMO_ACCOUNTS)
        assert len(session.execute(select(FoiCase)).all()) == 1
    engine.dispose()


def test_revoking_a_revoked_token_says_so_and_records_nothing(settings: Settings) -> None:
    from sharelog.ledger.models import AuditEvent

    _ledger(settings)
    add = ["users", "add", "ana", "--role", "auditor", "--org", "dfe", "--password-stdin"]
    assert runner.invoke(app, add, obj=settings, input=PASSWORD).exit_code == 0
    assert runner.invoke(app, ["users", "token", "ana"], obj=settings).exit_code == 0
    first = runner.invoke(app, ["users", "revoke", "1"], obj=settings)
    assert first.exit_code == 0 and "Revoked API token 1." in first.stdout
    again = runner.invoke(app, ["users", "revoke", "1"], obj=settings)
    assert again.exit_code == 2 and "Revoked" not in again.stdout
    assert "Error: API token 1 was already revoked, on " in again.stderr
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        revoked = session.execute(select(AuditEvent).where(AuditEvent.action == "api-token-revoked")).all()
    engine.dispose()
    assert len(revoked) == 1


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        (" " * 12, "one character repeated"),
        ("aaaaaaaaaaaa", "one character repeated"),
        ("password1234", "too easy to guess"),
        ("anabelleanabelle", "built from the username"),
    ],
)
def test_weak_passwords_are_refused_by_add_and_password(
    settings: Settings, password: str, reason: str
) -> None:
    _ledger(settings)
    add = ["users", "add", "anabelle", "--role", "auditor", "--org", "dfe", "--password-stdin"]
    refused = runner.invoke(app, add, obj=settings, input=password + "\n")
    assert refused.exit_code == 2 and f"Error: the password is {reason}" in refused.stderr
    assert runner.invoke(app, add, obj=settings, input=PASSWORD).exit_code == 0
    changed = runner.invoke(
        app, ["users", "password", "anabelle", "--password-stdin"], obj=settings, input=password + "\n"
    )
    assert changed.exit_code == 2 and f"Error: the password is {reason}" in changed.stderr
    assert password.strip() == "" or password not in refused.output + changed.output


def test_serve_runs_uvicorn_without_its_proxy_headers_and_access_log(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    import uvicorn

    _ledger(settings)
    access = logging.getLogger("sharelog.access")
    monkeypatch.setattr(access, "handlers", list(access.handlers))  # serve adds one; the next test has none
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    result = runner.invoke(app, ["serve"], obj=settings)
    assert result.exit_code == 0, result.output
    [options] = calls
    assert options["proxy_headers"] is False and options["access_log"] is False
