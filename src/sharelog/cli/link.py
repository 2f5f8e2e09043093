"""`sharelog link` and `sharelog link explain` — match a request batch against a register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sharelog.cli._context import console, progress_bars, settings_of
from sharelog.linkage import DuckDBScorer, Explanation, LinkResult, Scorer, Thresholds, explain, link
from sharelog.linkage.spark import SparkConfig, SparkScorer
from sharelog.settings import Settings

_STAGES = {
    "register": "Reading the register",
    "requests": "Reading the request batch",
    "training": "Training the model",
    "candidates": "Finding the register rows the batch can match",
    "scoring": "Scoring candidate pairs",
    "deciding": "Deciding and writing the matches",
}

_HELP = "\n\n".join(
    [
        "Match a request batch against a register; write one row per request.",
        "The output (CSV) has request_id, pupil_id (the best candidate; blank when there is none), "
        "match_probability, match_weight and decision: match (returned automatically), review (a person "
        "decides) or no_match. A match needs a high probability, a clear lead over the runner-up (twins share "
        "surname, birth date and address) and agreement on forename, surname and date of birth.",
        "Without --model, the model is trained on this batch (unsupervised) — or taken from the prepared register.",
        "Examples:",
        "    sharelog link --register register.csv --requests requests.csv --out matches.csv",
        "    sharelog register prepare --register register.csv --train-requests requests.csv --out prepared/",
        "    sharelog link --prepared prepared/ --requests requests-2019-03.csv --out matches-2019-03.csv",
        "    sharelog link explain HO-000123 --prepared prepared/ --requests requests.csv --chart why.html",
    ]
)

RegisterOption = Annotated[
    Path | None, typer.Option("--register", help="The register (CSV or Parquet).", show_default=False)
]
PreparedOption = Annotated[
    Path | None,
    typer.Option("--prepared", help="A folder written by `sharelog register prepare`.", show_default=False),
]
RequestsOption = Annotated[
    Path | None, typer.Option("--requests", help="The request batch (CSV or Parquet).", show_default=False)
]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="A trained model (`sharelog model train`).", show_default=False),
]
BackendOption = Annotated[
    str, typer.Option("--backend", help="Where pairs are scored: duckdb (embedded) or spark.")
]
MatchOption = Annotated[
    float, typer.Option("--match-threshold", help="Probability the best candidate needs for a match.")
]
ReviewOption = Annotated[
    float, typer.Option("--review-threshold", help="Probability from which a person reviews the candidate.")
]
GapOption = Annotated[
    float, typer.Option("--min-gap", help="How far (bits) the best must lead the runner-up for a match.")
]

app = typer.Typer(help=_HELP, invoke_without_command=True, no_args_is_help=True)


def _scorer(backend: str, settings: Settings) -> Scorer:
    """The scorer ``--backend`` names: DuckDB in the matching session, or Spark as the settings configure it."""
    if backend == "duckdb":
        return DuckDBScorer()
    if backend == "spark":
        return SparkScorer(SparkConfig.from_settings(settings))
    raise typer.BadParameter("choose duckdb or spark", param_hint="--backend")


def _thresholds(match: float, review: float, gap: float) -> Thresholds:
    try:
        return Thresholds(match=match, review=review, min_gap_bits=gap)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--match-threshold/--review-threshold") from None


def _need(value: Path | None, option: str) -> Path:
    if value is None:
        raise typer.BadParameter("required", param_hint=option)
    return value


@app.callback()
def link_command(
    ctx: typer.Context,
    requests: RequestsOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="The matches file to write (CSV).")] = None,
    register: RegisterOption = None,
    prepared: PreparedOption = None,
    model: ModelOption = None,
    backend: BackendOption = "duckdb",
    match_threshold: MatchOption = Thresholds.match,
    review_threshold: ReviewOption = Thresholds.review,
    min_gap: GapOption = Thresholds.min_gap_bits,
) -> None:
    """Match a request batch against a register."""
    if ctx.invoked_subcommand is not None:
        return
    with progress_bars(_STAGES) as progress:
        result = link(
            requests=_need(requests, "--requests"),
            out=_need(out, "--out"),
            register=register,
            prepared=prepared,
            model=model,
            scorer=_scorer(backend, settings_of(ctx)),
            thresholds=_thresholds(match_threshold, review_threshold, min_gap),
            progress=progress,
        )
    _print_result(console(), result)


def _print_result(out: Console, result: LinkResult) -> None:
    total = result.requests.rows
    out.print(f"Matched {total:,} requests against {result.register_rows:,} pupils ({result.backend}).")
    if result.candidates is not None:
        out.print(
            f"{result.candidates:,} pupils share a blocking key with the batch: only they were compared."
        )
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("decision", style="bold")
    table.add_column("count", justify="right")
    table.add_column("share", justify="right")
    for decision in ("match", "review", "no_match"):
        count = result.decisions[decision]
        table.add_row(decision, f"{count:,}", f"{count / total:.1%}")
    out.print(table)
    claims = result.reasons.get("another request in the batch claims this pupil", 0)
    if claims:
        out.print(f"{claims} requests claim the same pupil as another request in the batch: sent to review.")
    if result.requests.oddities:
        odd = ", ".join(f"{name}: {count:,}" for name, count in result.requests.oddities.items())
        out.print(f"Kept but odd in the batch — {odd}.")
    model = "trained on this batch" if result.trained else f"given (checksum {result.model.checksum[:12]}…)"
    timing = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result.seconds.items())
    out.print(f"Model {model}; estimated share of requests in the register {result.share_in_register:.0%}.")
    out.print(f"Time: {timing}.")
    out.print(f"Wrote {result.out}")


@app.command("explain")
def explain_command(
    ctx: typer.Context,
    request_id: Annotated[str, typer.Argument(help="The request to explain (its request_id).")],
    requests: RequestsOption = None,
    register: RegisterOption = None,
    prepared: PreparedOption = None,
    model: ModelOption = None,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart", help="Write Splink's waterfall chart here (HTML; it shows the compared values)."
        ),
    ] = None,
    backend: BackendOption = "duckdb",
    match_threshold: MatchOption = Thresholds.match,
    review_threshold: ReviewOption = Thresholds.review,
    min_gap: GapOption = Thresholds.min_gap_bits,
) -> None:
    """Explain why a request got its decision: best candidate, runner-up, each comparison's evidence.

    Runs the batch as `sharelog link` would (use the same options), then shows the evidence for one request.
    The text names comparison levels, not values; the --chart file shows values and is personal data.

    Example: sharelog link explain HO-000123 --prepared prepared/ --requests requests.csv --chart why.html
    """
    result = explain(
        request_id,
        requests=_need(requests, "--requests"),
        register=register,
        prepared=prepared,
        model=model,
        chart=chart,
        scorer=_scorer(backend, settings_of(ctx)),
        thresholds=_thresholds(match_threshold, review_threshold, min_gap),
    )
    _print_explanation(console(), result)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.4%}"


def _print_explanation(out: Console, result: Explanation) -> None:
    out.print(f"Request {result.request_id}: [bold]{result.decision}[/bold] — {result.reason}.")
    if result.pupil_id is None:
        out.print("No candidate in the register shares enough with this request to be compared.")
        return
    out.print(f"Best candidate {result.pupil_id}: probability {_percent(result.match_probability)}.")
    if result.runner_up_id is not None:
        gap = f"{result.gap_bits:.1f}" if result.gap_bits is not None else "–"
        out.print(
            f"Runner-up {result.runner_up_id}: probability {_percent(result.runner_up_probability)}; "
            f"the best leads by {gap} bits."
        )
    else:
        out.print("No runner-up: the best candidate is the only one.")
    table = Table(title="Evidence (match weight in bits: + for the same person, − against)")
    table.add_column("comparison")
    table.add_column("best candidate")
    table.add_column("bits", justify="right")
    table.add_column("runner-up")
    table.add_column("bits", justify="right")
    for row in result.evidence:
        table.add_row(
            row.comparison,
            row.best_level,
            f"{row.best_weight:+.1f}",
            row.runner_up_level or "",
            "" if row.runner_up_weight is None else f"{row.runner_up_weight:+.1f}",
        )
    out.print(table)
    out.print(
        f"Prior: {result.share_in_register:.0%} of requests are estimated to be in the register of "
        f"{result.register_rows:,} pupils."
    )
    if result.chart is not None:
        out.print(
            f"Waterfall chart: {result.chart} (shows the compared values: personal data, handle accordingly)"
        )
