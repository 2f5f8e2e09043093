"""Read the generator's package data: name lists, nicknames, transliterations, towns and street names.

The files live in ``synth/data/`` and are plain text so a reviewer can read and correct them. Sectioned files
look like::

    # comment
    [section name]
    Entry, Entry, Entry with space,
    Entry

Order inside a section is meaningful (most common first) and is kept; a repeated entry keeps its first place.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "Town",
    "nickname_table",
    "sections",
    "towns",
    "transliteration_table",
]


def _read(name: str) -> str:
    return (resources.files("sharelog.synth") / "data" / name).read_text(encoding="utf-8")


def _entries(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _dedupe(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@cache
def sections(name: str) -> dict[str, tuple[str, ...]]:
    """The sections of a sectioned data file, each as its entries in file order.

    Args:
        name: the file name inside ``synth/data/`` (e.g. ``"forenames.txt"``).

    Returns:
        Section name → entries (duplicates removed, first occurrence kept).
    """
    result: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in _read(name).splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = result.setdefault(line[1:-1].strip(), [])
        elif current is None:
            raise ValueError(f"{name}: entries before the first [section]")
        else:
            current.extend(_entries(line))
    return {key: _dedupe(values) for key, values in result.items()}


def _line_groups(name: str) -> list[list[str]]:
    groups = []
    for raw in _read(name).splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            groups.append(line)
    return [_entries(line) for line in groups]


@cache
def nickname_table() -> dict[str, tuple[str, ...]]:
    """Every name that has a familiar form (or is one) → the names a requester might write instead.

    A registered formal name maps to its familiar forms; a registered familiar form maps to its formal name
    and its sibling forms, because a request may "correct" a registered ``Alfie`` to ``Alfred``.
    """
    links: dict[str, list[str]] = {}
    for raw in _read("nicknames.txt").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        formal, _, rest = line.partition(":")
        familiar = _entries(rest)
        formal = formal.strip()
        links.setdefault(formal, []).extend(familiar)
        for short in familiar:
            links.setdefault(short, []).extend([formal, *(f for f in familiar if f != short)])
    return {name: _dedupe([v for v in values if v != name]) for name, values in links.items()}


@cache
def transliteration_table() -> dict[str, tuple[str, ...]]:
    """Every name with another spelling → its other spellings (the union over the groups it belongs to).

    Groups are not merged transitively: ``Wong`` is a spelling of both ``Wang`` and ``Huang``, but ``Wang``
    is not a spelling of ``Huang``.
    """
    variants: dict[str, list[str]] = {}
    for group in _line_groups("transliterations.txt"):
        for name in group:
            variants.setdefault(name, []).extend(other for other in group if other != name)
    return {name: _dedupe(values) for name, values in variants.items()}


@dataclass(frozen=True)
class Town:
    """A town or borough: its local authority, postcode districts, size and mix of naming cultures."""

    name: str
    la_code: str
    districts: tuple[str, ...]
    weight: float
    diversity: float


def _expand_districts(spec: str) -> list[str]:
    """``"B1-3 B90"`` → ``["B1", "B2", "B3", "B90"]``."""
    out: list[str] = []
    for token in spec.split():
        area = "".join(ch for ch in token if ch.isalpha())
        numbers = token[len(area) :]
        low, _, high = numbers.partition("-")
        last = int(high) if high else int(low)
        out.extend(f"{area}{number}" for number in range(int(low), last + 1))
    return out


@cache
def towns() -> tuple[Town, ...]:
    """The towns households live in, in file order."""
    rows = csv.DictReader(io.StringIO(_read("towns.csv")))
    return tuple(
        Town(
            name=row["town"],
            la_code=row["la_code"],
            districts=tuple(_expand_districts(row["districts"])),
            weight=float(row["weight"]),
            diversity=float(row["diversity"]),
        )
        for row in rows
    )
