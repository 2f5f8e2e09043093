"""Synthetic data through sharelog's matcher: precision and recall at ``match``, wrong-twin matches, the review
band, and misses and false matches by the kind of error the request carries.

The data is ``sharelog synth`` (default seed 1, 100,000 pupils, 10,000 requests), generated once into the scratch
folder; ``truth.csv`` says which pupil each request is about (blank: not in the register) and
``perturbations.csv`` which errors each request carries. The engine trains without labels.

A **wrong-twin match** is a match to a pupil who is the twin of the true pupil: same surname, postcode and date
of birth in the register. Targets: precision ≥ 0.998, recall ≥ 0.95, no wrong-twin match.

    .venv/bin/python bench/bench_synthetic.py            # about 30 s
    .venv/bin/python bench/bench_synthetic.py --quick    # 20,000 pupils, 2,000 requests
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from _harness import (
    DEFAULT_SCRATCH,
    Explained,
    Person,
    Score,
    engine_fingerprint,
    engine_unchanged,
    engine_version,
    explain_decisions,
    machine,
    markdown_table,
    pct,
    read_csv_rows,
    read_truth,
    register_people,
    score_matches,
    synth_data,
)

from sharelog.linkage import link

OUTCOMES = ("match", "review", "no_match", "wrong match")
NO_ERRORS = "(no error)"
WEAK_RECALL = 0.9  # error kinds below this recall get their misses broken down by reason


def twins_of(people: dict[str, Person]) -> set[str]:
    """Pupils who share surname, postcode and date of birth with another pupil."""
    counts = Counter(people.values())
    return {pupil for pupil, person in people.items() if counts[person] > 1}


def outcome(row: dict[str, str], true_pupil: str) -> str:
    if row["decision"] == "match":
        return "match" if true_pupil and row["pupil_id"] == true_pupil else "wrong match"
    return row["decision"]


def false_match_kind(
    row: dict[str, str], true_pupil: str, people: dict[str, Person], request: dict[str, str]
) -> str:
    """What a false match matched: the true pupil's twin or sibling, a relative of someone not on the roll, or
    an unrelated pupil."""
    matched = people[row["pupil_id"]]
    if true_pupil:
        true = people[true_pupil]
        if matched == true:
            return "twin of the true pupil"
        if matched[:2] == true[:2]:
            return "sibling of the true pupil (same surname and postcode)"
        return "unrelated pupil (the true pupil is in the register)"
    same_surname = matched[0].casefold() == (request["surname"] or "").casefold()
    same_postcode = matched[1].replace(" ", "") == (request["postcode"] or "").replace(" ", "").upper()
    if same_surname and same_postcode:
        return "not in the register; a pupil of the same household"
    if same_surname:
        return "not in the register; a pupil with the same surname elsewhere"
    return "not in the register; an unrelated pupil"


def counts_row(label: str, c: Counter[str]) -> list[object]:
    total = sum(c.values())
    return [
        label,
        f"{total:,}",
        *(f"{c[o]:,}" for o in OUTCOMES),
        f"{c['match'] / total:.3f}" if total else "–",
    ]


@dataclass
class Tally:
    """Every request's outcome, counted the ways the report shows them."""

    by_kind: dict[str, Counter[str]] = field(default_factory=dict)
    by_count: dict[int, Counter[str]] = field(default_factory=dict)
    false_kinds: Counter[str] = field(default_factory=Counter)
    false_by_error: Counter[str] = field(default_factory=Counter)
    requests_by_error: Counter[str] = field(default_factory=Counter)
    misses: Counter[tuple[str, str, str, bool]] = field(default_factory=Counter)
    misses_by_kind: Counter[tuple[str, str]] = field(default_factory=Counter)  # (error kind, outcome: reason)
    twin_requests: Counter[str] = field(default_factory=Counter)
    review_band: Counter[str] = field(default_factory=Counter)
    held: int = 0
    held_right: int = 0
    held_wrong: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Data:
    """A synth folder read for scoring."""

    truth: dict[str, str]
    kinds: dict[str, list[str]]
    requests: dict[str, dict[str, str]]
    people: dict[str, Person]
    twins: set[str]


