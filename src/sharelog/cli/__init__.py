"""The ``sharelog`` command line: thin commands that call one service function each and format the result.

:data:`COMMANDS` lists the root commands; each command's module is imported only when that command is used
(``sharelog --help`` imports none of them), so a run pays for its own command's imports alone.

Every command reads its :class:`~sharelog.settings.Settings` from the context object, so tests pass their own
(``runner.invoke(app, args, obj=Settings(...))``) and never depend on the environment.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

import typer
from typer import _click as click  # Typer vendors Click; its exceptions are the ones raised here
from typer.core import TyperGroup
from typer.exceptions import Abort

from sharelog import __version__
from sharelog.cli._errors import error_line
from sharelog.cli._lazy import LazyCommand, LazyCommands, load_command
from sharelog.errors import SharelogError

__all__ = ["COMMANDS", "app", "main"]

COMMANDS: dict[str, LazyCommand] = {
    "synth": LazyCommand(
        "synth", "Write a synthetic register, trace requests and the truth that links them."
    ),
    "subject": LazyCommand(
        "subject",
        "Subject access: list every exchange, returned record (disclosure), outcome event and review item about "
        "one pupil — and nothing about anyone else.",
    ),
    "demo": LazyCommand("demo", "Run the whole story on synthetic data, from scratch, in <data dir>/demo."),
    "serve": LazyCommand("serve", "Serve the web app and the HTTP API (FastAPI + uvicorn)."),
    "db": LazyCommand("db", "The ledger database: create it, upgrade it, see its revision."),
    "agreements": LazyCommand("agreements", "Data-sharing agreements: list, show and validate them."),
    "link": LazyCommand("link", "Match a request batch against a register; write one row per request."),
    "pprl": LazyCommand(
        "pprl",
        "Privacy-preserving matching: the holder never sees the identities of the people it does not hold.",
    ),
    "model": LazyCommand("model", "Linkage models: train one without labels, show what it learned."),
    "register": LazyCommand("register", "The holder's register: prepare it once for fast monthly matching."),
    "exchange": LazyCommand(
        "exchange",
        "Exchanges: a requester's batch matched under an agreement, with a minimal return and a full record.",
    ),
    "review": LazyCommand(
        "review", "The review band: matches the matcher was not sure of, decided by a named person."
    ),
    "outcomes": LazyCommand(
        "outcomes",
        "Outcomes: what the requester did with each returned record — use, onward sharing, interventions and the "
        "result — recorded append-only (a correction supersedes an event, never edits it).",
    ),
    "retention": LazyCommand(
        "retention",
        "Retention: files holding personal data are deleted once the agreement's retention period has passed; "
        "the ledger keeps its counts and pseudonymous rows and records each deletion.",
    ),
    "report": LazyCommand(
        "report",
        "Transparency reports from the ledger: the monthly outcomes spreadsheet the 2020 FOI request asked for, "
        "and the register of data shares.",
    ),
    "foi": LazyCommand(
        "foi",
        "FOI cases about the exchange: statutory deadlines in working days, Alaveteli's states, exemptions, "
        "internal review — and responses answered from the ledger with the monthly outcomes report.",
    ),
    "users": LazyCommand(
        "users",
        "Accounts for the web app, each with one role in one organisation, and API tokens for machine clients.",
    ),
    "audit": LazyCommand(
        "audit",
        "The audit trail: every change to the ledger appends an event (actor, UTC time, action, object), each "
        "hash-chained to the one before it, so an edited, deleted, inserted or reordered row breaks the chain.",
    ),
}
"""The root commands in the order ``sharelog --help`` lists them: name → the module under ``sharelog.cli`` that
defines it (``app`` or ``register(app)``) and the first paragraph of its help (tests/cli/test_startup.py checks
each against the command)."""


def _print_error(message: str, details: Sequence[str] = ()) -> None:
    print(f"Error: {message}", file=sys.stderr)
    for line in details:
        print(line, file=sys.stderr)


class SharelogGroup(TyperGroup):
    """The root command group: turns every failure into one ``Error: …`` line and the documented exit code.

    0 success · 2 bad input or usage · 1 internal error. Tracebacks are shown only with ``SHARELOG_DEBUG=1``
    because an exception's text may quote a value from a data file, and personal data never goes to a terminal.
    """

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._lazy = LazyCommands(COMMANDS, self._load)
        self._lazy.update(self.commands)
        self.commands = self._lazy
        self._listing = False

    def _load(self, name: str, module: str) -> click.Command:
        return load_command(
            name, module, rich_markup_mode=self.rich_markup_mode, suggest=self.suggest_commands
        )

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self._lazy)  # the names alone (Typer's reads every command)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if self._listing:  # the help's list of commands: the summaries, without importing the commands
            return self._lazy.summary(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        extra.pop("standalone_mode", None)
        try:
            rv = super().main(args=args, prog_name=prog_name or "sharelog", standalone_mode=False, **extra)
        except SharelogError as error:
            _print_error(error_line(error), error.details())
            sys.exit(error.exit_code)
        except click.exceptions.ClickException as error:  # usage errors from option parsing
            ctx = getattr(error, "ctx", None)
            if ctx is not None:
                print(ctx.get_usage(), file=sys.stderr)
                print(f"Try '{ctx.command_path} --help' for help.", file=sys.stderr)
            _print_error(error.format_message())
            sys.exit(error.exit_code)
        except Abort:
            _print_error("aborted")
            sys.exit(1)
        except Exception as error:  # noqa: BLE001 — the last line of defence: exit 1, no data in the message
            if os.environ.get("SHARELOG_DEBUG") == "1":
                traceback.print_exc()
            _print_error(
                f"internal error ({type(error).__name__}); run again with SHARELOG_DEBUG=1 to see the traceback"
            )
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    cls=SharelogGroup,
    name="sharelog",
    help=(
        "Accountable inter-agency data matching.\n\n"
        "A holder and a requester share data under a versioned agreement; sharelog matches each monthly batch "
        "against the holder's register, returns only what the agreement permits, and keeps a ledger of every "
        "count, every returned record and what happened to it afterwards.\n\n"
        "Start with `sharelog demo` (the whole story on synthetic data), then `sharelog agreements list`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"sharelog {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Accountable inter-agency data matching."""
    from sharelog.private_files import use_private_umask
    from sharelog.settings import Settings

    use_private_umask()  # what this run writes (ledger, returns, reports, libraries' files) is the user's alone
    if ctx.obj is None:
        ctx.obj = Settings()


def main() -> None:
    """Entry point of the ``sharelog`` script."""
    app(prog_name="sharelog")
