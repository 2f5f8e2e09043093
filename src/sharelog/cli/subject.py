"""`sharelog subject` — a subject access search: everything the ledger holds about one pupil."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sharelog.cli._context import console, settings_of
from sharelog.cli._ledger import ledger_transaction
from sharelog.cli.outcomes import events_table
from sharelog.errors import InputError
from sharelog.subjects import SubjectAccessReport, subject_access

_HELP = "\n\n".join(
    [
        "Subject access: list every exchange, returned record (disclosure), outcome event and review item about "
        "one pupil — and nothing about anyone else.",
        "The pupil id is turned into its subject key with the holder's key (SHARELOG_HOLDER_KEY_FILE), exactly as "
        "the exchange did, and only that key is searched for — with, after a key rotation, the subject keys of the "
        "earlier holder keys in SHARELOG_HOLDER_KEY_PREVIOUS_FILES, since older rows keep the key they were "
        "written with. Requests that did not match left nothing that can "
        "be tied to a pupil, so they cannot be found.",
        "The search is recorded in the audit trail with its own reference, who ran it, the case reference and "
        "how much it found — never the pupil id or the subject key. Notes are free text: check them for other "
        "people's data before the report is released.",
        "Examples:",
        "    sharelog subject P0001234",
        "    sharelog subject P0001234 --case DPO-2020-117 --out sar-DPO-2020-117.json",
    ]
)


def register(app: typer.Typer) -> None:
    """Add the subject command to the root app."""

    @app.command("subject", help=_HELP)
    def subject(
        ctx: typer.Context,
        pupil_id: Annotated[
            str, typer.Argument(metavar="PUPIL_ID", help="The pupil's id in the holder's register.")
        ],
        out: Annotated[
            Path | None, typer.Option("--out", help="Also write the report as JSON to this file.")
        ] = None,
        case: Annotated[
            str | None,
            typer.Option(
                "--case", help="The subject access request's case reference, kept with the audit event."
            ),
        ] = None,
    ) -> None:
        settings = settings_of(ctx)
        key = settings.holder_key_bytes()
        previous_keys = settings.holder_previous_key_bytes()
        if out is not None and not out.parent.is_dir():
            raise InputError(f"--out: the folder {out.parent} does not exist")
        with ledger_transaction(settings) as session:
            report = subject_access(
                session,
                pupil_id=pupil_id,
                key=key,
                searched_by=settings.actor,
                case_reference=case,
                previous_keys=previous_keys,
            )
        if out is not None:
            out.write_text(
                json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        _print_report(console(), report)
        if out is not None:
            console().print(f"Wrote the report to {out}")


def _print_report(out: Console, report: SubjectAccessReport) -> None:
    case = f", case {report.case_reference}" if report.case_reference else ""
    out.print(
        f"Subject access search {report.search} for pupil {report.pupil_id} by {report.searched_by} at "
        f"{report.searched_at:%Y-%m-%d %H:%M} UTC{case}"
    )
    counts = report.counts()
    out.print(
        f"Found {counts['exchanges']} exchange(s), {counts['disclosures']} returned record(s), "
        f"{counts['outcome_events']} outcome event(s), {counts['review_items']} review item(s)."
    )
    if report.exchanges:
        table = Table(title="Exchanges")
        for column in ("exchange", "month", "agreement", "purpose", "state"):
            table.add_column(column)
        for exchange in report.exchanges:
            table.add_row(
                exchange.reference, exchange.month, exchange.agreement, exchange.purpose, exchange.state
            )
        out.print(table)
    for disclosure in report.disclosures:
        history = disclosure.outcomes
        deleted = (
            f"deleted {disclosure.return_file_deleted_at:%Y-%m-%d}"
            if disclosure.return_file_deleted_at
            else f"kept until {disclosure.retention_until}"
        )
        out.print(
            f"Disclosure {disclosure.disclosure_id}: {disclosure.exchange} / {disclosure.request_ref}, returned "
            f"{history.returned_on} with {', '.join(disclosure.fields_returned) or 'no fields'} "
            f"(probability {disclosure.match_probability:.3f}); return file {deleted}."
        )
        latest = history.latest_result
        out.print(
            f"  Latest result: {latest.code} on {latest.event_date}"
            if latest
            else f"  Outcome unknown (due by {history.due_on})"
        )
        if history.events:
            out.print(events_table(history, notes=True))
    if report.review_items:
        table = Table(title="Review items (the pupil was a candidate the matcher was unsure of)")
        for column in ("exchange", "request", "probability", "why", "decision", "by", "note"):
            table.add_column(column)
        for item in report.review_items:
            table.add_row(
                item.exchange,
                item.request_ref,
                f"{item.match_probability:.3f}",
                item.reason,
                item.decision or "undecided",
                item.decided_by or "",
                item.note or "",
            )
        out.print(table)
