"""The synthetic people a run used, and a scanner that finds any of them in a text.

What counts as one person's personal data here: their full name (forename and surname, with and without middle
names, and "surname, forename"), their surname on its own (a JSON object or a table may hold it apart from the
forename), their date of birth (ISO and written out, as pages show dates), their postcode, their address and
their pupil id. Each is distinctive on its own — no forename alone, nothing shorter than five letters — so a hit
means a person's data, not a coincidence. Left out: surnames that are words sharelog itself uses (``Young``,
``Green``: found in its code, templates or docs), and dates that the shipped agreements contain or that fall in
or after the demo's year (the ledger and the pages show such dates for reasons of their own).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTHS = "January February March April May June July August September October November December".split()
FIRST_OPERATIONAL_DAY = date(2019, 1, 1)  # the demo's year: exchanges, returns, outcomes, retention dates


@dataclass(frozen=True)
class Hit:
    """One piece of personal data found: what it is, whose it is (pupil or request ids) and the text."""

    kind: str
    value: str
    owners: frozenset[str]

    def __str__(self) -> str:
        return f"{self.kind} of {', '.join(sorted(self.owners))}: {self.value!r}"


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text.casefold())


@dataclass
class People:
    """Every needle, indexed by its first word, so that scanning a text costs one pass over its words."""

    needles: dict[str, dict[str, tuple[str, str]]] = field(default_factory=lambda: defaultdict(dict))
    owners: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @property
    def count(self) -> int:
        return len(self.owners)

    def add(self, kind: str, owner: str, value: str | None) -> None:
        value = (value or "").strip()
        normal = _normal(value)
        words = _WORD.findall(normal)
        if len(normal) < 6 or not words:
            return
        self.needles[words[0]].setdefault(normal, (kind, value))
        self.owners[normal].add(owner)  # one name may be several people's

    def find(self, text: str) -> list[Hit]:
        """Every needle in ``text`` (HTML entities and JSON escapes undone first, case and spacing ignored)."""
        normal = _normal(readable(text))
        hits = [
            Hit(kind, value, frozenset(self.owners[needle]))
            for word in set(_WORD.findall(normal)) & self.needles.keys()
            for needle, (kind, value) in self.needles[word].items()
            if needle in normal
        ]
        return sorted(hits, key=str)


def readable(text: str) -> str:
    """Text as a person would read it: JSON re-written without ``\\u`` escapes, HTML entities undone."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            text = json.dumps(json.loads(stripped), ensure_ascii=False)
        except ValueError:
            pass
    return html.unescape(text)


def response_text(content: bytes, content_type: str) -> str | None:
    """What a response says, as text: its body, or the XML inside a workbook; None for images."""
    if content_type.startswith("image/"):
        return None
    if content[:2] == b"PK":  # .xlsx and .docx are zip files of XML
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return content.decode("utf-8", "replace")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _written_out(day: date) -> list[str]:
    month = MONTHS[day.month - 1]
    return [day.isoformat(), f"{day.day} {month} {day.year}", f"{day.day} {month[:3]} {day.year}"]


def _dob_forms(value: str, shared_dates: set[str]) -> list[str]:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return [value] if len(value.strip()) >= 8 else []
    if day >= FIRST_OPERATIONAL_DAY or day.isoformat() in shared_dates:
        return []
    return _written_out(day)


def collect_people(
    register: Path, batches: Iterable[Path], *, shared_dates: set[str], common_words: set[str]
) -> People:
    """The personal data of everyone in the register and in the request batches.

    Args:
        shared_dates: ISO dates that appear for other reasons (the agreements' dates): not used as needles.
        common_words: words sharelog itself uses (casefolded): a surname that is one of them is not a needle.
    """
    people = People()
    sources = [("pupil_id", row) for row in _rows(register)]
    sources += [("request_id", row) for batch in batches for row in _rows(batch)]
    for id_column, row in sources:
        owner = row[id_column]
        forename, middle, surname = (row.get(c) or "" for c in ("forename", "middle_names", "surname"))
        if forename.strip() and surname.strip():
            people.add("name", owner, f"{forename} {surname}")
            people.add("name", owner, f"{surname}, {forename}")
            if middle.strip():
                people.add("name", owner, f"{forename} {middle} {surname}")
        if len(surname.strip()) >= 5 and not set(_WORD.findall(surname.casefold())) <= common_words:
            people.add("surname", owner, surname)
        for form in _dob_forms(row.get("dob") or "", shared_dates):
            people.add("date of birth", owner, form)
        people.add("postcode", owner, row.get("postcode"))
        people.add("address", owner, row.get("address"))
        if id_column == "pupil_id":
            people.add("pupil id", owner, owner)
    return people


def dates_in(folder: Path) -> set[str]:
    """Every ISO date written in the text files under ``folder``."""
    found: set[str] = set()
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".md", ".txt"):
            found |= set(_DATE.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


def words_in(
    folders: Iterable[Path], suffixes: tuple[str, ...] = (".py", ".html", ".md", ".yaml")
) -> set[str]:
    """Every word (casefolded) of the code, templates, docs and agreements under ``folders``."""
    found: set[str] = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in suffixes:
                found |= set(_WORD.findall(path.read_text(encoding="utf-8", errors="replace").casefold()))
    return found
