"""Trace requests: who is asked for (held or not), and how the requester's details differ from the register.

Requests are few (thousands to tens of thousands), so they are built record by record in Python, with every
random draw taken from numpy generators in a fixed order.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import _curated as C
from . import errors as E
from .names import NameModel, strip_marks
from .population import (
    SEP_CODES,
    Children,
    PopulationParams,
    Register,
    build_households,
    date_of,
    day,
    name_children,
    school_year_window,
)
from .profiles import (
    ADDRESS_KINDS,
    DOB_KINDS,
    ERROR_KINDS,
    LOCATION_KINDS,
    NAME_KINDS,
    SEX_KINDS,
    Profile,
)

Gen = np.random.Generator
StageRng = Callable[[str], np.random.Generator]
Draws = dict[str, np.ndarray]  # kind -> one uniform draw per request


@dataclass
class Location:
    flat: int
    building: str | None
    number: int
    street: str
    locality: str
    town: str
    postcode: str
    town_index: int


@dataclass
class Person:
    forename: str
    middles: list[str]
    surname_parts: list[str]
    surname_sep: str
    dob: dt.date | None
    sex: str
    loc: Location | None
    group: int
    pupil: int = -1  # register row of the person, -1 when not held
    exact: bool = False  # a doppelganger: forename, surname and date of birth stay exactly the register's
    register_typo_eligible: bool = False
    kinds: list[str] = field(default_factory=list)
    postcode_out: str = ""
    address_out: str = ""

    @property
    def surname(self) -> str:
        return self.surname_sep.join(self.surname_parts)


@dataclass
class RequestSet:
    persons: list[Person]
    order: np.ndarray  # output position -> person index
    request_ids: list[str]
    truth_pupil: list[int]  # per output row: register row or -1
    tally: dict[str, dict[str, float]]  # kind -> rate, eligible, applied


class Tally:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.eligible: Counter[str] = Counter()
        self.applied: Counter[str] = Counter()

    def report(self) -> dict[str, dict[str, float]]:
        return {
            k: {"rate": self.profile.rate(k), "eligible": self.eligible[k], "applied": self.applied[k]}
            for k in ERROR_KINDS
        }


def _location(reg: Register, unit: int, number: int, flat: int, building: bool) -> Location:
    geo = reg.geography
    return Location(
        flat=int(flat),
        building=geo.building_names[int(geo.unit_building[unit])] if building and flat else None,
        number=int(number),
        street=geo.street_names[int(geo.unit_street[unit])],
        locality=geo.localities[int(geo.unit_locality[unit])],
        town=geo.town_names[int(geo.unit_town[unit])],
        postcode=str(geo.unit_postcode[unit].as_py()),
        town_index=int(geo.unit_town[unit]),
    )


def household_location(reg: Register, h: int) -> Location:
    hh = reg.households
    return _location(reg, int(hh.unit[h]), int(hh.number[h]), int(hh.flat[h]), bool(hh.in_building[h]))


def _random_location(reg: Register, rng: np.random.Generator, town: int | None) -> Location:
    geo = reg.geography
    if town is None:
        town = int(geo.random_towns(rng, 1)[0])
    unit = int(geo.random_units(rng, np.array([town]))[0])
    number = int(geo.unit_first_number[unit] + rng.integers(1, 40))
    flat = int(rng.integers(1, 30)) if rng.random() < 0.2 else 0
    return _location(reg, unit, number, flat, rng.random() < 0.5)


def _names_of(model: NameModel, ch: Children, i: int) -> tuple[str, list[str], list[str], str]:
    s = model.vocab.strings
    middles = [s[int(c)] for c in (ch.mid1[i], ch.mid2[i]) if c >= 0]
    parts = [s[int(ch.sur1[i])]] + ([s[int(ch.sur2[i])]] if ch.sur2[i] >= 0 else [])
    return s[int(ch.fore[i])], middles, parts, SEP_CODES[int(ch.sep[i])] if len(parts) > 1 else ""


def register_person(model: NameModel, reg: Register, row: int) -> Person:
    ch = reg.children
    fore, middles, parts, sep = _names_of(model, ch, row)
    return Person(
        forename=fore,
        middles=middles,
        surname_parts=parts,
        surname_sep=sep,
        dob=date_of(int(ch.dob[row])),
        sex="F" if ch.sex[row] else "M",
        loc=household_location(reg, int(ch.household[row])),
        group=int(reg.households.group[int(ch.household[row])]),
        pupil=row,
    )


def _tilt(model: NameModel, profile: Profile) -> np.ndarray:
    if profile.origin_tilt == "uniform":
        return np.ones(len(model.groups))
    return np.array([g.trace_tilt for g in model.groups])


def _weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """k distinct indices drawn with probability proportional to weight (Efraimidis-Spirakis keys)."""
    k = min(k, len(weights))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    keys = np.log(rng.random(len(weights))) / weights
    picked = np.argpartition(-keys, k - 1)[:k]
    return np.sort(picked)


def choose_people(
    rng_for: StageRng,
    model: NameModel,
    reg: Register,
    profile: Profile,
    count: int,
    params: PopulationParams,
    *,
    register_typos: bool = True,
) -> list[Person]:
    """The people asked for: held pupils, doppelgangers, siblings of pupils and people never on the register.

    ``register_typos=False`` leaves the register as it is (a second batch against a register already made).
    """
    rng = rng_for("choose")
    tilt = _tilt(model, profile)
    pupil_weight = tilt[reg.households.group[reg.children.household]]
    n_in = min(int(round(count * profile.in_register_share)), len(pupil_weight))
    n_out = count - n_in
    roll = rng.random(n_out)
    n_dopp = int((roll < profile.doppelganger_share).sum())
    n_sib = int(
        (
            (roll >= profile.doppelganger_share) & (roll < profile.doppelganger_share + profile.sibling_share)
        ).sum()
    )
    n_fresh = n_out - n_dopp - n_sib

    held_rows = _weighted_sample(rng, pupil_weight, n_in)
    held_rows = held_rows[rng.permutation(len(held_rows))]
    persons = [register_person(model, reg, int(r)) for r in held_rows]
    for p in persons:
        p.kinds.append("in_register")

    # the school's record of some held pupils has a slip of its own (changes the register, not the request)
    rng = rng_for("register_typos")
    u = rng.random(len(persons))
    for i, p in enumerate(persons if register_typos else []):
        row = p.pupil
        use_surname = rng.random() < 0.5
        current = model.vocab.strings[int(reg.children.sur1[row] if use_surname else reg.children.fore[row])]
        changed = E.typo(current, rng)
        if changed is None:
            continue
        p.register_typo_eligible = True
        if u[i] < profile.rate("register_name_typo"):
            code = model.vocab.code(changed)
            if use_surname:
                reg.children.sur1[row] = code
            else:
                reg.children.fore[row] = code
            p.kinds.append("register_name_typo")

    rng = rng_for("not_held")
    others = _weighted_sample(rng, pupil_weight, n_dopp + n_sib)
    others = others[rng.permutation(len(others))]
    for r in others[:n_dopp]:
        source = register_person(model, reg, int(r))  # as the register holds them now
        middle_pool = model.groups[int(reg.children.group[r])]
        pool = middle_pool.middle_girls if source.sex == "F" else middle_pool.middle_boys
        middles = (
            [model.vocab.strings[int(pool.sample(rng, 1)[0])]]
            if rng.random() < middle_pool.middle_rates[0]
            else []
        )
        town = int(reg.geography.unit_town[int(reg.households.unit[int(reg.children.household[r])])])
        other_towns = len(reg.geography.town_names)
        new_town = int((town + 1 + rng.integers(max(1, other_towns - 1))) % other_towns)
        persons.append(
            Person(
                forename=source.forename,
                middles=middles,
                surname_parts=source.surname_parts,
                surname_sep=source.surname_sep,
                dob=source.dob,
                sex=source.sex if rng.random() < 0.97 else ("M" if source.sex == "F" else "F"),
                loc=_random_location(reg, rng, new_town),
                group=source.group,
                exact=True,
                kinds=["not_held", "doppelganger"],
            )
        )
    for r in others[n_dopp:]:
        h = int(reg.children.household[r])
        sibling = register_person(model, reg, int(r))
        group = model.groups[int(reg.children.group[r])]
        sex = "F" if rng.random() < 0.488 else "M"
        pool = (group.girls if sex == "F" else group.boys)[0]
        name = sibling.forename
        for _ in range(6):
            name = model.vocab.strings[int(pool.sample(rng, 1)[0])]
            if name != sibling.forename:
                break
        assert sibling.dob is not None
        years = int(rng.integers(1, 5)) * (1 if rng.random() < 0.5 else -1)
        dob = sibling.dob + dt.timedelta(days=int(years * 365.25 + rng.integers(-120, 121)))
        kinds = ["not_held", "not_held_sibling"]
        lo, hi = school_year_window(params.census_date)
        if not lo <= day(dob) <= hi:
            kinds.append("out_of_age_range")
        persons.append(
            Person(
                forename=name,
                middles=[],
                surname_parts=sibling.surname_parts,
                surname_sep=sibling.surname_sep,
                dob=dob,
                sex=sex,
                loc=household_location(reg, h),
                group=sibling.group,
                kinds=kinds,
            )
        )
    persons.extend(_fresh_people(rng_for("fresh"), model, reg, profile, n_fresh, params, tilt))
    return persons


def _fresh_people(
    rng: np.random.Generator,
    model: NameModel,
    reg: Register,
    profile: Profile,
    count: int,
    params: PopulationParams,
    tilt: np.ndarray,
) -> list[Person]:
    """People who were never on the register, from households made the same way as the register's."""
    if count == 0:
        return []
    shares = np.array([g.share for g in model.groups]) * tilt
    hh = build_households(rng, model, count, reg.geography, shares)
    lo, hi = school_year_window(params.census_date)
    dob = lo + (rng.random(count) * (hi - lo)).astype(np.int64)
    out_of_age = rng.random(count) < profile.out_of_age_share
    young = rng.random(count) < 0.7
    dob = np.where(out_of_age & young, hi + 1 + (rng.random(count) * 700).astype(np.int64), dob)
    dob = np.where(out_of_age & ~young, lo - 1 - (rng.random(count) * 360).astype(np.int64), dob)
    sex = (rng.random(count) < 0.488).astype(np.int8)
    ch = name_children(rng, model, hh, np.arange(count), sex, dob, params.step_rate)
    people = []
    for i in range(count):
        fore, middles, parts, sep = _names_of(model, ch, i)
        kinds = ["not_held", "fresh_person"] + (["out_of_age_range"] if out_of_age[i] else [])
        people.append(
            Person(
                forename=fore,
                middles=middles,
                surname_parts=parts,
                surname_sep=sep,
                dob=date_of(int(dob[i])),
                sex="F" if sex[i] else "M",
                loc=_location(
                    reg, int(hh.unit[i]), int(hh.number[i]), int(hh.flat[i]), bool(hh.in_building[i])
                ),
                group=int(hh.group[i]),
                kinds=kinds,
            )
        )
    return people


