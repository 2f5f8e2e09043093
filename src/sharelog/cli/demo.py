"""`sharelog demo` — the whole story on synthetic data and the embedded defaults."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sharelog.cli._context import console, progress_bars, settings_of
from sharelog.demo import DemoResult, run_demo

_STAGES = {
    "households": "Synthetic register: households",
    "register": "Synthetic register: writing",
    "requests": "Request batches: choosing",
    "errors": "Request batches: adding errors",
    "files": "Request batches: writing",
    "agreements": "Recording agreements",
}

_HELP = "\n\n".join(
    [
        "Run the whole story on synthetic data, from scratch, in <data dir>/demo.",
        "Generates a pupil register and a year of monthly trace-request batches (2019), loads and validates the "
        "shipped agreements, creates a fresh SQLite ledger and records the agreements in it, then checks the "
        "ledger's audit chain. Later versions go on to match the batches, return records, record outcomes and "
        "write the monthly report.",
        "Example:  sharelog demo --pupils 50000 --requests 1000",
    ]
)


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


def _print_result(out: Console, result: DemoResult) -> None:
    synth = result.synth
    steps = Table(title="What the demo did", show_header=False, box=None, pad_edge=False)
    steps.add_column("step", style="bold")
    steps.add_column("result")
    steps.add_row(
        "1. Register",
        f"{synth.pupils:,} synthetic pupils in {synth.households:,} households ({synth.twins:,} twins)",
    )
    steps.add_row(
        "2. Requests",
        f"{synth.requests:,} trace requests in {len(synth.months)} monthly batches; "
        f"{synth.in_register_share:.0%} are about pupils in the register",
    )
    steps.add_row(
        "3. Agreements",
        ", ".join(f"{a.id} v{a.version}" for a in result.agreements) + " — validated",
    )
    steps.add_row(
        "4. Ledger",
        f"created at revision {result.ledger_revision}; {len(result.agreements)} agreement versions recorded",
    )
    steps.add_row(
        "5. Audit trail", f"{result.audit_events} events, chain verified (head {result.audit_head[:12]}…)"
    )
    out.print(steps)

    out.print("Where the files are", style="italic")
    for label, path in [
        ("Register", synth.out_dir / "register.csv"),
        ("Request batches (12)", synth.out_dir / "requests-2019-MM.csv"),
        ("Truth (synthetic only)", synth.out_dir / "truth.csv"),
        ("Ledger", result.ledger_url),
    ]:
        out.print(f"  {label + ':':<24}{path}")
    out.print("Next: `sharelog agreements list`, or point SHARELOG_DATABASE_URL at the ledger above.")
