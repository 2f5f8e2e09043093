"""The errors trace requests carry, applied to a request's subject in the order of ``ERROR_PROFILE``.

Each kind has a test ("can this error happen to this request?") and a change. Kinds are drawn independently,
at a rate raised for the requests a kind can apply to, so that its share of *all* requests is the documented
one; kinds in one group exclude each other (one address problem at most). Every change is recorded, so
``perturbations.csv`` lists exactly the differences between a request and the truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import cache

from sharelog.synth._names import ascii_fold
from sharelog.synth._people import AddressBook, Dice, Person
from sharelog.synth._postcodes import UNIT_LETTERS
from sharelog.synth._profile import ERROR_PROFILE
from sharelog.synth._tables import nickname_table, transliteration_table

__all__ = ["Perturber", "error_rates"]

Rule = tuple[Callable[[Person], bool], Callable[[Person, Dice], bool]]

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_ACCENTED = {"e": "é", "a": "á", "o": "ö", "i": "í", "u": "ü"}


def _neighbours() -> dict[str, str]:
    """Keys next to each letter on a QWERTY keyboard (same row, and the rows above and below)."""
    out: dict[str, str] = {}
    for r, row in enumerate(_ROWS):
        for i, ch in enumerate(row):
            near = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            for other in (r - 1, r + 1):
                if 0 <= other < len(_ROWS):
                    near.extend(_ROWS[other][j] for j in (i - 1, i, i + 1) if 0 <= j < len(_ROWS[other]))
            out[ch] = "".join(near)
    return out


_NEAR = _neighbours()


def _variants(kind: str, name: str) -> tuple[str, ...]:
    """Other forms of ``name`` from the ``nickname`` or ``transliteration`` table (looked up as written, then
    without diacritics, since a school may have recorded ``Jose`` for ``José``)."""
    table, folded = _lookup(kind)
    found = table.get(name) or folded.get(ascii_fold(name), ())
    return tuple(v for v in found if v != name)


@cache
def _lookup(kind: str) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    table = nickname_table() if kind == "nickname" else transliteration_table()
    folded: dict[str, tuple[str, ...]] = {}
    for key, values in table.items():
        folded.setdefault(ascii_fold(key), values)
    return table, folded


def _same_case(template: str, ch: str) -> str:
    return ch.upper() if template.isupper() else ch


def typo(name: str, dice: Dice) -> str:
    """``name`` with one slip: a neighbouring key, a letter dropped or doubled, or two letters transposed.

    The first letter is spared most of the time, as it is in real typing. Returns ``name`` unchanged when no
    slip is possible (fewer than two letters).
    """
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 2:
        return name
    for _ in range(6):
        i = letters[0] if dice.chance(0.1) else letters[1 + dice.below(len(letters) - 1)]
        ch, op = name[i], dice.u()
        near = _NEAR.get(ch.lower(), "")
        if op < 0.35 and near:
            changed = name[:i] + _same_case(ch, dice.pick(near)) + name[i + 1 :]
        elif op < 0.6 and len(letters) >= 3:
            changed = name[:i] + name[i + 1 :]
        elif op < 0.8:
            extra = ch if dice.chance(0.6) or not near else _same_case(ch, dice.pick(near))
            changed = name[: i + 1] + extra + name[i + 1 :]
        else:
            j = i - 1 if i == letters[-1] else i
            changed = name[:j] + name[j + 1] + name[j] + name[j + 2 :]
        if changed != name:
            return _keep_initial_capital(name, changed)
    return name


def _keep_initial_capital(before: str, after: str) -> str:
    """Records capitalise names, so a slip at the start still leaves a capital (Grace → Rgace, not rGace)."""
    if before[:1].isupper() and after[:1].islower() and not before.isupper():
        return (
            after[:1].upper() + after[1:].lower() if after[1:2].isupper() else after[:1].upper() + after[1:]
        )
    return after


def _has_middle(p: Person) -> bool:
    return bool(p.middle_names)


def _middle_as_forename(p: Person, dice: Dice) -> bool:
    first, *rest = p.middle_names.split(" ")
    p.forename, p.middle_names = first, " ".join([p.forename, *rest] if dice.chance(0.5) else rest)
    return True


def _pick_variant(kind: str, field: str) -> Callable[[Person, Dice], bool]:
    def change(p: Person, dice: Dice) -> bool:
        options = _variants(kind, getattr(p, field))
        setattr(p, field, dice.pick(options))
        return True

    return change


def _has_nickname(p: Person) -> bool:
    return bool(_variants("nickname", p.forename))


def _transliterable(p: Person) -> bool:
    return bool(_variants("transliteration", p.forename) or _variants("transliteration", p.surname))


def _transliterate(p: Person, dice: Dice) -> bool:
    fields = [f for f in ("forename", "surname") if _variants("transliteration", getattr(p, f))]
    return _pick_variant("transliteration", dice.pick(fields))(p, dice)


def _shortenable(p: Person) -> bool:
    parts = p.surname.split("-")
    return len(parts) >= 2 and all(len(part) >= 3 for part in parts)


def _shorten(p: Person, dice: Dice) -> bool:
    parts = p.surname.split("-")
    p.surname = parts[0] if dice.chance(0.5) else parts[-1]
    return True


def _typo_in(field: str) -> Rule:
    def eligible(p: Person) -> bool:
        return sum(ch.isalpha() for ch in getattr(p, field)) >= 2

    def change(p: Person, dice: Dice) -> bool:
        before = getattr(p, field)
        setattr(p, field, typo(before, dice))
        return getattr(p, field) != before

    return eligible, change


def _swap_names(p: Person, dice: Dice) -> bool:
    p.forename, p.surname = p.surname, p.forename
    return p.forename != p.surname


def _drop_middle(p: Person, dice: Dice) -> bool:
    p.middle_names = ""
    return True


def _day_month_swappable(p: Person) -> bool:
    return p.dob.day <= 12 and p.dob.day != p.dob.month


def _swap_day_month(p: Person, dice: Dice) -> bool:
    p.dob = dt.date(p.dob.year, p.dob.day, p.dob.month)
    return True


def _dob_digit(p: Person, dice: Dice) -> bool:
    """One digit of YYYYMMDD changed, keeping a real date: mostly the day, the month or the year's last digit."""
    text = p.dob.strftime("%Y%m%d")
    positions = (3, 3, 4, 5, 5, 6, 7, 7)
    for _ in range(20):
        i = positions[dice.below(len(positions))]
        digit = str(dice.below(10))
        changed = text[:i] + digit + text[i + 1 :]
        try:
            day = dt.datetime.strptime(changed, "%Y%m%d").date()
        except ValueError:
            continue
        if day != p.dob:
            p.dob = day
            return True
    return False


