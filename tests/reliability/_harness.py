"""The SIGKILL harness: run a real ``sharelog`` command in a subprocess, kill it at a random moment, check what
the kill left, rerun the command to the end and compare with a run that was never killed.

How many kills: ``SHARELOG_RELIABILITY_KILLS`` in all (default 12, the CI variant; ``make reliability`` sets
100), shared 40/30/30 between ``exchange run``, ``outcomes import`` and ``retention apply`` and split evenly
between SQLite and PostgreSQL.

When: a never-killed run of the same command is timed first, and the harness watches what it writes meanwhile —
its return and review files, or (``outcomes import``, which writes no file) whether it has the ledger open.
- *Across the run*: uniformly between 0 and that duration, stratified (the n-th of N such kills lands in the n-th
  of N equal slices), so kills land in start-up, matching, writing, committing and exiting alike.
- *Aimed at the writes*: the moments that matter — files written, the commit, the renames, the deletions — take
  a small part of a run, which uniform kills would seldom hit. So half the kills wait for the first change to
  what is watched and land uniformly within the span the never-killed run took from its first change to its
  last (plus a fifth).

Which: a seeded generator; the seed is printed with any failure, and ``SHARELOG_RELIABILITY_SEED`` replays it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ._invariants import assert_consistent, final_state
from ._ledgers import Case

KILLS_VARIABLE = "SHARELOG_RELIABILITY_KILLS"
SEED_VARIABLE = "SHARELOG_RELIABILITY_SEED"
CI_KILLS = 12
SHARES = {"exchange run": 0.4, "outcomes import": 0.3, "retention apply": 0.3}
BACKENDS = 2  # each command's kills are split between SQLite and PostgreSQL
SHARELOG = Path(sys.executable).with_name("sharelog")  # the console script the venv installs
RUN_TIMEOUT = 600.0
POLL = 0.005  # how often the harness looks at the files while a command runs
FINISHED_FIRST = "finished before the kill"


CAMPAIGN_PROPERTY = "crash_safety_campaign"
"""The name under which a test's report carries its campaign's :meth:`CampaignReport.summary`."""


def summary_lines(summaries: list[dict[str, object]]) -> list[str]:
    """The terminal summary of the campaigns that ran: a line each, then the totals and the seed(s)."""
    kills = sum(int(str(s["kills"])) for s in summaries)
    seconds = sum(float(str(s["seconds"])) for s in summaries)
    seeds = ", ".join(sorted({str(s["seed"]) for s in summaries}))
    return [str(s["line"]) for s in summaries] + [
        f"{kills} kills in {seconds:.0f} s (asked for {total_kills()}); seed {seeds}"
    ]


def total_kills() -> int:
    """The kills asked for in all (the CI variant unless ``SHARELOG_RELIABILITY_KILLS`` says otherwise)."""
    return int(os.environ.get(KILLS_VARIABLE, CI_KILLS))


def kills_for(command: str) -> int:
    """This command's share of the kills on one backend (at least one)."""
    return max(1, round(total_kills() * SHARES[command] / BACKENDS))


def session_seed() -> int:
    """``SHARELOG_RELIABILITY_SEED`` when set (to replay a failure), otherwise a fresh random seed."""
    chosen = os.environ.get(SEED_VARIABLE)
    return int(chosen) if chosen else random.SystemRandom().randrange(2**32)


@dataclass(frozen=True)
class Command:
    """A ``sharelog`` command line and the environment it runs in (its settings come only from here)."""

    args: tuple[str, ...]
    env: dict[str, str]
    cwd: Path
    watch: Callable[[], object]
    """What the harness looks at while the command runs; a change marks the command writing."""


def command_for(
    case: Case, *args: str, watch: Callable[[], object] | None = None, **settings: str | Path
) -> Command:
    """``sharelog <args>`` against ``case``: the caller's ``SHARELOG_*`` variables dropped, the case's set.

    ``watch``: what marks the command writing (default: its return and review files, see :func:`files_of`).
    ``settings`` are further ``SHARELOG_*`` settings by their lower-case name (``holder_key_file=…``).
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("SHARELOG_")}
    env["SHARELOG_DATA_DIR"] = str(case.data_dir)
    env["SHARELOG_DATABASE_URL"] = case.ledger_url
    env["SHARELOG_ACTOR"] = "reliability-harness"
    env.update({f"SHARELOG_{name.upper()}": str(value) for name, value in settings.items()})
    return Command((str(SHARELOG), *args), env, case.folder, watch or files_of(case))


@dataclass(frozen=True)
class Finished:
    """How a command ended: its exit status (``-9`` when killed), its output, how long it ran, and when what it
    writes changed (seconds from its start; empty if it never did)."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    changes: tuple[float, ...] = ()

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    def describe(self) -> str:
        return f"exit {self.returncode} after {self.seconds:.2f} s; stderr: {self.stderr.strip()[-600:]!r}"


