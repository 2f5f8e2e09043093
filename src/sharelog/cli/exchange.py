"""`sharelog exchange run` — one monthly batch under an agreement, start to finish."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sharelog.cli._context import console, progress_bars, settings_of
from sharelog.exchange import run_exchange

app = typer.Typer(
    help=(
        "Exchanges: a requester's batch matched under an agreement, with a minimal return and a full record.\n\n"
        "The register is the prepared one in <data dir>/register (SHARELOG_REGISTER_DIR); the holder's key "
        "for subject keys comes from SHARELOG_HOLDER_KEY_FILE."
    ),
    no_args_is_help=True,
)


@app.command("run")
def run_command(
    ctx: typer.Context,
    agreement: Annotated[
        str, typer.Option("--agreement", help="The agreement's id, e.g. ho-dfe-2019-update.")
    ],
    purpose: Annotated[str, typer.Option("--purpose", help="One of the agreement's purpose codes.")],
    batch: Annotated[Path, typer.Option("--batch", help="The request batch (CSV or Parquet).")],
    month: Annotated[
        str | None,
        typer.Option("--month", help="The month it counts towards (YYYY-MM); default: this month."),
    ] = None,
    rerun: Annotated[
        bool, typer.Option("--rerun", help="Run a batch that was already run (recorded as a rerun).")
    ] = False,
) -> None:
    """Validate, match and return one batch; record every count and returned record in the ledger.

    The batch is checked against the agreement in force that month — only the fields it lets the requester
    send, one of its purposes, within its monthly cap — and refused whole, every problem listed, if anything
    is wrong. Matches go into the return file with only the agreement's return fields; non-matches reveal
    nothing. The ledger rows and the return file appear together or not at all.

    Example: sharelog exchange run --agreement ho-dfe-2019-update --purpose reestablish-contact
    --batch requests-2019-03.csv --month 2019-03
    """
    with progress_bars({"matching": "Matching"}) as progress:
        result = run_exchange(
            settings_of(ctx),
            agreement_id=agreement,
            purpose=purpose,
            batch=batch,
            month=month,
            rerun=rerun,
            progress=progress,
        )
    counts = result.counts
    out = console()
    rerun_text = f" (rerun of {result.rerun_of})" if result.rerun_of else ""
    out.print(
        f"Exchange {result.reference}{rerun_text} under {result.agreement}, month {result.month}: {result.state}."
    )
    out.print(
        f"  received {counts['received']:,} · matched {counts['match']:,} · review {counts['review']:,} · "
        f"no match {counts['no_match']:,} · returned {counts['returned']:,}"
    )
    out.print(f"  return file: {result.return_file}")
    if counts["review"]:
        out.print(
            f"  {counts['review']:,} in the review band: `sharelog review list --exchange {result.reference}`"
        )
