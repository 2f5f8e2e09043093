"""The ``sharelog`` command line: thin commands that call one service function each and format the result.

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
from sharelog.errors import SharelogError

__all__ = ["app", "main"]


def _print_error(message: str, details: Sequence[str] = ()) -> None:
    print(f"Error: {message}", file=sys.stderr)
    for line in details:
        print(line, file=sys.stderr)


class SharelogGroup(TyperGroup):
    """The root command group: turns every failure into one ``Error: …`` line and the documented exit code.

    0 success · 2 bad input or usage · 1 internal error. Tracebacks are shown only with ``SHARELOG_DEBUG=1``
    because an exception's text may quote a value from a data file, and personal data never goes to a terminal.
    """

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


def _register_commands() -> None:
    from sharelog.cli import agreements, db, demo, exchange, link, model, register, review, synth

    app.add_typer(db.app, name="db")
    app.add_typer(agreements.app, name="agreements")
    synth.register(app)
    app.add_typer(link.app, name="link")
    app.add_typer(model.app, name="model")
    app.add_typer(register.app, name="register")
    app.add_typer(exchange.app, name="exchange")
    app.add_typer(review.app, name="review")
    from sharelog.cli import foi, outcomes, report, retention, serve, subject, users

    app.add_typer(outcomes.app, name="outcomes")
    subject.register(app)
    app.add_typer(retention.app, name="retention")
    app.add_typer(report.app, name="report")
    app.add_typer(foi.app, name="foi")
    demo.register(app)
    serve.register(app)
    app.add_typer(users.app, name="users")
    from sharelog.cli import audit

    app.add_typer(audit.app, name="audit")


_register_commands()


def main() -> None:
    """Entry point of the ``sharelog`` script."""
    app(prog_name="sharelog")
