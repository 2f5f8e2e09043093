"""`sharelog report monthly|coverage|shares` — the monthly outcomes spreadsheet, how much of the FOI it answers, and the
register of data shares."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sharelog.cli._context import console, settings_of
from sharelog.cli._ledger import ledger_transaction
from sharelog.reports import (
    DEFAULT_PROFILE,
    FOI_QUESTIONS,
    FORMATS,
    PERIOD_LENGTHS,
    Coverage,
    MonthlyReport,
    build_monthly_report,
    build_shares_register,
    coverage,
    month_label,
    months_between,
    parse_month,
    parse_period,
    record_report_generated,
    write_monthly_charts,
    write_monthly_report,
    write_shares_register,
)

app = typer.Typer(
    help=(
        "Transparency reports from the ledger: the monthly outcomes spreadsheet the 2020 FOI request asked for, "
        "and the register of data shares.\n\n"
        "Anything that leaves the building goes with --sdc publish (the default), under the monthly-series rule "
        "(--profile series, the default): records sent and returned by month, what happened to them by quarter "
        "and year; every figure rounded to the nearest 5, 1 to 4 shown as \\[low], a figure hidden as \\[c] only "
        "where it would give someone away. --profile 10-5 (ONS: 1 to 9 shown as \\[c]) and 1-4 stay available. "
        "--sdc internal shows exact counts, marked not for publication.\n\n"
        "Every file written is recorded in the audit trail (a report-generated event with the period, the "
        "disclosure control and each file's sha256)."
    ),
    no_args_is_help=True,
)

SdcOption = Annotated[
    str,
    typer.Option(
        "--sdc",
        metavar="publish|internal",
        help="publish: disclosure control (the default, for anything leaving the building); internal: exact "
        "counts, marked not for publication.",
    ),
]
ProfileOption = Annotated[
    str,
    typer.Option(
        "--profile",
        metavar="series|10-5|1-4",
        help="Disclosure-control profile: series (the default: sent and returned by month, outcome breakdowns by "
        "quarter and year, 1-4 marked low), 10-5 (ONS: 1-9 suppressed) or 1-4 (1-4 suppressed); all round the "
        "rest to the nearest 5.",
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="|".join(FORMATS),
        help="The file format; by default the --out file's suffix.",
    ),
]


def _describe(report: MonthlyReport) -> str:
    if report.profile is None:
        return "internal: exact counts, NOT FOR PUBLICATION"
    suppressed = report.suppressed()
    mark = report.profile.small_mark
    small = suppressed.pop("primary", 0) if mark else 0  # small counts shown as a range, not withheld
    total = sum(suppressed.values())
    detail = ", ".join(f"{n} {reason}" for reason, n in sorted(suppressed.items()))
    return (
        f"published with disclosure control ({report.profile.name}): "
        + (f"{small} small counts shown as {mark}, " if mark else "")
        + f"{total} cells suppressed"
        + (f" ({detail})" if detail else "")
    )


@app.command(
    "monthly",
    help="\n\n".join(
        [
            "The monthly outcomes report: months as columns with a total per year; rows for records received, "
            "matched, sent to review and returned, then — of the returned — onward sharing by recipient, "
            "interventions by type, each record's latest result (with outcome unknown: these add up to the "
            "returned) and the people affected by removals and departures.",
            "XLSX has three sheets: Monthly (that table), Data (tidy rows: time_period, time_identifier, measure, "
            "category, value) and Notes (definitions, agreement versions in force, the disclosure-control rule, "
            "generation time). CSV holds the Monthly sheet; HTML the Monthly and Notes tables; JSON the tidy rows. "
            "--charts DIR also draws the PNG charts from the figures the report shows.",
            "Examples:",
            "    sharelog report monthly --from 2019-01 --to 2019-12 --out monthly-2019.xlsx --charts charts/",
            "    sharelog report monthly --from 2019-01 --to 2019-12 --agreement ho-dfe-2019-update "
            "--out monthly.html",
            "    sharelog report monthly --from 2019-01 --to 2019-03 --sdc internal --out internal.xlsx",
        ]
    ),
)
def monthly_command(
    ctx: typer.Context,
    first: Annotated[str, typer.Option("--from", metavar="YYYY-MM", help="The first month.")],
    last: Annotated[str, typer.Option("--to", metavar="YYYY-MM", help="The last month.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write (.xlsx, .csv, .html or .json).")],
    agreement: Annotated[
        str | None, typer.Option("--agreement", metavar="ID", help="One agreement (all its versions).")
    ] = None,
    format: FormatOption = None,
    sdc: SdcOption = "publish",
    profile: ProfileOption = DEFAULT_PROFILE,
    charts: Annotated[
        Path | None, typer.Option("--charts", metavar="DIR", help="Also draw the charts (PNG) into DIR.")
    ] = None,
) -> None:
    settings = settings_of(ctx)
    months = months_between(parse_month(first, field="from"), parse_month(last, field="to"))
    with ledger_transaction(settings) as session:
        report = build_monthly_report(
            session, months=months, agreement_id=agreement, sdc=sdc, profile=profile
        )
    written = write_monthly_report(report, out, format=format)
    drawn = write_monthly_charts(report, charts) if charts is not None else []
    with ledger_transaction(settings) as session:
        record_report_generated(session, report, files=[written, *drawn], actor=settings.actor)
    output = console()
    output.print(f"Wrote {written}: {report.title()}")
    output.print(f"  {_describe(report)}.")
    if report.no_data_text():
        output.print(escape(f"  {report.no_data_text()}"))
    for path in drawn:
        output.print(f"  Chart: {path}")


@app.command(
    "coverage",
    help="\n\n".join(
        [
            "How much of the FOI's table the published report answers: for each question of the 2020 request "
            "(records sent, returned, onward sharing, interventions, outcome unknown) and each whole month, "
            "quarter and year of the period, whether the report shows a figure — a count (0 included) or the "
            "small-number mark; c and x are not answers. Nothing is written or recorded.",
            "Example:",
            "    sharelog report coverage --from 2015-07 --to 2020-08 --profile series",
        ]
    ),
)
def coverage_command(
    ctx: typer.Context,
    first: Annotated[str, typer.Option("--from", metavar="YYYY-MM", help="The first month.")],
    last: Annotated[str, typer.Option("--to", metavar="YYYY-MM", help="The last month.")],
    profile: ProfileOption = DEFAULT_PROFILE,
    by_question: Annotated[
        bool, typer.Option("--by-question", help="Also show each question's share by period length.")
    ] = False,
) -> None:
    settings = settings_of(ctx)
    months = months_between(parse_month(first, field="from"), parse_month(last, field="to"))
    with ledger_transaction(settings) as session:
        report = build_monthly_report(session, months=months, sdc="publish", profile=profile)
    measured = coverage(report)
    output = console()
    output.print(
        coverage_table(measured, title=f"FOI questions answered: {report.period_text()}, profile {profile}")
    )
    if by_question:
        detail = Table(title="By question (answered / cells)")
        detail.add_column("Question")
        for length in PERIOD_LENGTHS:
            detail.add_column(length, justify="right")
        for question in FOI_QUESTIONS:
            shares = [measured.by_question[(question, length)] for length in PERIOD_LENGTHS]
            detail.add_row(question, *(f"{done}/{cells}" for done, cells in shares))
        output.print(detail)


def coverage_table(measured: Coverage, *, title: str) -> Table:
    """The coverage of the FOI's table by period length, for a terminal (also what ``sharelog demo`` ends with)."""
    table = Table(title=title)
    for heading in ("Period length", "Cells", "With a number", "With a number or the small-number mark"):
        table.add_column(heading, justify="left" if heading == "Period length" else "right")
    for length in PERIOD_LENGTHS:
        cells = measured.cells[length]
        table.add_row(
            length,
            str(cells),
            _share(measured.numbers[length], cells),
            _share(measured.answered[length], cells),
        )
    return table