# ---------------------------------------------------------------------------------------------- error model


def _lookup_with_plain(table: dict[str, list[str]]) -> dict[str, list[str]]:
    out = dict(table)
    for key, values in table.items():
        plain = strip_marks(key)
        if plain != key and plain not in out:
            out[plain] = values
    return out


_NICKNAMES = _lookup_with_plain(C.NICKNAMES)
ENGLISH_NAMED = frozenset({"white_british", "irish", "black_caribbean"})
_ANGLICISED = _lookup_with_plain(C.ANGLICISED)


def apply_errors(
    rng_for: StageRng, model: NameModel, profile: Profile, persons: list[Person], reg: Register
) -> Tally:
    tally = Tally(profile)
    # the register typo was decided in choose_people; counted here (eligible: held pupils whose name allows one)
    for p in persons:
        if p.register_typo_eligible:
            tally.eligible["register_name_typo"] += 1
            if "register_name_typo" in p.kinds:
                tally.applied["register_name_typo"] += 1
    kinds = LOCATION_KINDS + ADDRESS_KINDS + NAME_KINDS + DOB_KINDS + SEX_KINDS
    rng = rng_for("errors")
    u = {k: rng.random(len(persons)) for k in kinds}
    for i, p in enumerate(persons):
        _location_errors(rng, profile, p, i, u, tally, reg)
        _name_errors(rng, model, profile, p, i, u, tally)
        _dob_errors(rng, profile, p, i, u, tally)
        _sex_errors(profile, p, i, u, tally)
    return tally


