"""`sharelog demo` — the whole story on synthetic data and the embedded defaults."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sharelog.cli._context import console, progress_bars, settings_of
from sharelog.cli.report import coverage_table
from sharelog.demo import DEMO_MONTHS, DEMO_VOLUME, DemoResult, run_demo
from sharelog.reports import MonthlyTable, month_label
from sharelog.synth import VOLUME_PROFILES

_STAGES = {
    "households": "Synthetic register: households",
    "pupils": "Synthetic register: pupils",
    "register": "Reading the register",
    "requests": "Request batches: choosing",
    "errors": "Request batches: adding errors",
    "files": "Request batches: writing",
    "prepare": "Preparing the register",
    "training": "Training the linkage model",
    "writing": "Writing the prepared register",
    "relatives": "Comparing relatives in the register",
    "exchanges": "Running the monthly exchanges and deciding their review bands",
    "outcomes": "Recording outcomes",
    "reports": "Writing the table, the published report and its charts",
}

_HELP = "\n\n".join(
    [
        "Run the whole story on synthetic data, from scratch, in <data dir>/demo.",
        "A register of 200,000 pupils and monthly trace-request batches from July 2015 to August 2020 (the "
        "period of the 2020 FOI request) at the published volumes — about 80 requests a month, a quarter "
        "returned — each month under the agreement in force then (the 2015 MoU, its October 2016 version, the "
        "January 2019 update); the register prepared and a model trained; every exchange run (validated, "
        "matched, a minimal return, every disclosure in the ledger); every review band but the last two "
        "months' decided by a simulated reviewer; outcomes recorded for about 70% of the returned records (the "
        "rest stay unknown); then the table the 2020 FOI request asked for, printed by year and written month "
        "by month as CSV (exact counts, internal), the published report.xlsx with its charts (disclosure "
        "control under the default rule, the monthly series), and how much of the FOI's table it answers by month, "
        "quarter and year. Its own ledger, its own public key: never the real ledger.",
        "Examples:",
        "    sharelog demo                                   # the FOI's period at the published volumes",
        "    sharelog demo --volume load                     # 250 requests a month: more load, slower",
        "    sharelog demo --pupils 20000 --months 2018-07..2019-06",
    ]
)

PROGRESS_EVERY = 10.0  # seconds between plain progress lines when no terminal shows the bars

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def register(app: typer.Typer) -> None:
    """Add the demo command to the root app."""

    @app.command("demo", help=_HELP)
    def demo(
        ctx: typer.Context,
        pupils: Annotated[int, typer.Option("--pupils", help="Pupils in the synthetic register.")] = 200_000,
        volume: Annotated[
            str,
            typer.Option(
                "--volume",
                metavar="|".join(VOLUME_PROFILES),
                help="How many trace requests a month. published: as published by DfE and in a 2017 "
                "ministerial statement (about 80 a month, a quarter returned; 137 a month until December 2016, "
                "64 after). "
                "load: a steady 250 a month, 30% about registered pupils, to put the system under more load.",
            ),
        ] = DEMO_VOLUME,
        months: Annotated[
            str,
            typer.Option(
                "--months",
                metavar="YYYY-MM..YYYY-MM",
                help="The months of exchanges (default: the FOI request's period); each month needs an "
                "agreement in force.",
            ),
        ] = DEMO_MONTHS,
        requests: Annotated[
            int | None,
            typer.Option(
                "--requests",
                help="Trace requests over all the months, in the --volume profile's shape (default: the "
                "profile's own volumes).",
            ),
        ] = None,
        seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic data.")] = 2019,
    ) -> None:
        settings = settings_of(ctx)
        out = console()
        out.print(f"sharelog demo — working in {(settings.data_dir / 'demo').resolve()}")
        with progress_bars(_STAGES, log_every=PROGRESS_EVERY) as progress:
            result = run_demo(
                settings,
                pupils=pupils,
                volume=volume,
                requests=requests,
                months=months,
                seed=seed,
                progress=progress,
            )
        _print_result(out, result)


SHORT_LABELS = {
    "received": "Received from requester",
    "matched": "Matched",
    "review": "Sent to review",
    "returned": "Returned to requester",
    "leave_granted": "Leave granted",
    "contact_reestablished": "Contact re-established",
    "family_members": "Other family members",
}
HEADINGS = {
    "onward": "Of the returned: onward sharing",
    "intervention": "Of the returned: interventions",
    "result": "Of the returned: latest result",
    "people": "Affected by removal/departure",
}


def yearly_rich_table(table: MonthlyTable, *, title: str) -> Table:
    """The monthly table summed by calendar year, for a terminal (the months are in the CSV)."""
    years: dict[str, list[int]] = {}
    for index, month in enumerate(table.months):
        years.setdefault(month[:4], []).append(index)
    rich = Table(title=title, pad_edge=False, box=None, show_header=True)
    rich.add_column("", no_wrap=True)
    for year, columns in years.items():
        first, last = table.months[columns[0]], table.months[columns[-1]]
        whole = first.endswith("-01") and last.endswith("-12")
        span = year if whole else f"{year} {MONTH_NAMES[int(first[5:]) - 1]}–{MONTH_NAMES[int(last[5:]) - 1]}"
        rich.add_column(span, justify="right")
    rich.add_column("Total", justify="right", style="bold")
    section = None
    for row in table.rows:
        if row.section != section and row.section in HEADINGS:
            rich.add_row(f"[italic]{HEADINGS[row.section]}[/italic]")
        section = row.section
        label = SHORT_LABELS.get(row.key, row.label)
        label = label if row.section == "flow" else f"  {label}"
        cells = [f"{sum(row.values[i] for i in columns):,}" for columns in years.values()]
        rich.add_row(label, *cells, f"{row.total:,}")
    return rich


def _print_result(out: Console, result: DemoResult) -> None:
    synth = result.synth
    received = sum(r.counts["received"] for r in result.exchanges)
    returned = result.table.row("returned").total
    months = result.table.months
    period = f"{month_label(months[0])} to {month_label(months[-1])}"
    out.print(f"Register: {synth.pupils:,} synthetic pupils in {synth.households:,} households.")
    out.print(
        f"Exchanges: {len(result.exchanges)} monthly batches, {period}, volume profile {synth.volume}: "
        f"{received:,} requests received, {returned:,} records returned ({returned / max(received, 1):.0%})."
    )
    for agreement, used in _agreement_spans(result).items():
        out.print(f"  under {agreement}: {used}")
    out.print(
        f"Review: {result.reviews_decided} decided by a named person, {result.reviews_pending} waiting."
    )
    unknown = result.table.row("outcome_unknown").total
    out.print(
        f"Outcomes: {result.outcomes_recorded:,} events recorded; {unknown:,} of {returned:,} returned "
        f"records have no result yet — shown as outcome unknown, never dropped."
    )
    out.print(
        f"Audit trail: {result.audit_events:,} events, chain verified (head {result.audit_head[:12]}…)."
    )
    out.print(yearly_rich_table(result.table, title=f"Outcomes by year, {period}, internal: exact counts"))
    for label, path in [
        ("Monthly table (CSV)", result.table_csv),
        ("Report (published)", result.report_xlsx),
        *(("Chart", chart) for chart in result.charts),
        ("Return files", result.folder / "returns"),
        ("Register (synthetic)", synth.out_dir / "register.csv"),
        ("Ledger", result.ledger_url),
    ]:
        out.print(f"  {label + ':':<24}{path}")
    profile = result.published.profile
    rule = profile.name if profile is not None else "none"
    out.print(
        coverage_table(
            result.coverage,
            title=f"FOI questions answered by the published report: {period}, profile {rule}",
        )
    )


def _agreement_spans(result: DemoResult) -> dict[str, str]:
    """Each agreement version the demo ran under, and its months (``July 2015 to September 2016, 15 batches``)."""
    spans: dict[str, list[str]] = {}
    for month, agreement in result.used.items():
        spans.setdefault(f"{agreement.id} v{agreement.version}", []).append(month)
    return {
        name: f"{month_label(months[0])} to {month_label(months[-1])}, {len(months)} batches"
        for name, months in spans.items()
    }
