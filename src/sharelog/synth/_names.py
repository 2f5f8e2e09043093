"""Naming cultures and the name book: vectorised draws of forenames, middle names and surnames.

Each culture has its own lists (``data/forenames.txt``, ``data/surnames.txt``), ordered most common first.
A name's weight falls with its rank as ``1 / (rank + offset)``, a Zipf-like curve, so common names are common
(``Oliver``, ``Smith``, ``Nguyen``) and a matcher has to weigh a rare name above a common one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa

from sharelog.synth._tables import sections

__all__ = ["CULTURES", "Culture", "NameBook", "ascii_fold", "name_book"]

MALE, FEMALE = 0, 1


@dataclass(frozen=True)
class Culture:
    """A naming culture of families in English schools.

    Attributes:
        key: the section name in the data files.
        weight: relative weight of the culture among households, before each town's diversity scales the
            non-English weights (the realised mix is about 68% English-named, as in English schools).
        middle: probabilities of 0, 1 and 2 middle names.
        patronymic: share of households whose children all carry the father's given name as middle name.
        hyphenated: share of households with a hyphenated (double-barrelled) surname.
        diacritics_kept: share of households whose school records names with their diacritics.
        surname_offset: the Zipf offset of the surname curve (0: very concentrated, as Vietnamese surnames are).
    """

    key: str
    weight: float
    middle: tuple[float, float, float]
    patronymic: float = 0.0
    hyphenated: float = 0.01
    diacritics_kept: float = 0.35
    surname_offset: float = 3.0


CULTURES: tuple[Culture, ...] = (
    Culture("english", 0.64, (0.25, 0.62, 0.13), hyphenated=0.07, surname_offset=15.0),
    Culture("pakistani_bangladeshi", 0.047, (0.45, 0.50, 0.05)),
    Culture("indian", 0.028, (0.55, 0.42, 0.03)),
    Culture("west_african", 0.025, (0.20, 0.50, 0.30)),
    Culture("east_african", 0.009, (0.30, 0.65, 0.05), patronymic=0.7),
    Culture("arabic", 0.012, (0.40, 0.55, 0.05), patronymic=0.4),
    Culture("eastern_european", 0.040, (0.75, 0.23, 0.02)),
    Culture("southern_european", 0.012, (0.45, 0.45, 0.10), hyphenated=0.03),
    Culture("turkish", 0.005, (0.75, 0.23, 0.02)),
    Culture("chinese", 0.005, (0.55, 0.43, 0.02), surname_offset=1.0),
    Culture("vietnamese", 0.0025, (0.30, 0.68, 0.02), surname_offset=0.0),
)

_FORENAME_OFFSET = 6.0
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ø": "o", "Ø": "O", "ß": "ss"})


def ascii_fold(text: str) -> str:
    """``text`` without diacritics, as many record systems store it (``Łukasz`` → ``Lukasz``)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _zipf_cdf(count: int, offset: float) -> np.ndarray:
    weights = 1.0 / (np.arange(1, count + 1, dtype=np.float64) + offset)
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


@dataclass(frozen=True)
class _Slice:
    """One list inside a name book's global string table: where it starts, how long it is, its weights."""

    start: int
    cdf: np.ndarray

    @property
    def size(self) -> int:
        return len(self.cdf)

    def draw_one(self, u: float) -> int:
        """One global index for a uniform ``u`` in [0, 1)."""
        return self.start + min(int(np.searchsorted(self.cdf, u, side="right")), self.size - 1)

    def draw(self, u: np.ndarray) -> np.ndarray:
        """Global indices for uniforms ``u`` in [0, 1)."""
        local = np.searchsorted(self.cdf, u, side="right")
        return self.start + np.minimum(local, self.size - 1)


class _StringTable:
    """An append-only list of strings, handed out as global indices."""

    def __init__(self) -> None:
        self.values: list[str] = []

    def add(self, names: list[str] | tuple[str, ...], offset: float) -> _Slice:
        start = len(self.values)
        self.values.extend(names)
        return _Slice(start, _zipf_cdf(len(names), offset))

    def arrow(self, *, folded: bool) -> pa.Array:
        values = [ascii_fold(v) for v in self.values] if folded else self.values
        return pa.array(values, type=pa.string())


def _compound_surnames(known: tuple[str, ...]) -> list[str]:
    """Rarer English surnames built from stems and endings (Ash + worth), skipping ones already listed."""
    parts = sections("surnames.txt")
    seen = set(known)
    out = []
    for ending in parts["english endings"]:
        for stem in parts["english stems"]:
            if stem[-1] == ending[0]:
                continue
            name = stem + ending
            if name not in seen:
                seen.add(name)
                out.append(name)
    return out