def read_data(folder: Path) -> Data:
    people = register_people(folder / "register.csv")
    return Data(
        truth=read_truth(folder / "truth.csv"),
        kinds={
            r["request_id"]: [k for k in r["errors"].split(";") if k]
            for r in read_csv_rows(folder / "perturbations.csv")
        },
        requests={r["request_id"]: r for r in read_csv_rows(folder / "requests.csv")},
        people=people,
        twins=twins_of(people),
    )


def tally(matches: list[dict[str, str]], data: Data, explained: dict[str, Explained]) -> Tally:
    t = Tally()
    for row in matches:
        request, true_pupil = row["request_id"], data.truth[row["request_id"]]
        errors = data.kinds[request] or [NO_ERRORS]
        result = outcome(row, true_pupil)
        t.requests_by_error.update(errors)
        if true_pupil:
            for error in errors:
                t.by_kind.setdefault(error, Counter())[result] += 1
            t.by_count.setdefault(len(data.kinds[request]), Counter())[result] += 1
            if true_pupil in data.twins:
                t.twin_requests[result] += 1
            if result != "match":
                why = explained[request]
                t.misses[(result, why.reason, why.not_counting, why.true_pair_scored)] += 1
                for error in errors:
                    t.misses_by_kind[(error, f"{result}: {why.reason}")] += 1
        if result == "wrong match":
            t.false_kinds[false_match_kind(row, true_pupil, data.people, data.requests[request])] += 1
            t.false_by_error.update(errors)
        if row["decision"] == "review":
            t.review_band[review_kind(row, true_pupil)] += 1
        why = explained[request]
        if why.held_by_relatives_guard():
            t.held += 1
            if true_pupil and why.pupil_id == true_pupil:
                t.held_right += 1
            else:
                kind = false_match_kind(
                    {"pupil_id": why.pupil_id}, true_pupil, data.people, data.requests[request]
                )
                t.held_wrong[kind] += 1
    return t


def review_kind(row: dict[str, str], true_pupil: str) -> str:
    if not true_pupil:
        return "person not in the register"
    if row["pupil_id"] == true_pupil:
        return "in the register; proposes the true pupil"
    return "in the register; proposes another pupil"


def headline(score: Score, wrong_twins: int, seconds: float) -> str:
    review_all = (score.correct + score.review_true) / score.in_register
    return markdown_table(
        ["Measure", "Value", "Target"],
        [
            ["Requests (about a registered pupil)", f"{score.requests:,} ({score.in_register:,})", ""],
            [
                "Matches (correct / false)",
                f"{score.matched:,} ({score.correct:,} / {score.false_matches:,})",
                "",
            ],
            ["Precision at `match`", f"{score.precision:.4f}", _target(score.precision >= 0.998, "≥ 0.998")],
            ["Recall at `match`", f"{score.recall:.4f}", _target(score.recall >= 0.95, "≥ 0.95")],
            ["Wrong-twin matches", f"{wrong_twins:,}", _target(wrong_twins == 0, "0")],
            ["Review band", f"{score.review:,} ({pct(score.review / score.requests)} of requests)", ""],
            ["Recall if every review were confirmed", f"{review_all:.4f}", ""],
            ["`link` wall time (CSV in, train, score, decide)", f"{seconds:.1f} s", ""],
        ],
        align="lrl",
    )


