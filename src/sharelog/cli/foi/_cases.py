"""`sharelog foi new|list|show|due` — opening a case, and reading the cases: the list, one case in full and what is
due. Registered on `sharelog foi` by ``cli/foi/__init__.py``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sharelog.cli._context import console, settings_of
from sharelog.cli._ledger import ledger_transaction
from sharelog.cli.foi._common import (
    DATE_FORMATS,
    CaseArgument,
    OrgOption,
    RegimeOption,
    TodayOption,
    date_text,
    day_of,
    print_cases,
    read_request_text,
)
from sharelog.errors import InputError
from sharelog.foi import (
    AUTHORITY_TYPES,
    FOIA_IN_FORCE,
    MAX_REQUEST_TEXT,
    STATES,
    CaseView,
    extra_holidays_of,
    list_cases,
    new_case,
    read_case,
    receiving_organisation,
)
from sharelog.foi import cases_due as list_cases_due
from sharelog.reports import parse_period

app = typer.Typer()
"""Commands added to `sharelog foi` (``cli/foi/__init__.py`` puts them in order)."""


@app.command(
    "new",
    help="\n\n".join(
        [
            "Open a case for a request received on --received: state waiting_response, response due on the 20th "
            "working day. The reference defaults to FOI-<year>-<nnnn>.",
            "--org names the organisation that received the request (its id in the ledger: a party to a recorded "
            "agreement, e.g. home-office). The case is its own: only its FOI officers (who alone see the "
            "requester's details) and auditors see it on the web and over the API, and its references are its own "
            "(another organisation may have a case of the same reference). --org may be left out only when the "
            "ledger holds a single organisation.",
            f"Limits: received on or after {FOIA_IN_FORCE} (FOIA in force) and not after today; the text at most "
            f"{MAX_REQUEST_TEXT:,} characters (--text-file: UTF-8, a byte-order mark is dropped); --about months "
            "from 2000-01 to this month, ten years at most.",
            "The requester's name and contact are personal data: never written to the audit trail or to a letter, "
            "and erased by `sharelog foi purge` once SHARELOG_FOI_CASE_RETENTION_DAYS have passed since receipt "
            "and since the last response. --about names the months the request asks about: a 'not held' response "
            "is then refused while the ledger holds exchanges in them.",
            "Authority types: central_government (s.12 limit £600), other (£450), school (long overdue after 60 "
            "working days, not 40).",
            "Example:",
            "    sharelog foi new --org home-office --received 2020-08-12 --reference 59907 "
            "--authority 'Home Office' --title 'Department for Education pupil data use: outcomes' "
            "--text-file request.txt --about 2015-07..2020-08 --requester 'J. Smith' "
            "--contact 'request-123@example.org'",
        ]
    ),
)
def new_command(
    ctx: typer.Context,
    received: Annotated[
        datetime, typer.Option("--received", formats=DATE_FORMATS, help="The day of receipt.")
    ],
    title: Annotated[str, typer.Option("--title", help="The request's subject.")],
    text: Annotated[str | None, typer.Option("--text", help="The request as received.")] = None,
    text_file: Annotated[
        Path | None, typer.Option("--text-file", help="A UTF-8 file holding the request as received.")
    ] = None,
    org: Annotated[
        str | None,
        typer.Option(
            "--org",
            metavar="ORG",
            help="The organisation that received the request (its id in the ledger, e.g. home-office).",
        ),
    ] = None,
    reference: Annotated[str | None, typer.Option("--reference", help="The case reference.")] = None,
    regime: RegimeOption = "foia",
    authority_type: Annotated[
        str,
        typer.Option("--authority-type", metavar="|".join(AUTHORITY_TYPES), help="The kind of authority."),
    ] = "central_government",
    authority: Annotated[str | None, typer.Option("--authority", help="The authority's name.")] = None,
    requester: Annotated[str | None, typer.Option("--requester", help="The requester's name.")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="The requester's contact address.")] = None,
    about: Annotated[
        str | None,
        typer.Option("--about", metavar="PERIOD", help="The months asked about: 2019, 2015-07..2020-08."),
    ] = None,
) -> None:
    settings = settings_of(ctx)
    if (text is None) == (text_file is None):
        raise InputError("give the request as --text or --text-file (one of them)")
    if text_file is not None:
        text = read_request_text(text_file)
    months = parse_period(about, field="about") if about else None
    with ledger_transaction(settings) as session:
        organisation = receiving_organisation(session, org)
        case = new_case(
            session,
            received_on=received.date(),
            title=title,
            request_text=text or "",
            actor=settings.actor,
            organisation_id=organisation,
            regime=regime,
            authority_type=authority_type,
            authority=authority,
            reference=reference,
            requester_name=requester,
            requester_contact=contact,
            about=months,
            retention_days=settings.foi_case_retention_days,
            extra_holidays=extra_holidays_of(settings),
        )
    console().print(
        f"Opened FOI case {escape(case.reference)}: received {case.received_on}, response due "
        f"{date_text(case.clock.due)} (20 working days, {case.regime.upper()})."
    )
    if org is None:
        console().print(escape(f"  Received by {case.organisation_id}, the ledger's only organisation."))


@app.command(
    "list",
    help="\n\n".join(
        [
            "List the cases, oldest first, with their state, due date and an OVERDUE or LONG OVERDUE tag "
            "(worked out for --today: overdue from the day after the due date; long overdue after 40 working days, "
            "60 for a school). During an internal review the due date is the review's.",
            "Examples:",
            "    sharelog foi list",
            "    sharelog foi list --open --today 2020-10-01",
            "    sharelog foi list --state rejected --state not_held",
            "    sharelog foi list --org home-office",
        ]
    ),
)
def list_command(
    ctx: typer.Context,
    state: Annotated[
        list[str] | None, typer.Option("--state", help="Only cases in this stored state (repeatable).")
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only cases awaiting something.")] = False,
    today: TodayOption = None,
    org: OrgOption = None,
) -> None:
    settings = settings_of(ctx)
    unknown = [s for s in state or [] if s not in STATES]
    if unknown:
        raise InputError(f"'{unknown[0]}' is not one of {', '.join(STATES)}", field="state")
    with ledger_transaction(settings) as session:
        cases = list_cases(
            session,
            today=day_of(today),
            organisation_id=org,
            states=state or (),
            extra_holidays=extra_holidays_of(settings),
        )
    if open_only:
        cases = [case for case in cases if case.is_open]
    print_cases(cases, title=f"FOI cases on {day_of(today)}", empty="No FOI cases.")


@app.command(
    "show",
    help="\n\n".join(
        [
            "Show one case: its dates, clock (start, pauses, extension, due, long overdue), state, events and "
            "responses with their exemptions and files. The requester's details are shown only with --requester.",
            "Examples:",
            "    sharelog foi show FOI-2020-0001",
            "    sharelog foi show 59907 --today 2020-09-11 --requester",
        ]
    ),
)
def show_command(
    ctx: typer.Context,
    case: CaseArgument,
    today: TodayOption = None,
    requester: Annotated[
        bool, typer.Option("--requester", help="Show the requester's name and contact.")
    ] = False,
    org: OrgOption = None,
) -> None:
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        view = read_case(
            session,
            case_reference=case,
            today=day_of(today),
            organisation_id=org,
            extra_holidays=extra_holidays_of(settings),
        )
    out = console()
    for line in _case_lines(view, requester=requester):
        out.print(escape(line))
    if view.events:
        table = Table(title="Events")
        for column in ("day", "event", "detail", "recorded by"):
            table.add_column(column)
        for event in view.events:
            detail = f"{event.days} working days" if event.days else ""
            extra = ", ".join(f"{k}: {v}" for k, v in event.detail.items() if v not in (None, [], False))
            table.add_row(
                str(event.on),
                event.kind,
                escape("; ".join(p for p in (detail, extra) if p)),
                event.recorded_by,
            )
        out.print(table)
    if view.responses:
        table = Table(title="Responses")
        for column in ("day", "stage", "outcome", "exemptions", "files"):
            table.add_column(column)
        for response in view.responses:
            table.add_row(
                str(response.responded_on),
                response.stage,
                response.outcome,
                ", ".join(f"s.{e.citation}" for e in response.exemptions),
                escape("\n".join(entry["path"] for entry in response.files.values())),
            )
        out.print(table)


def _case_lines(view: CaseView, *, requester: bool) -> list[str]:
    clock = view.clock
    lines = [
        f"FOI case {view.reference}: {view.title}",
        f"  Received by: {view.organisation_id}",
        f"  Regime: {view.regime.upper()} · authority: {view.authority or 'not named'} ({view.authority_type})",
        f"  Received: {view.received_on}"
        + (f" · asks about {view.about[0]}..{view.about[1]}" if view.about else ""),
        f"  State: {view.state} — {view.status_label} (on {view.today})",
    ]
    if clock.restarted:
        lines.append(f"  Clock restarted by the clarification received on {clock.start}")
    if clock.waiting_clarification_since is not None:
        lines.append(f"  Clock stopped: clarification sought on {clock.waiting_clarification_since}")
    for pause in clock.pauses:
        lines.append(
            f"  Clock paused: fees notice {pause.start}, " + (f"paid {pause.end}" if pause.end else "unpaid")
        )
    if clock.statutory_due is not None:
        due = f"  Response due: {date_text(clock.due)}"
        if clock.extension_days:
            due += f" (20 working days: {clock.statutory_due}; extended by {clock.extension_days})"
        lines.append(due)
        lines.append(f"  Long overdue after: {date_text(clock.long_overdue_after)}")
    if view.review is not None:
        lines.append(
            f"  Internal review: asked for on {view.review.requested_on}, due {view.review.due}, "
            f"long overdue after {view.review.long_overdue_after}"
        )
    first = view.first_response
    if first is not None:
        timing = "in time" if view.answered_in_time else "late"
        lines.append(f"  First response: {first.responded_on}, {first.outcome} ({timing})")
        if view.review is None and view.state != "user_withdrawn":
            lines.append(f"  Internal review can be asked for until {first.review_by}")
    if view.requester_erased_on is not None:
        lines.append(f"  Requester: details erased on {view.requester_erased_on}")
    elif requester:
        lines.append(
            f"  Requester: {view.requester_name or '(no name)'} · {view.requester_contact or '(no contact)'}"
        )
        lines.append(f"  Requester details kept until {view.requester_erase_after}")
    else:
        lines.append(f"  Requester details kept until {view.requester_erase_after} (--requester shows them)")
    return lines


@app.command(
    "due",
    help="\n\n".join(
        [
            "List the cases awaiting a response or an internal review, the earliest due first, with OVERDUE and "
            "LONG OVERDUE tags; cases paused by an unpaid fee come last.",
            "Examples:",
            "    sharelog foi due",
            "    sharelog foi due --overdue --today 2020-10-01",
        ]
    ),
)
def due_command(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past their due date.")] = False,
    today: TodayOption = None,
    org: OrgOption = None,
) -> None:
    settings = settings_of(ctx)
    day = day_of(today)
    with ledger_transaction(settings) as session:
        cases = list_cases_due(
            session,
            today=day,
            organisation_id=org,
            overdue_only=overdue,
            extra_holidays=extra_holidays_of(settings),
        )
    print_cases(
        cases,
        title=f"FOI cases {'overdue' if overdue else 'due'} on {day}",
        empty=f"No FOI case {'overdue' if overdue else 'awaiting a response'} on {day}.",
    )
