"""The peer: a request batch linked to a register the way a Splink 5 user would write it from the tutorials.

Textbook comparisons (``NameComparison`` on forename and surname with term-frequency adjustment,
``DateOfBirthComparison``, ``PostcodeComparison``, ``ExactMatch`` on sex), a few ``block_on`` rules, default-ish
unsupervised training (the prior from a deterministic rule, u by random sampling, EM on two blocking rules), then
``predict``: every pair at or above the threshold (default ``p ≥ 0.99``) is a match. No cleaning beyond
reading the files, no one-candidate-per-request rule, no register-size calibration — that is the point of the
comparison with sharelog's engine.

    .venv/bin/python bench/peer_splink.py --register R.csv --requests Q.csv --out links.csv
    .venv/bin/python bench/peer_splink.py ... --threshold 0.9 --postcode exact --no-sex   # non-UK data

The last line printed is a JSON report: rows read, links written, seconds per stage.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

LINK_COLUMNS = ("forename", "surname", "dob", "sex", "postcode")
TEXTBOOK_BLOCKING = (
    ("forename", "surname"),
    ("surname", "dob"),
    ("forename", "dob"),
    ("postcode", "forename"),
)


def textbook_settings(
    *,
    uk_postcodes: bool = True,
    with_sex: bool = True,
    extra_exact: Sequence[str] = (),
    blocking: Sequence[Sequence[str]] = TEXTBOOK_BLOCKING,
) -> SettingsCreator:
    """Settings as the Splink tutorials write them, for a batch (``requests``) against a ``register``.

    Args:
        uk_postcodes: ``PostcodeComparison`` (unit, sector, district, area); ``False``: ``ExactMatch``, for
            postcodes that are not British (its sector and district patterns find nothing in them).
        with_sex: compare ``sex`` exactly (leave it out when the data has none).
        extra_exact: further columns compared exactly, with term-frequency adjustment.
        blocking: the columns of each ``block_on`` rule that makes candidate pairs.
    """
    comparisons = [
        cl.NameComparison("forename").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.PostcodeComparison("postcode") if uk_postcodes else cl.ExactMatch("postcode"),
    ]
    if with_sex:
        comparisons.append(cl.ExactMatch("sex"))
    comparisons += [cl.ExactMatch(c).configure(term_frequency_adjustments=True) for c in extra_exact]
    return SettingsCreator(
        link_type="link_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on(*columns) for columns in blocking],
    )


def link_textbook(
    register: pd.DataFrame,
    requests: pd.DataFrame,
    *,
    threshold: float = 0.99,
    uk_postcodes: bool = True,
    with_sex: bool = True,
    extra_exact: Sequence[str] = (),
    blocking: Sequence[Sequence[str]] = TEXTBOOK_BLOCKING,
    timings: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Link ``requests`` (``request_id`` …) to ``register`` (``pupil_id`` …); return every pair with
    ``match_probability ≥ threshold`` as ``request_id, pupil_id, match_probability``."""
    timings = timings if timings is not None else {}
    columns = ["unique_id", *(c for c in LINK_COLUMNS if with_sex or c != "sex"), *extra_exact]
    frames = {
        "register": register.rename(columns={"pupil_id": "unique_id"})[columns],
        "requests": requests.rename(columns={"request_id": "unique_id"})[columns],
    }
    db_api = DuckDBAPI()
    tables = [db_api.register(frame, dataset_display_name=name) for name, frame in frames.items()]
    settings = textbook_settings(
        uk_postcodes=uk_postcodes, with_sex=with_sex, extra_exact=extra_exact, blocking=blocking
    )
    linker = Linker(tables, settings)

    started = time.perf_counter()
    deterministic = [block_on("forename", "surname", "dob")]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("forename", "surname"))
    timings["train"] = time.perf_counter() - started

    started = time.perf_counter()
    pairs = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    timings["predict"] = time.perf_counter() - started
    # link_only: which side is the request follows the dataset names, not the order given
    request_left = pairs["source_dataset_l"] == "requests"
    return pd.DataFrame(
        {
            "request_id": pairs["unique_id_l"].where(request_left, pairs["unique_id_r"]),
            "pupil_id": pairs["unique_id_r"].where(request_left, pairs["unique_id_l"]),
            "match_probability": pairs["match_probability"],
        }
    )


def read_table(path: Path) -> pd.DataFrame:
    """A CSV or Parquet file with every column as text and blanks as missing."""
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str)
    return frame.astype(object).where(frame.notna(), None)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--register", type=Path, required=True)
    parser.add_argument("--requests", type=Path, required=True)
    parser.add_argument(
        "--out", type=Path, required=True, help="links CSV: request_id, pupil_id, probability"
    )
    parser.add_argument("--threshold", type=float, default=0.99, help="a match is p ≥ this (default 0.99)")
    parser.add_argument("--postcode", choices=("uk", "exact"), default="uk")
    parser.add_argument("--no-sex", action="store_true", help="the data has no sex column")
    args = parser.parse_args()

    timings: dict[str, float] = {}
    started = time.perf_counter()
    register, requests = read_table(args.register), read_table(args.requests)
    timings["read"] = time.perf_counter() - started
    links = link_textbook(
        register,
        requests,
        threshold=args.threshold,
        uk_postcodes=args.postcode == "uk",
        with_sex=not args.no_sex,
        timings=timings,
    )
    links.to_csv(args.out, index=False)
    timings["total"] = time.perf_counter() - started
    report = {
        "register_rows": len(register),
        "requests": len(requests),
        "links": len(links),
        "seconds": timings,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