def _year_off(p: Person, dice: Dice) -> bool:
    year = p.dob.year + (1 if dice.chance(0.5) else -1)
    day = 28 if (p.dob.month, p.dob.day) == (2, 29) else p.dob.day
    p.dob = dt.date(year, p.dob.month, day)
    return True


def _has_postcode(p: Person) -> bool:
    return bool(p.postcode)


def _mover(addresses: AddressBook) -> Callable[[Person, Dice], bool]:
    """A new address: 40% in the same district, 35% elsewhere in the town, 25% in another town."""

    def change(p: Person, dice: Dice) -> bool:
        u = dice.u()
        if u < 0.40:
            district = p.district
        elif u < 0.75:
            district = addresses.district_in(p.town, dice, avoid=p.district)
        else:
            p.town = addresses.town_for(p.culture, dice)
            district = addresses.district_in(p.town, dice)
        p.district = district
        p.postcode, p.address = addresses.new_address(dice, district)
        return True

    return change


def _drop_postcode(p: Person, dice: Dice) -> bool:
    p.postcode, p.address = "", ""
    return True


def _postcode_typo(p: Person, dice: Dice) -> bool:
    outward, _, inward = p.postcode.partition(" ")
    u = dice.u()
    if u < 0.35 or len(inward) != 3:
        p.postcode = outward + inward
    elif u < 0.75:
        i = 1 + dice.below(2)
        letter = dice.pick([ch for ch in UNIT_LETTERS if ch != inward[i]])
        p.postcode = f"{outward} {inward[:i]}{letter}{inward[i + 1 :]}"
    elif u < 0.9 and inward[1] != inward[2]:
        p.postcode = f"{outward} {inward[0]}{inward[2]}{inward[1]}"
    else:
        p.postcode = f"{outward} {(int(inward[0]) + 1 + dice.below(9)) % 10}{inward[1:]}"
    return True


