"""Benchmark the Spark backend against DuckDB scoring, on synthetic registers (figures in docs/scale.md).

Each size runs in a fresh Python process: read and train on DuckDB, score and decide on DuckDB, then start Spark
(local mode, sharelog's defaults or ``SHARELOG_SPARK_*``) and score and decide on it. It prints the seconds of
each step (Spark's scoring twice: cold, then with the JVM warm), the peak RSS of Python and of Spark's JVM, and
how many requests got the same decision both ways.

    .venv/bin/python bench/bench_spark.py                              # 100k, 1M and 5M pupils, 10k requests
    .venv/bin/python bench/bench_spark.py --case 1000000:10000 --data /tmp/sharelog-bench-spark
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


def _descendant_peak_rss_mib() -> float:
    """Peak RSS (VmHWM) of the largest process started below this one: Spark's JVM."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    peak, stack = 0, list(children.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak / 1024


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
        "jvm_peak_rss_mib": round(_descendant_peak_rss_mib()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--case", action="append", help="pupils:requests (repeatable)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "sharelog-bench-spark")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: one data folder, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
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
