"""The monthly cost: warm runs against a prepared register, a one-request lookup, and one scan of the register.

Every measurement runs in a fresh Python process; its wall time (process start to exit, imports included), CPU
time and peak RSS are reported, with the load average when it started (others may be using the machine), and
each warm run's in-process time as a ratio to one scan of the prepared register.

- **warm N** — ``link(prepared=…, requests=…)`` on a batch of N requests: ``sharelog link --prepared``.
- **one request** — :class:`sharelog.linkage.RequestMatcher` opened once, then requests matched one at a time:
  only the lookups are timed (median and slowest), not the opening.
- **whole process** (``--process``) — the command an operator runs, ``sharelog link --prepared P --requests B --out
  M``, for each batch, and ``sharelog --version`` (the command line's start-up alone), each ``--runs`` times:
  median and min–max wall time, median CPU time, peak RSS.
- **scan** — one scan of the prepared register: ``count(*)`` and ``max`` of every blocking-key column of its
  linkage table (of the hash of each value, so no statistics answer it), where it is kept (format 3: its DuckDB
  database; format 2: ``linkage.parquet``).

Data: a ``sharelog synth --format parquet`` folder and a register prepared from it (TUNING data); batches are
request files of it (see docs/benchmarks.md).

    .venv/bin/python bench/bench_warm.py --prepared /tmp/bench-data/s1m/prepared \\
        --batch /tmp/bench-data/s1m/b10k.csv --batch /tmp/bench-data/s1m/b100.csv --lookups /tmp/bench-data/s1m/b100.csv
    .venv/bin/python bench/bench_warm.py --prepared /tmp/bench-data/s1m/prepared --batch /tmp/bench-data/s1m/b100.csv \
        --batch /tmp/bench-data/s1m/b1.csv --process --runs 5
    # the code before a change: --source /path/to/old/src (put first on PYTHONPATH of every child)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _harness import BIN, Measured, run_fresh

KEY_COLUMNS = (
    "dob_str",
    "surname_sound",
    "forename_group",
    "forename_sound",
    "postcode_std",
    "surname_std",
    "address_number",
    "address_street",
    "address_town",
)


def child_scan(prepared: Path) -> dict[str, float]:
    import duckdb

    maxima = ", ".join(f"max(hash({c}))" for c in KEY_COLUMNS)  # every value read: no answer from statistics
    with duckdb.connect() as con:
        started = time.perf_counter()
        if (prepared / "register.duckdb").is_file():
            con.execute(f"ATTACH '{prepared / 'register.duckdb'}' AS p (READ_ONLY)")
            source = "p.linkage"
        else:
            source = f"read_parquet('{prepared / 'linkage.parquet'}')"
        con.execute(f"SELECT count(*), {maxima} FROM {source}").fetchall()
        return {"in_process": time.perf_counter() - started}


def child_warm(prepared: Path, batch: Path) -> dict[str, object]:
    from sharelog.linkage import link

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        result = link(prepared=prepared, requests=batch, out=Path(scratch) / "matches.csv")
    return {
        "in_process": time.perf_counter() - started,
        "stages": result.seconds,
        "decisions": result.decisions,
    }


def child_lookup(prepared: Path, batch: Path, count: int) -> dict[str, object]:
    from sharelog.linkage import RequestMatcher

    with batch.open(encoding="utf-8", newline="") as handle:
        requests = list(csv.DictReader(handle))[:count]
    started = time.perf_counter()
    walls, cpus, decisions = [], [], {}
    with RequestMatcher(prepared) as matcher:
        opened = time.perf_counter() - started
        for request in requests:
            wall, cpu = time.perf_counter(), time.process_time()
            decision = matcher.match(request).decision
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            decisions[decision] = decisions.get(decision, 0) + 1
    return {
        "open": opened,
        "median": statistics.median(walls),
        "slowest": max(walls),
        "median_cpu": statistics.median(cpus),
        "in_process": statistics.median(walls),
        "decisions": decisions,
    }


def run_child(args: list[str], source: Path | None) -> tuple[Measured, str]:
    load = Path("/proc/loadavg").read_text().split()[0]
    env = {"PYTHONPATH": f"{source}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"} if source else None
    measured = run_fresh(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args], env=env, poll_s=0.01
    )
    if not measured.ok:
        print(measured.stderr[-3000:], file=sys.stderr)
    return measured, load


def _sharelog(source: Path | None) -> tuple[list[str], dict[str, str] | None]:
    """The ``sharelog`` command as an operator runs it (the script beside this Python), and its environment."""
    script = BIN / "sharelog"
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "sharelog"]
    return command, (
        {"PYTHONPATH": f"{source}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"} if source else None
    )


def whole_process(name: str, argv: list[str], env: dict[str, str] | None, runs: int) -> str:
    """One Markdown row: ``argv`` run ``runs`` times in fresh processes after one run that is not counted."""
    run_fresh(
        argv, env=env, poll_s=0.01
    )  # warm-up: the register's pages and the interpreter's files in cache
    loads, measured = [], []
    for _ in range(runs):
        loads.append(float(Path("/proc/loadavg").read_text().split()[0]))
        measured.append(run_fresh(argv, env=env, poll_s=0.01))
        if not measured[-1].ok:
            print(measured[-1].stderr[-3000:], file=sys.stderr)
            return f"| {name} | failed (exit {measured[-1].returncode}) | | | | |"
    walls = [m.seconds for m in measured]
    return (
        f"| {name} | {min(loads):.1f}–{max(loads):.1f} | {statistics.median(walls):.2f} "
        f"({min(walls):.2f}–{max(walls):.2f}) | {statistics.median(m.cpu_seconds for m in measured):.2f} | "
        f"{max(m.peak_rss_mib for m in measured):,.0f} | {runs} |"
    )


def process_table(prepared: Path, batches: list[Path], source: Path | None, runs: int) -> None:
    """``sharelog --version`` and ``sharelog link --prepared …`` of each batch as whole processes."""
    command, env = _sharelog(source)
    rows = [whole_process("`sharelog --version` (start-up)", [*command, "--version"], env, runs)]
    with tempfile.TemporaryDirectory() as scratch:
        for batch in batches:
            with batch.open(encoding="utf-8", newline="") as handle:
                requests = sum(1 for _ in csv.DictReader(handle))
            argv = [*command, "link", "--prepared", str(prepared), "--requests", str(batch)]
            argv += ["--out", str(Path(scratch) / "matches.csv")]
            rows.append(
                whole_process(
                    f"`sharelog link --prepared`, {requests:,} request{'' if requests == 1 else 's'}",
                    argv,
                    env,
                    runs,
                )
            )
    print("\n| whole process | load | wall (s), median (min–max) | CPU (s), median | max RSS (MiB) | runs |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prepared", type=Path, help="a folder written by `sharelog register prepare`")
    parser.add_argument(
        "--batch", type=Path, action="append", default=[], help="a request batch (repeatable)"
    )
    parser.add_argument("--lookups", type=Path, help="requests to match one at a time")
    parser.add_argument("--lookup-count", type=int, default=20)
    parser.add_argument("--source", type=Path, help="the src folder to run (default: the installed sharelog)")
    parser.add_argument(
        "--process",
        action="store_true",
        help="also time `sharelog link --prepared` of each --batch, and `sharelog --version`, as whole processes",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each whole-process command (--process)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        if mode == "scan":
            report = child_scan(Path(rest[0]))
        elif mode == "warm":
            report = child_warm(Path(rest[0]), Path(rest[1]))
        else:
            report = child_lookup(Path(rest[0]), Path(rest[1]), int(rest[2]))
        print(json.dumps(report))
        return
    if args.prepared is None:
        parser.error("--prepared is required")
    args.prepared = args.prepared.resolve()
    args.batch = [batch.resolve() for batch in args.batch]
    scan, scan_load = run_child(["scan", str(args.prepared)], args.source)
    scan_s = float(scan.json().get("in_process", float("nan")))
    rows = [("scan", scan, scan_load, scan_s, "")]
    for batch in args.batch:
        measured, load = run_child(["warm", str(args.prepared), str(batch)], args.source)
        report = measured.json()
        stages = ", ".join(f"{k} {v:.2f}" for k, v in dict(report.get("stages", {})).items())
        rows.append((f"warm {batch.name}", measured, load, float(report.get("in_process", "nan")), stages))
    if args.lookups is not None:
        measured, load = run_child(
            ["lookup", str(args.prepared), str(args.lookups), str(args.lookup_count)], args.source
        )
        report = measured.json()
        note = (
            f"open {report.get('open', 0):.2f} s; median {report.get('median', 0):.3f} s "
            f"(CPU {report.get('median_cpu', 0):.3f} s), slowest {report.get('slowest', 0):.3f} s "
            f"over {args.lookup_count}"
        )
        rows.append(("one request", measured, load, float(report.get("median", "nan")), note))
    print(f"prepared register: {args.prepared}")
    print("| run | load | wall (s) | CPU (s) | max RSS (MiB) | in process (s) | × one scan | detail |")
    print("|---|---|---|---|---|---|---|---|")
    for name, measured, load, inside, detail in rows:
        ratio = inside / scan_s if scan_s else float("nan")
        print(
            f"| {name} | {load} | {measured.seconds:.2f} | {measured.cpu_seconds:.2f} | "
            f"{measured.peak_rss_mib:,.0f} | {inside:.3f} | {ratio:.1f} | {detail} |"
        )
    if args.process:
        process_table(args.prepared, args.batch, args.source, args.runs)


if __name__ == "__main__":
    main()
