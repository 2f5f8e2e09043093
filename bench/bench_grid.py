"""sharelog on held-out data it was not tuned on: the grid of data-quality profiles of ``sharelog_heldout``,
run the way an operator runs it, each step in a fresh process of the ``sharelog`` command.

The held-out generator (``src/sharelog_heldout/``) was written without reading ``sharelog synth`` or the matcher;
it is for EVALUATION only — the matcher is tuned on ``sharelog synth`` and FEBRL4, never on this data. Seeds from
1000 up are evaluation seeds.

For each profile and size the data are generated once into the scratch folder
(``<scratch>/<profile>-<pupils>-<requests>-<seed>/``, reused when present): the register and the evaluated batch
from ``--seed``, and a **training batch** about the same register from ``--train-seed`` (``train-<seed>/``; its
``register.csv`` is checked to be byte for byte the evaluated one and not kept). Then:

- ``--mode prepared`` (default): ``sharelog register prepare --register register.csv --train-requests
  train-<seed>/requests.csv --out prepared/``, then ``sharelog link --prepared prepared/ --requests requests.csv``
  — the model is trained on another batch than the one evaluated;
- ``--mode batch``: ``sharelog link --register register.csv --requests requests.csv`` (trained on the evaluated
  batch itself); ``--mode both`` runs the two.

Scored against ``truth.csv`` (``bench/_heldout_score.py`` says how every figure is counted): precision and recall
at ``match``, the review band, recall if every review were confirmed, false matches by kind (twin or sibling,
doppelganger, other), and recall by kind of difference (``perturbations.csv``) — the diagnostic table. Wall
time, CPU time and peak RSS of each process, and the command's own timings (read, train, score, decide).

    .venv/bin/python bench/bench_grid.py                          # every profile, 50,000 × 5,000 (about 5 min)
    .venv/bin/python bench/bench_grid.py --profile typical --size 1000000:10000 --json grid-1m.json
    .venv/bin/python bench/bench_grid.py --quick                  # typical, 10,000 × 1,000
    .venv/bin/python bench/bench_grid.py --source /tmp/sharelog-at-abc123   # another checkout's matcher
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _harness import BIN, Measured, engine_fingerprint, machine, markdown_table, pct, run_fresh
from _heldout_score import (
    DOPPELGANGER,
    FALSE_KINDS,
    GROUPS,
    PROBABILITY_BANDS,
    TWIN_OR_SIBLING,
    GridScore,
    read_batch,
    read_register_pupils,
    read_rows,
    score_heldout,
)

from sharelog_heldout.profiles import ERROR_KINDS, PROFILES

DEFAULT_SCRATCH = Path("/tmp/bench-data/heldout")
DEFAULT_SEED = 1001
MODES = ("prepared", "batch")
# rows of the diagnostic tables, after the groups: who a held request is about, then the kinds of difference
HELD_ROWS = (*GROUPS, "register_has_namesake", *ERROR_KINDS)
NOT_HELD_ROWS = (
    "all not held",
    "doppelganger",
    "exact_register_namesake",
    "not_held_sibling",
    "fresh_person",
)
TARGET_PRECISION, TARGET_RECALL, TARGET_REVIEW = 0.998, 0.97, 0.05  # issue 14, point 2
FALSE_MATCHES_LISTED = 25  # by --details, per run


@dataclass(frozen=True)
class Size:
    pupils: int
    requests: int

    @property
    def label(self) -> str:
        return f"{_short(self.pupils)}×{_short(self.requests)}"


def _short(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return f"{n:,}"


def parse_size(text: str) -> Size:
    try:
        pupils, requests = (int(part.replace("_", "")) for part in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected PUPILS:REQUESTS, e.g. 1000000:10000, not {text!r}"
        ) from None
    return Size(pupils, requests)


# --- data -----------------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _generate(argv: list[str], out: Path) -> float:
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    command = [str(BIN / "python"), "-m", "sharelog_heldout", *argv, "--out", str(partial)]
    print(f"  generating {out} …", file=sys.stderr)
    measured = run_fresh(command)
    if not measured.ok:
        sys.stderr.write(measured.stderr[-4000:])
        raise SystemExit(f"sharelog_heldout failed (exit {measured.returncode}): {' '.join(command)}")
    partial.replace(out)
    return measured.seconds


def heldout_data(
    scratch: Path, profile: str, size: Size, *, seed: int, train_seed: int
) -> tuple[Path, Path, dict[str, float]]:
    """The evaluated folder and its training batch (generated once, then reused), and the seconds spent
    generating each this time (absent when reused)."""
    folder = scratch / f"{profile}-{size.pupils}-{size.requests}-{seed}"
    train = folder / f"train-{train_seed}"
    common = ["--profile", profile, "--pupils", str(size.pupils), "--requests", str(size.requests)]
    seconds: dict[str, float] = {}
    if not (folder / "manifest.json").is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        seconds["evaluated"] = _generate([*common, "--seed", str(seed)], folder)
    if not (train / "manifest.json").is_file():
        seconds["training"] = _generate(
            [*common, "--seed", str(seed), "--requests-seed", str(train_seed)], train
        )
        if _sha256(train / "register.csv") != _sha256(folder / "register.csv"):
            raise SystemExit(f"the training batch's register differs from the evaluated one: {train}")
        (train / "register.csv").unlink()  # the same bytes as ../register.csv
    return folder, train, seconds


# --- the runs -------------------------------------------------------------------------------------------------

TIME_LINE = re.compile(r"^Time: (.*)\.$", re.MULTILINE)
TIME_PART = re.compile(r"(\w+) ([\d.]+) s")
SHARE_LINE = re.compile(r"estimated share of requests in the register (\d+)%")


def cli_timings(stdout: str) -> dict[str, float]:
    """The ``Time: read 0.5 s, train 5.1 s, score 0.2 s, decide 0.3 s.`` line of ``sharelog link``."""
    found = TIME_LINE.search(stdout)
    return {name: float(value) for name, value in TIME_PART.findall(found.group(1))} if found else {}


def _measured(m: Measured) -> dict[str, Any]:
    return {
        "argv": list(m.argv),
        "wall_seconds": round(m.seconds, 2),
        "cpu_seconds": round(m.cpu_seconds, 2),
        "peak_rss_mib": round(m.peak_rss_mib, 1),
        "returncode": m.returncode,
        "capped": m.capped,
    }


def _failure(m: Measured, what: str) -> str:
    last = next((line for line in reversed(m.stderr.splitlines()) if line.strip()), "")
    return f"{what}: {m.capped or f'exit {m.returncode}'}; {last[:300]}"


@dataclass(frozen=True)
class Runner:
    """How the ``sharelog`` command is run: which one, from which source tree, with what limits."""

    sharelog: Path
    env: dict[str, str]
    timeout_s: float

    def run(self, argv: Sequence[str], cwd: Path) -> Measured:
        return run_fresh([str(self.sharelog), *argv], timeout_s=self.timeout_s, env=self.env, cwd=cwd)


def run_mode(runner: Runner, mode: str, folder: Path, train: Path) -> dict[str, Any]:
    """One operator's run in fresh processes; the matches file is ``matches-<mode>.csv`` in ``folder``."""
    out = folder / f"matches-{mode}.csv"
    out.unlink(missing_ok=True)
    steps: dict[str, Any] = {}
    if mode == "prepared":
        prepared = folder / "prepared"
        prepare = runner.run(
            [
                "register",
                "prepare",
                "--register",
                "register.csv",
                "--train-requests",
                str(train.relative_to(folder) / "requests.csv"),
                "--out",
                prepared.name,
            ],
            folder,
        )
        steps["prepare"] = _measured(prepare)
        if not prepare.ok:
            return {"steps": steps, "failure": _failure(prepare, "register prepare")}
        source = ["--prepared", prepared.name]
    else:
        source = ["--register", "register.csv"]
    link = runner.run(["link", *source, "--requests", "requests.csv", "--out", out.name], folder)
    steps["link"] = _measured(link)
    if not link.ok:
        return {"steps": steps, "failure": _failure(link, "link")}
    share = SHARE_LINE.search(link.stdout)
    return {
        "steps": steps,
        "link_timings": cli_timings(link.stdout),
        "estimated_share_in_register": int(share.group(1)) / 100 if share else None,
        "matches": str(out),
        "failure": None,
    }


