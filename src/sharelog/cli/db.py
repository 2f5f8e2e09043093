"""`sharelog db …` — create, upgrade and inspect the ledger database."""

from __future__ import annotations

import typer

from sharelog.cli._context import console, settings_of
from sharelog.ledger import create_ledger_engine, current_revision, downgrade, upgrade

app = typer.Typer(
    help=(
        "The ledger database: create it, upgrade it, see its revision.\n\n"
        "The ledger is a SQLite file in the data folder unless SHARELOG_DATABASE_URL names another database "
        "(e.g. postgresql+psycopg://user@host/sharelog)."
    ),
    no_args_is_help=True,
)


@app.command("upgrade")
def upgrade_command(
    ctx: typer.Context,
    revision: str = typer.Argument("head", help="Target revision; 'head' is the newest."),
) -> None:
    """Create the ledger or bring it up to date (safe to run again); the audit trail records each change."""
    settings = settings_of(ctx)
    engine = create_ledger_engine(settings.ledger_url())
    state = upgrade(engine, revision=revision, actor=settings.actor)
    console().print(f"Ledger {state.url} is at revision {state.current} (newest: {state.head}).")


@app.command("downgrade")
def downgrade_command(
    ctx: typer.Context,
    revision: str = typer.Argument(..., help="Target revision; 'base' removes every table."),
    yes: bool = typer.Option(False, "--yes", help="Confirm: downgrading can delete ledger data."),
) -> None:
    """Revert the ledger schema to an older revision (destructive: asks for --yes)."""
    if not yes:
        raise typer.BadParameter(
            "downgrading can delete ledger data; add --yes to confirm", param_hint="--yes"
        )
    settings = settings_of(ctx)
    engine = create_ledger_engine(settings.ledger_url())
    state = downgrade(engine, revision=revision, actor=settings.actor)
    console().print(f"Ledger {state.url} is at revision {state.current or 'base (empty)'}.")


@app.command("current")
def current_command(ctx: typer.Context) -> None:
    """Show the ledger's revision and whether it is up to date."""
    engine = create_ledger_engine(settings_of(ctx).ledger_url())
    state = current_revision(engine)
    if state.current is None:
        console().print(f"Ledger {state.url} is not initialised (run `sharelog db upgrade`).")
    elif state.is_current:
        console().print(f"Ledger {state.url} is at revision {state.current} (up to date).")
    else:
        console().print(f"Ledger {state.url} is at revision {state.current}; newest is {state.head}.")
