"""Scoring a sharelog matches file against a held-out data set (``sharelog_heldout``): every figure of
``bench_grid.py``, from plain rows, so a test can check it on a hand-made case.

A **held** request is about a pupil in the register (``truth.csv`` names it); the others are not held.

- precision = correct matches / matches; recall = correct matches / held requests;
- the review band as a share of all requests; *recall if every review were confirmed* counts a held request
  whose review proposes its true pupil as found;
- every false match has one kind, tried in this order:
  **doppelganger** — the request's forename, surname and date of birth equal the matched pupil's in the
  register (after case-folding and collapsing spaces), whether or not the request is held;
  **twin or sibling** — a held request matched to a pupil of its true pupil's household (same surname and
  address in the register), or a not-held brother or sister (``not_held_sibling``) matched to a pupil with
  their surname;
  **other** — anything else;
- held requests are counted by each kind of difference they carry (``perturbations.csv``), plus three groups:
  all of them, those with no difference, and those with neither postcode nor address;
- not-held requests by who they are (``doppelganger``, ``not_held_sibling``, ``fresh_person``…): how many
  were matched (each a false match), sent to review or not matched.

Pure Python, no sharelog import: ``bench_grid.py`` reads the files, this module counts.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ALL_HELD = "all held requests"
NO_DIFFERENCE = "(no difference)"
NO_LOCATION = "no postcode, no address"
GROUPS = (ALL_HELD, NO_DIFFERENCE, NO_LOCATION)
TWIN_OR_SIBLING, DOPPELGANGER, OTHER = "twin or sibling", "doppelganger", "other"
FALSE_KINDS = (TWIN_OR_SIBLING, DOPPELGANGER, OTHER)
# kinds that say who a request is about rather than how it differs (sharelog_heldout.profiles.ENTITY_KINDS)
WHO_KINDS = frozenset(
    {
        "in_register",
        "register_has_namesake",
        "not_held",
        "fresh_person",
        "doppelganger",
        "not_held_sibling",
        "out_of_age_range",
        "exact_register_namesake",
    }
)
# the match probability of a review that proposes the true pupil
PROBABILITY_BANDS = ((0.99, "≥ 0.99"), (0.9, "0.90–0.99"), (0.5, "0.50–0.90"), (0.0, "< 0.50"))


@dataclass(frozen=True)
class Pupil:
    """What the scorer needs of a register row."""

    forename: str
    surname: str
    dob: str
    address: str


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def person_key(forename: str | None, surname: str | None, dob: str | None) -> tuple[str, str, str]:
    return _norm(forename), _norm(surname), (dob or "").strip()


def household_key(pupil: Pupil) -> tuple[str, str] | None:
    """Surname and address as the register holds them; ``None`` without an address."""
    if not pupil.address.strip():
        return None
    return _norm(pupil.surname), _norm(pupil.address)


@dataclass
class HeldCounts:
    """Held requests of one kind and what became of them."""

    requests: int = 0
    match: int = 0  # matched to the true pupil
    review_true: int = 0  # in review, proposing the true pupil
    review_other: int = 0  # in review, proposing another pupil
    no_match: int = 0
    wrong_match: int = 0  # matched to another pupil

    def add(self, outcome: str) -> None:
        self.requests += 1
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def recall(self) -> float | None:
        return self.match / self.requests if self.requests else None

    @property
    def recall_if_reviewed(self) -> float | None:
        return (self.match + self.review_true) / self.requests if self.requests else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "recall": self.recall, "recall_if_reviewed": self.recall_if_reviewed}


@dataclass
class NotHeldCounts:
    """Not-held requests of one kind and what became of them (every match is a false match)."""

    requests: int = 0
    match: int = 0
    review: int = 0
    no_match: int = 0

    def add(self, decision: str) -> None:
        self.requests += 1
        setattr(self, decision, getattr(self, decision) + 1)


@dataclass(frozen=True)
class FalseMatch:
    request_id: str
    pupil_id: str
    true_pupil_id: str  # "" when the person is not held
    kind: str
    probability: float | None
    request_kinds: tuple[str, ...]


@dataclass
class GridScore:
    """Every accuracy figure of one run."""

    requests: int = 0
    held: int = 0
    matched: int = 0
    correct: int = 0
    review: int = 0
    review_true: int = 0
    no_match: int = 0
    missing_rows: int = 0  # requests the matches file has no row for (counted as no_match)
    false_by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FALSE_KINDS, 0))
    false_matches: list[FalseMatch] = field(default_factory=list)
    by_kind: dict[str, HeldCounts] = field(default_factory=dict)
    not_held_by_kind: dict[str, NotHeldCounts] = field(default_factory=dict)
    review_true_by_probability: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((label for _, label in PROBABILITY_BANDS), 0)
    )

    @property
    def precision(self) -> float:
        return self.correct / self.matched if self.matched else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.held if self.held else 1.0

    @property
    def review_share(self) -> float:
        return self.review / self.requests if self.requests else 0.0

    @property
    def recall_if_reviewed(self) -> float:
        return (self.correct + self.review_true) / self.held if self.held else 1.0

    @property
    def false_match_count(self) -> int:
        return self.matched - self.correct

    @property
    def precision_without_doppelgangers(self) -> float:
        """Precision if the doppelganger false matches were not made (how much of the gap they are)."""
        kept = self.matched - self.false_by_kind[DOPPELGANGER]
        return self.correct / kept if kept else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "held": self.held,
            "matched": self.matched,
            "correct": self.correct,
            "false_matches": self.false_match_count,
            "review": self.review,
            "review_true": self.review_true,
            "no_match": self.no_match,
            "missing_rows": self.missing_rows,
            "precision": self.precision,
            "precision_without_doppelgangers": self.precision_without_doppelgangers,
            "recall": self.recall,
            "review_share": self.review_share,
            "recall_if_reviewed": self.recall_if_reviewed,
            "false_by_kind": dict(self.false_by_kind),
            "false_match_list": [asdict(f) for f in self.false_matches],
            "held_by_kind": {k: c.as_dict() for k, c in self.by_kind.items()},
            "not_held_by_kind": {k: asdict(c) for k, c in self.not_held_by_kind.items()},
            "review_true_by_probability": dict(self.review_true_by_probability),
        }


def _probability(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _band(probability: float | None) -> str:
    value = probability or 0.0
    return next(label for low, label in PROBABILITY_BANDS if value >= low)


def false_match_kind(
    request: Mapping[str, str], kinds: Iterable[str], pupil: Pupil, true_pupil: Pupil | None
) -> str:
    """Which kind of false match matching ``request`` to ``pupil`` is (the module docstring says how)."""
    asked = person_key(request.get("forename"), request.get("surname"), request.get("dob"))
    if asked == person_key(pupil.forename, pupil.surname, pupil.dob):
        return DOPPELGANGER
    if true_pupil is not None:
        home = household_key(true_pupil)
        if home is not None and home == household_key(pupil):
            return TWIN_OR_SIBLING
    elif "not_held_sibling" in kinds and _norm(request.get("surname")) == _norm(pupil.surname):
        return TWIN_OR_SIBLING
    return OTHER


def score_heldout(
    matches: Iterable[Mapping[str, str]],
    *,
    truth: Mapping[str, str],
    kinds: Mapping[str, list[str]],
    requests: Mapping[str, Mapping[str, str]],
    register: Mapping[str, Pupil],
) -> GridScore:
    """Score a matches file (one row per request: ``request_id``, ``pupil_id``, ``match_probability``,
    ``decision``) against the truth. ``register`` needs every true pupil and every pupil a match names."""
    rows: dict[str, Mapping[str, str]] = {}
    for row in matches:
        if row["request_id"] not in truth:
            raise ValueError(f"a match for a request not in the truth: {row['request_id']}")
        rows[row["request_id"]] = row
    s = GridScore()
    for request_id, true_id in truth.items():
        s.requests += 1
        found = rows.get(request_id)
        if found is None:
            s.missing_rows += 1
        decision = found["decision"] if found else "no_match"
        pupil_id = (found.get("pupil_id") or "") if found else ""
        probability = _probability(found.get("match_probability")) if found else None
        request_kinds = kinds.get(request_id, [])
        if decision == "match":
            s.matched += 1
            s.correct += bool(true_id) and pupil_id == true_id
        elif decision == "review":
            s.review += 1
            s.review_true += bool(true_id) and pupil_id == true_id
        else:
            s.no_match += 1
        if decision == "match" and pupil_id != true_id:
            kind = false_match_kind(
                requests[request_id],
                request_kinds,
                register[pupil_id],
                register[true_id] if true_id else None,
            )
            s.false_by_kind[kind] += 1
            s.false_matches.append(
                FalseMatch(request_id, pupil_id, true_id, kind, probability, tuple(request_kinds))
            )
        if true_id:
            s.held += 1
            outcome = _held_outcome(decision, pupil_id == true_id)
            if outcome == "review_true":
                s.review_true_by_probability[_band(probability)] += 1
            for group in _held_groups(requests[request_id], request_kinds):
                s.by_kind.setdefault(group, HeldCounts()).add(outcome)
        else:
            for kind in request_kinds:
                if kind != "not_held" and kind in WHO_KINDS:
                    s.not_held_by_kind.setdefault(kind, NotHeldCounts()).add(decision)
            s.not_held_by_kind.setdefault("all not held", NotHeldCounts()).add(decision)
    return s


def _held_outcome(decision: str, proposes_true: bool) -> str:
    if decision == "match":
        return "match" if proposes_true else "wrong_match"
    if decision == "review":
        return "review_true" if proposes_true else "review_other"
    return "no_match"


def _held_groups(request: Mapping[str, str], request_kinds: list[str]) -> list[str]:
    groups = [ALL_HELD]
    differences = [k for k in request_kinds if k not in WHO_KINDS]
    if not differences:
        groups.append(NO_DIFFERENCE)
    if not (request.get("postcode") or "").strip() and not (request.get("address") or "").strip():
        groups.append(NO_LOCATION)
    return groups + [k for k in request_kinds if k != "in_register"]


# --- reading a held-out folder -------------------------------------------------------------------------------


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class HeldoutBatch:
    """One request batch of a held-out folder, read for scoring."""

    truth: dict[str, str]
    kinds: dict[str, list[str]]
    requests: dict[str, dict[str, str]]


def read_batch(folder: Path) -> HeldoutBatch:
    return HeldoutBatch(
        truth={r["request_id"]: r["pupil_id"] or "" for r in read_rows(folder / "truth.csv")},
        kinds={
            r["request_id"]: [k for k in (r["kinds"] or "").split(";") if k]
            for r in read_rows(folder / "perturbations.csv")
        },
        requests={r["request_id"]: r for r in read_rows(folder / "requests.csv")},
    )


def read_register_pupils(path: Path, wanted: set[str]) -> dict[str, Pupil]:
    """The register rows of ``wanted`` pupils (Arrow reads the CSV; a 1M register in about a second)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pv

    columns = ["pupil_id", "forename", "surname", "dob", "address"]
    table = pv.read_csv(
        path,
        convert_options=pv.ConvertOptions(
            include_columns=columns, column_types=dict.fromkeys(columns, pa.string())
        ),
    )
    table = table.filter(pc.is_in(table["pupil_id"], value_set=pa.array(sorted(wanted), pa.string())))
    data = table.to_pydict()
    return {
        pupil: Pupil(forename or "", surname or "", dob or "", address or "")
        for pupil, forename, surname, dob, address in zip(*(data[c] for c in columns), strict=True)
    }
