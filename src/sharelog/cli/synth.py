"""`sharelog synth` — write a synthetic register, trace-request batches and the truth linking them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sharelog.cli._context import console, progress_bars, settings_of
from sharelog.errors import InputError
from sharelog.synth import REGISTER_FORMATS, VOLUME_PROFILES, SynthResult, generate, parse_months

_STAGES = {
    "households": "Building households",
    "pupils": "Drawing pupils",
    "register": "Writing the register",
    "requests": "Choosing requests",
    "errors": "Adding request errors",
    "files": "Writing request files",
}

_HELP = "\n\n".join(
    [
        "Write a synthetic register, trace requests and the truth that links them.",
        "register.csv holds pupils in households (siblings, twins, shared surnames and postcodes); requests.csv "
        "holds trace requests, about 60% for pupils in the register and the rest for siblings, cousins and "
        "strangers who are not, carrying the errors real requests carry (typos, nicknames, transliterations, "
        "swapped dates, old addresses…); truth.csv links each request to its pupil (blank when not in the "
        "register); perturbations.csv lists each request's errors. The same seed gives byte-identical files.",
        "Examples:",
        "    sharelog synth --pupils 100000 --requests 10000 --seed 1 --out synth-data",
        "    sharelog synth --pupils 100000 --requests 3000 --months 2019-01..2019-12 --out demo-data",
        "    sharelog synth --pupils 200000 --volume published --months 2015-07..2020-08 --out foi-period",
        "    sharelog synth --pupils 20000000 --requests 10000 --format parquet --out /data/synth-20m",
    ]
)


def register(app: typer.Typer) -> None:
    """Add the synth command to the root app."""

    @app.command("synth", help=_HELP)
    def synth(
        ctx: typer.Context,
        pupils: Annotated[int, typer.Option("--pupils", help="Pupils in the register (1 to 25,000,000).")],
        requests: Annotated[
            int | None,
            typer.Option(
                "--requests",
                help="Trace requests in all (1 to --pupils); with --months, over all months. Needed unless "
                "--volume is given; with it, the profile's shape scaled to this total.",
            ),
        ] = None,
        seed: Annotated[
            int, typer.Option("--seed", help="Random seed; the same seed gives byte-identical files.")
        ] = 1,
        out: Annotated[
            Path | None,
            typer.Option(
                "--out",
                help="Folder to write, created if missing (its parent must exist). Default: <data dir>/synth.",
            ),
        ] = None,
        months: Annotated[
            str | None,
            typer.Option(
                "--months",
                metavar="YYYY-MM[..YYYY-MM]",
                help="One requests-YYYY-MM.csv batch per month instead of requests.csv, e.g. 2019-01..2019-12.",
            ),
        ] = None,
        volume: Annotated[
            str | None,
            typer.Option(
                "--volume",
                metavar="|".join(VOLUME_PROFILES),
                help="With --months: how many requests each month. published: as published by DfE and in a "
                "2017 ministerial statement (about 80 a month, a quarter about pupils in the register; 137 a "
                "month until December 2016, 64 after). load: a steady 250 a month, 30% in the register, for load.",
            ),
        ] = None,
        register_format: Annotated[
            str,
            typer.Option(
                "--format",
                metavar="|".join(REGISTER_FORMATS),
                help="The register's file: register.csv, or register.parquet (a fifth of the size); the "
                "requests, truth and errors are CSV either way.",
            ),
        ] = "csv",
    ) -> None:
        month_list = parse_months(months) if months is not None else None
        if volume is not None and month_list is None:
            raise InputError("--volume needs --months (e.g. --months 2015-07..2020-08)", field="volume")
        if volume is None and requests is None:
            raise InputError("give --requests, or --volume with --months", field="requests")
        if out is None:
            out = settings_of(ctx).data_dir / "synth"
            out.parent.mkdir(parents=True, exist_ok=True)
        with progress_bars(_STAGES) as progress:
            result = generate(
                pupils=pupils,
                requests=requests,
                seed=seed,
                out_dir=out,
                months=month_list,
                volume=volume,
                register_format=register_format,
                progress=progress,
            )
        _print_result(console(), result, seed=seed)


def _print_result(out: Console, result: SynthResult, *, seed: int) -> None:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("file")
    table.add_column("rows", justify="right")
    table.add_column("what")
    twins = f"{result.twins:,} twins"
    table.add_row(
        result.files[0].name, f"{result.pupils:,}", f"pupils in {result.households:,} households ({twins})"
    )
    if result.months:
        for month, count in result.months.items():
            registered = result.in_register_by_month.get(month)
            about = "requests" if registered is None else f"requests, {registered:,} about registered pupils"
            table.add_row(f"requests-{month}.csv", f"{count:,}", about)
    else:
        table.add_row("requests.csv", f"{result.requests:,}", "requests")
    table.add_row("truth.csv", f"{result.requests:,}", "request_id → pupil_id (blank: not in the register)")
    with_errors = result.requests - result.errors_per_request.get(0, 0)
    share_errors = with_errors / result.requests if result.requests else 0.0
    table.add_row(
        "perturbations.csv", f"{result.requests:,}", f"each request's errors ({share_errors:.0%} have some)"
    )
    out.print(f"Wrote synthetic data to {result.out_dir}")
    out.print(table)
    out.print(
        f"{result.in_register:,} of {result.requests:,} requests ({result.in_register_share:.1%}) are about "
        f"pupils in the register. Seed {seed}, {result.seconds:.1f} s."
        + (f" Volume profile: {result.volume}." if result.volume else "")
    )
