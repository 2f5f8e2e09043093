"""`sharelog demo` — the whole story on synthetic data and the embedded defaults."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sharelog.cli._context import console, progress_bars, settings_of
from sharelog.demo import DemoResult, run_demo
from sharelog.reports import MonthlyTable

_STAGES = {
    "households": "Synthetic register: households",
    "register": "Reading the register",
    "requests": "Request batches: choosing",
    "errors": "Request batches: adding errors",
    "files": "Request batches: writing",
    "prepare": "Preparing the register",
    "training": "Training the linkage model",
    "exchanges": "Running the monthly exchanges",
    "outcomes": "Recording outcomes",
}

_HELP = "\n\n".join(
    [
        "Run the whole story on synthetic data, from scratch, in <data dir>/demo.",
        "A register of 200,000 pupils and a year of monthly trace-request batches (2019) under the January 2019 "
        "agreement; the register prepared and a model trained; every exchange run (validated, matched, a minimal "
        "return, every disclosure in the ledger); part of each review band decided by a simulated reviewer; "
        "outcomes recorded for about 70% of the returned records (the rest stay unknown); then the monthly "
        "table the 2020 FOI request asked for, printed and written as CSV (exact counts, internal), and the "
        "published report.xlsx with its charts (disclosure control applied). Its own ledger, its own public "
        "key: never the real ledger.",
        "Example:  sharelog demo --pupils 50000 --requests 1000",
    ]
)

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def register(app: typer.Typer) -> None:
    """Add the demo command to the root app."""

    @app.command("demo", help=_HELP)
    def demo(
        ctx: typer.Context,
        pupils: Annotated[int, typer.Option("--pupils", help="Pupils in the synthetic register.")] = 200_000,
        requests: Annotated[
            int, typer.Option("--requests", help="Trace requests over the twelve months of 2019.")
        ] = 3_000,
        seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic data.")] = 2019,
    ) -> None:
        settings = settings_of(ctx)
        out = console()
        out.print(f"sharelog demo — working in {(settings.data_dir / 'demo').resolve()}")
        with progress_bars(_STAGES) as progress:
            result = run_demo(settings, pupils=pupils, requests=requests, seed=seed, progress=progress)
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


def monthly_rich_tables(table: MonthlyTable, *, title: str, per_table: int = 6) -> list[Table]:
    """The monthly table for a terminal, in blocks of ``per_table`` months (the last with the year's total) so
    that each block fits an 80-column terminal."""
    blocks = [table.months[i : i + per_table] for i in range(0, len(table.months), per_table)]
    rendered = []
    for number, months in enumerate(blocks, start=1):
        columns = [table.months.index(m) for m in months]
        last = number == len(blocks)
        rich = Table(title=f"{title} ({number}/{len(blocks)})", pad_edge=False, box=None, show_header=True)
        rich.add_column("", no_wrap=True)
        for month in months:
            rich.add_column(MONTH_NAMES[int(month[5:]) - 1], justify="right")
        if last:
            rich.add_column("Total", justify="right", style="bold")
        section = None
        for row in table.rows:
            if row.section != section and row.section in HEADINGS:
                rich.add_row(f"[italic]{HEADINGS[row.section]}[/italic]")
            section = row.section
            label = SHORT_LABELS.get(row.key, row.label)
            label = label if row.section == "flow" else f"  {label}"
            cells = [f"{row.values[i]:,}" for i in columns] + ([f"{row.total:,}"] if last else [])
            rich.add_row(label, *cells)
        rendered.append(rich)
    return rendered


def _print_result(out: Console, result: DemoResult) -> None:
    synth = result.synth
    received = sum(r.counts["received"] for r in result.exchanges)
    returned = result.table.row("returned").total
    out.print(f"Register: {synth.pupils:,} synthetic pupils in {synth.households:,} households.")
    out.print(
        f"Exchanges: {len(result.exchanges)} monthly batches, {received:,} requests received, "
        f"{returned:,} records returned ({returned / max(received, 1):.0%})."
    )
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
    for block in monthly_rich_tables(result.table, title="Monthly outcomes 2019, internal: exact counts"):
        out.print(block)
    for label, path in [
        ("Monthly table (CSV)", result.table_csv),
        ("Report (published)", result.report_xlsx),
        *(("Chart", chart) for chart in result.charts),
        ("Return files", result.folder / "returns"),
        ("Register (synthetic)", synth.out_dir / "register.csv"),
        ("Ledger", result.ledger_url),
    ]:
        out.print(f"  {label + ':':<24}{path}")
