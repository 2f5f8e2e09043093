"""`sharelog pprl` — privacy-preserving matching: a shared key, encodings, and the linkage unit's link."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from sharelog.cli._context import console, progress_bars
from sharelog.pprl import (
    DEFAULT_SCHEMA,
    Kind,
    LinkThresholds,
    encode_file,
    generate_key,
    link_encodings,
    read_encodings,
    read_key,
    write_encodings,
    write_key,
    write_links,
)

_HELP = "\n\n".join(
    [
        "Privacy-preserving matching: the holder never sees the identities of the people it does not hold.",
        "The requester and the holder share a linkage key (keygen, once, exchanged by a secure route; never "
        "given to the linkage unit). Each encodes its own file with it (encode): one keyed Bloom filter and a "
        "few keyed blocking values per person, no names. A linkage unit, with no key and no clear data, "
        "compares the two encodings files (link) and answers request_id, pupil_id, similarity and decision "
        "(match, review, no_match) for every request. docs/pprl.md says who sees what.",
        "Examples:",
        "    sharelog pprl keygen --out shared.key",
        "    sharelog pprl encode --key shared.key --register register.csv --out register.clk.parquet",
        "    sharelog pprl encode --key shared.key --requests batch-2019-02.csv --out batch.clk.parquet",
        "    sharelog pprl link --register register.clk.parquet --requests batch.clk.parquet --out links.csv",
    ]
)

app = typer.Typer(help=_HELP, no_args_is_help=True)


def _alike(thresholds: LinkThresholds) -> str:
    if thresholds.match_alike is None or thresholds.match_alike >= thresholds.match:
        return ""
    return f" ({thresholds.match_alike:.3f} where the forenames sound alike)"


@app.command("keygen")
def keygen(
    out: Annotated[Path, typer.Option("--out", help="Where to write the new key (never overwritten).")],
) -> None:
    """Write a new random linkage key, readable by its owner only. Share it with the other party, never with
    the linkage unit; a new key (rotation) needs both parties to encode again."""
    write_key(generate_key(), out)
    console().print(
        f"Wrote a new linkage key to {out.name} (owner-only). Keep it out of the ledger and backups."
    )


@app.command("encode")
def encode(
    key: Annotated[Path, typer.Option("--key", help="The linkage key shared with the other party.")],
    out: Annotated[Path, typer.Option("--out", help="The encodings file to write (Parquet).")],
    register: Annotated[
        Path | None,
        typer.Option("--register", help="The holder's register (CSV or Parquet).", show_default=False),
    ] = None,
    requests: Annotated[
        Path | None,
        typer.Option("--requests", help="The requester's batch (CSV or Parquet).", show_default=False),
    ] = None,
) -> None:
    """Encode a register or a batch with the shared key: only the encodings leave this machine."""
    if (register is None) == (requests is None):
        raise typer.BadParameter("give one of --register or --requests", param_hint="--register/--requests")
    kind: Kind = "register" if register is not None else "requests"
    source = register or requests
    assert source is not None
    linkage_key = read_key(key)
    with progress_bars({"reading": "Reading the file", "encoding": "Encoding"}) as progress:
        encodings = encode_file(source, kind=kind, schema=DEFAULT_SCHEMA, key=linkage_key, progress=progress)
    write_encodings(encodings, out)
    console().print(
        f"Encoded {len(encodings):,} {'register records' if kind == 'register' else 'requests'} with schema "
        f"{DEFAULT_SCHEMA.name} ({DEFAULT_SCHEMA.checksum()[:12]}) into {out.name}."
    )


@app.command("link")
def link(
    register: Annotated[Path, typer.Option("--register", help="The holder's encodings file.")],
    requests: Annotated[Path, typer.Option("--requests", help="The requester's encodings file.")],
    out: Annotated[Path, typer.Option("--out", help="The answer to write (CSV): one row per request.")],
    match_threshold: Annotated[
        float | None,
        typer.Option(
            "--match-threshold",
            help="Dice similarity for a match (default: estimated from the register).",
            show_default=False,
        ),
    ] = None,
    review_threshold: Annotated[
        float | None,
        typer.Option(
            "--review-threshold", help="Dice similarity for review (default: estimated).", show_default=False
        ),
    ] = None,
) -> None:
    """The linkage unit's step: compare the two parties' encodings; no key, no clear data."""
    thresholds = None
    if (match_threshold is None) != (review_threshold is None):
        raise typer.BadParameter(
            "give both thresholds or neither", param_hint="--match-threshold/--review-threshold"
        )
    if match_threshold is not None and review_threshold is not None:
        if not 0 < review_threshold <= match_threshold <= 1:
            raise typer.BadParameter(
                "need 0 < review ≤ match ≤ 1", param_hint="--match-threshold/--review-threshold"
            )
        thresholds = LinkThresholds(match=match_threshold, review=review_threshold, source="given")
    stages = {
        "thresholds": "Estimating thresholds from the register",
        "candidates": "Finding candidate pairs",
        "similarities": "Comparing encodings",
    }
    with progress_bars(stages) as progress:
        outcome = link_encodings(
            read_encodings(requests), read_encodings(register), thresholds=thresholds, progress=progress
        )
    write_links(outcome, out)
    counts = Counter(row.decision for row in outcome.rows)
    console().print(
        f"{len(outcome.rows):,} requests: {counts['match']:,} match, {counts['review']:,} review, "
        f"{counts['no_match']:,} no match ({outcome.pairs_compared:,} pairs compared). Thresholds: match "
        f"{outcome.thresholds.match:.3f}{_alike(outcome.thresholds)}, review {outcome.thresholds.review:.3f} "
        f"({outcome.thresholds.source}). "
        f"Wrote {out.name}."
    )
