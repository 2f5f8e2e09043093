"""Benchmark `sharelog synth`: wall time, where it goes, and peak memory of ``generate`` at a few sizes.

Each size runs in a fresh Python process, so its peak RSS is its own (``resource.getrusage``). The load average
is printed at the start of each case (the machine may be shared). Stages, in seconds from the start:
households drawn, pupils drawn (and, above 5 million, shuffled into bucket files), register file written, and
the requests, errors and their files.

    .venv/bin/python bench/bench_synth.py                        # the sizes in docs/benchmarks.md up to 1M
    .venv/bin/python bench/bench_synth.py --large                # and 5M and 20M (minutes; ~6 GB of disk)
    .venv/bin/python bench/bench_synth.py --case 20000000:10000  # one size (pupils:requests)
    .venv/bin/python bench/bench_synth.py --case 20000000:10000 --format parquet --work-dir /tmp/bench-data
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

DEFAULT_CASES = ("100000:10000", "1000000:10000", "1000000:100000")
LARGE_CASES = ("5000000:10000", "20000000:10000")
STAGES = ("households", "pupils", "register", "requests")


def run_one(
    pupils: int, requests: int, seed: int, register_format: str, work_dir: str | None
) -> dict[str, object]:
    """Generate once in this process; return seconds, seconds at the end of each stage, peak RSS (MiB) and the
    register file's size (MB)."""
    from sharelog.synth import generate

    ends: dict[str, float] = {}
    order: list[str] = []
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in ends:
            order.append(stage)
        ends[stage] = time.perf_counter() - started

    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        result = generate(
            pupils=pupils,
            requests=requests,
            seed=seed,
            out_dir=Path(folder) / "out",
            register_format=register_format,
            progress=progress,
        )
        seconds = time.perf_counter() - started
        size_mb = result.files[0].stat().st_size / 1e6
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "pupils": pupils,
        "requests": requests,
        "format": register_format,
        "seconds": seconds,
        "stage_ends": {stage: ends[stage] for stage in order},
        "peak_rss_mib": peak_kib / 1024,
        "register_mb": size_mb,
    }


def _stages(row: dict[str, object]) -> str:
    """Seconds spent in each stage: households, pupils, register file, requests and their files."""
    ends = row["stage_ends"]
    assert isinstance(ends, dict)
    marks = [ends.get("households", 0.0), ends.get("pupils", 0.0), ends.get("register", 0.0)]
    total = float(row["seconds"])  # type: ignore[arg-type]
    spans = [marks[0], marks[1] - marks[0], marks[2] - marks[1], total - marks[2]]
    return " / ".join(f"{span:.1f}" for span in spans)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--case", action="append", help="pupils:requests (repeatable)")
    parser.add_argument("--large", action="store_true", help="also 5M and 20M pupils (10,000 requests)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", default="csv", choices=("csv", "parquet"), help="the register's file")
    parser.add_argument("--work-dir", help="where to write the data (default: the system's temporary folder)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one case, print JSON
    args = parser.parse_args()
    if args.one:
        pupils, requests = (int(part) for part in args.one.split(":"))
        print(json.dumps(run_one(pupils, requests, args.seed, args.format, args.work_dir)))
        return
    cases = list(args.case or DEFAULT_CASES) + (list(LARGE_CASES) if args.large else [])
    print(f"sharelog synth benchmark — {os.cpu_count()} CPUs, seed {args.seed}, register as {args.format}")
    print(
        f"{'pupils':>10} {'requests':>9} {'seconds':>8} {'peak RSS MiB':>13} {'file MB':>8}  "
        f"{'stages: households / pupils / register file / requests (s)':<58} load at start"
    )
    for case in cases:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        command = [sys.executable, __file__, "--one", case, "--seed", str(args.seed), "--format", args.format]
        if args.work_dir:
            command += ["--work-dir", args.work_dir]
        row = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        print(
            f"{row['pupils']:>10,} {row['requests']:>9,} {row['seconds']:>8.1f} {row['peak_rss_mib']:>13,.0f} "
            f"{row['register_mb']:>8,.0f}  {_stages(row):<58} {load}"
        )


if __name__ == "__main__":
    main()
