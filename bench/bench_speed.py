"""Speed and memory of sharelog's matcher on a 2-core machine, against a textbook Splink script on the same data.

Every measurement runs in a fresh Python process; its wall time (process start to exit, imports included) and
its peak RSS (``ru_maxrss`` of that child, from ``os.wait4``) are reported.

- **cold** — ``link(register=…, requests=…)``: read the CSVs, standardise, train without labels, score, decide.
- **prepare** — ``prepare_register(..., train_requests=…)``: the one-off cost of a prepared register (standardised,
  term frequencies, a model trained on the first batch).
- **warm** — ``link(prepared=…, requests=…)`` on a *different* batch about the same register: the monthly cost.
- **small batches** — ``bench/bench_warm.py`` on the same prepared register: a warm batch of the first 100 requests
  of batch 2, those requests matched one at a time (``RequestMatcher``), and one scan of the register for the
  ratios (each in a fresh process).
- **peer** — ``bench/peer_splink.py`` on the cold run's files; a match is ``p ≥ 0.99``. It is stopped if it passes
  the RSS cap (default 16 GiB) or the time limit (default 15 min), and reported as such.

Data: ``sharelog synth --pupils N --requests 2×B --seed S`` (the register depends only on the seed and N), split
into batch 1 (the first B requests: cold, prepare's training batch, peer) and batch 2 (the other B: warm).

    .venv/bin/python bench/bench_speed.py              # 100k, 1M (with the peer) and 5M pupils; about 25 min
    .venv/bin/python bench/bench_speed.py --sizes 1000000 --no-peer
    .venv/bin/python bench/bench_speed.py --sizes 20000000 --no-peer   # the real register's size (long)
    .venv/bin/python bench/bench_speed.py --quick      # 20,000 pupils, 2,000 requests, peer included
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _harness import (
    DEFAULT_SCRATCH,
    GIB,
    Measured,
    Score,
    engine_fingerprint,
    engine_unchanged,
    engine_version,
    machine,
    markdown_table,
    read_csv_rows,
    read_truth,
    register_people,
    run_fresh,
    score_links,
    score_matches,
    synth_data,
    wrong_twin_links,
)

HERE = Path(__file__).resolve().parent
COLD_TARGET_S, COLD_TARGET_GIB, WARM_TARGET_S = 60, 4, 10


# --- child processes: one measured operation each ------------------------------------------------------------


def child(mode: str, folder: Path) -> None:
    """Run one operation in this (fresh) process and print what it reports as JSON."""
    from sharelog.linkage import link, prepare_register

    started = time.perf_counter()
    steps: list[tuple[str, int, int, float]] = []

    def progress(stage: str, done: int, total: int) -> None:
        steps.append((stage, done, total, time.perf_counter() - started))

    if mode == "cold":
        result = link(
            register=folder / "register.csv",
            requests=folder / "batch-1.csv",
            out=folder / "cold.csv",
            progress=progress,
        )
        report = {"stages": result.seconds, "decisions": result.decisions, "steps": steps}
    elif mode == "prepare":
        prepare_register(
            register=folder / "register.csv",
            out_dir=folder / "prepared",
            train_requests=folder / "batch-1.csv",
            progress=progress,
        )
        report = {"steps": steps}
    elif mode == "warm":
        result = link(prepared=folder / "prepared", requests=folder / "batch-2.csv", out=folder / "warm.csv")
        report = {"stages": result.seconds, "decisions": result.decisions}
    else:
        raise SystemExit(f"unknown mode {mode}")
    report["in_process"] = time.perf_counter() - started
    print(json.dumps(report))


def run_child(mode: str, folder: Path) -> Measured:
    """One measured operation in a fresh process; a failure is reported (stderr's end) and kept, not fatal."""
    measured = run_fresh(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--folder", str(folder)]
    )
    if not measured.ok:
        print(f"  {mode} at {folder.name} failed (exit {measured.returncode}):", file=sys.stderr)
        print(measured.stderr[-3000:], file=sys.stderr)
    return measured


def small_batches(folder: Path, *, requests: int = 100) -> str:
    """``bench/bench_warm.py`` on the size's prepared register: a warm batch of the first ``requests`` of batch 2,
    the same requests one at a time, and one scan (its Markdown table, or why it failed)."""
    lines = (folder / "batch-2.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    small = folder / f"batch-2-first-{requests}.csv"
    small.write_text("".join(lines[: requests + 1]), encoding="utf-8")
    argv = [sys.executable, str(HERE / "bench_warm.py"), "--prepared", str(folder / "prepared")]
    argv += ["--batch", str(small), "--lookups", str(small), "--lookup-count", str(requests)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return f"bench_warm.py failed (exit {done.returncode}): {done.stderr[-2000:]}"
    return done.stdout


# --- data -----------------------------------------------------------------------------------------------------


def batches(
    scratch: Path, *, pupils: int, batch: int, seed: int
) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A synth folder with ``batch-1.csv`` and ``batch-2.csv`` (two disjoint batches about the same register) and
    each batch's truth."""
    folder = synth_data(scratch, pupils=pupils, requests=2 * batch, seed=seed)
    truth = read_truth(folder / "truth.csv")
    lines = (folder / "requests.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    # one request per line: synth quotes only values with commas or quotes and writes no line breaks in values
    if len(lines) != 2 * batch + 1:
        raise SystemExit(f"{folder / 'requests.csv'}: expected {2 * batch} one-line requests")
    for number, rows in ((1, lines[1 : batch + 1]), (2, lines[batch + 1 :])):
        path = folder / f"batch-{number}.csv"
        if not path.is_file():
            path.write_text(lines[0] + "".join(rows), encoding="utf-8")
    ids = [line.split(",", 1)[0] for line in lines[1:]]  # request ids are never quoted
    first, second = ({r: truth[r] for r in part} for part in (ids[:batch], ids[batch:]))
    return folder, first, second


# --- the runs -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SizeResult:
    pupils: int
    register_mib: float
    cold: Measured
    prepare: Measured
    warm: Measured
    cold_score: Score | None  # None: the run failed
    warm_score: Score | None
    cold_wrong_twins: int
    warm_wrong_twins: int


def run_size(scratch: Path, *, pupils: int, batch: int, seed: int) -> tuple[SizeResult, Path, dict[str, str]]:
    folder, truth_1, truth_2 = batches(scratch, pupils=pupils, batch=batch, seed=seed)
    shutil.rmtree(folder / "prepared", ignore_errors=True)
    for stale in ("cold.csv", "warm.csv"):  # never score a file an earlier run left behind
        (folder / stale).unlink(missing_ok=True)
    print(f"  {pupils:,} pupils: cold …", file=sys.stderr)
    cold = run_child("cold", folder)
    print(f"  {pupils:,} pupils: prepare …", file=sys.stderr)
    prepare = run_child("prepare", folder)
    print(f"  {pupils:,} pupils: warm …", file=sys.stderr)
    warm = run_child("warm", folder)
    people = register_people(folder / "register.csv")
    cold_rows = read_csv_rows(folder / "cold.csv") if cold.ok else []
    warm_rows = read_csv_rows(folder / "warm.csv") if warm.ok else []
    result = SizeResult(
        pupils=pupils,
        register_mib=(folder / "register.csv").stat().st_size / 1024**2,
        cold=cold,
        prepare=prepare,
        warm=warm,
        cold_score=score_matches(cold_rows, truth_1) if cold.ok else None,
        warm_score=score_matches(warm_rows, truth_2) if warm.ok else None,
        cold_wrong_twins=wrong_twin_links(_matched(cold_rows), truth_1, people),
        warm_wrong_twins=wrong_twin_links(_matched(warm_rows), truth_2, people),
    )
    return result, folder, truth_1


def _matched(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(row["request_id"], row["pupil_id"]) for row in rows if row["decision"] == "match"]


def run_peer(
    folder: Path, truth: dict[str, str], *, timeout_s: float, rss_cap_gib: float
) -> tuple[Measured, Score | None, int]:
    print(f"  peer on {folder.name} …", file=sys.stderr)
    argv = [sys.executable, str(HERE / "peer_splink.py"), "--register", str(folder / "register.csv")]
    argv += ["--requests", str(folder / "batch-1.csv"), "--out", str(folder / "peer.csv")]
    (folder / "peer.csv").unlink(missing_ok=True)
    measured = run_fresh(argv, timeout_s=timeout_s, rss_cap_mib=rss_cap_gib * 1024)
    if not measured.ok:
        print(f"  the peer: {measured.capped or f'failed (exit {measured.returncode})'}", file=sys.stderr)
        print(measured.stderr[-3000:], file=sys.stderr)
        return measured, None, 0
    links = [(row["request_id"], row["pupil_id"]) for row in read_csv_rows(folder / "peer.csv")]
    twins = wrong_twin_links(links, truth, register_people(folder / "register.csv"))
    return measured, score_links(links, truth), twins


# --- tables ---------------------------------------------------------------------------------------------------


def gib(measured: Measured) -> str:
    return f"{measured.peak_rss_mib * 1024**2 / GIB:.2f}"


def mark(met: bool) -> str:
    return "✓" if met else "✗"


def wall(measured: Measured) -> str:
    if measured.ok:
        return f"{measured.seconds:.1f}"
    return measured.capped or f"failed (exit {measured.returncode})"


def score_cells(score: Score | None, twins: int) -> list[str]:
    if score is None:
        return ["–"] * 4
    return [f"{score.matched:,}", f"{score.precision:.4f}", f"{score.recall:.4f}", f"{twins:,}"]


def precision_recall(score: Score | None) -> str:
    return "–" if score is None else f"{score.precision:.4f} / {score.recall:.4f}"


def side_by_side(size: SizeResult, peer: Measured | None, peer_score: Score | None, peer_twins: int) -> str:
    cold, warm, s = size.cold, size.warm, size.cold_score
    warm_link = warm.json().get("in_process", float("nan"))
    rows = [
        [
            "sharelog cold: `link(register=…)`",
            wall(cold),
            f"{cold.cpu_seconds:.0f}",
            gib(cold),
            *score_cells(s, size.cold_wrong_twins),
            f"≤ {COLD_TARGET_S} s {mark(cold.seconds <= COLD_TARGET_S)}, "
            f"≤ {COLD_TARGET_GIB} GiB {mark(cold.peak_rss_mib <= COLD_TARGET_GIB * 1024)}",
        ],
        [
            "sharelog prepare (once)",
            wall(size.prepare),
            f"{size.prepare.cpu_seconds:.0f}",
            gib(size.prepare),
            *[""] * 5,
        ],
        [
            "sharelog warm: `link(prepared=…)`, batch 2",
            f"{warm.seconds:.1f} ({warm_link:.1f} in `link`)" if warm.ok else wall(warm),
            f"{warm.cpu_seconds:.0f}",
            gib(warm),
            *score_cells(size.warm_score, size.warm_wrong_twins),
            f"≤ {WARM_TARGET_S} s {mark(warm.seconds <= WARM_TARGET_S)}",
        ],
    ]
    if peer is not None:
        if peer_score is None:
            rows.append(
                [
                    "peer: textbook Splink, p ≥ 0.99",
                    wall(peer),
                    f"{peer.cpu_seconds:.0f}",
                    gib(peer),
                    *[""] * 5,
                ]
            )
        else:
            rows.append(
                [
                    "peer: textbook Splink, p ≥ 0.99",
                    f"{peer.seconds:.1f}",
                    f"{peer.cpu_seconds:.0f}",
                    gib(peer),
                    f"{peer_score.matched:,}",
                    f"{peer_score.precision:.4f}",
                    f"{peer_score.recall:.4f}",
                    f"{peer_twins:,}",
                    "",
                ]
            )
    table = markdown_table(
        ["Run", "Wall s", "CPU s", "Peak RSS GiB", "Matches", "Precision", "Recall", "Wrong twins", "Target"],
        rows,
        align="lrrrrrrrl",
    )
    if peer is None or peer_score is None or s is None:
        return table
    ratios = markdown_table(
        ["Peer ÷ sharelog cold", "Wall time", "CPU time", "Peak RSS", "Precision", "Recall"],
        [
            [
                "ratio",
                f"{peer.seconds / cold.seconds:.2f}×",
                f"{peer.cpu_seconds / cold.cpu_seconds:.2f}×",
                f"{peer.peak_rss_mib / cold.peak_rss_mib:.2f}×",
                f"{peer_score.precision / s.precision:.3f}",
                f"{peer_score.recall / s.recall:.3f}",
            ]
        ],
    )
    return f"{table}\n\n{ratios}"


def growth(results: list[SizeResult]) -> str:
    rows = []
    for r in results:
        warm_link = r.warm.json().get("in_process", float("nan"))
        rows.append(
            [
                f"{r.pupils:,}",
                f"{r.register_mib:,.0f}",
                wall(r.cold),
                f"{r.cold.cpu_seconds:.0f}",
                gib(r.cold),
                wall(r.prepare),
                gib(r.prepare),
                wall(r.warm),
                f"{warm_link:.1f}",
                f"{r.warm.cpu_seconds:.0f}",
                gib(r.warm),
                precision_recall(r.cold_score),
                precision_recall(r.warm_score),
            ]
        )
    return markdown_table(
        [
            "Pupils",
            "register.csv MiB",
            "Cold s",
            "Cold CPU s",
            "Cold GiB",
            "Prepare s",
            "Prepare GiB",
            "Warm s",
            "Warm `link` s",
            "Warm CPU s",
            "Warm GiB",
            "Cold P / R",
            "Warm P / R",
        ],
        rows,
        align="r" * 13,
    )


def stages(results: list[SizeResult]) -> str:
    names = ("read", "train", "score", "decide")
    rows = []
    for r in results:
        for label, measured in (("cold", r.cold), ("warm", r.warm)):
            report = measured.json()
            seconds = report.get("stages", {})
            rows.append(
                [
                    f"{r.pupils:,}",
                    label,
                    *(f"{seconds.get(n, 0):.1f}" for n in names),
                    f"{measured.seconds - report.get('in_process', 0):.1f}",
                ]
            )
    return markdown_table(["Pupils", "Run", *names, "start-up and imports"], rows, align="rlrrrrr")


def training_steps(results: list[SizeResult]) -> str:
    """Seconds between the engine's progress reports: reading and standardising the register, then each
    training step (``training i/n``), then what follows the last report (scoring and deciding, or writing the
    prepared register)."""
    rows = []
    for r in results:
        for label, measured in (("cold", r.cold), ("prepare", r.prepare)):
            report = measured.json()
            steps = report.get("steps", [])
            register = [s for s in steps if s[0] == "register"]
            training = [s for s in steps if s[0] == "training"]
            if not register or not training:
                continue
            marks = [register[-1][3], *(s[3] for s in training)]
            rows.append(
                [
                    f"{r.pupils:,}",
                    label,
                    f"{register[-1][3]:.1f}",
                    f"{training[0][3] - register[-1][3]:.1f}",
                    *(f"{b - a:.1f}" for a, b in zip(marks[1:], marks[2:], strict=False)),
                    f"{report.get('in_process', 0) - training[-1][3]:.1f}",
                ]
            )
    width = max((len(row) for row in rows), default=5) - 5
    headers = ["Pupils", "Run", "register", "batch", *(f"training {i + 1}" for i in range(width)), "after"]
    return markdown_table(headers, rows, align="rl" + "r" * (width + 3))


# --- main -----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000,5000000", help="register sizes, comma-separated")
    parser.add_argument("--batch", type=int, default=10_000, help="requests per batch (default 10,000)")
    parser.add_argument("--peer-size", type=int, default=1_000_000, help="the size the peer runs at")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--peer-timeout-min", type=float, default=15)
    parser.add_argument("--peer-rss-cap-gib", type=float, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--scratch", type=Path, default=DEFAULT_SCRATCH, help=f"data folder ({DEFAULT_SCRATCH})"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20,000 pupils, 2,000 requests")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: one measured operation
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.folder)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.quick:
        sizes, args.batch, args.peer_size = [20_000], 2_000, 20_000

    about_machine, about_engine, fingerprint = machine(), engine_version(), engine_fingerprint()
    results: list[SizeResult] = []
    peer_section = ""
    small_sections: list[str] = []
    for pupils in sizes:
        result, folder, truth_1 = run_size(args.scratch, pupils=pupils, batch=args.batch, seed=args.seed)
        results.append(result)
        if result.prepare.ok:
            print(f"  {pupils:,} pupils: 100 requests, one at a time, one scan …", file=sys.stderr)
            small_sections.append(f"### {pupils:,} pupils\n\n{small_batches(folder)}")
        if pupils == args.peer_size:
            peer, peer_score, peer_twins = (None, None, 0)
            if not args.no_peer:
                peer, peer_score, peer_twins = run_peer(
                    folder, truth_1, timeout_s=args.peer_timeout_min * 60, rss_cap_gib=args.peer_rss_cap_gib
                )
            peer_section = (
                f"## {pupils:,} pupils × {args.batch:,} requests: sharelog and the peer\n\n"
                + side_by_side(result, peer, peer_score, peer_twins)
            )

    print(f"# Matching speed — batches of {args.batch:,} requests, seed {args.seed}\n")
    print(f"{about_machine}\n\n{about_engine}\n")
    if peer_section:
        print(peer_section + "\n")
    print("## Growth with the register\n")
    print(growth(results) + "\n")
    if small_sections:
        print("## Small batches, one request, one scan (`bench/bench_warm.py`)\n")
        print("\n".join(small_sections))
    print("## Where the time goes (seconds, from `LinkResult.seconds`)\n")
    print(stages(results) + "\n")
    print("## Step by step (seconds between the engine's progress reports)\n")
    print(training_steps(results))
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}.")
    print(engine_unchanged(fingerprint))


if __name__ == "__main__":
    main()