KillWhen = Callable[[float, float | None], bool]
"""``kill_when(elapsed, first_change)``: whether to kill now (``first_change`` None until a change was seen)."""


def never(_elapsed: float, _first_change: float | None) -> bool:
    return False


WATCHED = ("returns", "review")  # the files the ledger accounts for (not, say, the data folder's lock file)


def files_of(case: Case) -> Callable[[], object]:
    """The return and review files there are, partial or not."""

    def listing() -> frozenset[str]:
        folders = [case.data_dir / name for name in WATCHED if (case.data_dir / name).is_dir()]
        return frozenset(
            str(path.relative_to(case.data_dir)) for folder in folders for path in folder.iterdir()
        )

    return listing


def ledger_open(case: Case) -> Callable[[], object]:
    """Whether some process has the case's ledger open (from opening it to closing it after the commit)."""
    return lambda: case.ledgers.in_use(case.ledger_url)


def run_command(command: Command, *, log: Path, kill_when: KillWhen = never) -> Finished:
    """Run the command, watching what it writes; SIGKILL it as soon as ``kill_when`` says so.

    Output goes to files beside the case (``log``.out/.err), so a full pipe can never hold the command up.
    """
    out, err = log.with_suffix(".out"), log.with_suffix(".err")
    changes: list[float] = []
    with out.open("wb") as stdout, err.open("wb") as stderr:
        seen, started = command.watch(), time.monotonic()
        process = subprocess.Popen(
            command.args, env=command.env, cwd=command.cwd, stdout=stdout, stderr=stderr
        )
        while process.poll() is None:
            elapsed = time.monotonic() - started
            if (now := command.watch()) != seen:
                seen = now
                changes.append(elapsed)
            if kill_when(elapsed, changes[0] if changes else None) or elapsed > RUN_TIMEOUT:
                process.send_signal(signal.SIGKILL)
                process.wait()
                break
            time.sleep(POLL)
        seconds = time.monotonic() - started
    return Finished(process.returncode, _text(out), _text(err), seconds, tuple(changes))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


class Scenario(Protocol):
    """One command under test: how to run it against a case and what its kills may leave."""

    name: str

    def command(self, case: Case) -> Command: ...

    def after_kill(self, case: Case) -> str:
        """Check every invariant on what the kill left (raise AssertionError); return a label for the tally."""
        ...

    def rerun_accepted(self, rerun: Finished, left: str) -> bool:
        """Whether the rerun's exit status is right, given what the kill left."""
        ...


@dataclass
class CampaignReport:
    """The figures of one command's kills on one backend, for the terminal summary and docs/reliability.md."""

    title: str
    seed: int
    kills: int = 0
    aimed: int = 0
    seconds: float = 0.0
    normal_seconds: float = 0.0
    writes_seconds: float = 0.0
    left: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, object]:
        """What the terminal summary needs, as plain data (it crosses from an xdist worker in a test report)."""
        return {"line": self.line(), "kills": self.kills, "seconds": self.seconds, "seed": self.seed}

    def line(self) -> str:
        tally = ", ".join(f"{label} {n}" for label, n in sorted(self.left.items()))
        return (
            f"{self.title}: {self.kills} kills ({self.aimed} aimed at the writes) in {self.seconds:.0f} s; "
            f"an unkilled run takes {self.normal_seconds:.1f} s, its writes {self.writes_seconds:.2f} s; "
            f"the kills left: {tally}"
        )


@dataclass(frozen=True)
class _Kill:
    """One planned kill: when, and how to say so in a failure."""

    when: KillWhen
    where: str


