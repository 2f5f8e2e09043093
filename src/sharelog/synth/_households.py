"""Households of school-age children and the register built from them.

A household has one naming culture, one surname (hyphenated in some), one address and postcode, and 1–5
children on school rolls, born a realistic 1–6 years apart; about 3% of children are twins (same birth date,
same surname, same address, often names with the same initial). Children attend a primary or secondary school
near home, usually the same one as their siblings in that phase.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sharelog.synth._names import CULTURES, FEMALE, NameBook
from sharelog.synth._postcodes import Geography, Places, address_of, household_addresses, place_households
from sharelog.synth._profile import CENSUS_DATE

__all__ = [
    "DOB_FIRST",
    "DOB_LAST",
    "Households",
    "Register",
    "days_to_dates",
    "draw_pupils",
    "plan_register",
    "unique_serials",
]

#: Pupils in the register were born in these academic years: Year 13 down to Reception at the census.
DOB_FIRST = np.datetime64("2000-09-01", "D")
DOB_LAST = np.datetime64("2014-08-31", "D")
_CENSUS = np.datetime64(CENSUS_DATE, "D")
_CHILDREN_PROBS = np.array([0.42, 0.36, 0.14, 0.06, 0.02])
_TWIN_SHARE = 0.03  # of children
_UPN_CHECK_LETTERS = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))
_BLOCK = 1_000_000  # rows at a time where a step builds a matrix with a column per culture or digit


@dataclass
class Households:
    """One row per household; ``first_child`` numbers children from the first household's."""

    culture: np.ndarray
    town: np.ndarray
    surname: np.ndarray  # masculine-form surname index
    surname2: np.ndarray  # second part of a hyphenated surname, or -1
    father: np.ndarray  # forename index used as every child's middle name, or -1
    keep_diacritics: np.ndarray
    first_child: np.ndarray
    children: np.ndarray
    places: Places

    def __len__(self) -> int:
        return len(self.culture)

    def span(self, first: int, last: int) -> Households:
        """Households ``first … last - 1`` (views), their children numbered from 0."""
        rows = slice(first, last)
        return Households(
            culture=self.culture[rows],
            town=self.town[rows],
            surname=self.surname[rows],
            surname2=self.surname2[rows],
            father=self.father[rows],
            keep_diacritics=self.keep_diacritics[rows],
            first_child=self.first_child[rows] - (self.first_child[first] if last > first else 0),
            children=self.children[rows],
            places=self.places.span(first, last),
        )


@dataclass
class Register:
    """The register's households, and the arrays requests are drawn from (one entry per pupil).

    Pupils are numbered in generation order, so a household's children are adjacent. The households are drawn
    first (:func:`plan_register`); the pupils then chunk by chunk (:func:`draw_pupils`), which fills ``sex``,
    ``dob``, ``twin`` and ``forename`` and returns the chunk's ``register.csv`` columns — the register's text
    is never held whole.
    """

    geo: Geography
    households: Households
    household: np.ndarray
    sex: np.ndarray  # 0 male, 1 female (the truth; the register's ``sex`` column has a few U and blanks)
    dob: np.ndarray  # datetime64[D]
    twin: np.ndarray
    forename: np.ndarray  # forename index

    def __len__(self) -> int:
        return len(self.household)

    def chunks(self, count: int) -> list[tuple[int, int]]:
        """``count`` spans of whole households (first, last + 1) holding about as many pupils each."""
        if count <= 1:
            return [(0, len(self.households))]
        ends = np.cumsum(self.households.children)
        targets = len(self) * np.arange(1, count) / count
        cuts = np.unique(np.searchsorted(ends, targets, side="left") + 1)
        bounds = [0, *(int(c) for c in cuts if 0 < c < len(self.households)), len(self.households)]
        return list(zip(bounds[:-1], bounds[1:], strict=True))

    def home(self, household: int) -> tuple[str, str]:
        """The (postcode, address) of one household, as the register writes them."""
        places = self.households.places
        unit = int(places.household_unit[household])
        address = address_of(
            number=int(places.household_number[household]),
            flat=int(places.household_flat[household]),
            street=places.unit_street[unit].as_py(),
            town=self.geo.towns[int(self.households.town[household])].name,
        )
        return places.unit_postcode[unit].as_py(), address


