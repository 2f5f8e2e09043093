"""`sharelog foi …` — FOI cases: deadlines, states, exemptions, internal review, responses from the ledger."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sharelog.cli import _foi_reference
from sharelog.cli._context import console, settings_of
from sharelog.cli._foi_common import (
    DATE_FORMATS,
    CaseArgument,
    OnOption,
    OrgOption,
    RegimeOption,
    TodayOption,
    date_text,
    day_of,
    extra_holidays_of,
    print_cases,
    read_request_text,
)
from sharelog.cli._ledger import ledger_transaction
from sharelog.errors import InputError
from sharelog.foi import (
    AUTHORITY_TYPES,
    FOIA_IN_FORCE,
    MAX_REQUEST_TEXT,
    OUTCOMES,
    STATES,
    CaseView,
    case_folder,
    clarification_received,
    extend_deadline,
    fee_paid,
    give_fees_notice,
    list_cases,
    new_case,
    read_case,
    receiving_organisation,
    request_review,
    respond,
    seek_clarification,
    withdraw_case,
)
from sharelog.foi import cases_due as list_cases_due
from sharelog.reports import parse_period

app = typer.Typer(
    help=(
        "FOI cases about the exchange: statutory deadlines in working days, Alaveteli's states, exemptions, "
        "internal review — and responses answered from the ledger with the monthly outcomes report.\n\n"
        "FOIA s.10: the response is due on the 20th working day after receipt; Saturdays, Sundays, Christmas Day, "
        "Good Friday and bank holidays in any part of the UK do not count (FOISA: Scottish bank holidays only). "
        "Overdue and long overdue are worked out when read, never stored.\n\n"
        "Start with `sharelog foi deadline 2020-08-12` (prints 2020-09-10), then `sharelog foi new`."
    ),
    no_args_is_help=True,
)


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
        raise InputError(f"--state: '{unknown[0]}' is not one of {', '.join(STATES)}")
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
    "clarify",
    help="\n\n".join(
        [
            "Record a request for clarification (s.1(3)): the case waits for the requester and no deadline runs. "
            "When the reply arrives, record it with --received: a new 20 working days start from that day "
            "(s.10(6)(b)).",
            "Examples:",
            "    sharelog foi clarify FOI-2020-0001 --sought 2020-08-14",
            "    sharelog foi clarify FOI-2020-0001 --received 2020-08-20",
        ]
    ),
)
def clarify_command(
    ctx: typer.Context,
    case: CaseArgument,
    org: OrgOption = None,
    sought: Annotated[
        datetime | None,
        typer.Option("--sought", formats=DATE_FORMATS, help="The day clarification was asked for."),
    ] = None,
    received: Annotated[
        datetime | None,
        typer.Option("--received", formats=DATE_FORMATS, help="The day the clarification arrived."),
    ] = None,
) -> None:
    settings = settings_of(ctx)
    if (sought is None) == (received is None):
        raise InputError("give one of --sought DATE or --received DATE")
    with ledger_transaction(settings) as session:
        if sought is not None:
            view = seek_clarification(
                session,
                case_reference=case,
                organisation_id=org,
                sought_on=sought.date(),
                actor=settings.actor,
                extra_holidays=extra_holidays_of(settings),
            )
            message = (
                f"Case {view.reference} waits for clarification (sought {sought.date()}); no deadline runs."
            )
        else:
            assert received is not None
            view = clarification_received(
                session,
                case_reference=case,
                organisation_id=org,
                received_on=received.date(),
                actor=settings.actor,
                extra_holidays=extra_holidays_of(settings),
            )
            message = (
                f"Case {view.reference}: clarification received {received.date()}; the clock restarts, response "
                f"due {date_text(view.clock.due)}."
            )
    console().print(escape(message))


@app.command(
    "fees",
    help="\n\n".join(
        [
            "Record a fees notice (s.9) or its payment. The working days from the day the notice is given to the "
            "day the fee is received do not count (s.10(2)); while the fee is unpaid the case has no due date.",
            "Examples:",
            "    sharelog foi fees FOI-2020-0001 --notice 2020-08-20 --amount 35.00",
            "    sharelog foi fees FOI-2020-0001 --paid 2020-09-01",
        ]
    ),
)
def fees_command(
    ctx: typer.Context,
    case: CaseArgument,
    org: OrgOption = None,
    notice: Annotated[
        datetime | None,
        typer.Option("--notice", formats=DATE_FORMATS, help="The day the fees notice was given."),
    ] = None,
    paid: Annotated[
        datetime | None, typer.Option("--paid", formats=DATE_FORMATS, help="The day the fee arrived.")
    ] = None,
    amount: Annotated[float | None, typer.Option("--amount", help="The fee asked for, in pounds.")] = None,
) -> None:
    settings = settings_of(ctx)
    if (notice is None) == (paid is None):
        raise InputError("give one of --notice DATE or --paid DATE")
    with ledger_transaction(settings) as session:
        if notice is not None:
            view = give_fees_notice(
                session,
                case_reference=case,
                organisation_id=org,
                given_on=notice.date(),
                amount=amount,
                actor=settings.actor,
                extra_holidays=extra_holidays_of(settings),
            )
            message = f"Case {view.reference}: fees notice given {notice.date()}; the clock is paused until payment."
        else:
            assert paid is not None
            view = fee_paid(
                session,
                case_reference=case,
                organisation_id=org,
                paid_on=paid.date(),
                actor=settings.actor,
                extra_holidays=extra_holidays_of(settings),
            )
            message = (
                f"Case {view.reference}: fee paid {paid.date()}; response due {date_text(view.clock.due)}."
            )
    console().print(escape(message))


@app.command(
    "extend",
    help="\n\n".join(
        [
            "Extend the deadline to consider the public interest (FOIA s.10(3); FOISA has no such extension): at "
            "most 20 more working days in all, for qualified exemptions only, notified (s.17(2)) by the 20th "
            "working day.",
            "Example:",
            "    sharelog foi extend FOI-2020-0001 --days 20 --exemption '31(1)(e)' --on 2020-09-08",
        ]
    ),
)
def extend_command(
    ctx: typer.Context,
    case: CaseArgument,
    days: Annotated[int, typer.Option("--days", help="Working days to add (1 to 20 in all).")],
    exemption: Annotated[
        list[str], typer.Option("--exemption", help="A qualified exemption under consideration (repeatable).")
    ],
    on: OnOption = None,
    org: OrgOption = None,
) -> None:
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        view = extend_deadline(
            session,
            case_reference=case,
            organisation_id=org,
            days=days,
            exemptions=exemption,
            extended_on=day_of(on),
            actor=settings.actor,
            extra_holidays=extra_holidays_of(settings),
        )
    console().print(
        escape(
            f"Case {view.reference}: deadline extended by {days} working days to consider the public interest; "
            f"response now due {date_text(view.clock.due)}."
        )
    )


@app.command(
    "respond",
    help="\n\n".join(
        [
            "Respond to a case — or, during an internal review, give the review's outcome — and write the letter "
            "(Markdown and DOCX) with the case reference, the dates, the outcome, the exemptions, the internal-"
            "review route and the right to complain to the Information Commissioner (s.50).",
            "Outcomes: " + ", ".join(OUTCOMES) + ". partially_successful, rejected and ncnd cite --exemption "
            "(see `sharelog foi exemptions`); a qualified exemption needs --public-interest; ncnd needs exemptions "
            "with a neither-confirm-nor-deny provision; s12_cost needs --hours above the limit (£600 central "
            "government, £450 others, at £25 an hour).",
            "--with-report PERIOD answers from the ledger: the monthly outcomes report for those months, with "
            "disclosure control, is written next to the letter, which quotes its headline figures and notes.",
            "Examples:",
            "    sharelog foi respond 59907 --outcome successful --on 2020-09-09 --with-report 2019-01..2019-12",
            "    sharelog foi respond 59907 --outcome rejected --exemption '31(1)(e)' --public-interest '…'",
            "    sharelog foi respond FOI-2020-0002 --outcome s12_cost --hours 30",
        ]
    ),
)
def respond_command(
    ctx: typer.Context,
    case: CaseArgument,
    outcome: Annotated[str, typer.Option("--outcome", metavar="|".join(OUTCOMES), help="The outcome.")],
    on: OnOption = None,
    exemption: Annotated[
        list[str] | None,
        typer.Option("--exemption", help="An exemption relied on, e.g. 31(1)(e) (repeatable)."),
    ] = None,
    public_interest: Annotated[
        str | None, typer.Option("--public-interest", help="Why the public interest favours withholding.")
    ] = None,
    hours: Annotated[float | None, typer.Option("--hours", help="s12_cost: the estimated hours.")] = None,
    with_report: Annotated[
        str | None,
        typer.Option(
            "--with-report", metavar="PERIOD", help="Attach the monthly report: 2019, 2019-01..2019-12."
        ),
    ] = None,
    agreement: Annotated[
        str | None, typer.Option("--agreement", metavar="ID", help="The report for one agreement only.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Further text for the letter.")] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="DIR", help="Where to write; default <data dir>/foi/ORG/CASE."),
    ] = None,
    org: OrgOption = None,
) -> None:
    settings = settings_of(ctx)
    months = parse_period(with_report, field="report_months") if with_report else None
    with ledger_transaction(settings) as session:
        found = read_case(session, case_reference=case, today=day_of(None), organisation_id=org)
        folder = out or case_folder(
            settings.data_dir, organisation_id=found.organisation_id, reference=found.reference
        )
        result = respond(
            session,
            case_reference=case,
            organisation_id=found.organisation_id,
            outcome=outcome,
            responded_on=day_of(on),
            actor=settings.actor,
            out_dir=folder,
            exemptions=exemption or (),
            public_interest=public_interest,
            hours_estimate=hours,
            note=note,
            report_months=months,
            agreement_id=agreement,
            retention_days=settings.foi_case_retention_days,
            extra_holidays=extra_holidays_of(settings),
        )
    view = result.case
    stage = "Internal review of case" if result.response.stage == "internal_review" else "Case"
    timing = ""
    if result.response.stage == "initial" and view.clock.due is not None:
        timing = " (in time)" if view.answered_in_time else f" (LATE: due {view.clock.due})"
    out_console = console()
    out_console.print(
        escape(
            f"{stage} {view.reference}: responded {result.response.responded_on}, {result.response.outcome}{timing}."
        )
    )
    for kind, path in result.files.items():
        out_console.print(escape(f"  {kind.replace('_', ' ')}: {path}"))
    for figures in result.letter.headline:
        values = ", ".join(
            f"{label.lower()} {value}"
            for label, value in zip(("Received", "Returned", "Outcome unknown"), figures.values, strict=True)
        )
        out_console.print(escape(f"  {figures.column}: {values}"))
    if result.response.stage == "initial":
        out_console.print(f"  Internal review can be asked for until {result.response.review_by}.")


@app.command(
    "review",
    help="\n\n".join(
        [
            "Record the requester's request for an internal review of the response: due 20 working days later, "
            "long overdue after 40 (the ICO's maximum). One review per case; after it the requester can complain "
            "to the Information Commissioner (s.50). Answer it with `sharelog foi respond`.",
            "The review must be asked for within 40 working days of the response; a later request is refused "
            "unless the authority accepts it all the same (--late).",
            "Examples:",
            "    sharelog foi review 59907 --on 2020-10-01",
            "    sharelog foi review 59907 --on 2020-12-01 --late",
        ]
    ),
)
def review_command(
    ctx: typer.Context,
    case: CaseArgument,
    on: OnOption = None,
    late: Annotated[
        bool, typer.Option("--late", help="Accept a review asked for after 40 working days.")
    ] = False,
    org: OrgOption = None,
) -> None:
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        view = request_review(
            session,
            case_reference=case,
            organisation_id=org,
            requested_on=day_of(on),
            accept_late=late,
            actor=settings.actor,
            extra_holidays=extra_holidays_of(settings),
        )
    assert view.review is not None
    console().print(
        escape(
            f"Case {view.reference}: internal review asked for on {view.review.requested_on}; due "
            f"{view.review.due}, long overdue after {view.review.long_overdue_after}."
        )
    )


@app.command(
    "withdraw",
    help="\n\n".join(
        [
            "Record that the requester withdrew the request — or never answered a request for clarification. "
            "Possible while the case awaits a response, clarification or review.",
            "Example:",
            "    sharelog foi withdraw FOI-2020-0001 --on 2020-08-20",
        ]
    ),
)
def withdraw_command(
    ctx: typer.Context, case: CaseArgument, on: OnOption = None, org: OrgOption = None
) -> None:
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        view = withdraw_case(
            session,
            case_reference=case,
            organisation_id=org,
            withdrawn_on=day_of(on),
            actor=settings.actor,
            extra_holidays=extra_holidays_of(settings),
        )
    console().print(escape(f"Case {view.reference} withdrawn on {day_of(on)}."))


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


# deadline, stats, exemptions, states and purge live in _foi_reference.py: `--help` lists deadline first, then the
# case commands above, then the rest
_reference = _foi_reference.app.registered_commands
app.registered_commands[:0] = [command for command in _reference if command.name == "deadline"]
app.registered_commands.extend(command for command in _reference if command.name != "deadline")