def _try(kind: str, eligible: bool, i: int, u: Draws, profile: Profile, tally: Tally, p: Person) -> bool:
    if not eligible:
        return False
    tally.eligible[kind] += 1
    if u[kind][i] < profile.rate(kind):
        tally.applied[kind] += 1
        p.kinds.append(kind)
        return True
    return False


def _location_errors(
    rng: Gen, profile: Profile, p: Person, i: int, u: Draws, tally: Tally, reg: Register
) -> None:
    assert p.loc is not None
    tally.eligible["address_missing"] += 1
    tally.eligible["address_stale"] += 1
    roll = u["address_missing"][i]
    missing = profile.rate("address_missing")
    stale = profile.rate("address_stale")
    if roll < missing:
        tally.applied["address_missing"] += 1
        p.kinds.append("address_missing")
        p.postcode_out = ""
        p.address_out = ""
        return
    loc = p.loc
    if roll < missing + stale:
        tally.applied["address_stale"] += 1
        p.kinds.append("address_stale")
        same_town = rng.random() < 0.65
        new = _random_location(reg, rng, loc.town_index if same_town else None)
        if new.postcode == loc.postcode:  # pragma: no cover - a unit is rarely drawn twice
            new = _random_location(reg, rng, None)
        loc = new
    postcode = loc.postcode
    has_postcode = not _try("postcode_missing", True, i, u, profile, tally, p)
    has_address = not _try("address_line_missing", has_postcode, i, u, profile, tally, p)
    if has_postcode:
        if _try("postcode_typo", True, i, u, profile, tally, p):
            postcode = E.postcode_typo(postcode, rng)
        partial = _try("postcode_partial", True, i, u, profile, tally, p)
        if partial:
            postcode = postcode.split(" ")[0]
        if _try("postcode_format", not partial, i, u, profile, tally, p):
            postcode = E.postcode_format(postcode, int(rng.integers(3)))
        p.postcode_out = postcode
    if not has_address:
        return
    one_line = _try("address_one_line", True, i, u, profile, tally, p)
    suffix = loc.street.rsplit(" ", 1)[-1]
    street = loc.street
    if _try("address_abbreviated", suffix in C.STREET_ABBREVIATIONS, i, u, profile, tally, p):
        street = street[: -len(suffix)] + C.STREET_ABBREVIATIONS[suffix]
    in_line = _try("address_postcode_in_line", True, i, u, profile, tally, p)
    flat_style = _try("address_flat_style", loc.flat > 0, i, u, profile, tally, p)
    upper = _try("address_upper", True, i, u, profile, tally, p)
    parts: list[str] = []
    street_line = f"{loc.number} {street}"
    if loc.flat:
        if flat_style:
            style = int(rng.integers(3))
            if style == 0:
                street_line = f"{loc.flat}/{loc.number} {street}"
            elif style == 1:
                street_line = f"{loc.number} {street} Flat {loc.flat}"
            else:
                parts.append(f"Apartment {loc.flat}")
            if loc.building and style != 0:
                parts.append(loc.building)
        else:
            parts.append(f"Flat {loc.flat}")
            if loc.building:
                parts.append(loc.building)
    parts.append(street_line)
    if rng.random() < 0.4:
        parts.append(loc.locality)
    parts.append(loc.town)
    if in_line:
        parts.append(loc.postcode)
    text = (" " if one_line else ", ").join(parts)
    p.address_out = text.upper() if upper else text