def plan_register(rng: np.random.Generator, geo: Geography, book: NameBook, pupils: int) -> Register:
    """Households enough for ``pupils`` children; the pupils' own arrays are filled by :func:`draw_pupils`."""
    children = _household_sizes(rng, pupils)
    households = _households(rng, geo, book, children)
    return Register(
        geo=geo,
        households=households,
        household=np.repeat(np.arange(len(children)), children),
        sex=np.zeros(pupils, dtype=np.int64),
        dob=np.zeros(pupils, dtype="datetime64[D]"),
        twin=np.zeros(pupils, dtype=bool),
        forename=np.zeros(pupils, dtype=np.int64),
    )


def draw_pupils(
    rng: np.random.Generator,
    register: Register,
    book: NameBook,
    span: tuple[int, int],
    *,
    serials: np.ndarray | None = None,
) -> dict[str, pa.Array]:
    """One register row per child of the households in ``span``: the ``register.csv`` columns, in generation
    order, and the chunk's entries of ``register.sex``, ``dob``, ``twin`` and ``forename``.

    Args:
        rng: the register's generator (chunks continue it in order).
        register: from :func:`plan_register`.
        book: the name book.
        span: households ``(first, last + 1)``, from :meth:`Register.chunks`.
        serials: the chunk's pupil-id serials, when the register is drawn in several chunks (ids must be
            unique across chunks); ``None`` draws them here, as a register in one chunk does.
    """
    geo, households = register.geo, register.households.span(*span)
    household = np.repeat(np.arange(len(households)), households.children)
    younger_twin, dob = _birth_dates(rng, households, household)
    twin = younger_twin | np.r_[younger_twin[1:], False]
    sex = _sexes(rng, younger_twin)
    culture = households.culture[household]
    forename = book.draw_forenames(rng, culture, sex)
    forename = _twin_initials(rng, book, forename, younger_twin, culture, sex)
    forename = _distinct_in_household(rng, book, forename, household, culture, sex)
    columns = _name_columns(rng, book, households, household, forename, sex)
    columns.update(_school_columns(rng, geo, households, household, dob))
    columns["sex"] = _sex_column(rng, sex)
    columns["dob"] = pa.array(dob, pa.date32())
    address, postcode = household_addresses(geo, households.places, households.town)
    columns["postcode"] = postcode.take(pa.array(household))
    columns["address"] = address.take(pa.array(household))
    if serials is None:
        serials = rng.choice(10**9, size=len(household), replace=False)
    columns["pupil_id"] = _pupil_ids(serials, columns["la_code"])
    first_pupil = int(register.households.first_child[span[0]])
    pupils = slice(first_pupil, first_pupil + len(household))
    register.sex[pupils], register.dob[pupils], register.twin[pupils] = sex, dob, twin
    register.forename[pupils] = forename
    return columns


def _household_sizes(rng: np.random.Generator, pupils: int) -> np.ndarray:
    estimate = int(pupils / 1.8) + 16
    sizes = rng.choice(np.arange(1, 6), size=estimate, p=_CHILDREN_PROBS)
    while sizes.sum() < pupils:
        sizes = np.concatenate([sizes, rng.choice(np.arange(1, 6), size=estimate, p=_CHILDREN_PROBS)])
    total = np.cumsum(sizes)
    last = int(np.searchsorted(total, pupils))
    sizes = sizes[: last + 1].copy()
    sizes[-1] -= int(total[last] - pupils)
    return sizes


def _households(rng: np.random.Generator, geo: Geography, book: NameBook, children: np.ndarray) -> Households:
    n = len(children)
    town = rng.choice(len(geo.towns), size=n, p=geo.town_weight)
    culture = _cultures(rng, geo, town)
    surname = book.draw_surnames(rng, culture)
    hyphen_rate = np.array([c.hyphenated for c in CULTURES])[culture]
    hyphenated = rng.random(n) < hyphen_rate
    # A fifth of double-barrelled names join the family's culture with an English-named parent's.
    second_culture = np.where(rng.random(n) < 0.2, 0, culture)
    second = book.draw_surnames(rng, second_culture)
    surname2 = np.where(hyphenated & (second != surname), second, -1)
    patronymic_rate = np.array([c.patronymic for c in CULTURES])[culture]
    fathers = book.draw_forenames(rng, culture, np.zeros(n, dtype=np.int64))
    father = np.where(rng.random(n) < patronymic_rate, fathers, -1)
    keep = rng.random(n) < np.array([c.diacritics_kept for c in CULTURES])[culture]
    places = place_households(rng, geo, town)
    first_child = np.concatenate([[0], np.cumsum(children)[:-1]])
    return Households(culture, town, surname, surname2, father, keep, first_child, children, places)


