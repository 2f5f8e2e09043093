"""Benchmark the Spark backend against DuckDB scoring, on synthetic registers (figures in docs/scale.md).

Each size runs in a fresh Python process: read and train on DuckDB, score and decide on DuckDB, then start Spark
(local mode, sharelog's defaults or ``SHARELOG_SPARK_*``) and score and decide on it. It prints the seconds of
each step (Spark's scoring twice: cold, then with the JVM warm), the peak RSS of Python and of Spark's JVM, and
how many requests got the same decision both ways.

    .venv/bin/python bench/bench_spark.py                              # 100k, 1M and 5M pupils, 10k requests
    .venv/bin/python bench/bench_spark.py --case 1000000:10000 --data /tmp/sharelog-bench-spark

``--prepare``: Spark end to end instead. The register is prepared and the model trained on Spark
(``prepare_register_on_spark``: the register never passes through the Python driver), then the batch is scored on
Spark from the Parquet prepared register (candidates selected on Spark) and decided; the same batch is then scored
on DuckDB from the same folder with the same model, and the decisions compared. With ``--compare-duckdb`` the
register is also prepared and trained on DuckDB, and the batch decided with that model (the model comparison).
Prints the seconds of each step and the peak RSS of the Python driver, Spark's JVM and its Python workers.

    .venv/bin/python bench/bench_spark.py --prepare --case 1000000:10000
    .venv/bin/python bench/bench_spark.py --prepare --register /tmp/bench-data/train-20000000/register.parquet \
        --requests /tmp/bench-data/train-20000000/requests.csv      # 20M pupils (long)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CASES = ("100000:10000", "1000000:10000", "5000000:10000")


def _descendant_peaks_mib() -> dict[str, float]:
    """Peak RSS (VmHWM) of the processes started below this one, the largest of each kind: Spark's JVM
    (``java``) and its Python workers (``python``)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    peaks: dict[str, float] = {"java": 0.0, "python": 0.0}
    stack = list(children.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        kind = "java" if name == "java" else "python"
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks[kind] = max(peaks[kind], int(line.split()[1]) / 1024)
    return peaks


def run_prepare(register: Path, requests: Path, work: Path, *, compare_duckdb: bool) -> dict[str, object]:
    """Prepare and train on Spark, score on Spark and on DuckDB from the prepared folder, compare decisions."""
    import shutil
    import threading

    from sharelog.linkage import MatchingSession, Thresholds, load_model, prepare_register
    from sharelog.linkage.spark import SparkConfig, SparkScorer, prepare_register_on_spark, spark_session
    from sharelog.settings import Settings

    config = SparkConfig.from_settings(Settings())
    seconds: dict[str, float] = {}
    peaks = {"java": 0.0, "python": 0.0}
    done = threading.Event()

    def watch() -> None:  # a Python worker's peak is lost when it exits: sample while running
        while not done.wait(2):
            for kind, value in _descendant_peaks_mib().items():
                peaks[kind] = max(peaks[kind], value)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()

    def timed(step: str, started: float) -> None:
        seconds[step] = round(time.perf_counter() - started, 1)

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.perf_counter()
    spark_session(config)
    timed("spark_start", started)
    stages: dict[str, float] = {}
    begun = time.perf_counter()

    def progress(stage: str, done_steps: int, total: int) -> None:
        stages.setdefault(stage, round(time.perf_counter() - begun, 1))

    started = time.perf_counter()
    prepared = prepare_register_on_spark(
        register=register, out_dir=work / "spark", train_requests=requests, config=config, progress=progress
    )
    timed("spark_prepare_and_train", started)

    def decide(folder: Path, model: Path, scorer: object, step: str) -> tuple[list[tuple[object, ...]], int]:
        started = time.perf_counter()
        with MatchingSession(memory_limit="4GB", scorer=scorer) as session:  # type: ignore[arg-type]
            session.load_prepared(folder)
            session.load_requests(requests)
            session.use_model(load_model(model))
            session.score()
            session.decide(Thresholds())
            rows = session.con.sql(
                "SELECT request_id, decision, pupil_id FROM decisions ORDER BY 1"
            ).fetchall()
            pairs = int(session.con.sql("SELECT count(*) FROM predictions").fetchall()[0][0])
        timed(step, started)
        return rows, pairs

    model = work / "spark" / "model.json"
    on_spark, pairs = decide(work / "spark", model, SparkScorer(config), "spark_score_decide")
    on_duckdb, _ = decide(work / "spark", model, None, "duckdb_score_decide")
    result: dict[str, object] = {
        "pupils": prepared.rows,
        "stages_started_at": stages,
        "pairs": pairs,
        "requests": len(on_spark),
        "same_decision_spark_vs_duckdb_scoring": sum(
            a == b for a, b in zip(on_spark, on_duckdb, strict=True)
        ),
        "decisions": {d: sum(row[1] == d for row in on_spark) for d in ("match", "review", "no_match")},
        "prepared_mb": round(sum(f.stat().st_size for f in (work / "spark").rglob("*") if f.is_file()) / 1e6),
    }
    if compare_duckdb:
        started = time.perf_counter()
        prepare_register(register=register, out_dir=work / "duckdb", train_requests=requests)
        timed("duckdb_prepare_and_train", started)
        with_duckdb_model, _ = decide(work / "duckdb", work / "duckdb" / "model.json", None, "duckdb_link")
        result["same_decision_duckdb_model_and_register"] = sum(
            a == b for a, b in zip(on_spark, with_duckdb_model, strict=True)
        )
    done.set()
    watcher.join()
    for kind, value in _descendant_peaks_mib().items():
        peaks[kind] = max(peaks[kind], value)
    return {
        **seconds,
        **result,
        "python_driver_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "jvm_peak_rss_mib": round(peaks["java"]),
        "python_worker_peak_rss_mib": round(peaks["python"]),
    }


def run_one(data: Path) -> dict[str, float]:
    """Score ``data/register.csv`` × ``data/requests.csv`` on both backends in this process."""
    from sharelog.linkage import MatchingSession, Thresholds
    from sharelog.linkage.spark import SparkConfig, SparkScorer, spark_session
    from sharelog.settings import Settings

    config = SparkConfig.from_settings(Settings())  # SHARELOG_SPARK_* or .env, as the CLI reads them

    seconds: dict[str, float] = {}

    def timed(step: str, started: float) -> None:
        seconds[step] = round(time.perf_counter() - started, 1)

    with MatchingSession(memory_limit="8GB") as session:
        started = time.perf_counter()
        session.load_register(data / "register.csv")
        session.load_requests(data / "requests.csv")
        timed("read", started)
        started = time.perf_counter()
        session.train()
        timed("train", started)
        started = time.perf_counter()
        session.score()  # DuckDB, the session's own scorer
        session.decide(Thresholds())
        timed("duckdb_score_decide", started)
        pairs = session.con.sql("SELECT count(*) FROM predictions").fetchall()[0][0]
        session.con.execute("CREATE TABLE decisions_duckdb AS FROM decisions")
        started = time.perf_counter()
        spark_session(config)
        timed("spark_start", started)
        started = time.perf_counter()
        session.scorer = SparkScorer(config)
        session.score()
        session.decide(Thresholds())
        timed("spark_score_decide", started)
        started = time.perf_counter()
        session.score()  # on Spark again, with the JVM warm: what a long-running driver sees
        timed("spark_score_warm", started)
        same = session.con.sql(
            "SELECT count(*) FROM decisions_duckdb AS d JOIN decisions AS s USING (request_id) "
            "WHERE d.decision = s.decision AND d.pupil_id IS NOT DISTINCT FROM s.pupil_id"
        ).fetchall()[0][0]
        requests = session.con.sql("SELECT count(*) FROM decisions").fetchall()[0][0]
    return {
        **seconds,
        "pairs": pairs,
        "same_decision": same,
        "requests": requests,
        "python_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "jvm_peak_rss_mib": round(max(_descendant_peaks_mib().values())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--case", action="append", help="pupils:requests (repeatable)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "sharelog-bench-spark")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: one data folder, print JSON
    parser.add_argument("--prepare", action="store_true", help="prepare and train on Spark too (see above)")
    parser.add_argument(
        "--compare-duckdb", action="store_true", help="with --prepare: also prepare on DuckDB"
    )
    parser.add_argument("--register", type=Path, help="with --prepare: this register instead of a case's")
    parser.add_argument("--requests", type=Path, help="with --prepare and --register: the batch")
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)  # internal: the prepared folders
    args = parser.parse_args()
    if args.one:
        if args.prepare:
            register = args.register or args.one / "register.csv"
            requests = args.requests or args.one / "requests.csv"
            result = run_prepare(register, requests, args.work, compare_duckdb=args.compare_duckdb)
            print(json.dumps(result))
        else:
            print(json.dumps(run_one(args.one)))
        return
    if args.prepare:
        cases = [None] if args.register else (args.case or ["1000000:10000"])
        for case in cases:
            if case is None:
                data = args.register.parent
            else:
                pupils, requests = (int(part) for part in case.split(":"))
                data = args.data / f"{pupils}-{requests}"
                if not (data / "register.csv").is_file():
                    from sharelog.synth import generate

                    generate(pupils=pupils, requests=requests, seed=1, out_dir=data)
            command = [
                sys.executable,
                __file__,
                "--one",
                str(data),
                "--prepare",
                "--work",
                str(args.data / "work"),
            ]
            command += ["--compare-duckdb"] if args.compare_duckdb else []
            command += (
                ["--register", str(args.register), "--requests", str(args.requests)] if args.register else []
            )
            print(f"load average at start: {Path('/proc/loadavg').read_text().split()[:3]}", flush=True)
            result = subprocess.run(command, check=True, capture_output=True, text=True)
            print(f"{case or args.register}:", json.loads(result.stdout.splitlines()[-1]), flush=True)
        return
    print(f"sharelog Spark backend benchmark — {os.cpu_count()} CPUs")
    for case in args.case or DEFAULT_CASES:
        pupils, requests = (int(part) for part in case.split(":"))
        data = args.data / f"{pupils}-{requests}"
        if not (data / "register.csv").is_file():
            from sharelog.synth import generate

            generate(pupils=pupils, requests=requests, seed=1, out_dir=data)
        command = [sys.executable, __file__, "--one", str(data)]
        result = subprocess.run(command, check=True, capture_output=True, text=True)
        print(f"{pupils:,} pupils × {requests:,} requests:", json.loads(result.stdout.splitlines()[-1]))


if __name__ == "__main__":
    main()
