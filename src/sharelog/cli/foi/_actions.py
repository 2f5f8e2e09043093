"""`sharelog foi clarify|fees|extend|respond|review|withdraw` — what is recorded on a case. Each clock action goes
through :func:`sharelog.foi.apply_case_action`, the entry point the pages and the API use too; a response writes
its letter with :func:`sharelog.foi.respond`. Registered on `sharelog foi` by ``cli/foi/__init__.py``."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sharelog.cli._context import console, settings_of
from sharelog.cli._ledger import ledger_transaction
from sharelog.cli.foi._common import DATE_FORMATS, CaseArgument, OnOption, OrgOption, date_text, day_of
from sharelog.errors import InputError, SharelogError
from sharelog.foi import (
    OUTCOMES,
    CaseChange,
    CaseView,
    ClarificationReceived,
    ClarificationSought,
    Extension,
    FeePaid,
    FeesNotice,
    ReviewRequest,
    Withdrawal,
    apply_case_action,
    extra_holidays_of,
    respond,
)
from sharelog.reports import parse_period

app = typer.Typer()
"""Commands added to `sharelog foi` (``cli/foi/__init__.py`` puts them in order)."""


def _one_of(**days: datetime | None) -> tuple[str, date]:
    """The one day option given (its name and day) of ``days``, which name a command's alternatives."""
    given = [(name, day.date()) for name, day in days.items() if day is not None]
    if len(given) != 1:
        raise InputError("give one of " + " or ".join(f"--{name} DATE" for name in days))
    return given[0]


def _record(
    ctx: typer.Context, case: str, org: str | None, change: CaseChange, *, day_option: str = "--on"
) -> CaseView:
    """Record ``change`` on the case ``case`` (of ``org``, when given) in one transaction.

    The services call the day of a change ``on``, given by ``--on``; ``clarify`` and ``fees`` give it by another
    option (``day_option``: ``--sought``, ``--notice``…), which names a problem with the day instead.
    """
    settings = settings_of(ctx)
    try:
        with ledger_transaction(settings) as session:
            return apply_case_action(
                session,
                reference=case,
                action=change,
                actor=settings.actor,
                organisation_id=org,
                extra_holidays=extra_holidays_of(settings),
            )
    except SharelogError as error:
        if error.field == "on" and day_option != "--on":
            error.field = day_option.removeprefix("--")  # printed as the option given: --sought, --paid…
        raise


def _say(message: str) -> None:
    console().print(escape(message))


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
    option, on = _one_of(sought=sought, received=received)
    if option == "sought":
        view = _record(ctx, case, org, ClarificationSought(on), day_option="--sought")
        _say(f"Case {view.reference} waits for clarification (sought {on}); no deadline runs.")
    else:
        view = _record(ctx, case, org, ClarificationReceived(on), day_option="--received")
        _say(
            f"Case {view.reference}: clarification received {on}; the clock restarts, response due "
            f"{date_text(view.clock.due)}."
        )


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
    option, on = _one_of(notice=notice, paid=paid)
    if option == "notice":
        view = _record(ctx, case, org, FeesNotice(on, amount=amount), day_option="--notice")
        _say(f"Case {view.reference}: fees notice given {on}; the clock is paused until payment.")
    else:
        view = _record(ctx, case, org, FeePaid(on), day_option="--paid")
        _say(f"Case {view.reference}: fee paid {on}; response due {date_text(view.clock.due)}.")


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
    view = _record(ctx, case, org, Extension(day_of(on), days=days, exemptions=exemption))
    _say(
        f"Case {view.reference}: deadline extended by {days} working days to consider the public interest; "
        f"response now due {date_text(view.clock.due)}."
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
            "disclosure control, is written next to the letter, which quotes its headline figures and notes. A "
            "report that withholds figures (\\[c]) is a partially_successful answer, citing s.40(2) for them.",
            "Examples:",
            "    sharelog foi respond 59907 --outcome partially_successful --with-report 2019-01..2019-12",
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
        result = respond(
            session,
            case_reference=case,
            organisation_id=org,
            outcome=outcome,
            responded_on=day_of(on),
            actor=settings.actor,
            out_dir=out,
            data_dir=settings.data_dir,
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
    view = _record(ctx, case, org, ReviewRequest(day_of(on), late=late))
    assert view.review is not None
    _say(
        f"Case {view.reference}: internal review asked for on {view.review.requested_on}; due "
        f"{view.review.due}, long overdue after {view.review.long_overdue_after}."
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
    day = day_of(on)
    view = _record(ctx, case, org, Withdrawal(day))
    _say(f"Case {view.reference} withdrawn on {day}.")
