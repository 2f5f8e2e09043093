"""``python -m sharelog_heldout --profile NAME --pupils N --requests M --seed S --out DIR``, or ``... profiles``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from .profiles import PROFILES


def _profiles() -> int:
    width = max(len(name) for name in PROFILES)
    for name, profile in PROFILES.items():
        print(f"{name:<{width}}  {profile.description}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["profiles"]:
        return _profiles()
    parser = argparse.ArgumentParser(
        prog="python -m sharelog_heldout",
        description="Held-out register, trace requests and truth for EVALUATING a matcher (never for tuning it). "
        "`python -m sharelog_heldout profiles` lists the profiles.",
    )
    parser.add_argument("--profile", required=True, choices=sorted(PROFILES))
    parser.add_argument("--pupils", required=True, type=int)
    parser.add_argument("--requests", required=True, type=int)
    parser.add_argument("--seed", required=True, type=int, help="seeds from 1000 up are evaluation seeds")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--census-date", type=dt.date.fromisoformat, default=dt.date(2024, 10, 3))
    parser.add_argument(
        "--requests-seed",
        type=int,
        help="another batch about the same register: the register is --seed's (same --pupils and --requests), "
        "the requests come from this seed",
    )
    args = parser.parse_args(argv)
    from .generate import EVALUATION_SEEDS_FROM, generate

    for seed in sorted({args.seed, args.seed if args.requests_seed is None else args.requests_seed}):
        if seed < EVALUATION_SEEDS_FROM:
            print(
                f"note: seed {seed} is a development seed; evaluation seeds are {EVALUATION_SEEDS_FROM} and up",
                file=sys.stderr,
            )
    started = time.perf_counter()
    manifest = generate(
        args.profile,
        args.pupils,
        args.requests,
        args.seed,
        args.out,
        args.census_date,
        requests_seed=args.requests_seed,
    )
    counts = manifest["counts"]
    print(
        f"{args.profile}: {args.pupils:,} pupils, {args.requests:,} requests "
        f"({counts['in_register']:,} held, {counts['not_held']:,} not held) in {time.perf_counter() - started:.1f} s "
        f"-> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
