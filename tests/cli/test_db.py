"""`sharelog db upgrade|current|downgrade` on a fresh ledger."""

from __future__ import annotations

from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.settings import Settings

runner = CliRunner()


def test_upgrade_then_current(settings: Settings) -> None:
    before = runner.invoke(app, ["db", "current"], obj=settings)
    assert before.exit_code == 0, before.output
    assert "not initialised" in before.stdout

    upgraded = runner.invoke(app, ["db", "upgrade"], obj=settings)
    assert upgraded.exit_code == 0, upgraded.output
    assert (settings.data_dir / "ledger.db").is_file()

    after = runner.invoke(app, ["db", "current"], obj=settings)
    assert "(up to date)" in after.stdout


def test_downgrade_needs_confirmation(settings: Settings) -> None:
    runner.invoke(app, ["db", "upgrade"], obj=settings)
    refused = runner.invoke(app, ["db", "downgrade", "base"], obj=settings)
    assert refused.exit_code == 2
    assert [line for line in refused.stderr.splitlines() if line.startswith("Error:")] == [
        "Error: Invalid value for --yes: downgrading can delete ledger data; add --yes to confirm"
    ]
    done = runner.invoke(app, ["db", "downgrade", "base", "--yes"], obj=settings)
    assert done.exit_code == 0
    assert "base (empty)" in done.stdout


def test_unreachable_database_is_one_error_line_without_password(settings: Settings) -> None:
    broken = settings.model_copy(update={"database_url": "postgresql+psycopg://u:secret@127.0.0.1:1/none"})
    result = runner.invoke(app, ["db", "current"], obj=broken)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "cannot open the ledger" in errors[0]
    assert "secret" not in result.output
