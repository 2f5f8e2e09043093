"""`sharelog retention apply` — delete return and review files past their retention date, and record it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from sharelog.cli._context import console, settings_of
from sharelog.cli._ledger import ledger_engine
from sharelog.retention import ExpiredFile, apply_retention

app = typer.Typer(
    help=(
        "Retention: files holding personal data are deleted once the agreement's retention period has passed; "
        "the ledger keeps its counts and pseudonymous rows and records each deletion.\n\n"
        "Run `sharelog retention apply` daily (e.g. from cron); `--dry-run` shows what would go."
    ),
    no_args_is_help=True,
)


def _status(file: ExpiredFile, *, dry_run: bool) -> str:
    if dry_run:
        return "would delete" if file.found else "gone already; would record"
    if not file.recorded:
        return "recorded by another run"
    if not file.found:
        return "gone already; deletion recorded"
    if file.checksum_matched is False:
        return "deleted (contents differed from the ledger's checksum)"
    return "deleted"


@app.command(
    "apply",
    help="\n\n".join(
        [
            "Delete every return file whose retention date has passed, and the review file of every exchange "
            "past its retention date; record each deletion in the ledger (deleted_at and an audit event with the "
            "file's checksum).",
            "A file's retention date is its last day: a file kept until 2019-06-02 is deleted from 2019-06-03. "
            "Each file is deleted first and recorded straight after, so the ledger never claims a deletion that "
            "did not happen; if a run stops in between, the next one records it. Safe to run again.",
            "--today may be a later day only with --dry-run: a deletion cannot be undone.",
            "Examples:",
            "    sharelog retention apply --dry-run",
            "    sharelog retention apply",
        ]
    ),
)
def apply_command(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be deleted; change nothing.")
    ] = False,
    today: Annotated[
        datetime | None, typer.Option("--today", formats=["%Y-%m-%d"], help="Judge retention as of this day.")
    ] = None,
) -> None:
    settings = settings_of(ctx)
    with ledger_engine(settings) as engine:
        result = apply_retention(
            settings, engine=engine, today=today.date() if today else None, dry_run=dry_run
        )
    out = console()
    for path in result.refused:
        out.print(f"Warning: the ledger names a return file outside the data folder; left alone: {path}")
    if not result.files:
        out.print(f"Nothing is past its retention date on {result.today}.")
        return
    table = Table(title=f"Past retention on {result.today}" + (" (dry run)" if result.dry_run else ""))
    for column in ("file", "exchange", "kind", "kept until", "status"):
        table.add_column(column)
    for file in result.files:
        table.add_row(
            file.path, file.exchange, file.kind, str(file.retention_until), _status(file, dry_run=dry_run)
        )
    out.print(table)
    if result.dry_run:
        out.print(f"Dry run: {len(result.files)} file(s) would go. Nothing was changed.")
    else:
        deleted = sum(1 for f in result.files if f.found)
        recorded = sum(1 for f in result.files if f.recorded)
        out.print(f"Deleted {deleted} file(s); recorded {recorded} deletion(s) in the ledger.")