def _cultures(rng: np.random.Generator, geo: Geography, town: np.ndarray) -> np.ndarray:
    """Each household's naming culture, from its town's mix (a town's diversity scales non-English shares)."""
    weight = np.array([c.weight for c in CULTURES])
    diversity = np.array([t.diversity for t in geo.towns])
    mix = np.tile(weight, (len(geo.towns), 1))
    mix[:, 1:] *= diversity[:, None]  # CULTURES[0] is english
    cdf = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(town))
    culture = np.empty(len(town), dtype=np.int64)
    for start in range(0, len(town), _BLOCK):  # by blocks: the comparison is a (rows × cultures) matrix
        rows = slice(start, start + _BLOCK)
        culture[rows] = (u[rows, None] >= cdf[town[rows]]).sum(axis=1)
    return np.minimum(culture, len(CULTURES) - 1)


def _birth_dates(
    rng: np.random.Generator, households: Households, household: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Younger-twin flags and birth dates: siblings spaced by gaps of about 1–6 years, twins by none."""
    n = len(household)
    first = households.first_child[household] == np.arange(n)
    twin_rate = _TWIN_SHARE / 2 * n / max(1, n - len(households))
    twin_next = ~first & (rng.random(n) < twin_rate)
    gap = np.where(first | twin_next, 0, 300 + rng.gamma(2.0, 450.0, size=n)).astype(np.int64)
    span = np.bincount(household, weights=gap, minlength=len(households)).astype(np.int64)
    window = int((DOB_LAST - DOB_FIRST).astype(np.int64))
    scale = np.minimum(1.0, window / np.maximum(span, 1))
    gap = (gap * scale[household]).astype(np.int64)
    span = np.bincount(household, weights=gap, minlength=len(households)).astype(np.int64)
    eldest = (rng.random(len(households)) * (window - span + 1)).astype(np.int64)
    running = np.cumsum(gap)
    offset = running - running[households.first_child][household]
    dob = DOB_FIRST + (eldest[household] + offset).astype("timedelta64[D]")
    return twin_next, dob


def _sexes(rng: np.random.Generator, younger_twin: np.ndarray) -> np.ndarray:
    sex = (rng.random(len(younger_twin)) < 0.488).astype(np.int64)
    second = np.flatnonzero(younger_twin)  # the elder twin is the previous row
    same = rng.random(len(second)) < 0.5  # identical twins, plus same-sex fraternal ones
    sex[second[same]] = sex[second[same] - 1]
    return sex


def _twin_initials(
    rng: np.random.Generator,
    book: NameBook,
    forename: np.ndarray,
    younger_twin: np.ndarray,
    culture: np.ndarray,
    sex: np.ndarray,
) -> np.ndarray:
    """Half of the younger twins get a name sharing their twin's initial (Jack and Jessica)."""
    out = forename.copy()
    second = np.flatnonzero(younger_twin)
    chosen = second[rng.random(len(second)) < 0.5]
    picks = rng.random(len(chosen))
    names = book.forename_strings
    for i, u in zip(chosen.tolist(), picks.tolist(), strict=True):
        elder = int(out[i - 1])
        same = [k for k in book.with_initial(int(culture[i]), int(sex[i]), names[elder][0]) if k != elder]
        if same:
            out[i] = same[int(u * len(same))]
    return out


def _distinct_in_household(
    rng: np.random.Generator,
    book: NameBook,
    forename: np.ndarray,
    household: np.ndarray,
    culture: np.ndarray,
    sex: np.ndarray,
) -> np.ndarray:
    """Redraw a child's forename while a sibling already has it (a few rounds settle it)."""
    out = forename.copy()
    for _ in range(6):
        key = household * (len(book.forename_strings) + 1) + out
        order = np.argsort(key, kind="stable")
        repeat = np.zeros(len(out), dtype=bool)
        repeat[order[1:]] = key[order[1:]] == key[order[:-1]]
        if not repeat.any():
            break
        idx = np.flatnonzero(repeat)
        out[idx] = book.draw_forenames(rng, culture[idx], sex[idx])
    return out


def _name_columns(
    rng: np.random.Generator,
    book: NameBook,
    households: Households,
    household: np.ndarray,
    forename: np.ndarray,
    sex: np.ndarray,
) -> dict[str, pa.Array]:
    keep = pa.array(households.keep_diacritics[household])
    plain, folded = book.forenames.arrow(folded=False), book.forenames.arrow(folded=True)

    def display(table: tuple[pa.Array, pa.Array], index: np.ndarray) -> pa.Array:
        taken = pa.array(index, mask=index < 0)
        return pc.if_else(keep, table[0].take(taken), table[1].take(taken))

    middle1, middle2 = _middle_names(rng, book, households, household, sex)
    middle = _join_optional(display((plain, folded), middle1), display((plain, folded), middle2), " ")
    surname = pc.if_else(
        keep,
        _surnames(book.surnames.arrow(folded=False), book, households, household, sex),
        _surnames(book.surnames.arrow(folded=True), book, households, household, sex),
    )
    return {
        "forename": display((plain, folded), forename),
        "middle_names": middle,
        "surname": surname,
    }


def _middle_names(
    rng: np.random.Generator, book: NameBook, households: Households, household: np.ndarray, sex: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    culture = households.culture[household]
    probs = np.array([c.middle for c in CULTURES])[culture]
    u = rng.random(len(household))
    count = (u >= probs[:, 0]).astype(np.int64) + (u >= probs[:, 0] + probs[:, 1])
    first = book.draw_middle_names(rng, culture, sex)
    second = book.draw_middle_names(rng, culture, sex)
    father = households.father[household]
    first = np.where(father >= 0, father, np.where(count >= 1, first, -1))
    second = np.where((count >= 2) & (second != first), second, -1)
    return first, second


def _surnames(
    strings: pa.Array, book: NameBook, households: Households, household: np.ndarray, sex: np.ndarray
) -> pa.Array:
    feminine = book.feminine_index()
    female = sex == FEMALE

    def form(index: np.ndarray) -> pa.Array:
        chosen = np.where(female & (index >= 0), feminine[np.maximum(index, 0)], index)
        return strings.take(pa.array(chosen, mask=chosen < 0))

    first = form(households.surname[household])
    second = form(households.surname2[household])
    return _join_optional(first, second, "-")


def _join_optional(first: pa.Array, second: pa.Array, separator: str) -> pa.Array:
    """``first + separator + second``, or ``first`` where ``second`` is null (null where both are)."""
    # Arrow's own null_handling="skip" is avoided: some versions drop rows where every input is null.
    joined = pc.binary_join_element_wise(first, second, separator)
    return pc.if_else(pc.is_null(second), first, joined)


def _sex_column(rng: np.random.Generator, sex: np.ndarray) -> pa.Array:
    u = rng.random(len(sex))
    letters = np.where(sex == FEMALE, "F", "M").astype(object)
    letters[u < 0.003] = "U"
    return pa.array(letters, pa.string(), mask=(u >= 0.003) & (u < 0.005))


def _school_columns(
    rng: np.random.Generator, geo: Geography, households: Households, household: np.ndarray, dob: np.ndarray
) -> dict[str, pa.Array]:
    """School, local authority and attendance dates, from each child's age and the household's district."""
    year, month = _year_and_month(dob)
    cohort = year - (month < 9)  # the autumn of the academic year of birth
    year_group = 2018 - (cohort + 5)  # 0 = Reception … 13 = Year 13 in 2018/19
    secondary = year_group >= 7
    district = households.places.household_district[household]
    ranges = np.where(secondary[:, None], geo.district_secondary[district], geo.district_primary[district])
    usual = rng.integers(0, 1 << 30, size=len(households))[household]
    pick = np.where(rng.random(len(household)) < 0.9, usual, rng.integers(0, 1 << 30, size=len(household)))
    school = ranges[:, 0] + pick % ranges[:, 1]
    start_year = cohort + np.where(secondary, 12, 5)  # September of Reception or of Year 7
    start = _first_days((start_year - 1970) * 12 + 8)  # 1 September
    mover = rng.random(len(household)) < 0.15
    later = (rng.random(len(household)) * (_CENSUS - start).astype(np.int64)).astype("timedelta64[D]")
    first = _weekday(np.where(mover, start + later, start), forward=True)
    last_gap = np.where(rng.random(len(household)) < 0.9, 0, rng.integers(1, 60, size=len(household)))
    last = np.maximum(_weekday(_CENSUS - last_gap.astype("timedelta64[D]"), forward=False), first)
    school_idx = pa.array(school)
    return {
        "school_urn": geo.school_urn.take(school_idx),
        "school_name": geo.school_name.take(school_idx),
        "la_code": pa.array(geo.school_la[school], pa.string()),
        "census_date": pa.array(np.full(len(household), _CENSUS), pa.date32()),
        "first_attendance": pa.array(first, pa.date32()),
        "last_attendance": pa.array(last, pa.date32()),
    }


def _year_and_month(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The calendar year and month (1–12) of each ``datetime64[D]``, each distinct day converted once (numpy's
    calendar conversions are slow, and a register's birth dates span only a few thousand days)."""
    if len(dates) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    days = dates.astype(np.int64)
    first = int(days.min())
    every_day = np.arange(first, int(days.max()) + 1).astype("datetime64[D]")
    year = every_day.astype("datetime64[Y]").astype(np.int64) + 1970
    month = every_day.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return year[days - first], month[days - first]


def _first_days(months: np.ndarray) -> np.ndarray:
    """The first day (``datetime64[D]``) of each month counted from January 1970, each distinct month once."""
    if len(months) == 0:
        return np.zeros(0, dtype="datetime64[D]")
    first = int(months.min())
    every_month = np.arange(first, int(months.max()) + 1).astype("datetime64[M]").astype("datetime64[D]")
    return every_month[months - first]


def _weekday(days: np.ndarray, *, forward: bool) -> np.ndarray:
    """Move Saturdays and Sundays to the next Monday (``forward``) or the previous Friday."""
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    if forward:
        shift = np.where(weekday >= 5, 7 - weekday, 0)
    else:
        shift = -np.where(weekday >= 5, weekday - 4, 0)
    return days + shift.astype("timedelta64[D]")


def _pupil_ids(serials: np.ndarray, la_code: pa.Array) -> pa.Array:
    """UPN-like ids: a check letter, the school's LA code and the nine-digit ``serials`` (unique across the
    register).

    The check letter is computed as a real UPN's is (weights 2–13 on the twelve digits, modulo 23).
    """
    la = np.asarray(pc.cast(la_code, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
    number = la * 10**9 + serials.astype(np.int64)  # the twelve digits after the check letter
    # Digit by digit (a pupils × 12 matrix would cost 96 bytes a pupil): the LA code's three digits, then the
    # serial's nine from the last.
    weighted = (la // 100 % 10) * 2 + (la // 10 % 10) * 3 + (la % 10) * 4
    rest = serials.astype(np.int64)
    for weight in range(13, 4, -1):
        rest, digit = np.divmod(rest, 10)
        weighted += digit * weight
    check = pa.array(_UPN_CHECK_LETTERS[weighted % 23])
    body = pc.utf8_lpad(pc.cast(pa.array(number), pa.string()), 12, "0")
    return pc.binary_join_element_wise(check, body, "")


def unique_serials(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` distinct nine-digit serials in random order, for a register drawn in several chunks.

    Draws a few more than needed, drops repeats and shuffles: memory in proportion to ``count``, where
    ``Generator.choice(10**9, count, replace=False)`` shuffles all 10**9 values (8 GB) above 20 million.
    """
    distinct = np.zeros(0, dtype=np.int64)
    while len(distinct) < count:
        wanted = count - len(distinct)
        drawn = np.sort(np.concatenate([distinct, rng.integers(0, 10**9, size=wanted + wanted // 20 + 64)]))
        distinct = drawn[np.r_[True, drawn[1:] != drawn[:-1]]]  # np.unique hashes: far slower at this size
    return rng.permutation(distinct)[:count]


def days_to_dates(values: np.ndarray) -> list[str]:
    """ISO strings for an array of ``datetime64[D]``."""
    return list(np.datetime_as_string(values, unit="D"))
