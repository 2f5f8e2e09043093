"""What the matching benchmarks share: fresh-process runs with wall time and peak RSS, synthetic data kept in a
scratch folder between runs, scoring a matches file against the truth, and Markdown tables.

Not a benchmark itself; the scripts beside it import it (``bench/`` is on ``sys.path`` when one of them runs).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SCRATCH = Path(tempfile.gettempdir()) / "sharelog-bench"
BIN = Path(sys.executable).parent
GIB = 1024**3


# --- fresh-process runs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """One command run in a fresh process: how long it took, its peak RSS and what it printed.

    ``capped`` says why it was stopped early (``None`` when it finished by itself).
    """

    argv: tuple[str, ...]
    seconds: float
    cpu_seconds: float  # user + system time of the child: less sensitive than wall time to other work
    peak_rss_mib: float
    returncode: int
    stdout: str
    stderr: str
    capped: str | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.capped is None

    def json(self) -> dict:
        """The last line of stdout as JSON (the child's own report), or ``{}``."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        if not lines:
            return {}
        try:
            return json.loads(lines[-1])
        except json.JSONDecodeError:
            return {}


def _rss_mib(pid: int) -> float:
    """Current resident set of process ``pid`` (MiB), from /proc; 0 if it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return 0.0


def run_fresh(
    argv: Sequence[str],
    *,
    timeout_s: float | None = None,
    rss_cap_mib: float | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    poll_s: float = 0.25,
) -> Measured:
    """Run ``argv`` in a new process (its own process group) and measure it.

    The peak RSS is the child's own ``ru_maxrss`` from ``os.wait4`` (not ``RUSAGE_CHILDREN``, which keeps the
    maximum over every child this process has waited for). A watchdog stops the child's process group when it
    runs past ``timeout_s`` or its resident set passes ``rss_cap_mib``. The wall time ends when the child is seen
    to have exited, checked every ``poll_s`` seconds: give a small ``poll_s`` for runs of a second or two.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=err,
            start_new_session=True,
            env={**os.environ, **(env or {})},
            cwd=cwd,
        )
        capped: str | None = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - started
            if capped is None and timeout_s is not None and elapsed > timeout_s:
                capped = f"stopped after {timeout_s / 60:g} min"
            if capped is None and rss_cap_mib is not None and _rss_mib(proc.pid) > rss_cap_mib:
                capped = f"stopped at {rss_cap_mib / 1024:g} GiB RSS"
            if capped is not None:
                os.killpg(proc.pid, signal.SIGKILL)  # the group of the child started above, nothing else
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(poll_s)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: stop Popen reaping it again
        out.seek(0)
        err.seek(0)
        return Measured(
            argv=tuple(argv),
            seconds=seconds,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            peak_rss_mib=usage.ru_maxrss / 1024,  # KiB on Linux
            returncode=proc.returncode,
            stdout=out.read(),
            stderr=err.read(),
            capped=capped,
        )


def check(measured: Measured, what: str) -> Measured:
    """Stop the benchmark with the child's error output when a run that must succeed failed."""
    if measured.returncode != 0 and measured.capped is None:
        sys.stderr.write(measured.stderr[-4000:])
        raise SystemExit(f"{what} failed (exit {measured.returncode})")
    return measured


# --- data -----------------------------------------------------------------------------------------------------


def synth_data(scratch: Path, *, pupils: int, requests: int, seed: int) -> Path:
    """A ``sharelog synth`` folder for these counts, generated once and kept in ``scratch``."""
    folder = scratch / f"synth-{pupils}-{requests}-s{seed}"
    if (folder / "perturbations.csv").is_file():
        return folder
    scratch.mkdir(parents=True, exist_ok=True)
    partial = folder.with_name(folder.name + ".partial")
    command = [str(BIN / "sharelog"), "synth", "--pupils", str(pupils), "--requests", str(requests)]
    command += ["--seed", str(seed), "--out", str(partial)]
    print(f"  generating {pupils:,} pupils / {requests:,} requests (seed {seed}) …", file=sys.stderr)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    partial.replace(folder)
    return folder


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_truth(path: Path) -> dict[str, str]:
    """``request_id`` → true ``pupil_id`` ("" when the person is not in the register)."""
    return {row["request_id"]: row["pupil_id"] or "" for row in read_csv_rows(path)}


Person = tuple[str, str, str]  # surname, postcode, dob as the register holds them


