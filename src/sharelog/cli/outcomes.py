"""`sharelog outcomes record|import|due|show|codes` — what the requester did with each returned record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sharelog.cli._context import console, settings_of
from sharelog.cli._ledger import ledger_transaction
from sharelog.outcomes import (
    IMPORT_COLUMNS,
    KIND_DESCRIPTIONS,
    OUTCOME_CODES,
    RECORD_SORTS,
    RECORD_STATUSES,
    DisclosureOutcomes,
    OutcomeDue,
    OutcomeEventView,
    ReturnedRecord,
    import_outcomes,
    outcome_history,
    outcomes_due,
    outside_agreement,
    record_outcome,
    returned_records,
)

_TAXONOMY = "\n\n".join(f"{kind}: {', '.join(codes)}" for kind, codes in OUTCOME_CODES.items())

app = typer.Typer(
    help=(
        "Outcomes: what the requester did with each returned record — use, onward sharing, interventions and "
        "the result — recorded append-only (a correction supersedes an event, never edits it).\n\n"
        "No result recorded means the outcome is unknown; it is overdue from the day after the agreement's "
        "outcome-reporting window ends. The kinds and their codes:\n\n" + _TAXONOMY
    ),
    no_args_is_help=True,
)

DateOption = Annotated[
    datetime | None, typer.Option("--today", formats=["%Y-%m-%d"], help="Judge as of this day.")
]


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@app.command(
    "record",
    help="\n\n".join(
        [
            "Record one outcome event about a returned record (a disclosure).",
            "The date must not be in the future nor before the record was returned. Children and other family "
            "members affected go on result events only. An onward share to a recipient the agreement does not "
            "permit is recorded all the same — it happened — and flagged outside_agreement.",
            "To correct an event, record the right one with --supersedes set to the wrong one's id; the history "
            "keeps both. An event can be superseded once.",
            "The kinds and their codes:",
            _TAXONOMY,
            "Examples:",
            "    sharelog outcomes record 42 --kind onward_share --code police --date 2019-04-02",
            "    sharelog outcomes record 42 --kind result --code voluntary_departure --date 2019-06-10 "
            "--children 2 --family 1",
            "    sharelog outcomes record 42 --kind result --code not_located --date 2019-06-10 --supersedes 7",
        ]
    ),
)
def record_command(
    ctx: typer.Context,
    disclosure: Annotated[
        int,
        typer.Argument(
            metavar="DISCLOSURE",
            help="The disclosure's id, as `sharelog outcomes due` or `sharelog subject` show it.",
        ),
    ],
    kind: Annotated[str, typer.Option("--kind", help="use, onward_share, intervention or result.")],
    code: Annotated[str, typer.Option("--code", help="One of the kind's codes (listed above).")],
    event_date: Annotated[
        datetime, typer.Option("--date", formats=["%Y-%m-%d"], help="When it happened (YYYY-MM-DD).")
    ],
    children: Annotated[
        int | None, typer.Option("--children", help="Children affected (results only).")
    ] = None,
    family: Annotated[
        int | None, typer.Option("--family", help="Other family members affected (results only).")
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            "--note", help="Free text kept with the event, never in the audit trail; avoid personal data."
        ),
    ] = None,
    supersedes: Annotated[
        int | None,
        typer.Option("--supersedes", metavar="EVENT_ID", help="The id of the event this one corrects."),
    ] = None,
) -> None:
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        event = record_outcome(
            session,
            disclosure_id=disclosure,
            kind=kind,
            code=code,
            event_date=event_date.date(),
            recorded_by=settings.actor,
            children_affected=children,
            family_members_affected=family,
            note=note,
            supersedes=supersedes,
        )
        flagged = outside_agreement(event)
        agreement = event.disclosure.exchange.agreement
        exchange, request = event.disclosure.exchange.reference, event.disclosure.request_ref
    out = console()
    correcting = f", correcting event {event.supersedes_id}" if event.supersedes_id is not None else ""
    out.print(
        f"Recorded outcome event {event.id}{correcting} about disclosure {disclosure} ({exchange} / {request}): "
        f"{event.kind} {event.code} on {event.event_date}."
    )
    if flagged:
        out.print(
            f"Warning: {agreement.agreement_id} v{agreement.version} does not permit onward sharing with "
            f"{event.code}; the share is recorded and flagged outside_agreement."
        )


@app.command(
    "import",
    help="\n\n".join(
        [
            "Import outcome events from a CSV or XLSX file (first sheet): every row valid, or nothing imported.",
            "Columns (header in row 1): disclosure_id — or request_id with exchange_id, the exchange reference "
            "such as EX-2019-03-1a2b3c4d — then kind, code, date (YYYY-MM-DD); optional children_affected, "
            "family_members_affected and note. All columns: " + ", ".join(IMPORT_COLUMNS) + ".",
            "If any row has a problem, every problem is listed with its row (as a spreadsheet numbers it) and "
            "field, never its value, and nothing is recorded. The same file cannot be imported twice. Corrections "
            "are recorded one at a time with `sharelog outcomes record --supersedes`.",
            "The kinds and their codes:",
            _TAXONOMY,
            "Example:  sharelog outcomes import outcomes-2019-06.xlsx",
        ]
    ),
)
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The outcomes file (.csv or .xlsx).")],
) -> None:
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        result = import_outcomes(session, path=file, recorded_by=settings.actor)
    kinds = " · ".join(f"{kind} {result.by_kind[kind]}" for kind in OUTCOME_CODES if kind in result.by_kind)
    out = console()
    out.print(f"Imported {result.recorded} outcome events from {file}: {kinds}.")
    if result.outside_agreement_rows:
        rows = ", ".join(str(n) for n in result.outside_agreement_rows)
        out.print(
            f"Warning: {len(result.outside_agreement_rows)} onward share(s) to a recipient the agreement does not "
            f"permit (row {rows}): recorded and flagged outside_agreement."
        )


def _returned_table(title: str, last: str, rows: Sequence[tuple[OutcomeDue | ReturnedRecord, str]]) -> Table:
    """Returned records, one a row: which disclosure, from which exchange, when returned and due, and ``last``."""
    table = Table(title=title)
    for column in ("disclosure", "exchange", "request ref", "returned", "due", last):
        table.add_column(column, justify="right" if column in ("disclosure", "days overdue") else "left")
    for row, value in rows:
        table.add_row(
            str(row.disclosure_id),
            row.exchange,
            row.request_ref,
            str(row.returned_on),
            str(row.due_on),
            value,
        )
    return table


def _overdue_text(days: int) -> str:
    if days > 0:
        return str(days)
    if days == 0:
        return "due today"
    return f"due in {-days}"


@app.command(
    "due",
    help="\n\n".join(
        [
            "List the returned records whose outcome is unknown (no result recorded), the longest overdue first.",
            "An outcome is due by the day the record was returned plus the agreement's outcome-reporting window "
            "(outcome_reporting_window_days); it is overdue from the day after. A record returned on 2019-03-04 "
            "under a 90-day window is due by 2019-06-02 and overdue from 2019-06-03.",
            "Examples:",
            "    sharelog outcomes due",
            "    sharelog outcomes due --overdue --today 2019-07-01",
        ]
    ),
)
def due_command(
    ctx: typer.Context,
    today: DateOption = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past their due date.")] = False,
) -> None:
    day = _day(today) or date.today()
    with ledger_transaction(settings_of(ctx)) as session:
        due = outcomes_due(session, today=day, overdue_only=overdue)
    out = console()
    if not due:
        out.print(f"No outcomes {'overdue' if overdue else 'outstanding'} on {day}.")
        return
    out.print(
        _returned_table(
            f"Outcome unknown on {day}",
            "days overdue",
            [(row, _overdue_text(row.days_overdue)) for row in due],
        )
    )
    late = sum(1 for row in due if row.overdue)
    out.print(
        f"{len(due)} with outcome unknown, {late} overdue. Record one: sharelog outcomes record DISCLOSURE …"
    )


@app.command(
    "list",
    help="\n\n".join(
        [
            "The records returned to one organisation, a page at a time: filtered by where their outcome stands "
            f"(--status: {', '.join(RECORD_STATUSES)}) and by exchange, sorted (--sort: {', '.join(RECORD_SORTS)}) "
            "— what the web app's outcomes list shows a caseworker.",
            "Examples:",
            "    sharelog outcomes list --org home-office",
            "    sharelog outcomes list --org home-office --status overdue --sort newest --page 2",
        ]
    ),
)
def list_command(
    ctx: typer.Context,
    organisation: Annotated[
        str, typer.Option("--org", help="The organisation the records were returned to, e.g. home-office.")
    ],
    status: Annotated[
        str, typer.Option("--status", help="Which records (default: outcome unknown).")
    ] = "unknown",
    exchange: Annotated[str | None, typer.Option("--exchange", help="Only this exchange's records.")] = None,
    sort: Annotated[str, typer.Option("--sort", help="Their order.")] = "longest_overdue",
    page: Annotated[int, typer.Option("--page", help="The page, 25 records each.")] = 1,
    today: DateOption = None,
) -> None:
    day = _day(today) or date.today()
    with ledger_transaction(settings_of(ctx)) as session:
        listed = returned_records(
            session,
            organisation_id=organisation,
            today=day,
            status=status,
            exchange=exchange,
            sort=sort,
            page=page,
        )
    out = console()
    if not listed.records:
        out.print(f"No records returned to {organisation} with status {status} on {day}.")
        return
    title = f"Records returned to {organisation}, {status}, page {listed.page} of {listed.pages}"
    out.print(_returned_table(title, "status", [(row, row.result or row.status) for row in listed.records]))
    out.print(f"{listed.total} records; this is page {listed.page} of {listed.pages}.")


def _people(event: OutcomeEventView) -> str:
    parts = []
    if event.children_affected is not None:
        parts.append(f"children {event.children_affected}")
    if event.family_members_affected is not None:
        parts.append(f"family {event.family_members_affected}")
    return ", ".join(parts)


def _status_line(history: DisclosureOutcomes) -> str:
    latest = history.latest_result
    if latest is not None:
        people = _people(latest)
        return f"Latest result: {latest.code} on {latest.event_date}" + (f" ({people})" if people else "")
    if history.overdue:
        return f"Outcome unknown — overdue by {history.days_overdue} day(s) (due by {history.due_on})"
    return f"Outcome unknown — due by {history.due_on}"


def events_table(history: DisclosureOutcomes, *, notes: bool, title: str | None = None) -> Table:
    """The event history of one disclosure as a Rich table (also used by `sharelog subject`)."""
    table = Table(title=title)
    for column in ("event", "date", "kind", "code", "people", "recorded by", "status"):
        table.add_column(column, justify="right" if column == "event" else "left")
    if notes:
        table.add_column("note")
    for event in history.events:
        status = "current" if event.current else f"superseded by {event.superseded_by_id}"
        if event.supersedes_id is not None:
            status += f"; corrects {event.supersedes_id}"
        if event.outside_agreement:
            status += "; outside_agreement"
        cells = [
            str(event.id),
            str(event.event_date),
            event.kind,
            event.code,
            _people(event),
            event.recorded_by,
            status,
        ]
        table.add_row(*cells, *([event.note or ""] if notes else []))
    return table


@app.command(
    "show",
    help="\n\n".join(
        [
            "Show one disclosure's outcome events, oldest first, with what supersedes what, its latest result "
            "(or that the outcome is unknown) and when it is due.",
            "Notes are free text that may hold personal data; they are shown only with --notes.",
            "Example:  sharelog outcomes show 42 --notes",
        ]
    ),
)
def show_command(
    ctx: typer.Context,
    disclosure: Annotated[int, typer.Argument(metavar="DISCLOSURE", help="The disclosure's id.")],
    notes: Annotated[bool, typer.Option("--notes", help="Show each event's note.")] = False,
) -> None:
    with ledger_transaction(settings_of(ctx)) as session:
        history = outcome_history(session, disclosure_id=disclosure)
    out = console()
    out.print(
        f"Disclosure {history.disclosure_id}: exchange {history.exchange}, request {history.request_ref}, "
        f"returned {history.returned_on}, outcome due by {history.due_on}."
    )
    out.print(_status_line(history))
    if history.events:
        out.print(events_table(history, notes=notes))
    else:
        out.print("No outcome events recorded.")


@app.command(
    "codes",
    help="\n\n".join(
        [
            "List the kinds of outcome event and the codes of each (docs/design.md §2).",
            "A code means something within its kind only: safeguarding_referral is both a use and an "
            "intervention. Children and family members affected are recorded on results.",
            "Example:  sharelog outcomes codes",
        ]
    ),
)
def codes_command() -> None:
    table = Table(title="Outcome kinds and codes")
    table.add_column("kind")
    table.add_column("codes")
    table.add_column("what it records")
    for kind, codes in OUTCOME_CODES.items():
        table.add_row(kind, ", ".join(codes), KIND_DESCRIPTIONS[kind])
    console().print(table)