@dataclass(frozen=True)
class Campaign:
    """Kill ``scenario`` ``kills`` times, each on a fresh case, and prove every invariant after each kill."""

    scenario: Scenario
    new_case: Callable[[str], Case]
    backend: str
    seed: int

    def run(self, kills: int) -> CampaignReport:
        report = CampaignReport(f"{self.scenario.name} on {self.backend}", self.seed)
        started = time.monotonic()
        expected, normal = self._never_killed()
        report.normal_seconds = normal.seconds
        plan = self._plan(kills, normal)
        report.writes_seconds = _writes_span(normal)
        for number, kill in enumerate(plan, start=1):
            with self._explained(f"kill {number} of {kills}, {kill.where}"):
                left = self._kill_once(f"kill-{number}", kill.when, expected, audit_command=number == 1)
                report.left[left] += 1
            report.kills += 1
            report.aimed += kill.where.startswith("aimed")
        report.seconds = time.monotonic() - started
        return report

    def _plan(self, kills: int, normal: Finished) -> list[_Kill]:
        """Half the kills aimed at the writes when the run has any; the rest across the whole run."""
        rng = random.Random(f"{self.seed}:{self.scenario.name}:{self.backend}")
        aimed = kills // 2 if normal.changes else 0
        across = kills - aimed
        plan = []
        for slot in range(across):
            delay = rng.uniform(slot * normal.seconds / across, (slot + 1) * normal.seconds / across)
            plan.append(_Kill(_after(delay), f"{delay:.2f} s into a {normal.seconds:.2f} s run"))
        span = 1.2 * _writes_span(normal) + 2 * POLL
        for _ in range(aimed):
            delay = rng.uniform(0.0, span)
            plan.append(_Kill(_after_first_change(delay), f"aimed: {delay:.3f} s after its first write"))
        return plan

    def _never_killed(self) -> tuple[dict[str, object], Finished]:
        """The final state and timings of an unkilled run: what each rerun must reach, and when to kill."""
        case = self.new_case("never-killed")
        with self._explained("the never-killed run"):
            finished = run_command(self.scenario.command(case), log=case.folder / "run")
            assert finished.returncode == 0, finished.describe()
            state = _settled_state(case)
        case.discard()
        return state, finished

    def _kill_once(
        self, name: str, kill_when: KillWhen, expected: dict[str, object], *, audit_command: bool
    ) -> str:
        """Kill, check, rerun, compare. ``audit_command``: also run `sharelog audit verify` on what the kill left
        (every kill is checked in-process with the function behind it; the command costs a start-up)."""
        case = self.new_case(name)
        command = self.scenario.command(case)
        killed = run_command(command, log=case.folder / "killed", kill_when=kill_when)
        case.wait_until_idle()
        if not killed.killed:
            assert killed.returncode == 0, f"the run to be killed failed on its own: {killed.describe()}"
        left = self.scenario.after_kill(case)
        if audit_command:
            verified = run_command(command_for(case, "audit", "verify"), log=case.folder / "audit-verify")
            assert verified.returncode == 0 and "every link holds" in verified.stdout, verified.describe()
        rerun = run_command(command, log=case.folder / "rerun")
        assert self.scenario.rerun_accepted(rerun, left), (
            f"after a kill that left {left!r}: {rerun.describe()}"
        )
        state = _settled_state(case)
        assert state == expected, (
            f"after a kill that left {left!r} and a rerun: {_differences(state, expected)}"
        )
        case.discard()
        return left if killed.killed else FINISHED_FIRST

    def _explained(self, where: str) -> _Explained:
        return _Explained(
            f"{self.scenario.name} on {self.backend}, {where}; seed {self.seed} "
            f"(replay with {SEED_VARIABLE}={self.seed})"
        )


def _after(delay: float) -> KillWhen:
    return lambda elapsed, _first_change: elapsed >= delay


def _after_first_change(delay: float) -> KillWhen:
    return lambda elapsed, first_change: first_change is not None and elapsed >= first_change + delay


def _writes_span(run: Finished) -> float:
    """From a run's first change to what it writes to its last (0 when it made one or none)."""
    return run.changes[-1] - run.changes[0] if run.changes else 0.0


class _Explained:
    """Prefix an assertion failure with where it happened and the seed that replays it."""

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: object) -> None:
        if isinstance(error, AssertionError):
            raise AssertionError(f"{self.where}: {error}") from error


def _settled_state(case: Case) -> dict[str, object]:
    """Every invariant with nothing left to finish, then the counts to compare."""
    assert_consistent(case, after_kill=False)
    return final_state(case)


def _differences(state: dict[str, object], expected: dict[str, object]) -> str:
    keys = sorted(set(state) | set(expected))
    return "; ".join(
        f"{key}: {state.get(key)!r}, never-killed run {expected.get(key)!r}"
        for key in keys
        if state.get(key) != expected.get(key)
    )