def _name_errors(
    rng: Gen, model: NameModel, profile: Profile, p: Person, i: int, u: Draws, tally: Tally
) -> None:
    free = not p.exact  # a doppelganger keeps the register's forename, surname and date of birth
    # surname change: a double surname cut to one part; a step-parent's surname; Singh/Kaur for the family name
    if _try("surname_change", free, i, u, profile, tally, p):
        parts = p.surname_parts
        if len(parts) == 2:
            keep = parts[0] if (p.surname_sep == " " and rng.random() < 0.7) else parts[int(rng.integers(2))]
            p.surname_parts, p.surname_sep = [keep], ""
        elif any(m in ("Singh", "Kaur") for m in p.middles):
            title = next(m for m in p.middles if m in ("Singh", "Kaur"))
            p.surname_parts = [title]
            p.middles = [m for m in p.middles if m != title]
        elif parts[0] in ("Singh", "Kaur"):
            pool = model.groups[model.group_index("indian")].extra["sikh_family"]
            p.surname_parts = [model.vocab.strings[int(pool.sample(rng, 1)[0])]]
        else:
            group = model.groups[p.group]
            other = parts[0]
            for _ in range(6):
                other = model.vocab.strings[int(group.surnames.sample(rng, 1)[0])]
                if other != parts[0]:
                    break
            if rng.random() < 0.5:
                p.surname_parts = [other]
            else:
                p.surname_parts = [parts[0], other] if rng.random() < 0.5 else [other, parts[0]]
                p.surname_sep = "-"
    # transliteration: another romanisation of one of the names (or the same name without diacritics)
    group = model.groups[p.group]

    def variants(name: str) -> list[str]:
        return model.translit.get(name, []) + group.own_translit.get(name, [])

    slots = [("f", 0)] if variants(p.forename) else []
    slots += [("s", j) for j, part in enumerate(p.surname_parts) if variants(part)]
    slots += [("m", j) for j, m in enumerate(p.middles) if variants(m)]
    # British, Irish and Caribbean families' names are not romanised from another script
    foreign = group.key not in ENGLISH_NAMED
    if _try("transliteration", free and foreign and bool(slots), i, u, profile, tally, p):
        where, j = (
            slots[0] if (slots[0][0] == "f" and rng.random() < 0.6) else slots[int(rng.integers(len(slots)))]
        )
        if where == "f":
            p.forename = E.pick(rng, variants(p.forename))
        elif where == "s":
            parts = list(p.surname_parts)
            parts[j] = E.pick(rng, variants(parts[j]))
            p.surname_parts = parts
        else:
            middles = list(p.middles)
            middles[j] = E.pick(rng, variants(middles[j]))
            p.middles = middles
    if _try("anglicised", free and foreign and p.forename in _ANGLICISED, i, u, profile, tally, p):
        p.forename = E.pick(rng, _ANGLICISED[p.forename])
    if _try("nickname", free and p.forename in _NICKNAMES, i, u, profile, tally, p):
        p.forename = E.pick(rng, _NICKNAMES[p.forename])
    if _try("middle_as_forename", free and bool(p.middles), i, u, profile, tally, p):
        old = p.forename
        p.forename = p.middles[0]
        p.middles = ([old] if rng.random() < 0.5 else []) + p.middles[1:]
    if _try("forename_middle_merged", free and bool(p.middles), i, u, profile, tally, p):
        style = rng.random()
        mid = p.middles[0]
        if style < 0.6:
            p.forename = f"{p.forename} {mid}"
        elif style < 0.8:
            p.forename = f"{p.forename}-{mid}"
        else:
            p.forename = p.forename + mid.lower()
        p.middles = p.middles[1:]
    if _try("name_swap", free, i, u, profile, tally, p):
        surname = p.surname
        p.surname_parts, p.surname_sep = [p.forename], ""
        p.forename = surname
    fore_typo = E.typo(p.forename, rng) if free else None
    if _try("forename_typo", fore_typo is not None, i, u, profile, tally, p):
        assert fore_typo is not None
        p.forename = fore_typo
    sur_typo = E.typo(p.surname, rng) if free else None
    if _try("surname_typo", sur_typo is not None, i, u, profile, tally, p):
        assert sur_typo is not None
        p.surname_parts, p.surname_sep = [sur_typo], ""
    if _try("middle_missing", bool(p.middles), i, u, profile, tally, p):
        p.middles = []
    if _try("case_whitespace", free, i, u, profile, tally, p):
        how = int(rng.integers(5))
        surname = p.surname
        if how == 0:
            surname = surname.upper()
        elif how == 1:
            p.forename, surname = p.forename.upper(), surname.upper()
            p.middles = [m.upper() for m in p.middles]
        elif how == 2:
            p.forename, surname = p.forename.lower(), surname.lower()
            p.middles = [m.lower() for m in p.middles]
        elif how == 3:
            p.forename = E.change_case(p.forename, 2 if " " in p.forename else 3)
        else:
            surname = E.change_case(surname, 4)
        p.surname_parts, p.surname_sep = [surname], ""