def _has_sex(p: Person) -> bool:
    return bool(p.sex)


def _drop_sex(p: Person, dice: Dice) -> bool:
    p.sex = ""
    return True


def _change_case(p: Person, dice: Dice) -> bool:
    convert = str.upper if dice.chance(0.7) else str.lower
    p.forename, p.middle_names, p.surname = (convert(v) for v in (p.forename, p.middle_names, p.surname))
    if dice.chance(0.5):
        p.address = convert(p.address)
    return True


def _mess(p: Person, dice: Dice) -> bool:
    """Stray punctuation or spacing, apostrophes and hyphens dropped, diacritics dropped or added."""
    options: list[tuple[str, str]] = []  # (field, new value)
    for field in ("forename", "surname"):
        value = getattr(p, field)
        if not value.isascii():
            options.append((field, ascii_fold(value)))
        if "'" in value or "-" in value:
            joiner = dice.pick(["", " "])
            options.append((field, value.replace("'", joiner).replace("-", joiner)))
    vowels = [i for i, ch in enumerate(p.forename) if ch in _ACCENTED and i > 0]
    if vowels and p.forename.isascii():
        i = vowels[dice.below(len(vowels))]
        options.append(("forename", p.forename[:i] + _ACCENTED[p.forename[i]] + p.forename[i + 1 :]))
    stray = dice.pick([".", ",", " ", "  "])
    options.append(("surname", p.surname + stray if stray.strip() else stray + p.surname))
    field, value = options[dice.below(len(options))]
    setattr(p, field, value)
    return True


def _always(p: Person) -> bool:
    return True


def _rules(addresses: AddressBook) -> dict[str, Rule]:
    return {
        "middle_as_forename": (_has_middle, _middle_as_forename),
        "nickname": (_has_nickname, _pick_variant("nickname", "forename")),
        "transliteration": (_transliterable, _transliterate),
        "surname_shortened": (_shortenable, _shorten),
        "forename_typo": _typo_in("forename"),
        "surname_typo": _typo_in("surname"),
        "name_swap": (_always, _swap_names),
        "middle_names_missing": (_has_middle, _drop_middle),
        "dob_day_month_swap": (_day_month_swappable, _swap_day_month),
        "dob_digit_typo": (_always, _dob_digit),
        "dob_year_off": (_always, _year_off),
        "moved_house": (_has_postcode, _mover(addresses)),
        "missing_postcode": (_has_postcode, _drop_postcode),
        "postcode_typo": (_has_postcode, _postcode_typo),
        "missing_sex": (_has_sex, _drop_sex),
        "case_change": (_always, _change_case),
        "punctuation_accents": (_always, _mess),
    }


def error_rates(people: Iterable[Person], addresses: AddressBook) -> dict[str, float]:
    """The chance of each kind among the requests it can apply to, so its overall share is the profile's.

    A kind later in an exclusive group only sees requests that earlier kinds of the group left alone, so its
    rate is raised by that much too.
    """
    people = list(people)
    rules = _rules(addresses)
    rates: dict[str, float] = {}
    taken: dict[str, float] = {}
    for kind in ERROR_PROFILE:
        eligible = sum(rules[kind.name][0](p) for p in people) / max(1, len(people))
        room = max(0.05, 1.0 - taken.get(kind.group, 0.0))
        rates[kind.name] = min(1.0, kind.share / (eligible * room)) if eligible else 0.0
        taken[kind.group] = taken.get(kind.group, 0.0) + kind.share
    return rates


class Perturber:
    """Applies the error profile to one request's subject at a time."""

    def __init__(self, *, dice: Dice, addresses: AddressBook, rates: dict[str, float]) -> None:
        self._dice = dice
        self._rates = rates
        self._rules = _rules(addresses)

    def apply(self, person: Person) -> list[str]:
        """Change ``person`` in place; return the kinds of error applied, in order."""
        applied: list[str] = []
        groups: set[str] = set()
        for kind in ERROR_PROFILE:
            if kind.group in groups:
                continue
            eligible, change = self._rules[kind.name]
            if eligible(person) and self._dice.chance(self._rates[kind.name]) and change(person, self._dice):
                applied.append(kind.name)
                groups.add(kind.group)
        return applied
