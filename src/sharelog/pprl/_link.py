"""The linkage unit's work: encodings in, one decision per request out — without a key and without clear data.

1. **Candidates.** Two records are compared when they share a blocking value in any pass (keyed hashes: the
   linkage unit learns that two records agree on, say, a date of birth, never the date). A blocking value shared
   by more than :data:`MAX_BLOCK` register records says little and is skipped in that pass. Cost grows with the
   batch, not with register × batch.
2. **Similarity.** The Dice coefficient of the two Bloom filters: 2·|A∧B| / (|A| + |B|), with numpy's popcount,
   on every variant both records have (with and without the postcode and the address), each against its own
   thresholds; the variant that speaks most for the pair counts. A child who moved is judged on the names, the
   date of birth and the sex, against what look-alikes reach on those alone.
3. **Thresholds, without labels.** The register is linked against itself: for a sample of its records, the best
   similarity any *other* record reaches is what a person who is not in the register, but looks like someone who
   is (a sibling, a namesake), would score. The match threshold is a high quantile of that (by default, one in
   a thousand of those look-alikes reaches it), the review threshold a lower one. No truth is used.
4. **Decision.** Each request's best candidate: ``match`` at or above the match threshold with no close
   runner-up and no other request claiming the same pupil; ``review`` at or above the review threshold (or a
   match held back); ``no_match`` otherwise.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from sharelog.errors import InputError, Problem, ValidationFailed
from sharelog.linkage import write_csv_atomically
from sharelog.pprl._encode import MISSING_BLOCK, Encodings
from sharelog.schemas import MAX_ID_LENGTH

MAX_BLOCK = 2_000
MATCH_QUANTILE = 0.999
REVIEW_QUANTILE = 0.99
RUNNER_UP_GAP = 0.03
FORENAME_PASSES = ("names", "forename_year", "forename_group_year")
"""The blocking passes whose agreement shows the forenames sound alike or are variants of one name (BILL,
WILLIAM): an automatic match needs one, as in clear matching (a brother, a sister or a twin shares everything
else)."""
NULL_SAMPLE = 10_000
_PAIR_CHUNK = 500_000


@dataclass(frozen=True)
class LinkThresholds:
    """The similarities a request's best candidate must reach, and where they came from."""

    match: float
    review: float
    source: str
    match_alike: float | None = None
    """A lower match threshold for a candidate whose forename sounds like the request's (``None``: ``match``)."""

    def for_candidate(self, forename_alike: bool) -> float:
        """The similarity a best candidate needs for a match."""
        return (
            min(self.match, self.match_alike)
            if forename_alike and self.match_alike is not None
            else self.match
        )


@dataclass(frozen=True)
class LinkedRequest:
    """One request's answer: its best candidate (if any), the similarity, the runner-up, the decision."""

    request_id: str
    pupil_id: str
    similarity: float | None
    runner_up: float | None
    """How far the runner-up stands above its match threshold (negative: below it); ``None``: no runner-up."""
    decision: str


@dataclass(frozen=True)
class LinkOutcome:
    rows: list[LinkedRequest]
    by_presence: dict[int, LinkThresholds]
    """The thresholds for a request with each combination of the schema's optional fields (the bits of the key)."""
    pairs_compared: int

    @property
    def thresholds(self) -> LinkThresholds:
        """The thresholds for a request with every optional field."""
        return self.by_presence[max(self.by_presence)]


def check_compatible(requests: Encodings, register: Encodings) -> None:
    """Refuse two encodings that cannot be compared: other kinds, another schema or another key."""
    if requests.kind != "requests" or register.kind != "register":
        raise InputError("link needs a batch's encodings and a register's encodings")
    if requests.schema.checksum() != register.schema.checksum():
        raise InputError(
            f"the two files were encoded with different schemas ({requests.schema.name} "
            f"{requests.schema.checksum()[:12]} and {register.schema.name} {register.schema.checksum()[:12]}): "
            "both parties must encode with the schema their agreement names"
        )
    if requests.key_check != register.key_check:
        raise InputError(
            "the two files were encoded with different linkage keys: both parties must use the key they share"
        )


