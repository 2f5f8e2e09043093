"""`sharelog model train|show` — train a linkage model without labels, and inspect one."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sharelog.cli._context import console, progress_bars
from sharelog.linkage import load_model, train

app = typer.Typer(
    help=(
        "Linkage models: train one without labels, show what it learned.\n\n"
        "A model is a Splink settings JSON plus sharelog's record of it: the Splink version, a checksum of the "
        "parameters and what it was trained on. Each exchange records the checksum of the model it used."
    ),
    no_args_is_help=True,
)


@app.command("train")
def train_command(
    register: Annotated[Path, typer.Option("--register", help="The register (CSV or Parquet).")],
    requests: Annotated[Path, typer.Option("--requests", help="A representative request batch.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the model (JSON).")],
) -> None:
    """Train a model on a register and a request batch (unsupervised: no labels).

    Example: sharelog model train --register register.csv --requests requests.csv --out model.json
    """
    with progress_bars({"register": "Reading the register", "training": "Training the model"}) as progress:
        model = train(register=register, requests=requests, out=out, progress=progress)
    console().print(
        f"Trained on {model.trained_on.get('register_rows', 0):,} pupils and "
        f"{model.trained_on.get('requests_rows', 0):,} requests; checksum {model.checksum}."
    )
    console().print(f"Wrote {out}")


@app.command("show")
def show_command(model_path: Annotated[Path, typer.Argument(help="A model JSON.", metavar="MODEL")]) -> None:
    """Show a model: where it came from and the weight of every comparison level.

    A level's weight is log2(m/u) in bits: how much more often the level occurs for the same person (m) than
    for two different people (u). Exact levels on names and postcodes are further adjusted by how common the
    value is.

    Example: sharelog model show model.json
    """
    model = load_model(model_path)
    out = console()
    out.print(f"Model {model_path}")
    out.print(f"  checksum {model.checksum}; Splink {model.splink_version}; trained {model.trained_at}")
    if model.trained_on:
        out.print("  trained on " + ", ".join(f"{k} {v}" for k, v in model.trained_on.items()))
    table = Table(title="Comparison levels")
    table.add_column("comparison")
    table.add_column("level")
    table.add_column("m", justify="right")
    table.add_column("u", justify="right")
    table.add_column("bits", justify="right")
    for comparison in model.settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            bits = f"{math.log2(m / u):+.1f}" if m and u else "–"
            table.add_row(
                comparison["output_column_name"],
                level.get("label_for_charts", ""),
                "–" if m is None else f"{m:.4g}",
                "–" if u is None else f"{u:.3g}",
                bits,
            )
    out.print(table)
