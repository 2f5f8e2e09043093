"""Mutation testing of the rules that protect people (`make mutation`; figures in docs/reliability.md).

mutmut changes one thing at a time inside a function (``<`` to ``<=``, ``and`` to ``or``, a number by one, a
string to ``XX…XX``…) and runs the tests that call that function; a mutant the tests let through ("survived")
is a change to the rule no test notices. Each rule below names the functions that are the rule and the focused
tests that should catch a change to them, so a run takes minutes, not the hours of the whole suite.

Each rule runs in a work folder of its own, ``.mutation/<rule>/`` (git ignores it): links to ``src``, ``tests``,
``agreements`` and ``pyproject.toml``, and the rule's mutmut configuration in a ``setup.cfg`` — mutmut reads its
configuration from the folder it runs in, and one configuration per rule keeps each rule's mutants to its own
tests. mutmut keeps its results there (``mutants/``), so a second run only tests what changed; to look at a
rule's survivors: ``cd .mutation/<rule> && ../../.venv/bin/mutmut browse`` (or ``mutmut show <name>``).

Usage: ``python -m tests.mutation [--scores] [rule …]`` (every rule when none is named; ``--scores`` prints the
last run's scores without running); ``MUTATION_JOBS`` mutants at a time (default: one a core).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutation"
LINKED = ("src", "tests", "agreements", "pyproject.toml")
STATUSES = ("killed", "survived", "timeout", "no tests", "suspicious", "segfault", "not checked")


@dataclass(frozen=True)
class Rule:
    """One rule: the files holding it, the functions that are it (mutmut's names) and the tests that guard it."""

    name: str
    files: tuple[str, ...]
    functions: tuple[str, ...]
    tests: tuple[str, ...]


def _functions(module: str, *names: str) -> tuple[str, ...]:
    """mutmut's names for the mutants of ``names`` in ``module`` (``Class.method`` for a method)."""
    patterns = []
    for name in names:
        owner, _, method = name.rpartition(".")
        mangled = f"x\u01c1{owner}\u01c1{method}" if owner else f"x_{name}"
        patterns.append(f"{module}.{mangled}__mutmut_*")
    return tuple(patterns)


RULES = (
    Rule(
        "disclosure-control",
        files=("src/sharelog/reports/_sdc.py", "src/sharelog/reports/_report.py"),
        functions=_functions(
            "sharelog.reports._sdc",
            "rounded",
            "suppress_small_counts",
            "shown",
        )
        + _functions("sharelog.reports._report", "protect_monthly_table"),
        tests=("tests/reports/test_sdc.py", "tests/reports/test_report.py", "tests/reports/test_series.py"),
    ),
    Rule(
        "minimal-return",
        files=(
            "src/sharelog/linkage/_results.py",
            "src/sharelog/linkage/_session.py",
            "src/sharelog/exchange/_review.py",
            "src/sharelog/agreements/_registry.py",
            "src/sharelog/agreements/_model.py",
        ),
        functions=_functions("sharelog.linkage._results", "_quoted", "returned_rows_sql")
        + _functions("sharelog.linkage._session", "MatchingSession.returned_rows")
        + _functions("sharelog.exchange._review", "_complete")
        + _functions("sharelog.agreements._registry", "agreement_in_force")
        + _functions("sharelog.agreements._model", "Agreement.in_force_on"),
        tests=(
            "tests/linkage/test_results.py",
            "tests/exchange/test_review.py",
            "tests/agreements/test_agreement_lookup.py",
        ),
    ),
    Rule(
        "access-table",
        files=("src/sharelog/web/_access.py", "src/sharelog/web/_security.py"),
        functions=_functions("sharelog.web._access", "allowed")
        + _functions("sharelog.web._security", "authorize"),
        tests=("tests/web/test_authorization.py",),
    ),
    Rule(
        "audit-chain",
        files=("src/sharelog/ledger/audit.py",),
        functions=_functions(
            "sharelog.ledger.audit",
            "canonical_json",
            "event_hash",
            "_canonical_of_row",
            "_hold_the_chain",
            "append_audit_event",
            "verify_audit_chain",
        ),
        tests=(
            "tests/ledger/test_audit.py",
            "tests/ledger/test_tamper.py",
            "tests/ledger/test_concurrent_writers.py",
        ),
    ),
    Rule(
        "foi-calendar",
        files=("src/sharelog/foi/_calendar.py",),
        functions=_functions(
            "sharelog.foi._calendar",
            "_easter_sunday",
            "package_bank_holidays",
            "WorkingDayCalendar.bank_holidays",
            "WorkingDayCalendar.non_working_reason",
            "WorkingDayCalendar.is_working_day",
            "WorkingDayCalendar.working_days",
            "WorkingDayCalendar.working_days_after",
            "WorkingDayCalendar.working_days_between",
            "is_working_day",
            "working_days_after",
            "working_days_between",
            "due_date",
        ),
        tests=("tests/foi/test_calendar.py",),
    ),
    Rule(
        "match-decision",
        files=("src/sharelog/linkage/_decide.py",),
        functions=_functions(
            "sharelog.linkage._decide",
            "Thresholds.__post_init__",
            "estimate_share_in_register",
            "_ranked_sql",
            "_decisions_sql",
            "decide",
        ),
        tests=("tests/linkage/test_decisions.py",),
    ),
)


def _lines(values: tuple[str, ...]) -> str:
    return "".join(f"\n    {value}" for value in values)


def setup_cfg(rule: Rule) -> str:
    """The rule's mutmut configuration: its files and its tests, on the SQLite ledger only (each mutant's run would
    start a PostgreSQL server of its own; the PostgreSQL variants run in `make test`)."""
    return (
        "# written by tests/mutation.py: one rule's mutmut configuration\n"
        "[mutmut]\n"
        "source_paths = src/\n"
        f"only_mutate ={_lines(rule.files)}\n"
        f"pytest_add_cli_args_test_selection ={_lines(rule.tests)}\n"
        f"pytest_add_cli_args ={_lines(('-p', 'no:cacheprovider', '-m', 'not postgres and not spark'))}\n"
        f"also_copy ={_lines(('agreements/',))}\n"
        "use_git_change_detection = false\n"
    )


def prepare(rule: Rule) -> Path:
    """The rule's work folder, with its links and configuration."""
    folder = WORK / rule.name
    folder.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = folder / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name)
    config = folder / "setup.cfg"
    text = setup_cfg(rule)
    if not config.exists() or config.read_text(encoding="utf-8") != text:
        config.write_text(text, encoding="utf-8")
    return folder