def _share(count: int, cells: int) -> str:
    return f"{count} ({count / cells:.0%})" if cells else "-"


@app.command(
    "shares",
    help="\n\n".join(
        [
            "The register of data shares: one row per agreement version and month in which it was in force, "
            "in the shape of DfE's external data shares Home Office sheet — month, individuals requested, "
            "individuals returned — with the agreement's title, parties, purposes, legal basis, data items and "
            "retention.",
            "--period is a year (2019), a month (2019-03) or a range (2019-01..2019-06). Without --out the rows "
            "are printed.",
            "Examples:",
            "    sharelog report shares --period 2019",
            "    sharelog report shares --period 2019 --out shares-2019.xlsx",
        ]
    ),
)
def shares_command(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="A year, a month or a range of months.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="The file to write; none: print the rows.")
    ] = None,
    format: FormatOption = None,
    sdc: SdcOption = "publish",
    profile: ProfileOption = DEFAULT_PROFILE,
) -> None:
    settings = settings_of(ctx)
    months = parse_period(period)
    with ledger_transaction(settings) as session:
        register = build_shares_register(session, months=months, sdc=sdc, profile=profile)
    output = console()
    if out is not None:
        written = write_shares_register(register, out, format=format)
        with ledger_transaction(settings) as session:
            record_report_generated(session, register, files=[written], actor=settings.actor)
        output.print(f"Wrote {written}: {register.title()} ({len(register.rows)} rows).")
        return
    table = Table(title=register.title())
    for column in ("Month", "Agreement", "Requested", "Returned"):
        table.add_column(column, justify="right" if column in ("Requested", "Returned") else "left")
    for row in register.rows:
        requested = f"{row.requested:,}" if isinstance(row.requested, int) else escape(row.requested)
        returned = f"{row.returned:,}" if isinstance(row.returned, int) else escape(row.returned)
        table.add_row(month_label(row.month), row.version.label, requested, returned)
    output.print(table)
    if not register.rows:
        output.print("No agreement version was in force in the period.")
