"""`sharelog register prepare` — standardise a register once so each monthly batch is cheap."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sharelog.cli._context import console, progress_bars, settings_of
from sharelog.linkage import prepare_register
from sharelog.linkage.spark import SparkConfig, prepare_register_on_spark

app = typer.Typer(
    help="The holder's register: prepare it once for fast monthly matching.", no_args_is_help=True
)


@app.command("prepare")
def prepare_command(
    ctx: typer.Context,
    register: Annotated[Path, typer.Option("--register", help="The register (CSV or Parquet).")],
    out: Annotated[Path, typer.Option("--out", help="The folder to write (replaced if it exists).")],
    model: Annotated[
        Path | None, typer.Option("--model", help="A trained model to keep with it.", show_default=False)
    ] = None,
    train_requests: Annotated[
        Path | None,
        typer.Option("--train-requests", help="Train a model on this request batch.", show_default=False),
    ] = None,
    backend: Annotated[
        str, typer.Option("--backend", help="Where the register is prepared: duckdb (embedded) or spark.")
    ] = "duckdb",
) -> None:
    """Standardise a register once and keep it with its term frequencies and a model.

    The folder holds one DuckDB database (the linkage columns with a sorted table of each blocking key, the term
    frequencies and the register as given), a manifest and, with --model or --train-requests, a trained model.
    `sharelog link --prepared DIR` then reads the batch and only the register rows that share a blocking key with
    it. With --backend spark every step runs on Spark (SHARELOG_SPARK_* settings) and the
    tables are written as Parquet folders: the register never passes through this process.

    Example: sharelog register prepare --register register.csv --train-requests requests.csv --out prepared/
    """
    stages = {
        "register": "Reading the register",
        "training": "Training the model",
        "writing": "Writing the prepared register",
        "relatives": "Comparing relatives in the register",
    }
    if backend not in ("duckdb", "spark"):
        raise typer.BadParameter("choose duckdb or spark", param_hint="--backend")
    config = SparkConfig.from_settings(settings_of(ctx)) if backend == "spark" else None
    with progress_bars(stages) as progress:
        if config is not None:
            result = prepare_register_on_spark(
                register=register,
                out_dir=out,
                model=model,
                train_requests=train_requests,
                config=config,
                progress=progress,
            )
        else:
            result = prepare_register(
                register=register, out_dir=out, model=model, train_requests=train_requests, progress=progress
            )
    model_text = f"model {result.model.checksum[:12]}…" if result.model else "no model (link will train one)"
    console().print(f"Prepared {result.rows:,} pupils in {result.directory} ({model_text}).")
