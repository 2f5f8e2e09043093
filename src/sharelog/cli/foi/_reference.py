"""`sharelog foi deadline|stats|exemptions|states|purge` — the working-day calculator, the year's statistics, the
catalogues and erasing requesters' details after retention. Registered on `sharelog foi` by ``cli/foi/__init__.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sharelog.cli._context import console, settings_of
from sharelog.cli._ledger import ledger_transaction
from sharelog.cli.foi._common import DATE_FORMATS, OrgOption, RegimeOption, TodayOption, day_of
from sharelog.foi import (
    EXEMPTIONS,
    REGIMES,
    STATES,
    TRANSITIONS,
    FoiStats,
    erase_expired_requesters,
    explain_deadline,
    extra_holidays_of,
    foi_stats,
)

app = typer.Typer()
"""Commands added to `sharelog foi` (``cli/foi/__init__.py`` puts them in order)."""


@app.command(
    "deadline",
    help="\n\n".join(
        [
            "Print the day a response is due: the 20th working day after the day of receipt (the day of receipt is "
            "day zero, even on a weekend). Only the date is printed, for scripts; --explain lists the days not "
            "counted and why.",
            "FOIA: Saturdays, Sundays, Christmas Day, Good Friday and a bank holiday in any part of the UK (England "
            "and Wales, Scotland, Northern Ireland) are not working days. FOISA: Scottish bank holidays only. "
            "Newly proclaimed days: SHARELOG_EXTRA_BANK_HOLIDAYS.",
            "Examples:",
            "    sharelog foi deadline 2020-08-12                  # 2020-09-10",
            "    sharelog foi deadline 2020-07-27 --explain        # 2020-08-25: 3 August is a Scottish bank holiday",
            "    sharelog foi deadline 2020-08-12 --regime foisa   # 2020-09-09",
            "    sharelog foi deadline 2020-09-10 --days 20        # an internal review asked for that day",
        ]
    ),
)
def deadline_command(
    ctx: typer.Context,
    received: Annotated[
        datetime,
        typer.Argument(metavar="DATE", formats=DATE_FORMATS, help="The day of receipt (YYYY-MM-DD)."),
    ],
    days: Annotated[int, typer.Option("--days", help="Working days to count.")] = 20,
    regime: RegimeOption = "foia",
    explain: Annotated[bool, typer.Option("--explain", help="Also list the days not counted.")] = False,
) -> None:
    explanation = explain_deadline(
        received.date(), days=days, regime=regime, extra_holidays=extra_holidays_of(settings_of(ctx))
    )
    lines = explanation.lines() if explain else [explanation.due.isoformat()]
    for line in lines:
        typer.echo(line)


@app.command(
    "stats",
    help="\n\n".join(
        [
            "Statistics of the cases received in a year, as they stand --today: received, answered, answered in "
            "time (by the due date, with any extension) and within 20 working days, still awaiting and overdue, "
            "outcomes of the first response and after review, internal reviews, and the exemptions cited (cases "
            "citing each) — like the authority statistics on WhatDoTheyKnow.",
            "Without --org, the cases of every organisation in the ledger are counted together.",
            "Examples:",
            "    sharelog foi stats --year 2020",
            "    sharelog foi stats --year 2020 --org home-office",
        ]
    ),
)
def stats_command(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="The year the cases were received in.")],
    today: TodayOption = None,
    org: OrgOption = None,
) -> None:
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        stats = foi_stats(
            session,
            year=year,
            today=day_of(today),
            organisation_id=org,
            extra_holidays=extra_holidays_of(settings),
        )
    for line in stats_lines(stats):
        console().print(escape(line))


def _share(part: int, whole: int) -> str:
    return f" ({100 * part / whole:.0f}%)" if whole else ""


def stats_lines(stats: FoiStats) -> list[str]:
    """The statistics as lines of text."""
    lines = [
        f"FOI cases received in {stats.year} (as on {stats.today})",
        f"  Received: {stats.received}",
        f"  Answered: {stats.answered}",
        f"    in time (by the due date, with any extension): {stats.answered_in_time}"
        + _share(stats.answered_in_time, stats.answered),
        f"    within 20 working days: {stats.answered_within_20}"
        + _share(stats.answered_within_20, stats.answered),
        f"    late: {stats.answered_late}",
    ]
    if stats.median_working_days is not None:
        lines.append(f"    median working days to respond: {stats.median_working_days:g}")
    lines += [
        f"  Awaiting a response or clarification: {stats.awaiting} (overdue now: {stats.overdue_now}, long overdue: "
        f"{stats.long_overdue_now})",
        f"  Withdrawn: {stats.withdrawn}",
        f"  Clarification sought: {stats.clarification_sought} · public-interest extensions: {stats.extended}",
        "  Outcomes (first response): "
        + (", ".join(f"{k} {v}" for k, v in stats.outcomes.items()) or "none"),
        f"  Internal reviews: {stats.reviews_requested} asked for, {stats.reviews_answered} answered, "
        f"{stats.reviews_changed} changed the outcome",
        "  Outcomes after review: "
        + (", ".join(f"{k} {v}" for k, v in stats.outcomes_after_review.items()) or "none"),
        "  Exemptions cited (cases): "
        + (", ".join(f"s.{k} {v}" for k, v in stats.exemptions.items()) or "none"),
    ]
    return lines


@app.command(
    "exemptions",
    help="\n\n".join(
        [
            "The exemptions of FOIA Part II that a response can cite: section, title, absolute or qualified "
            "(qualified ones need a public-interest statement), and the neither-confirm-nor-deny provision. "
            "A subsection not listed takes its section's entry (31(1)(a) is a qualified s.31 exemption).",
            "Example:",
            "    sharelog foi exemptions",
        ]
    ),
)
def exemptions_command() -> None:
    table = Table(title="FOIA Part II exemptions")
    for column in ("section", "exemption", "kind", "NCND", "note"):
        table.add_column(column)
    for entry in EXEMPTIONS.values():
        table.add_row(
            f"s.{entry.citation}",
            entry.title,
            entry.kind,
            f"s.{entry.ncnd}" if entry.ncnd else "—",
            entry.note,
        )
    console().print(table)


@app.command(
    "states",
    help="\n\n".join(
        [
            "The stored case states (Alaveteli's names) and the states each can move to. Overdue and long overdue "
            "are derived when read, never stored.",
            "Example:",
            "    sharelog foi states",
        ]
    ),
)
def states_command() -> None:
    table = Table(title="FOI case states")
    for column in ("state", "label", "meaning", "can go to"):
        table.add_column(column)
    for state in STATES.values():
        table.add_row(state.name, state.label, state.meaning, ", ".join(TRANSITIONS[state.name]) or "(final)")
    console().print(table)
    console().print(f"Regimes: {', '.join(REGIMES)}.")


@app.command(
    "purge",
    help="\n\n".join(
        [
            "Erase the requester's name and contact from every closed case whose retention has ended "
            "(SHARELOG_FOI_CASE_RETENTION_DAYS after receipt and after the last response; default 1095). Open "
            "cases keep them. Each erasure is recorded in the audit trail, without the details. Run it daily.",
            "Example:",
            "    sharelog foi purge",
        ]
    ),
)
def purge_command(ctx: typer.Context, today: TodayOption = None) -> None:
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        erased = erase_expired_requesters(session, actor=settings.actor, today=day_of(today))
    if not erased:
        console().print(f"No requester details past retention on {day_of(today)}.")
        return
    console().print(
        escape(f"Erased the requester's details from {len(erased)} case(s): {', '.join(erased)}.")
    )
