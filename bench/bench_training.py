"""Sample-trained against fully trained models: how long training takes, how far the parameters move, and
whether the decisions change.

Training's two EM sessions run on at most ``em_max_pairs`` request–pupil pairs (a uniform sample of the register
above that; see ``sharelog.linkage._model.EM_MAX_PAIRS``). This script trains the same register and batch once on
every pair (``full``) and once per cap given, in one process with the register read once, then scores and decides
the batch with each model and reports, against the full model: the largest change of any m-probability, of any
level's weight (log2 m/u, in bits), the share of requests given the same decision and the same pupil, and each
model's precision and recall at ``match`` against the truth. Tuning data only: ``sharelog synth`` folders or
FEBRL4.

    .venv/bin/python bench/bench_training.py --data /tmp/bench-data/synth-1m --max-pairs 2000000 --max-pairs 500000
    .venv/bin/python bench/bench_training.py --febrl --max-pairs 20000     # FEBRL4 (its pairs are few: a small cap)
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _harness import machine, markdown_table, read_truth, score_matches

from sharelog.linkage import MatchingSession, Thresholds


def level_parameters(settings: dict[str, Any]) -> dict[tuple[str, str], tuple[float, float]]:
    """(comparison, level label) → (m, u) for every level with both."""
    found = {}
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is not None and u is not None:
                found[(comparison["output_column_name"], level["label_for_charts"])] = (float(m), float(u))
    return found


def bits(m: float, u: float) -> float:
    return math.log2(max(m, 1e-12) / max(u, 1e-12))


def run(session: MatchingSession, cap: int | None) -> tuple[float, dict[str, Any], list[dict[str, str]]]:
    started = time.perf_counter()
    model = session.train(em_max_pairs=cap)
    seconds = time.perf_counter() - started
    session._relatives = None  # noqa: SLF001 — counted from the model: count again for each model
    session.score()
    session.decide(Thresholds())
    rows = session.matches().to_pylist()
    return seconds, model.settings, [{k: "" if v is None else str(v) for k, v in row.items()} for row in rows]


def febrl_folder() -> tuple[Path, dict[str, str]]:
    from bench_febrl import febrl_frames, sharelog_frame, true_pupils

    a, b = febrl_frames(quick=False)
    folder = Path(tempfile.mkdtemp(prefix="febrl-training-"))
    sharelog_frame(a, "pupil_id").to_csv(folder / "register.csv", index=False)
    sharelog_frame(b, "request_id").to_csv(folder / "requests.csv", index=False)
    return folder, true_pupils(a, b)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, help="a `sharelog synth` folder (register.csv, requests.csv, truth.csv)"
    )
    parser.add_argument("--febrl", action="store_true", help="FEBRL4 instead of --data")
    parser.add_argument(
        "--max-pairs", type=int, action="append", default=[], help="a cap to compare (repeat)"
    )
    parser.add_argument("--memory-limit", default="8GB", help="DuckDB's memory limit (default 8GB)")
    parser.add_argument(
        "--save", type=Path, help="a folder to write each model's settings to (full.json, <cap>.json)"
    )
    args = parser.parse_args()
    if args.febrl:
        folder, truth = febrl_folder()
    elif args.data is not None:
        folder, truth = args.data, read_truth(args.data / "truth.csv")
    else:
        parser.error("give --data or --febrl")
    print(f"{machine()}\n", file=sys.stderr)
    with MatchingSession(memory_limit=args.memory_limit) as session:
        register = next(p for p in (folder / "register.parquet", folder / "register.csv") if p.exists())
        session.load_register(register)
        session.load_requests(folder / "requests.csv")
        results = {cap: run(session, cap) for cap in [None, *args.max_pairs]}
    full_seconds, full_settings, full_rows = results[None]
    if args.save is not None:
        args.save.mkdir(parents=True, exist_ok=True)
        for cap, (_, settings, _) in results.items():
            (args.save / f"{cap or 'full'}.json").write_text(json.dumps(settings, indent=1), encoding="utf-8")
    full_parameters = level_parameters(full_settings)
    full_decisions = {row["request_id"]: (row["decision"], row["pupil_id"]) for row in full_rows}
    table = []
    for cap, (seconds, settings, rows) in results.items():
        parameters = level_parameters(settings)
        dm = max(abs(parameters[key][0] - full_parameters[key][0]) for key in full_parameters)
        dw_key = max(full_parameters, key=lambda k: abs(bits(*parameters[k]) - bits(*full_parameters[k])))
        dw = bits(*parameters[dw_key]) - bits(*full_parameters[dw_key])
        same = sum(full_decisions[row["request_id"]] == (row["decision"], row["pupil_id"]) for row in rows)
        score = score_matches(rows, truth)
        table.append(
            [
                "full" if cap is None else f"{cap:,}",
                f"{seconds:.1f}",
                f"{dm:.4f}",
                f"{dw:+.2f} ({dw_key[1]})",
                f"{same / len(rows):.2%}",
                f"{score.precision:.4f}",
                f"{score.recall:.4f}",
                score.review,
            ]
        )
    headers = [
        "EM pairs",
        "train s",
        "max abs Δm",
        "max Δweight, bits (level)",
        "same decision",
        "P",
        "R",
        "review",
    ]
    print(markdown_table(headers, table))


if __name__ == "__main__":
    main()
