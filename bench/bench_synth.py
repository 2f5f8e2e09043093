"""Benchmark `sharelog synth`: wall time and peak memory of ``generate`` at a few sizes.

Each size runs in a fresh Python process, so its peak RSS is its own (``resource.getrusage``).

    .venv/bin/python bench/bench_synth.py                       # the sizes in docs/benchmarks.md
    .venv/bin/python bench/bench_synth.py --case 1000000:10000  # one size (pupils:requests)
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


def run_one(pupils: int, requests: int, seed: int) -> dict[str, float]:
    """Generate once in this process; return seconds and peak RSS (MiB)."""
    from sharelog.synth import generate

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        generate(pupils=pupils, requests=requests, seed=seed, out_dir=Path(folder) / "out")
        seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"pupils": pupils, "requests": requests, "seconds": seconds, "peak_rss_mib": peak_kib / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--case", action="append", help="pupils:requests (repeatable)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one case, print JSON
    args = parser.parse_args()
    if args.one:
        pupils, requests = (int(part) for part in args.one.split(":"))
        print(json.dumps(run_one(pupils, requests, args.seed)))
        return
    print(f"sharelog synth benchmark — {os.cpu_count()} CPUs, seed {args.seed}")
    print(f"{'pupils':>10} {'requests':>9} {'seconds':>8} {'peak RSS MiB':>13}")
    for case in args.case or DEFAULT_CASES:
        command = [sys.executable, __file__, "--one", case, "--seed", str(args.seed)]
        row = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        print(
            f"{row['pupils']:>10,} {row['requests']:>9,} {row['seconds']:>8.1f} {row['peak_rss_mib']:>13,.0f}"
        )


if __name__ == "__main__":
    main()
