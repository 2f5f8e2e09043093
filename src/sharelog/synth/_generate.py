"""``generate``: the register, the request batches, the truth and the error log, written to one folder.

Every stage draws from its own child of ``numpy.random.SeedSequence(seed)``, so the same seed gives
byte-identical files, and the register does not change when only the number of requests does.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from sharelog import schemas
from sharelog.errors import InputError
from sharelog.private_files import private_dir
from sharelog.synth._csv import write_csv
from sharelog.synth._households import Register, build_register
from sharelog.synth._months import parse_months, split_over_months
from sharelog.synth._names import CULTURES, name_book
from sharelog.synth._people import AddressBook, Dice, Person
from sharelog.synth._perturb import Perturber, error_rates
from sharelog.synth._postcodes import build_geography
from sharelog.synth._profile import ERROR_PROFILE, IN_REGISTER_SHARE
from sharelog.synth._requests import choose_people

__all__ = [
    "MAX_PUPILS",
    "PERTURBATION_COLUMNS",
    "REGISTER_COLUMNS",
    "REQUEST_COLUMNS",
    "TRUTH_COLUMNS",
    "ProgressCallback",
    "SynthResult",
    "generate",
]

# The synthetic register has every optional column but nationality; requests carry no nationality either.
REGISTER_COLUMNS = tuple(c for c in schemas.REGISTER_COLUMNS if c != "nationality")
REQUEST_COLUMNS = tuple(c for c in schemas.REQUEST_COLUMNS if c != "nationality")
TRUTH_COLUMNS = schemas.TRUTH_COLUMNS
PERTURBATION_COLUMNS = ("request_id", "errors")
MAX_PUPILS = 25_000_000

#: Called as ``progress(stage, done, total)``; stages are ``households``, ``register``, ``requests``,
#: ``errors`` and ``files``, each reported from 0 to its total.
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SynthResult:
    """What :func:`generate` wrote and what the data turned out to hold.

    Attributes:
        out_dir: the folder written to.
        files: every file written, register first.
        pupils: rows in ``register.csv``.
        households: households those pupils live in.
        twins: pupils who have a twin in the register.
        requests: requests written (over all months).
        origins: requests by whom they are about: ``register``, ``sibling``, ``cousin``, ``fresh``.
        errors: requests carrying each kind of error (every kind in ``ERROR_PROFILE``, zero included).
        errors_per_request: how many requests carry 0, 1, 2… errors.
        months: requests per month (empty without months).
        cultures: pupils by naming culture.
        seconds: wall time of the run.
    """

    out_dir: Path
    files: tuple[Path, ...]
    pupils: int
    households: int
    twins: int
    requests: int
    origins: Mapping[str, int]
    errors: Mapping[str, int]
    errors_per_request: Mapping[int, int]
    months: Mapping[str, int] = field(default_factory=dict)
    cultures: Mapping[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def in_register(self) -> int:
        """Requests about a pupil in the register."""
        return self.origins.get("register", 0)

    @property
    def in_register_share(self) -> float:
        """Share of requests about a pupil in the register."""
        return self.in_register / self.requests if self.requests else 0.0

    @property
    def error_shares(self) -> dict[str, float]:
        """Share of requests carrying each kind of error."""
        return {kind: count / self.requests if self.requests else 0.0 for kind, count in self.errors.items()}


def _check(*, pupils: int, requests: int, seed: int, out_dir: Path, months: Sequence[str] | None) -> None:
    if pupils < 1:
        raise InputError(f"must be at least 1 (got {pupils})", field="pupils")
    if pupils > MAX_PUPILS:
        raise InputError(f"must be at most {MAX_PUPILS:,} (got {pupils:,})", field="pupils")
    if requests < 1:
        raise InputError(f"must be at least 1 (got {requests})", field="requests")
    if requests > pupils:
        raise InputError(
            f"{requests:,} requests is more than the {pupils:,} pupils: most requests are drawn from the register",
            field="requests",
        )
    if seed < 0:
        raise InputError(f"must be zero or more (got {seed})", field="seed")
    if months is not None:
        if not months:
            raise InputError("names no month", field="months")
        for month in months:
            parse_months(month)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} exists and is not a folder", field="out")
    if not out_dir.parent.is_dir():
        raise InputError(
            f"the folder {out_dir.parent} does not exist (synth creates only the last folder, {out_dir.name})",
            field="out",
        )


def generate(
    *,
    pupils: int,
    requests: int,
    seed: int,
    out_dir: Path,
    months: Sequence[str] | None = None,
    in_register_share: float = IN_REGISTER_SHARE,
    progress: ProgressCallback | None = None,
) -> SynthResult:
    """Write a synthetic register, request batches, their truth and their error log to ``out_dir``.

    Files: ``register.csv``; ``requests.csv`` (or one ``requests-YYYY-MM.csv`` per month); ``truth.csv``
    (``request_id,pupil_id``, blank when the person is not in the register); ``perturbations.csv``
    (``request_id,errors``, the kinds of error separated by ``;``). Columns follow docs/design.md §3.

    Args:
        pupils: register size (1 … 25 million).
        requests: requests in all (1 … ``pupils``); with ``months``, spread over them.
        seed: the random seed; the same seed and versions give byte-identical files.
        out_dir: the folder to write; created if missing (its parent must exist).
        months: ``YYYY-MM`` months, one request batch each; ``None`` writes a single ``requests.csv``.
        in_register_share: the share of requests about pupils in the register (default 60%; the real
            exchange returned about 22–30%).
        progress: optional ``progress(stage, done, total)`` callback.

    Returns:
        The files written and the realised counts (origins of requests, errors by kind, twins…).

    Raises:
        InputError: a count out of range, a month that is not ``YYYY-MM``, or an unusable ``out_dir``.
    """
    _check(pupils=pupils, requests=requests, seed=seed, out_dir=out_dir, months=months)
    if not 0 <= in_register_share <= 1:
        raise InputError("in_register_share must be between 0 and 1")
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    private_dir(out_dir)  # synthetic, but shaped like personal data and handled the same way
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    report("households", 0, 1)
    geo = build_geography(streams[0])
    register = build_register(streams[1], geo, name_book(), pupils)
    report("households", 1, 1)
    register_path = out_dir / "register.csv"
    _write_register(streams[1], register, register_path, report)
    addresses = AddressBook(geo, register)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        report("requests", done, requests)

    people = choose_people(
        streams[2],
        register=register,
        book=name_book(),
        addresses=addresses,
        total=requests,
        in_register_share=in_register_share,
        progress=step,
    )
    errors = _perturb(streams[3], people, addresses, report)
    batches = _batches(streams[4], requests, list(months) if months is not None else None)
    files = _write_requests(streams[5], out_dir, people, errors, batches, report)
    return _result(out_dir, (register_path, *files), register, people, errors, batches, started)


def _write_register(
    rng: np.random.Generator, register: Register, path: Path, report: ProgressCallback
) -> None:
    """Rows in random order, so that neither row order nor position gives a household away."""
    order = pa.array(rng.permutation(len(register)))
    columns = {name: register.columns[name].take(order) for name in REGISTER_COLUMNS}
    report("register", 0, len(register))
    write_csv(path, columns, progress=lambda done, total: report("register", done, total))


def _perturb(
    rng: np.random.Generator, people: list[Person], addresses: AddressBook, report: ProgressCallback
) -> list[list[str]]:
    perturber = Perturber(dice=Dice(rng), addresses=addresses, rates=error_rates(people, addresses))
    applied = []
    for i, person in enumerate(people, start=1):
        applied.append(perturber.apply(person))
        if i % 1000 == 0 or i == len(people):
            report("errors", i, len(people))
    return applied


def _batches(rng: np.random.Generator, total: int, months: list[str] | None) -> list[tuple[str | None, int]]:
    if months is None:
        return [(None, total)]
    return list(zip(months, split_over_months(rng, total, len(months)), strict=True))


def _write_requests(
    rng: np.random.Generator,
    out_dir: Path,
    people: list[Person],
    errors: list[list[str]],
    batches: list[tuple[str | None, int]],
    report: ProgressCallback,
) -> list[Path]:
    references = rng.choice(9 * 10**8, size=len(people), replace=False) + 10**8
    ids: list[str] = []
    files: list[Path] = []
    start = 0
    report("files", 0, len(batches) + 2)
    for month, count in batches:
        width = max(5 if month else 6, len(str(count)))
        prefix = f"HO-{month}-" if month else "HO-"
        batch_ids = [f"{prefix}{k:0{width}d}" for k in range(1, count + 1)]
        chunk = people[start : start + count]
        path = out_dir / (f"requests-{month}.csv" if month else "requests.csv")
        write_csv(path, _request_columns(batch_ids, chunk, references[start : start + count].tolist()))
        files.append(path)
        ids.extend(batch_ids)
        start += count
        report("files", len(files), len(batches) + 2)
    truth = {"request_id": pa.array(ids), "pupil_id": pa.array([p.pupil_id for p in people])}
    log = {"request_id": pa.array(ids), "errors": pa.array([";".join(kinds) for kinds in errors])}
    for name, columns in (("truth.csv", truth), ("perturbations.csv", log)):
        write_csv(out_dir / name, columns)
        files.append(out_dir / name)
        report("files", len(files), len(batches) + 2)
    return files


def _request_columns(ids: list[str], people: list[Person], references: list[int]) -> dict[str, pa.Array]:
    return {
        "request_id": pa.array(ids, pa.string()),
        "forename": pa.array([p.forename for p in people], pa.string()),
        "middle_names": pa.array([p.middle_names for p in people], pa.string()),
        "surname": pa.array([p.surname for p in people], pa.string()),
        "dob": pa.array([p.dob.isoformat() for p in people], pa.string()),
        "sex": pa.array([p.sex for p in people], pa.string()),
        "postcode": pa.array([p.postcode for p in people], pa.string()),
        "address": pa.array([p.address for p in people], pa.string()),
        "case_reference": pa.array([f"CID-{n}" for n in references], pa.string()),
    }


def _result(
    out_dir: Path,
    files: tuple[Path, ...],
    register: Register,
    people: list[Person],
    errors: list[list[str]],
    batches: list[tuple[str | None, int]],
    started: float,
) -> SynthResult:
    kinds = Counter(kind for applied in errors for kind in applied)
    per_request = Counter(len(applied) for applied in errors)
    origins = Counter(p.origin for p in people)
    cultures = np.bincount(register.households.culture[register.household], minlength=len(CULTURES))
    return SynthResult(
        out_dir=out_dir,
        files=files,
        pupils=len(register),
        households=len(register.households),
        twins=int(register.twin.sum()),
        requests=len(people),
        origins={key: origins.get(key, 0) for key in ("register", "sibling", "cousin", "fresh")},
        errors={kind.name: kinds.get(kind.name, 0) for kind in ERROR_PROFILE},
        errors_per_request=dict(sorted(per_request.items())),
        months={month: count for month, count in batches if month is not None},
        cultures={c.key: int(n) for c, n in zip(CULTURES, cultures, strict=True)},
        seconds=time.perf_counter() - started,
    )
