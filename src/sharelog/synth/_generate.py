"""``generate``: the register, the request batches, the truth and the error log, written to one folder.

Every stage draws from its own child of ``numpy.random.SeedSequence(seed)``, so the same seed gives
byte-identical files, and the register does not change when only the number of requests does.
"""

from __future__ import annotations

import dataclasses
import math
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
from sharelog.synth._households import Register, draw_pupils, plan_register, unique_serials
from sharelog.synth._months import parse_months, split_over_months
from sharelog.synth._names import CULTURES, name_book
from sharelog.synth._people import AddressBook, Dice, Person
from sharelog.synth._perturb import Perturber, error_rates
from sharelog.synth._postcodes import build_geography
from sharelog.synth._profile import ERROR_PROFILE, IN_REGISTER_SHARE
from sharelog.synth._register_file import FORMATS, Shuffle, open_register_file, write_permuted
from sharelog.synth._requests import REGISTERED_COLUMNS, choose_people, registered_pupils
from sharelog.synth._volumes import VolumeProfile, volume_profile

__all__ = [
    "MAX_PUPILS",
    "PERTURBATION_COLUMNS",
    "REGISTER_COLUMNS",
    "REGISTER_FORMATS",
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
REGISTER_FORMATS = FORMATS

# Registers above this are drawn in chunks of households of about this many pupils each, so that the register's
# text is never held whole (a register up to it is drawn and permuted in one piece, as before chunks existed).
_CHUNK_PUPILS = 5_000_000
_BUCKET_ROWS = 1_000_000  # rows per bucket file when a chunked register is shuffled on its way to the file
# Children of SeedSequence(seed): 0 geography, 1 register, 2 requests' people, 3 errors, 4 months, 5 request
# files; 6 and 7 only for a chunked register: pupil-id serials and row order. Spawning more children leaves the
# first ones as they were.
_STREAMS = 8
_IDS_STREAM, _ORDER_STREAM = 6, 7

#: Called as ``progress(stage, done, total)``; stages are ``households``, ``pupils`` (pupils drawn),
#: ``register`` (register rows written), ``requests``, ``errors`` and ``files``, each reported from 0 to its total.
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
        volume: the volume profile's name, or None when the requests were spread evenly on average.
        in_register_by_month: requests about a pupil in the register, per month (empty without months).
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
    volume: str | None = None
    in_register_by_month: Mapping[str, int] = field(default_factory=dict)

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


def _check_months(months: Sequence[str] | None) -> None:
    if months is not None:
        if not months:
            raise InputError("names no month", field="months")
        for month in months:
            parse_months(month)


def _check(*, pupils: int, requests: int, out_dir: Path) -> None:
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
    requests: int | None = None,
    seed: int,
    out_dir: Path,
    months: Sequence[str] | None = None,
    volume: VolumeProfile | str | None = None,
    in_register_share: float = IN_REGISTER_SHARE,
    register_format: str = "csv",
    progress: ProgressCallback | None = None,
) -> SynthResult:
    """Write a synthetic register, request batches, their truth and their error log to ``out_dir``.

    Files: ``register.csv`` (or ``register.parquet``); ``requests.csv`` (or one ``requests-YYYY-MM.csv`` per
    month); ``truth.csv`` (``request_id,pupil_id``, blank when the person is not in the register);
    ``perturbations.csv`` (``request_id,errors``, the kinds of error separated by ``;``). Columns follow
    docs/design.md §3. Above 5 million pupils the register is drawn in chunks of households and shuffled through
    bucket files in ``out_dir`` (docs/synthetic-data.md, "Large registers").

    Args:
        pupils: register size (1 … 25 million).
        requests: requests in all (1 … ``pupils``); with ``months``, spread over them. Needed without
            ``volume``; with it, optional: the profile's shape scaled to this total (default: its own volumes).
        seed: the random seed; the same seed and versions give byte-identical files.
        out_dir: the folder to write; created if missing (its parent must exist).
        months: ``YYYY-MM`` months, one request batch each; ``None`` writes a single ``requests.csv``.
        volume: a volume profile (or its name, :data:`VOLUME_PROFILES`): how many requests each month and the
            share about pupils in the register, month by month (``in_register_share`` is then not used). Needs
            ``months``.
        in_register_share: the share of requests about pupils in the register (default 60%; the real
            exchange returned about 22–30%).
        register_format: ``csv`` or ``parquet`` (:data:`REGISTER_FORMATS`): the same rows in the same order;
            Parquet keeps dates as dates and blanks as nulls, in about a fifth of the space.
        progress: optional ``progress(stage, done, total)`` callback.

    Returns:
        The files written and the realised counts (origins of requests, errors by kind, twins…).

    Raises:
        InputError: a count out of range, a month that is not ``YYYY-MM``, an unknown format, or an unusable
            ``out_dir``.
    """
    profile = volume_profile(volume) if isinstance(volume, str) else volume
    if profile is not None and months is None:
        raise InputError("a volume profile needs months (e.g. 2015-07..2020-08)", field="volume")
    if profile is None and requests is None:
        raise InputError("give the number of requests, or a volume profile", field="requests")
    if not 0 <= in_register_share <= 1:
        raise InputError("in_register_share must be between 0 and 1")
    if register_format not in FORMATS:
        raise InputError(f"must be {' or '.join(FORMATS)} (got {register_format!r})", field="format")
    _check_months(months)
    if requests is not None and requests < 1:
        raise InputError(f"must be at least 1 (got {requests})", field="requests")
    if seed < 0:
        raise InputError(f"must be zero or more (got {seed})", field="seed")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(_STREAMS)]
    batches, shares = _batches(streams[4], requests, list(months) if months is not None else None, profile)
    requests = sum(count for _, count in batches)
    _check(pupils=pupils, requests=requests, out_dir=out_dir)
    if shares is not None:
        in_register_share = sum(s * n for s, (_, n) in zip(shares, batches, strict=True)) / requests
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    private_dir(out_dir)  # synthetic, but shaped like personal data and handled the same way
    report("households", 0, 1)
    geo = build_geography(streams[0])
    register = plan_register(streams[1], geo, name_book(), pupils)
    report("households", 1, 1)
    chosen = registered_pupils(streams[2], register, total=requests, in_register_share=in_register_share)
    register_path = out_dir / f"register.{register_format}"
    rows = _draw_and_write_register(streams, register, chosen, register_path, register_format, report)
    addresses = AddressBook(geo, register)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        report("requests", done, requests)

    people = choose_people(
        streams[2],
        register=register,
        chosen=chosen,
        rows=rows,
        book=name_book(),
        addresses=addresses,
        total=requests,
        in_register_share=in_register_share,
        progress=step,
    )
    errors = _perturb(streams[3], people, addresses, report)
    if shares is not None:
        people, errors = _deal(people, errors, [n for _, n in batches], shares)
    files = _write_requests(streams[5], out_dir, people, errors, batches, report)
    result = _result(out_dir, (register_path, *files), register, people, errors, batches, started)
    if profile is None:
        return result
    return dataclasses.replace(
        result, volume=profile.name, in_register_by_month=_in_register(people, batches)
    )