def details(t: Tally, score: Score) -> str:
    headers = ["requests", "match", "review", "no_match", "wrong match", "recall"]
    kind_rows = sorted(t.by_kind.items(), key=lambda kv: (kv[1]["match"] / sum(kv[1].values()), kv[0]))
    out = [
        "### Requests about registered pupils, by error kind (a request counts once for each kind it carries)"
    ]
    out.append(markdown_table(["Error kind", *headers], (counts_row(k, c) for k, c in kind_rows)))
    out.append("### Requests about registered pupils, by number of errors")
    out.append(
        markdown_table(["Errors", *headers], (counts_row(str(n), c) for n, c in sorted(t.by_count.items())))
    )
    out.append("### Why registered pupils were not matched (the engine's reason)")
    out.append(
        markdown_table(
            [
                "Outcome",
                "Engine's reason",
                "Not counting for the best candidate",
                "True pair scored",
                "Requests",
            ],
            ([o, r, w or "–", "yes" if s else "no", f"{n:,}"] for (o, r, w, s), n in t.misses.most_common()),
            align="llllr",
        )
    )
    weak = [k for k, c in kind_rows if c["match"] / sum(c.values()) < WEAK_RECALL]
    if weak:
        out.append(f"### Misses of the error kinds with recall below {WEAK_RECALL}, by the engine's reason")
        out.append(
            markdown_table(
                ["Error kind", "Outcome: reason", "Requests"],
                (
                    [kind, reason, n]
                    for kind in weak
                    for (k, reason), n in t.misses_by_kind.most_common()
                    if k == kind
                ),
                align="llr",
            )
        )
    out.append("### False matches: who was matched")
    if not t.false_kinds:
        out.append("None.")
    else:
        out.append(markdown_table(["Matched pupil", "False matches"], t.false_kinds.most_common()))
        out.append("### False matches by error kind of the request (all requests)")
        out.append(
            markdown_table(
                ["Error kind", "Requests with it", "False matches"],
                ([k, f"{t.requests_by_error[k]:,}", n] for k, n in t.false_by_error.most_common()),
            )
        )
    out.append("### The review band")
    out.append(markdown_table(["Review request", "Requests"], t.review_band.most_common()))
    wrong = sum(t.held_wrong.values())
    out.append(
        "### What the relatives guard holds back\n\nRequests whose best candidate clears the match threshold and "
        "the runner-up gap but goes to review because a relative could explain it (the engine's reason): "
        f"{t.held:,}; {t.held_right:,} of them propose the true pupil. Matching them all would add "
        f"{t.held_right:,} correct and {wrong:,} false matches"
        + (": " + "; ".join(f"{k} {n}" for k, n in t.held_wrong.most_common()) if wrong else "")
        + f" (precision {(score.correct + t.held_right) / max(score.matched + t.held, 1):.4f}, "
        f"recall {(score.correct + t.held_right) / score.in_register:.4f})."
    )
    out.append(
        f"Requests about a pupil who has a twin in the register: {sum(t.twin_requests.values()):,} — "
        + ", ".join(f"{o} {t.twin_requests[o]:,}" for o in OUTCOMES)
        + "."
    )
    return "\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pupils", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--scratch", type=Path, default=DEFAULT_SCRATCH, help=f"data folder ({DEFAULT_SCRATCH})"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20,000 pupils, 2,000 requests")
    args = parser.parse_args()
    if args.quick:
        args.pupils, args.requests = 20_000, 2_000

    about_machine, about_engine, fingerprint = machine(), engine_version(), engine_fingerprint()
    folder = synth_data(args.scratch, pupils=args.pupils, requests=args.requests, seed=args.seed)
    register, requests_file = folder / "register.csv", folder / "requests.csv"
    data = read_data(folder)
    started = time.perf_counter()
    result = link(register=register, requests=requests_file, out=folder / "bench-synthetic-matches.csv")
    seconds = time.perf_counter() - started
    matches = read_csv_rows(result.out)
    score = score_matches(matches, data.truth)
    explained = explain_decisions(
        register=register, requests=requests_file, model=result.model, truth=data.truth
    )
    t = tally(matches, data, explained)

    print(f"# Synthetic data — seed {args.seed}, {args.pupils:,} pupils, {args.requests:,} requests\n")
    print(f"{about_machine}\n\n{about_engine}\n")
    print(headline(score, t.false_kinds["twin of the true pupil"], seconds) + "\n")
    print(details(t, score))
    print(engine_unchanged(fingerprint))


def _target(met: bool, target: str) -> str:
    return f"{target} {'✓' if met else '✗'}"


if __name__ == "__main__":
    main()