def register_people(path: Path) -> dict[str, Person]:
    """Each pupil's surname, postcode and date of birth, from a register CSV."""
    import pyarrow.csv as pv

    columns = ["pupil_id", "surname", "postcode", "dob"]
    table = pv.read_csv(path, convert_options=pv.ConvertOptions(include_columns=columns)).to_pydict()
    return {
        pupil: (surname or "", postcode or "", str(dob or ""))
        for pupil, surname, postcode, dob in zip(*(table[c] for c in columns), strict=True)
    }


def wrong_twin_links(
    links: Iterable[tuple[str, str]], truth: dict[str, str], people: dict[str, Person]
) -> int:
    """Links to a pupil who is not the true one but shares its surname, postcode and date of birth (a twin)."""
    return sum(
        1
        for request, pupil in set(links)
        if truth.get(request) and pupil != truth[request] and people.get(pupil) == people.get(truth[request])
    )


# --- scoring --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """A matches file against the truth, at the ``match`` decision."""

    requests: int
    in_register: int
    matched: int
    correct: int
    review: int
    review_true: int  # review rows whose proposed pupil is the true one

    @property
    def precision(self) -> float:
        return self.correct / self.matched if self.matched else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.in_register if self.in_register else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_matches(self) -> int:
        return self.matched - self.correct


def score_matches(matches: Iterable[dict[str, str]], truth: dict[str, str]) -> Score:
    """Precision and recall of the ``match`` rows of a sharelog matches file (one row per request)."""
    matched = correct = review = review_true = requests = 0
    for row in matches:
        requests += 1
        true = truth.get(row["request_id"], "")
        if row["decision"] == "match":
            matched += 1
            correct += bool(true) and row["pupil_id"] == true
        elif row["decision"] == "review":
            review += 1
            review_true += bool(true) and row["pupil_id"] == true
    in_register = sum(1 for pupil in truth.values() if pupil)
    return Score(requests, in_register, matched, correct, review, review_true)


def score_links(links: Iterable[tuple[str, str]], truth: dict[str, str]) -> Score:
    """Precision and recall of a set of (request, pupil) links, as a Splink user counts them: every link at
    or above the threshold is a match, so a request may have several (twins)."""
    pairs = set(links)
    correct = sum(1 for request, pupil in pairs if truth.get(request) == pupil and pupil)
    in_register = sum(1 for pupil in truth.values() if pupil)
    return Score(len(truth), in_register, len(pairs), correct, 0, 0)