class NameBook:
    """Every name the generator uses, with draws by culture and sex.

    Forenames and surnames are kept in two global string tables; draws return indices into them, so a million
    names cost a million integers until the strings are needed.
    """

    def __init__(self) -> None:
        forenames = sections("forenames.txt")
        surnames = sections("surnames.txt")
        self.cultures = CULTURES
        self.forenames = _StringTable()
        self.given: dict[tuple[int, int], _Slice] = {}
        self.middle_only: dict[tuple[int, int], _Slice] = {}
        for c, culture in enumerate(CULTURES):
            for sex, letter in ((MALE, "M"), (FEMALE, "F")):
                names = forenames[f"{culture.key} {letter}"]
                self.given[c, sex] = self.forenames.add(names, _FORENAME_OFFSET)
                extra = forenames.get(f"{culture.key} {letter} middle")
                if extra:
                    self.middle_only[c, sex] = self.forenames.add(extra, 2.0)
        self.surnames = _StringTable()
        self.feminine: list[int] = []
        self.family: dict[int, _Slice] = {}
        for c, culture in enumerate(CULTURES):
            listed = surnames[culture.key]
            tail = _compound_surnames(listed) if culture.key == "english" else []
            self.family[c] = self._add_surnames([*listed, *tail], culture.surname_offset)
        self.forename_strings = tuple(self.forenames.values)
        self._initials: dict[tuple[int, int, str], list[int]] = {}

    def _add_surnames(self, entries: list[str], offset: float) -> _Slice:
        """Add surnames; ``Kowalski/Kowalska`` adds both forms and records the feminine one's index."""
        masculine = [entry.split("/")[0] for entry in entries]
        start = len(self.surnames.values)
        table = self.surnames.add(masculine, offset)
        for entry in entries:
            self.feminine.append(-1 if "/" not in entry else 0)
        for i, entry in enumerate(entries):
            if "/" in entry:
                self.feminine[start + i] = len(self.surnames.values)
                self.surnames.values.append(entry.split("/")[1])
                self.feminine.append(-1)
        return table

    def with_initial(self, culture: int, sex: int, initial: str) -> list[int]:
        """Indices of a culture's given names for one sex that start with ``initial``."""
        key = (culture, sex, initial)
        if key not in self._initials:
            table = self.given[culture, sex]
            names = self.forename_strings
            self._initials[key] = [
                k for k in range(table.start, table.start + table.size) if names[k][0] == initial
            ]
        return self._initials[key]

    def feminine_index(self) -> np.ndarray:
        """Surname index → the index of its feminine form (itself when the surname has one form)."""
        fem = np.asarray(self.feminine, dtype=np.int64)
        own = np.arange(len(fem), dtype=np.int64)
        return np.where(fem >= 0, fem, own)

    def draw_forenames(self, rng: np.random.Generator, culture: np.ndarray, sex: np.ndarray) -> np.ndarray:
        """One given name per person, by culture and sex."""
        return _draw_grouped(rng, self.given, culture, sex)

    def draw_middle_names(self, rng: np.random.Generator, culture: np.ndarray, sex: np.ndarray) -> np.ndarray:
        """One middle name per person: half from the culture's middle-name list where it has one."""
        out = _draw_grouped(rng, self.given, culture, sex)
        special = _draw_grouped(rng, self.middle_only, culture, sex)
        use = (special >= 0) & (rng.random(len(out)) < 0.5)
        return np.where(use, special, out)

    def draw_surnames(self, rng: np.random.Generator, culture: np.ndarray) -> np.ndarray:
        """One (masculine-form) surname per household, by culture."""
        u = rng.random(len(culture))
        return _draw_by_group(u, culture, self.family)


def _draw_grouped(
    rng: np.random.Generator, tables: dict[tuple[int, int], _Slice], culture: np.ndarray, sex: np.ndarray
) -> np.ndarray:
    u = rng.random(len(culture))
    return _draw_by_group(u, culture * 2 + sex, {c * 2 + s: table for (c, s), table in tables.items()})


def _draw_by_group(u: np.ndarray, group: np.ndarray, tables: dict[int, _Slice]) -> np.ndarray:
    """Each person's name from their group's table and their uniform ``u`` (-1 where the group has no table).

    People are sorted by group once (a counting sort: groups are small integers), rather than masked once per
    group, which costs a pass over everyone for each of the 22 groups.
    """
    out = np.full(len(group), -1, dtype=np.int64)
    if len(group) == 0:
        return out
    small = group.astype(np.int16)
    order = np.argsort(small, kind="stable")
    ends = np.cumsum(np.bincount(small, minlength=max(tables, default=0) + 1))
    for key, table in tables.items():
        members = order[(ends[key - 1] if key else 0) : ends[key]]
        out[members] = table.draw(u[members])
    return out


@cache
def name_book() -> NameBook:
    """The name book, built once per process from the package data."""
    return NameBook()