def _draw_and_write_register(
    streams: list[np.random.Generator],
    register: Register,
    chosen: np.ndarray,
    path: Path,
    register_format: str,
    report: ProgressCallback,
) -> dict[str, list[str | None]]:
    """Draw the pupils chunk by chunk and write the register file in a random row order; return the rows of
    the ``chosen`` pupils (what the requests about them start from).

    Up to ``_CHUNK_PUPILS`` pupils are drawn in one chunk and permuted in memory. Above it, the chunks continue
    the register's stream, pupil-id serials come from a stream of their own (unique across chunks) and rows
    reach the file through a :class:`Shuffle` with its own stream too: a larger register is not drawn as a
    smaller one is, but the same seed still gives the same bytes.
    """
    total = len(register)
    spans = register.chunks(math.ceil(total / _CHUNK_PUPILS))
    rows: dict[str, list[str | None]] = {name: [None] * len(chosen) for name in REGISTERED_COLUMNS}
    written = 0

    def wrote(n: int) -> None:
        nonlocal written
        written += n
        report("register", written, total)

    report("pupils", 0, total)
    out = open_register_file(path, REGISTER_COLUMNS, register_format)
    try:
        if len(spans) == 1:
            columns = _draw_chunk(streams[1], register, spans[0], chosen, rows, report)
            report("register", 0, total)
            write_permuted(out, columns, streams[1].permutation(total), progress=wrote)
            return rows
        serials = unique_serials(streams[_IDS_STREAM], total)
        shuffle = Shuffle(streams[_ORDER_STREAM], path.parent, buckets=math.ceil(total / _BUCKET_ROWS))
        try:
            for span in spans:
                shuffle.add(_draw_chunk(streams[1], register, span, chosen, rows, report, serials=serials))
            report("register", 0, total)
            shuffle.write_to(out, progress=wrote)
        finally:
            shuffle.discard()
    finally:
        out.close()
    return rows