def candidate_pairs(requests: Encodings, register: Encodings) -> tuple[np.ndarray, np.ndarray]:
    """Indices (request, register) of every pair sharing a blocking value in some pass, each pair once."""
    found: list[np.ndarray] = []
    n_register = len(register)
    for column in range(register.blocks.shape[1]):
        left = pd.DataFrame({"key": requests.blocks[:, column], "r": np.arange(len(requests))})
        right = pd.DataFrame({"key": register.blocks[:, column], "g": np.arange(n_register)})
        left, right = left[left.key != MISSING_BLOCK], right[right.key != MISSING_BLOCK]
        sizes = right.key.value_counts()
        right = right[right.key.map(sizes) <= MAX_BLOCK]
        joined = left.merge(right, on="key", how="inner")
        found.append(joined.r.to_numpy(np.int64) * n_register + joined.g.to_numpy(np.int64))
    combined = pd.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    return combined // max(n_register, 1), combined % max(n_register, 1)


def dice(
    left: Encodings, right: Encodings, li: np.ndarray, ri: np.ndarray, variant: np.ndarray | None = None
) -> np.ndarray:
    """Dice similarity of ``left``'s record ``li`` and ``right``'s record ``ri``, pair by pair, each pair on
    ``variant`` (default: the one that leaves out the optional fields either record lacks)."""
    if variant is None:
        variant = left.presence[li] & right.presence[ri]
    out = np.empty(len(li), dtype=np.float64)
    for start in range(0, len(li), _PAIR_CHUNK):
        part = slice(start, start + _PAIR_CHUNK)
        a = left.filters[li[part], variant[part]]
        b = right.filters[ri[part], variant[part]]
        common = np.bitwise_count(a & b).sum(axis=1, dtype=np.int64)
        total = np.bitwise_count(a).sum(axis=1, dtype=np.int64) + np.bitwise_count(b).sum(
            axis=1, dtype=np.int64
        )
        out[part] = np.divide(2 * common, total, out=np.zeros(len(common)), where=total > 0)
    return out


def _best_two(li: np.ndarray, ri: np.ndarray, sims: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    """Per left record: its best pair (an index into ``li``/``ri``; -1 if none), the best similarity and the
    runner-up's (NaN if none)."""
    best_pair = np.full(n, -1, dtype=np.int64)
    best, second = np.full(n, np.nan), np.full(n, np.nan)
    if len(li) == 0:
        return best_pair, best, second
    order = np.lexsort((ri, -sims, li))  # by request, best first; ties to the lower register index
    li, sims = li[order], sims[order]
    first = np.flatnonzero(np.r_[True, li[1:] != li[:-1]])
    best_pair[li[first]], best[li[first]] = order[first], sims[first]
    has_second = np.r_[first[1:], len(li)] - first > 1
    second[li[first[has_second]]] = sims[first[has_second] + 1]
    return best_pair, best, second


def forename_agrees(left: Encodings, right: Encodings, li: np.ndarray, ri: np.ndarray) -> np.ndarray:
    """Pair by pair, whether the blocking values say the forenames sound alike or are variants of one name (one
    of :data:`FORENAME_PASSES` agrees); every pair where the schema has none of them."""
    columns = [i for i, b in enumerate(left.schema.blocking) if b.name in FORENAME_PASSES]
    if not columns:
        return np.ones(len(li), dtype=bool)
    agree = np.zeros(len(li), dtype=bool)
    for column in columns:
        a, b = left.blocks[li, column], right.blocks[ri, column]
        agree |= (a == b) & (a != MISSING_BLOCK)
    return agree


def estimate_thresholds(
    register: Encodings, *, sample: int = NULL_SAMPLE, seed: int = 0
) -> dict[int, LinkThresholds]:
    """Thresholds from the register alone, for a request with each combination of the optional fields: how
    similar a look-alike who is not the person gets when only those fields are compared (see above)."""
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(len(register), size=min(sample, len(register)), replace=False))
    probes = dataclasses.replace(
        register,
        kind="requests",
        ids=register.ids[chosen],
        filters=register.filters[chosen],
        presence=register.presence[chosen],
        blocks=register.blocks[chosen],
    )
    li, ri = candidate_pairs(probes, register)
    other = ri != chosen[li]
    li, ri = li[other], ri[other]
    alike = forename_agrees(probes, register, li, ri)
    source = f"estimated from {len(probes):,} register records linked against the rest of the register"
    found: dict[int, LinkThresholds] = {}
    for variant in range(register.schema.variants()):
        sims = dice(probes, register, li, ri, variant & probes.presence[li] & register.presence[ri])
        _, best, _ = _best_two(li, ri, sims, len(probes))
        _, best_alike, _ = _best_two(li[alike], ri[alike], sims[alike], len(probes))
        # look-alikes of any kind set the match threshold; those whose forename also sounds alike (twins and
        # siblings do not) set a lower one for a candidate whose forename sounds like the request's
        match = float(np.quantile(np.nan_to_num(best, nan=0.0), MATCH_QUANTILE))
        match_alike = float(np.quantile(np.nan_to_num(best_alike, nan=0.0), MATCH_QUANTILE))
        review = float(np.quantile(np.nan_to_num(best, nan=0.0), REVIEW_QUANTILE))
        found[variant] = LinkThresholds(
            match=round(match, 4),
            match_alike=round(min(match_alike, match), 4),
            review=round(min(review, match_alike), 4),
            source=source,
        )
    return found


