"""`sharelog review list|show|accept|reject` — the review band, decided by a named person."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from sharelog.cli._context import console, settings_of
from sharelog.cli._ledger import ledger_engine, ledger_transaction
from sharelog.exchange import decide, review_case, review_queue

app = typer.Typer(
    help=(
        "The review band: matches the matcher was not sure of, decided by a named person.\n\n"
        "Accepted ones are returned in a supplementary return file once every item of the exchange is decided, "
        "and become disclosures; every decision is in the ledger with who made it."
    ),
    no_args_is_help=True,
)

ExchangeArg = Annotated[str, typer.Argument(help="The exchange reference, e.g. EX-2019-03-1a2b3c4d.")]
RequestArg = Annotated[str, typer.Argument(help="The request's reference as sent (request_id).")]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who decides (default: SHARELOG_ACTOR or your user).")
]
NoteOption = Annotated[
    str | None, typer.Option("--note", help="Why (kept in the ledger; avoid personal data).")
]


@app.command("list")
def list_command(
    ctx: typer.Context,
    exchange: Annotated[str | None, typer.Option("--exchange", help="Only this exchange.")] = None,
) -> None:
    """List the undecided items: exchange, request, probability and why it is in review (no personal data).

    Example: sharelog review list --exchange EX-2019-03-1a2b3c4d
    """
    with ledger_transaction(settings_of(ctx)) as session:
        queue = review_queue(session, exchange=exchange)
    out = console()
    if not queue:
        out.print("Nothing to review.")
        return
    table = Table(title=f"Review queue: {len(queue)} undecided")
    for column in ("exchange", "request", "probability", "why"):
        table.add_column(column, justify="right" if column == "probability" else "left")
    for case in queue:
        # Text, not markup: a request id is the requester's text, and "[link=…]" in it must not become a link
        table.add_row(case.exchange, Text(case.request_ref), f"{case.match_probability:.3f}", case.reason)
    out.print(table)
    out.print("Compare one: sharelog review show EXCHANGE REQUEST")


@app.command("show")
def show_command(ctx: typer.Context, exchange: ExchangeArg, request: RequestArg) -> None:
    """Show the request and the candidate side by side (personal data: for the holder's reviewer only).

    Example: sharelog review show EX-2019-03-1a2b3c4d HO-2019-03-00042
    """
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        case = review_case(session, settings, exchange=exchange, request_ref=request)
    out = console()
    # markup=False and Text: the batch's values are shown as written, never read as rich markup
    out.print(
        f"{exchange} / {request}: probability {case.match_probability:.3f} — {case.reason}", markup=False
    )
    table = Table()
    table.add_column("field")
    table.add_column("request")
    table.add_column(Text(f"candidate {case.candidate_id}"))
    request_fields = case.request or {}
    candidate = case.candidate or {}
    for field in case.fields:  # what the agreement matches on, no more
        table.add_row(
            field, Text(str(request_fields.get(field) or "")), Text(str(candidate.get(field) or ""))
        )
    out.print(table)
    out.print(f"Decide: sharelog review accept {exchange} {request} --by NAME   (or reject)", markup=False)


def _decide(
    ctx: typer.Context, exchange: str, request: str, *, accept: bool, by: str | None, note: str | None
) -> None:
    settings = settings_of(ctx)
    with ledger_engine(settings) as engine:
        result = decide(
            settings,
            engine=engine,
            exchange=exchange,
            request_ref=request,
            accept=accept,
            decided_by=by or settings.actor,
            note=note,
        )
    out = console()
    out.print(
        f"{exchange} / {request}: {result.decision}. {result.remaining} left to decide in {exchange}.",
        markup=False,
    )
    if result.remaining == 0:
        if result.supplementary_file is not None:
            out.print(
                f"Exchange complete: {result.returned} accepted returned in {result.supplementary_file}"
            )
        else:
            out.print("Exchange complete: nothing accepted, nothing more returned.")


@app.command("accept")
def accept_command(
    ctx: typer.Context,
    exchange: ExchangeArg,
    request: RequestArg,
    by: ByOption = None,
    note: NoteOption = None,
) -> None:
    """Accept the candidate: it will be returned (in a supplementary file) and recorded as a disclosure.

    Example: sharelog review accept EX-2019-03-1a2b3c4d HO-2019-03-00042 --by "A. Reviewer"
    """
    _decide(ctx, exchange, request, accept=True, by=by, note=note)


@app.command("reject")
def reject_command(
    ctx: typer.Context,
    exchange: ExchangeArg,
    request: RequestArg,
    by: ByOption = None,
    note: NoteOption = None,
) -> None:
    """Reject the candidate: nothing is returned for this request.

    Example: sharelog review reject EX-2019-03-1a2b3c4d HO-2019-03-00042 --by "A. Reviewer" --note "twin"
    """
    _decide(ctx, exchange, request, accept=False, by=by, note=note)