def _dob_errors(rng: Gen, profile: Profile, p: Person, i: int, u: Draws, tally: Tally) -> None:
    free = not p.exact
    if p.dob is None:  # pragma: no cover - every person starts with a date of birth
        return
    swapped = E.dob_day_month_swap(p.dob) if free else None
    if _try("dob_day_month_swap", swapped is not None, i, u, profile, tally, p):
        p.dob = swapped
    assert p.dob is not None
    digit = E.dob_digit_typo(p.dob, rng) if free else None
    if _try("dob_digit_typo", digit is not None, i, u, profile, tally, p):
        p.dob = digit
    assert p.dob is not None
    if _try("dob_year_off", free, i, u, profile, tally, p):
        p.dob = E.dob_year_off(p.dob, rng)
    first = E.dob_first_of_month(p.dob) if free else None
    if _try("dob_first_of_month", first is not None, i, u, profile, tally, p):
        p.dob = first
    assert p.dob is not None
    jan1 = E.dob_default_jan1(p.dob) if free else None
    if _try("dob_default_jan1", jan1 is not None, i, u, profile, tally, p):
        p.dob = jan1
    if _try("dob_missing", free, i, u, profile, tally, p):
        p.dob = None


def _sex_errors(profile: Profile, p: Person, i: int, u: Draws, tally: Tally) -> None:
    for kind in SEX_KINDS:
        tally.eligible[kind] += 1
    roll = u["sex_wrong"][i]
    wrong, blank, unknown = (profile.rate(k) for k in SEX_KINDS)
    if roll < wrong:
        p.sex = "M" if p.sex == "F" else "F"
        kind = "sex_wrong"
    elif roll < wrong + blank:
        p.sex = ""
        kind = "sex_blank"
    elif roll < wrong + blank + unknown:
        p.sex = "U"
        kind = "sex_unknown"
    else:
        return
    tally.applied[kind] += 1
    p.kinds.append(kind)