def link_encodings(
    requests: Encodings,
    register: Encodings,
    *,
    thresholds: LinkThresholds | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> LinkOutcome:
    """One decision per request (every request present, in the batch's order)."""
    check_compatible(requests, register)
    say = progress or (lambda _stage, _done, _total: None)
    say("thresholds", 0, 1)
    variants = register.schema.variants()
    by_presence = {v: thresholds for v in range(variants)} if thresholds else estimate_thresholds(register)
    say("thresholds", 1, 1)
    say("candidates", 0, 1)
    li, ri = candidate_pairs(requests, register)
    say("candidates", 1, 1)
    say("similarities", 0, 1)
    scored = _score_pairs(requests, register, li, ri, by_presence)
    say("similarities", 1, 1)
    best_pair, best, second = _best_two(li, ri, scored.margin, len(requests))
    claimed = pd.Series(ri[best_pair[best >= 0]]).value_counts()
    rows: list[LinkedRequest] = []
    for i, request_id in enumerate(requests.ids):
        pair = int(best_pair[i])
        if pair < 0:
            rows.append(LinkedRequest(str(request_id), "", None, None, "no_match"))
            continue
        index, runner = int(ri[pair]), second[i]
        close = not np.isnan(runner) and best[i] - runner < RUNNER_UP_GAP
        if best[i] >= 0 and not close and claimed.get(index, 0) == 1:
            decision = "match"
        elif best[i] >= 0 or scored.review_margin[pair] >= 0:
            decision = "review"
        else:
            decision = "no_match"
        rows.append(
            LinkedRequest(
                request_id=str(request_id),
                pupil_id=str(register.ids[index]) if decision != "no_match" else "",
                similarity=round(float(scored.similarity[pair]), 4),
                runner_up=None if np.isnan(runner) else round(float(runner), 4),
                decision=decision,
            )
        )
    return LinkOutcome(rows=rows, by_presence=by_presence, pairs_compared=len(li))


@dataclass(frozen=True)
class _Scored:
    """Per candidate pair: its similarity on the variant that speaks most for it, how far that is above the match
    threshold for the variant (the ranking), and how far above the review threshold."""

    similarity: np.ndarray
    margin: np.ndarray
    review_margin: np.ndarray


def _score_pairs(
    requests: Encodings,
    register: Encodings,
    li: np.ndarray,
    ri: np.ndarray,
    by_presence: dict[int, LinkThresholds],
) -> _Scored:
    """Compare each pair on every variant both records have, each against its own thresholds, and keep the one
    that speaks most for the pair. A family that moved has another postcode and address: on the variant without
    them the names, the date of birth and the sex still agree, and that variant's threshold — set by look-alikes
    compared on those fields alone — says whether that is enough."""
    shared = requests.presence[li] & register.presence[ri]
    alike = forename_agrees(requests, register, li, ri)
    similarity = np.zeros(len(li))
    margin = np.full(len(li), -np.inf)
    review_margin = np.full(len(li), -np.inf)
    for variant, chosen in by_presence.items():
        usable = np.flatnonzero((variant & ~shared) == 0)
        if len(usable) == 0:
            continue
        sims = dice(requests, register, li[usable], ri[usable], np.full(len(usable), variant))
        needed = np.where(alike[usable], chosen.for_candidate(True), chosen.for_candidate(False))
        above = sims - needed
        better = above > margin[usable]
        similarity[usable[better]] = sims[better]
        margin[usable[better]] = above[better]
        review_margin[usable] = np.maximum(review_margin[usable], sims - chosen.review)
    return _Scored(similarity=similarity, margin=margin, review_margin=review_margin)


LINKS_COLUMNS = ("request_id", "pupil_id", "similarity", "decision")
"""The linkage unit's answer, one row per request: ``sharelog link``'s decisions, with a Dice similarity."""


def write_links(outcome: LinkOutcome, out: Path) -> Path:
    """Write the answer (owner-only, whole or not at all): one row per request, blanks where there is nothing."""
    rows = outcome.rows
    table = pa.table(
        {
            "request_id": pa.array([r.request_id for r in rows], pa.string()),
            "pupil_id": pa.array([r.pupil_id or None for r in rows], pa.string()),
            "similarity": pa.array([r.similarity for r in rows], pa.float64()),
            "decision": pa.array([r.decision for r in rows], pa.string()),
        }
    )
    write_csv_atomically(table, out)
    return out


DECISIONS = ("match", "review", "no_match")
IDENTITY_COLUMNS = {"forename", "surname", "dob", "middle_names", "postcode", "address"}
NOT_AN_ANSWER = (
    "this is a batch of identities, not the linkage unit's answer: under encoded matching the holder runs the "
    "answer (request_id, pupil_id, similarity, decision), never a batch"
)


def read_links(
    path: Path, *, name: str, max_bytes: int | None = None, max_rows: int | None = None
) -> list[LinkedRequest]:
    """The linkage unit's answer (``write_links``'s file), checked whole: every problem names the file (as
    ``name``), the row and the field, never a value."""
    if not path.is_file():
        raise InputError(f"{name}: no such file")
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise ValidationFailed(
            [Problem(name, f"the file is larger than {max_bytes:,} bytes, the most it may be")]
        )
    problems: list[Problem] = []
    rows: list[LinkedRequest] = []
    seen: set[str] = set()
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is not None and IDENTITY_COLUMNS & {column.strip().lower() for column in header}:
                raise ValidationFailed([Problem(name, NOT_AN_ANSWER)])
            if header is None or tuple(header) != LINKS_COLUMNS:
                raise ValidationFailed([Problem(name, f"the header must be {', '.join(LINKS_COLUMNS)}")])
            for number, record in enumerate(reader, start=2):
                if max_rows is not None and len(rows) >= max_rows:
                    raise ValidationFailed(
                        [Problem(name, f"more than {max_rows:,} requests, the most a batch may hold")]
                    )
                row = _link_row(name, number, record, seen, problems)
                if row is not None:
                    rows.append(row)
                if len(problems) >= 50:
                    break
    except UnicodeDecodeError:
        raise ValidationFailed([Problem(name, "the file is not UTF-8 text")]) from None
    if not rows and not problems:
        problems.append(Problem(name, "the file has a header but no rows"))
    if problems:
        raise ValidationFailed(problems)
    return rows


def _link_row(
    name: str, number: int, record: list[str], seen: set[str], problems: list[Problem]
) -> LinkedRequest | None:
    if len(record) != len(LINKS_COLUMNS):
        problems.append(Problem(name, f"{len(record)} fields, not {len(LINKS_COLUMNS)}", row=number))
        return None
    request_id, pupil_id, similarity, decision = (value.strip() for value in record)
    before = len(problems)
    if not request_id or len(request_id) > MAX_ID_LENGTH:
        problems.append(
            Problem(
                name,
                f"a request id is needed (at most {MAX_ID_LENGTH} characters)",
                row=number,
                field="request_id",
            )
        )
    elif request_id in seen:
        problems.append(Problem(name, "this request id is in the file twice", row=number, field="request_id"))
    seen.add(request_id)
    if decision not in DECISIONS:
        problems.append(
            Problem(name, f"the decision must be one of {', '.join(DECISIONS)}", row=number, field="decision")
        )
    elif (decision == "no_match") != (pupil_id == "") or len(pupil_id) > MAX_ID_LENGTH:
        problems.append(
            Problem(name, "a pupil id goes with match and review only", row=number, field="pupil_id")
        )
    value: float | None = None
    if similarity:
        try:
            value = float(similarity)
        except ValueError:
            value = -1.0
        if not 0 <= value <= 1:
            problems.append(
                Problem(name, "a similarity is a number from 0 to 1", row=number, field="similarity")
            )
    elif decision != "no_match":
        problems.append(
            Problem(name, "a match or a review needs its similarity", row=number, field="similarity")
        )
    if len(problems) > before:
        return None
    return LinkedRequest(request_id, pupil_id, value, None, decision)
