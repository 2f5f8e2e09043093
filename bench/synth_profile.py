"""Print the tables of docs/synthetic-data.md from a real run, so the documented figures can be reproduced.

.venv/bin/python bench/synth_profile.py            # seed 1, 100,000 pupils, 10,000 requests
.venv/bin/python bench/synth_profile.py --pupils 20000 --requests 5000 --seed 3
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from sharelog.synth import ERROR_PROFILE, NOT_IN_REGISTER_MIX, SynthResult, generate


def error_table(result: SynthResult) -> str:
    lines = ["| Error | Intended share | Realised share | What it looks like |", "|---|---:|---:|---|"]
    shares = result.error_shares
    for kind in ERROR_PROFILE:
        lines.append(f"| `{kind.name}` | {kind.share:.1%} | {shares[kind.name]:.1%} | {kind.description} |")
    return "\n".join(lines)


def origin_table(result: SynthResult) -> str:
    lines = ["| Who the request is about | Share of requests |", "|---|---:|"]
    for origin, count in result.origins.items():
        lines.append(f"| `{origin}` | {count / result.requests:.1%} |")
    return "\n".join(lines)


def culture_table(result: SynthResult) -> str:
    lines = ["| Naming culture | Share of pupils |", "|---|---:|"]
    for culture, count in result.cultures.items():
        lines.append(f"| `{culture}` | {count / result.pupils:.1%} |")
    return "\n".join(lines)


def errors_per_request_table(result: SynthResult) -> str:
    lines = ["| Errors in a request | Share of requests |", "|---:|---:|"]
    for n, count in result.errors_per_request.items():
        lines.append(f"| {n} | {count / result.requests:.1%} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pupils", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = generate(
            pupils=args.pupils, requests=args.requests, seed=args.seed, out_dir=Path(folder) / "out"
        )
    print(f"seed {args.seed}, {args.pupils:,} pupils, {args.requests:,} requests")
    print(f"households {result.households:,}; twins {result.twins / result.pupils:.1%} of pupils")
    print(f"non-register mix (intended): {NOT_IN_REGISTER_MIX}\n")
    for table in (error_table, errors_per_request_table, origin_table, culture_table):
        print(table(result), end="\n\n")


if __name__ == "__main__":
    main()