def score_run(folder: Path, matches: Path) -> GridScore:
    batch = read_batch(folder)
    rows = read_rows(matches)
    wanted = {r["pupil_id"] for r in rows if r["pupil_id"]} | {p for p in batch.truth.values() if p}
    register = read_register_pupils(folder / "register.csv", wanted)
    return score_heldout(
        rows, truth=batch.truth, kinds=batch.kinds, requests=batch.requests, register=register
    )


def targets_met(score: dict[str, Any]) -> dict[str, bool]:
    """Issue 14's accuracy targets, one by one."""
    false = score["false_by_kind"]
    return {
        "precision": score["precision"] >= TARGET_PRECISION,
        "recall": score["recall"] >= TARGET_RECALL,
        "review_share": score["review_share"] <= TARGET_REVIEW,
        "no_twin_or_sibling_match": false[TWIN_OR_SIBLING] == 0,
        "no_doppelganger_match": false[DOPPELGANGER] == 0,
    }


# --- what was measured ----------------------------------------------------------------------------------------


def _git(source: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=source, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def about_source(source: Path) -> dict[str, Any]:
    """The commit measured, whether the matcher has local changes, and the matcher's fingerprint."""
    linkage = source / "src" / "sharelog" / "linkage"
    return {
        "source": str(source),
        "commit": _git(source, "rev-parse", "--short", "HEAD") or "no git",
        "engine_local_changes": bool(
            _git(source, "status", "--porcelain", "--untracked-files=no", "--", "src/sharelog/linkage")
        ),
        "engine_fingerprint": engine_fingerprint(linkage),
    }


def about_machine() -> dict[str, Any]:
    return {
        "summary": machine(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


# --- tables ---------------------------------------------------------------------------------------------------


def _f(value: float | None, digits: int = 4) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _mark(value: float, target: float, higher: bool = True) -> str:
    return "" if (value >= target if higher else value <= target) else " ✗"


def run_label(run: dict[str, Any], runs: list[dict[str, Any]]) -> str:
    parts = [run["profile"]]
    if len({r["size"] for r in runs}) > 1:
        parts.append(run["size"])
    if len({r["mode"] for r in runs}) > 1:
        parts.append(run["mode"])
    return " ".join(parts)


def headline_table(runs: list[dict[str, Any]]) -> str:
    rows = []
    for run in runs:
        steps = run.get("steps", {})
        prepare, link = steps.get("prepare"), steps.get("link")
        timing = (
            (f"{prepare['wall_seconds']:.1f} ({prepare['peak_rss_mib'] / 1024:.2f})" if prepare else "–"),
            (f"{link['wall_seconds']:.1f} ({link['peak_rss_mib'] / 1024:.2f})" if link else "–"),
        )
        s = run.get("score")
        if s is None:
            rows.append([run["profile"], run["size"], run["mode"], "failed", "", "", "", "", "", *timing, ""])
            continue
        false = s["false_by_kind"]
        rows.append(
            [
                run["profile"],
                run["size"],
                run["mode"],
                f"{s['precision']:.4f}{_mark(s['precision'], TARGET_PRECISION)}",
                f"{s['recall']:.3f}{_mark(s['recall'], TARGET_RECALL)}",
                f"{pct(s['review_share'])}{_mark(s['review_share'], TARGET_REVIEW, higher=False)}",
                f"{s['recall_if_reviewed']:.3f}",
                f"{s['false_matches']:,} ({' / '.join(f'{false[k]:,}' for k in FALSE_KINDS)})",
                f"{s['held']:,} / {s['requests']:,}",
                *timing,
                f"{run['load_average_at_start']:.1f}",
            ]
        )
    return markdown_table(
        [
            "Profile",
            "Pupils × requests",
            "Mode",
            "Precision",
            "Recall",
            "In review",
            "Recall if reviews confirmed",
            "False matches (twin or sibling / doppelganger / other)",
            "Held / requests",
            "Prepare s (GiB)",
            "Link s (GiB)",
            "Load",
        ],
        rows,
        align="lllrrrrrrrrr",
    )


def kind_table(runs: list[dict[str, Any]], *, reviewed: bool, min_n: int) -> str:
    """Recall of held requests by kind of difference, one column a run; ``reviewed``: if reviews were confirmed."""
    scored = [r for r in runs if r.get("score")]
    key = "recall_if_reviewed" if reviewed else "recall"
    rows = []
    for kind in HELD_ROWS:
        cells = []
        for run in scored:
            counts = run["score"]["held_by_kind"].get(kind)
            n = counts["requests"] if counts else 0
            cells.append(f"{counts[key]:.3f} ({n:,})" if n >= min_n else ("–" if not n else f"({n})"))
        if any(cell != "–" for cell in cells):
            rows.append([kind, *cells])
    return markdown_table(["Held requests", *(run_label(r, scored) for r in scored)], rows)


def not_held_table(runs: list[dict[str, Any]]) -> str:
    """Not-held requests by who they are: matched (false matches) / in review, of how many."""
    scored = [r for r in runs if r.get("score")]
    rows = []
    for kind in NOT_HELD_ROWS:
        cells = []
        for run in scored:
            c = run["score"]["not_held_by_kind"].get(kind)
            cells.append(f"{c['match']:,} / {c['review']:,} ({c['requests']:,})" if c else "–")
        if any(cell != "–" for cell in cells):
            rows.append([kind, *cells])
    return markdown_table(
        ["Not held: matched / in review (requests)", *(run_label(r, scored) for r in scored)], rows
    )


def timing_table(runs: list[dict[str, Any]]) -> str:
    rows = []
    for run in runs:
        steps, t = run.get("steps", {}), run.get("link_timings", {})
        link = steps.get("link", {})
        prepare = steps.get("prepare", {})
        rows.append(
            [
                run_label(run, runs),
                f"{prepare['wall_seconds']:.1f} / {prepare['cpu_seconds']:.0f}" if prepare else "–",
                f"{link['wall_seconds']:.1f} / {link['cpu_seconds']:.0f}" if link else "–",
                *(f"{t[k]:.1f}" if k in t else "–" for k in ("read", "train", "score", "decide")),
                _f(run.get("estimated_share_in_register"), 2),
                f"{run['load_average_at_start']:.1f}",
            ]
        )
    return markdown_table(
        ["Run", "Prepare wall / CPU s", "Link wall / CPU s", "read", "train", "score", "decide", "λ", "Load"],
        rows,
    )


def review_table(runs: list[dict[str, Any]]) -> str:
    """Reviews proposing the true pupil, by the probability the engine gave it."""
    scored = [r for r in runs if r.get("score")]
    rows = [
        [label, *(f"{r['score']['review_true_by_probability'][label]:,}" for r in scored)]
        for _, label in PROBABILITY_BANDS
    ]
    return markdown_table(
        ["Review proposing the true pupil, p", *(run_label(r, scored) for r in scored)], rows
    )


def details(run: dict[str, Any]) -> str:
    s = run["score"]
    headers = [
        "requests",
        "match",
        "review (true)",
        "review (other)",
        "no_match",
        "wrong match",
        "recall",
        "if reviewed",
    ]
    rows = [
        [
            kind,
            f"{c['requests']:,}",
            *(f"{c[k]:,}" for k in ("match", "review_true", "review_other", "no_match", "wrong_match")),
            _f(c["recall"], 3),
            _f(c["recall_if_reviewed"], 3),
        ]
        for kind in HELD_ROWS
        if (c := s["held_by_kind"].get(kind))
    ]
    out = [
        f"#### {run_label(run, [run])} {run['size']} {run['mode']}",
        "",
        markdown_table(["Held requests", *headers], rows),
    ]
    listed = s["false_match_list"][:FALSE_MATCHES_LISTED]
    if listed:
        out += ["", "False matches:", ""]
        out += [
            f"- {f['request_id']} → {f['pupil_id']} ({f['kind']}; true pupil {f['true_pupil_id'] or 'not held'}; "
            f"p {_f(f['probability'], 4)}; {';'.join(f['request_kinds'])})"
            for f in listed
        ]
        if len(s["false_match_list"]) > len(listed):
            out.append(f"- … and {len(s['false_match_list']) - len(listed):,} more (every one in the JSON)")
    return "\n".join(out)


# --- main -----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--profile", action="append", choices=sorted(PROFILES), help="repeatable (default: all)"
    )
    parser.add_argument("--pupils", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--size", action="append", type=parse_size, help="PUPILS:REQUESTS, repeatable")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="evaluation seed (≥ 1000)")
    parser.add_argument("--train-seed", type=int, help="the training batch's seed (default: --seed + 1)")
    parser.add_argument("--mode", choices=(*MODES, "both"), default="prepared")
    parser.add_argument(
        "--scratch", type=Path, default=DEFAULT_SCRATCH, help=f"data folder ({DEFAULT_SCRATCH})"
    )
    parser.add_argument("--json", type=Path, help="write every figure here (rewritten after each run)")
    parser.add_argument(
        "--details", action="store_true", help="per run: every kind's counts, the false matches"
    )
    parser.add_argument("--min-n", type=int, default=20, help="show a kind's recall from this many requests")
    parser.add_argument("--timeout-min", type=float, default=60.0, help="stop one step after this long")
    parser.add_argument(
        "--source", type=Path, help="run the sharelog of this checkout (its src/ first on PYTHONPATH)"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: typical, 10,000 × 1,000")
    parser.add_argument(
        "--from-json",
        type=Path,
        help="run nothing: print the tables of an earlier --json file (--profile and --mode select runs)",
    )
    args = parser.parse_args()
    if args.from_json:
        reprint(
            args.from_json, profiles=args.profile, mode=args.mode, details_too=args.details, min_n=args.min_n
        )
        return
    if args.quick:
        args.profile = args.profile or ["typical"]
        args.size = [Size(10_000, 1_000)]
    profiles = args.profile or list(PROFILES)
    sizes = args.size or [Size(args.pupils, args.requests)]
    modes = MODES if args.mode == "both" else (args.mode,)
    train_seed = args.train_seed if args.train_seed is not None else args.seed + 1
    if train_seed == args.seed:
        parser.error("the training batch must not be the evaluated one: --train-seed must differ from --seed")
    if min(args.seed, train_seed) < 1000:
        print("note: seeds below 1000 are development seeds, not evaluation seeds", file=sys.stderr)

    source = (args.source or Path(__file__).resolve().parents[1]).resolve()
    env = {"PYTHONPATH": str(source / "src")} if args.source else {}
    runner = Runner(BIN / "sharelog", env, args.timeout_min * 60)
    report: dict[str, Any] = {
        "benchmark": "bench/bench_grid.py",
        "data": "sharelog_heldout: evaluation only, never tuned on",
        "machine": about_machine(),
        **about_source(source),
        "seed": args.seed,
        "train_seed": train_seed,
        "runs": [],
    }
    print(f"# Held-out grid — seed {args.seed}, training batch seed {train_seed}\n")
    print(f"{report['machine']['summary']}\n")
    changes = " with local changes to the matcher" if report["engine_local_changes"] else ""
    print(
        f"sharelog at {report['commit']}{changes} ({source}), engine fingerprint {report['engine_fingerprint']}\n"
    )

    for size in sizes:
        for profile in profiles:
            folder, train, generated = heldout_data(
                args.scratch, profile, size, seed=args.seed, train_seed=train_seed
            )
            for mode in modes:
                run: dict[str, Any] = {
                    "profile": profile,
                    "pupils": size.pupils,
                    "requests": size.requests,
                    "size": size.label,
                    "mode": mode,
                    "seed": args.seed,
                    "train_seed": train_seed if mode == "prepared" else None,
                    "data": str(folder),
                    "generate_seconds": generated,
                    "load_average_at_start": round(os.getloadavg()[0], 2),
                }
                print(f"  {profile} {size.label} {mode} …", file=sys.stderr)
                run.update(run_mode(runner, mode, folder, train))
                if run["failure"] is None:
                    run["score"] = score_run(folder, Path(run["matches"])).as_dict()
                    run["targets_met"] = targets_met(run["score"])
                else:
                    print(f"  failed: {run['failure']}", file=sys.stderr)
                report["runs"].append(run)
                if args.json:
                    args.json.write_text(
                        json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
                    )
    report["engine_fingerprint_at_end"] = engine_fingerprint(source / "src" / "sharelog" / "linkage")
    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print_report(report, details_too=args.details, min_n=args.min_n)


def reprint(path: Path, *, profiles: list[str] | None, mode: str, details_too: bool, min_n: int) -> None:
    """The tables of an earlier run's JSON, for the runs of these profiles (all by default) and mode."""
    report = json.loads(path.read_text(encoding="utf-8"))
    report["runs"] = [
        run
        for run in report["runs"]
        if (not profiles or run["profile"] in profiles) and mode in ("both", run["mode"])
    ]
    machine_, changes = (
        report["machine"],
        " with local changes to the matcher" if report["engine_local_changes"] else "",
    )
    print(
        f"# Held-out grid — seed {report['seed']}, training batch seed {report['train_seed']} (from {path})\n"
    )
    print(f"{machine_['summary']}\n")
    print(f"sharelog at {report['commit']}{changes}, engine fingerprint {report['engine_fingerprint']}\n")
    print_report(report, details_too=details_too, min_n=min_n)


def print_report(report: dict[str, Any], *, details_too: bool, min_n: int) -> None:
    runs = report["runs"]
    print(
        f"Targets (issue 14): precision ≥ {TARGET_PRECISION} and recall ≥ {TARGET_RECALL} at `match`, review "
        f"≤ {pct(TARGET_REVIEW, 0)} of requests, no twin/sibling or doppelganger match (✗: not met). Prepare and "
        "link: wall seconds of a fresh process (peak RSS GiB). Load: 1-minute load average at the run's start.\n"
    )
    print(headline_table(runs) + "\n")
    for run in runs:
        if run.get("failure"):
            print(f"- **{run_label(run, runs)} failed:** {run['failure']}")
    print(f"\n### Recall at `match` of held requests by kind (requests; a kind shown from {min_n})\n")
    print(kind_table(runs, reviewed=False, min_n=min_n) + "\n")
    print("### Recall if every review were confirmed, by kind\n")
    print(kind_table(runs, reviewed=True, min_n=min_n) + "\n")
    print("### Requests about people not in the register\n")
    print(not_held_table(runs) + "\n")
    print("### Reviews that propose the true pupil, by match probability\n")
    print(review_table(runs) + "\n")
    print(
        "### Timings (seconds; `link`'s own: read, train, score, decide; λ: its estimate of the share held)\n"
    )
    print(timing_table(runs))
    if details_too:
        for run in runs:
            if run.get("score"):
                print("\n" + details(run))
    if report["engine_fingerprint_at_end"] != report["engine_fingerprint"]:
        print(
            f"\n**Warning:** the matcher changed during this run ({report['engine_fingerprint']} → "
            f"{report['engine_fingerprint_at_end']}): rerun for clean figures."
        )


if __name__ == "__main__":
    main()