def mutmut(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "mutmut"), *args]
    return subprocess.run(command, cwd=folder, text=True, capture_output=args[0] == "results", check=False)


def score(rule: Rule, results: str) -> Counter[str]:
    """How many of the rule's mutants ended in each status (``mutmut results --all true``)."""
    counts: Counter[str] = Counter()
    for line in results.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if any(fnmatch(name, pattern) for pattern in rule.functions):
            counts[status] += 1
    return counts


def main(names: list[str]) -> int:
    only_scores = "--scores" in names
    names = [name for name in names if name != "--scores"]
    unknown = sorted(set(names) - {rule.name for rule in RULES})
    if unknown:
        print(
            f"Error: no rule {', '.join(unknown)} (rules: {', '.join(r.name for r in RULES)})",
            file=sys.stderr,
        )
        return 2
    by_name = {rule.name: rule for rule in RULES}
    chosen = [by_name[name] for name in names] or list(RULES)
    jobs = os.environ.get("MUTATION_JOBS", str(os.cpu_count() or 1))
    scores: dict[str, Counter[str]] = {}
    for rule in chosen:
        folder = prepare(rule)
        if not only_scores:
            print(f"== {rule.name}: {', '.join(rule.files)} against {', '.join(rule.tests)}", flush=True)
            mutmut(folder, "run", "--max-children", jobs, *rule.functions)
        scores[rule.name] = score(rule, mutmut(folder, "results", "--all", "true").stdout)
    print(f"\n{'rule':<20}" + "".join(f"{status:>13}" for status in (*STATUSES, "total")))
    for name, counts in scores.items():
        cells = [counts[status] for status in STATUSES] + [sum(counts.values())]
        print(f"{name:<20}" + "".join(f"{cell:>13}" for cell in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