def _draw_chunk(
    rng: np.random.Generator,
    register: Register,
    span: tuple[int, int],
    chosen: np.ndarray,
    rows: dict[str, list[str | None]],
    report: ProgressCallback,
    *,
    serials: np.ndarray | None = None,
) -> dict[str, pa.Array]:
    """One chunk's ``register.csv`` columns, in generation order; the chosen pupils' rows are kept aside."""
    first = int(register.households.first_child[span[0]])
    count = int(register.households.children[span[0] : span[1]].sum())
    own = None if serials is None else serials[first : first + count]
    columns = draw_pupils(rng, register, name_book(), span, serials=own)
    at = np.flatnonzero((chosen >= first) & (chosen < first + count))
    if len(at):
        picked = pa.array(chosen[at] - first)
        for name, kept in rows.items():
            for position, value in zip(at.tolist(), columns[name].take(picked).to_pylist(), strict=True):
                kept[position] = value
    report("pupils", first + count, len(register))
    return {name: columns[name] for name in REGISTER_COLUMNS}


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


def _batches(
    rng: np.random.Generator, total: int | None, months: list[str] | None, profile: VolumeProfile | None
) -> tuple[list[tuple[str | None, int]], list[float] | None]:
    """The batches (month and size) and, with a profile, each month's share of requests about registered
    pupils. Without a profile, ``total`` requests spread over the months by gamma weights."""
    if months is None:
        assert total is not None
        return [(None, total)], None
    if profile is None:
        assert total is not None
        return list(zip(months, split_over_months(rng, total, len(months)), strict=True)), None
    counts = profile.requests_per_month(rng, months, total=total)
    return list(zip(months, counts, strict=True)), profile.in_register_shares(months)


def _deal(
    people: list[Person], errors: list[list[str]], counts: list[int], shares: list[float]
) -> tuple[list[Person], list[list[str]]]:
    """People (and their errors) reordered so that each month's batch holds its share of registered pupils.

    The people come in random order; registered pupils and the others keep that order among themselves and
    are dealt out month by month, each month's number of registered pupils in proportion to its share
    (largest remainders, at most the batch).
    """
    registered = [i for i, p in enumerate(people) if p.origin == "register"]
    others = [i for i, p in enumerate(people) if p.origin != "register"]
    wanted = np.array([n * s for n, s in zip(counts, shares, strict=True)], dtype=float)
    exact = wanted * (len(registered) / wanted.sum()) if wanted.sum() else wanted
    caps = np.array(counts)
    floors = np.minimum(np.floor(exact).astype(int), caps)
    left = len(registered) - int(floors.sum())
    by_remainder = sorted(range(len(counts)), key=lambda m: (floors[m] - exact[m], m))
    while left > 0:
        room = [m for m in by_remainder if floors[m] < caps[m]]
        for m in room[:left]:
            floors[m] += 1
        left -= len(room[:left])
    order: list[int] = []
    r = o = 0
    for count, take in zip(counts, floors.tolist(), strict=True):
        order += registered[r : r + take] + others[o : o + count - take]
        r, o = r + take, o + count - take
    return [people[i] for i in order], [errors[i] for i in order]


def _in_register(people: list[Person], batches: list[tuple[str | None, int]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    start = 0
    for month, count in batches:
        if month is not None:
            counts[month] = sum(p.origin == "register" for p in people[start : start + count])
        start += count
    return counts


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