# --- reporting ------------------------------------------------------------------------------------------------


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, align: str = "") -> str:
    """A Markdown table; ``align`` holds one letter per column (``l`` or ``r``; default: first left, rest right)."""
    align = align or "l" + "r" * (len(headers) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    """One line about the machine and the versions, for the head of a benchmark's output."""
    import duckdb
    import splink

    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return (
        f"{os.cpu_count()} cores ({model}), {mem_kib / 1024**2:.0f} GiB RAM, {platform.system()}; "
        f"Python {platform.python_version()}, Splink {splink.__version__}, DuckDB {duckdb.__version__}; "
        f"{dt.datetime.now().isoformat(sep=' ', timespec='minutes')}, load average at start "
        f"{os.getloadavg()[0]:.1f} (other work on the machine slows every timing)"
    )


def engine_fingerprint(root: Path | None = None) -> str:
    """sha256 (first 12 hex digits) of the matching engine's source and data files, to tell versions apart.

    ``root`` is a ``sharelog/linkage`` folder (default: the one this interpreter imports). The Spark backend
    (``linkage/spark/``) is left out: these benchmarks run the DuckDB path.
    """
    import hashlib

    if root is None:
        import sharelog.linkage

        root = Path(sharelog.linkage.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if (
            path.is_file()
            and path.suffix in {".py", ".txt", ".csv", ".json"}
            and "spark" not in path.relative_to(root).parts
        ):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def engine_version() -> str:
    """The commit, whether the engine differs from it, and the engine's fingerprint."""
    import sharelog.linkage

    root = Path(sharelog.linkage.__file__).parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "no git"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".")
    local = " with local changes to the engine" if dirty else ""
    return f"sharelog at {commit}{local}, engine fingerprint {engine_fingerprint()}"


def engine_unchanged(fingerprint: str) -> str:
    """A warning line if the engine's files changed while the benchmark ran (figures would mix versions)."""
    now = engine_fingerprint()
    if now == fingerprint:
        return ""
    return (
        f"\n**Warning:** the engine changed during this run ({fingerprint} → {now}): rerun for clean figures."
    )


def pct(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f}%"


# --- why a request was decided as it was ---------------------------------------------------------------------


# The fields that tell a person from a relative: the report says which of them did not count for the best
# candidate (a positive match weight, term-frequency adjustment included).
PERSON_FIELDS = ("forename", "surname", "dob")

# The engine's reasons for holding back a candidate that clears the match threshold because a relative could
# explain it (one wording per engine version).
RELATIVES_GUARD_REASONS = (
    "forename, surname or date of birth does not agree",
    "could be a relative of this child",
)


@dataclass(frozen=True)
class Explained:
    """The engine's own account of one request: its decision and reason, the person fields (forename, surname,
    date of birth) that did not count for its best candidate, and whether the true pair was scored at all."""

    decision: str
    reason: str
    pupil_id: str
    runner_up_id: str
    not_counting: str  # e.g. "forename, dob"; "" when all count or there is no candidate
    true_pair_scored: bool
    probability: float | None  # the best candidate's posterior
    gap_bits: float | None  # how far the best candidate beats the runner-up

    def held_by_relatives_guard(self) -> bool:
        """Whether only the relatives guard stopped a match: the best candidate clears the match threshold and
        the runner-up gap, but the engine holds it back because a relative could explain it."""
        from sharelog.linkage import Thresholds

        limits = Thresholds()
        return (
            self.reason in RELATIVES_GUARD_REASONS
            and (self.probability or 0) >= limits.match
            and (self.gap_bits is None or self.gap_bits >= limits.min_gap_bits)
        )


def _weight_sql(comparison: str, columns: set[str]) -> str:
    weight = f"coalesce(s.mw_{comparison}, 0)"
    if f"mw_tf_adj_{comparison}" in columns:
        weight += f" + coalesce(s.mw_tf_adj_{comparison}, 0)"
    return weight


def explain_decisions(
    *, register: Path, requests: Path, model: object, truth: dict[str, str]
) -> dict[str, Explained]:
    """Score ``requests`` again with the already-trained ``model`` (a ``LinkageModel``) and read each
    request's reason from the engine's decisions table, through the public session API.

    Re-using the trained model keeps this pass identical to the measured one: only the reasons are new.
    """
    import pyarrow as pa

    from sharelog.linkage import Thresholds, open_session, save_model

    with tempfile.TemporaryDirectory() as folder:
        model_path = Path(folder) / "model.json"
        save_model(model, model_path)  # type: ignore[arg-type]
        session, _ = open_session(requests=requests, register=register, prepared=None, model=model_path)
    with session:
        predictions = session.score()
        session.decide(Thresholds())
        columns = {row[0] for row in session.con.sql(f"DESCRIBE {predictions}").fetchall()}
        present = [c for c in PERSON_FIELDS if f"mw_{c}" in columns]
        not_counting = ", ".join(f"CASE WHEN {_weight_sql(c, columns)} <= 0 THEN '{c}' END" for c in present)
        true_pairs = pa.table({"request_id": list(truth), "true_id": [truth[r] or None for r in truth]})
        session.con.register("bench_truth", true_pairs)
        rows = session.con.sql(
            f"""
            WITH scored AS (
                SELECT CASE WHEN source_dataset_l = 'requests' THEN unique_id_l ELSE unique_id_r END AS request_id,
                       CASE WHEN source_dataset_l = 'requests' THEN unique_id_r ELSE unique_id_l END AS pupil_id,
                       *
                FROM {predictions}
            ),
            weak AS (
                SELECT request_id, pupil_id, concat_ws(', ', {not_counting or "NULL"}) AS not_counting
                FROM scored AS s
            )
            SELECT d.request_id, d.decision, d.reason, coalesce(d.pupil_id, ''), coalesce(d.runner_up_id, ''),
                   coalesce(w.not_counting, ''),
                   EXISTS (SELECT 1 FROM scored AS s WHERE s.request_id = d.request_id AND s.pupil_id = t.true_id),
                   d.match_probability, d.gap_bits
            FROM decisions AS d
            LEFT JOIN bench_truth AS t USING (request_id)
            LEFT JOIN weak AS w ON w.request_id = d.request_id AND w.pupil_id = d.pupil_id
            """
        ).fetchall()
    return {row[0]: Explained(*row[1:]) for row in rows}
