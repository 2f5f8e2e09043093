"""Households of school-age children and the register (the pupil census) built from them, with numpy.

A household has an origin group, a family surname (sometimes double-barrelled), an address and one to five
children aged 4-18 at the census date. Children are spaced in age like real siblings; some are twins. A child
may carry a surname of its own (a step-family, a Sikh or Bangladeshi naming custom). The register may hold
namesakes: a different child elsewhere with the same forename, surname and date of birth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from . import _curated as C
from .geography import Geography, build_geography, splitmix
from .names import ERAS, NameModel, Pool, era_of_year, unmarked_codes

EPOCH = dt.date(1970, 1, 1)
SEX_CODES = ("M", "F", "U", "")  # sex_recorded: 0 M, 1 F, 2 U, 3 blank
SEP_CODES = ("", "-", " ")  # between two surname parts: none, hyphen, space
CHILDREN_PER_HOUSEHOLD = (0.42, 0.38, 0.14, 0.045, 0.015)  # 1..5 school-age children
# partner groups of "mixed" households (the other parent is White British)
MIXED_PARTNERS = {
    "black_caribbean": 0.30,
    "nigerian": 0.10,
    "ghanaian": 0.04,
    "pakistani": 0.07,
    "indian": 0.09,
    "bangladeshi": 0.03,
    "chinese": 0.05,
    "arab": 0.05,
    "polish": 0.08,
    "spanish_italian": 0.05,
    "portuguese": 0.04,
    "turkish": 0.03,
    "somali": 0.02,
    "iranian": 0.03,
    "east_african": 0.02,
}


def day(date: dt.date) -> int:
    return (date - EPOCH).days


def date_of(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(days))


@dataclass
class PopulationParams:
    census_date: dt.date = dt.date(2024, 10, 3)
    twin_birth_rate: float = 0.015  # share of maternities that are twins
    step_rate: float = 0.05  # a child whose surname differs from the family's
    namesake_rate: float = 0.003  # register pupils given the forename+surname+dob of another pupil
    sex_unknown_rate: float = 0.001
    sex_blank_rate: float = 0.002


@dataclass
class Households:
    group: np.ndarray  # origin group of the household (index into model.groups)
    partner: np.ndarray  # partner group of mixed households (-1 otherwise)
    surname_group: np.ndarray  # the group the family surname comes from
    sur1: np.ndarray
    sur2: np.ndarray
    sep: np.ndarray
    sikh: np.ndarray
    unit: np.ndarray
    number: np.ndarray
    flat: np.ndarray  # 0: a house
    in_building: np.ndarray  # the flat's building is named
    show_locality: np.ndarray
    primary: np.ndarray  # school indices
    secondary: np.ndarray


@dataclass
class Children:
    household: np.ndarray
    group: np.ndarray  # forename group
    sex: np.ndarray  # true sex: 0 M, 1 F
    sex_recorded: np.ndarray
    dob: np.ndarray  # days since 1970-01-01
    fore: np.ndarray
    mid1: np.ndarray
    mid2: np.ndarray
    sur1: np.ndarray
    sur2: np.ndarray
    sep: np.ndarray
    twin: np.ndarray  # index of the twin (-1 none)
    step: np.ndarray  # surname differs from the family's


@dataclass
class Register:
    households: Households
    children: Children
    geography: Geography
    school: np.ndarray
    census_day: np.ndarray
    first_attendance: np.ndarray
    last_attendance: np.ndarray
    pupil_number: np.ndarray  # the numeric part of the pupil id (unique)
    namesake_copies: int


def school_year_window(census: dt.date) -> tuple[int, int]:
    """First and last birth day of pupils from Reception to Year 13 in the school year of ``census``."""
    year = census.year if census.month >= 9 else census.year - 1
    return day(dt.date(year - 18, 9, 1)), day(dt.date(year - 4, 8, 31))


def _sample_by_key(
    rng: np.random.Generator, keys: np.ndarray, pools: Mapping[int, Pool], size_out: int
) -> np.ndarray:
    out = np.full(size_out, -1, dtype=np.int32)
    for key in np.unique(keys):
        where = np.flatnonzero(keys == key)
        pool = pools[int(key)]
        out[where] = pool.sample(rng, len(where))
    return out


def build_households(
    rng: np.random.Generator, model: NameModel, count: int, geography: Geography, shares: np.ndarray
) -> Households:
    groups = model.groups
    g = rng.choice(len(groups), size=count, p=shares / shares.sum()).astype(np.int16)
    mixed = model.group_index("mixed")
    partner_keys = list(MIXED_PARTNERS)
    partner_p = np.array([MIXED_PARTNERS[k] for k in partner_keys])
    partner_idx = np.array([model.group_index(k) for k in partner_keys], dtype=np.int16)
    partner = np.full(count, -1, dtype=np.int16)
    is_mixed = g == mixed
    partner[is_mixed] = partner_idx[
        rng.choice(len(partner_keys), size=int(is_mixed.sum()), p=partner_p / partner_p.sum())
    ]
    wb = model.group_index("white_british")
    surname_group = g.copy()
    takes_partner = is_mixed & (rng.random(count) < 0.5)
    surname_group[takes_partner] = partner[takes_partner]
    surname_group[is_mixed & ~takes_partner] = wb

    sur1 = np.full(count, -1, dtype=np.int32)
    sur2 = np.full(count, -1, dtype=np.int32)
    sep = np.zeros(count, dtype=np.int8)
    sikh = np.zeros(count, dtype=bool)
    for gi, group in enumerate(groups):
        where = np.flatnonzero(surname_group == gi)
        if len(where) == 0:
            continue
        sur1[where] = group.surnames.sample(rng, len(where))
        if group.sikh_rate:
            s = where[rng.random(len(where)) < group.sikh_rate]
            sikh[s] = True
            sur1[s] = group.extra["sikh_family"].sample(rng, len(s))
        hyphen_rate = group.hyphen_rate if gi != wb else groups[wb].hyphen_rate
        roll = rng.random(len(where))
        hy = where[roll < hyphen_rate]
        sur2[hy] = group.surnames.sample(rng, len(hy))
        sep[hy] = 1
        dbl = where[(roll >= hyphen_rate) & (roll < hyphen_rate + group.double_rate)]
        sur2[dbl] = group.surnames.sample(rng, len(dbl))
        sep[dbl] = 2
    # mixed households that hyphenate join the two parents' surnames
    mixed_hy = np.flatnonzero(is_mixed & (rng.random(count) < groups[mixed].hyphen_rate))
    other = np.where(takes_partner[mixed_hy], wb, partner[mixed_hy])
    for gi in np.unique(other):
        w = mixed_hy[other == gi]
        sur2[w] = groups[int(gi)].surnames.sample(rng, len(w))
        sep[w] = 1
    same = (sur2 == sur1) & (sur2 >= 0)
    sur2[same] = -1
    sep[same] = 0

    towns = geography.random_towns(rng, count)
    unit = geography.random_units(rng, towns)
    number = geography.unit_first_number[unit] + rng.integers(1, 40, size=count)
    flat = np.where(rng.random(count) < 0.2, rng.integers(1, 30, size=count), 0).astype(np.int16)
    in_building = (flat > 0) & (rng.random(count) < 0.5)
    show_locality = rng.random(count) < 0.4
    mixkey = splitmix(np.arange(count, dtype=np.uint64) + np.uint64(rng.integers(1, 2**62)))
    primary = geography.town_first_school[towns] + (
        mixkey % geography.town_primaries[towns].astype(np.uint64)
    ).astype(np.int64)
    secondary = (
        geography.town_first_school[towns]
        + geography.town_primaries[towns]
        + ((mixkey >> np.uint64(20)) % geography.town_secondaries[towns].astype(np.uint64)).astype(np.int64)
    )
    return Households(
        g,
        partner,
        surname_group,
        sur1,
        sur2,
        sep,
        sikh,
        unit,
        number,
        flat,
        in_building,
        show_locality,
        primary,
        secondary,
    )


def name_children(
    rng: np.random.Generator,
    model: NameModel,
    hh: Households,
    household: np.ndarray,
    sex: np.ndarray,
    dob: np.ndarray,
    step_rate: float,
) -> Children:
    """Forenames, middle names and surnames for children of the given households (one row per child)."""
    groups = model.groups
    vocab = model.vocab
    n = len(household)
    wb = model.group_index("white_british")
    hgroup = hh.group[household]
    fgroup = hgroup.copy()
    partner = hh.partner[household]
    mixed = partner >= 0
    use_partner = mixed & (rng.random(n) < 0.4)
    fgroup[mixed] = wb
    fgroup[use_partner] = partner[use_partner]
    # an English forename for some children of Chinese or Vietnamese families; their own name goes in the middle
    second = np.zeros(n, dtype=bool)
    for gi, group in enumerate(groups):
        if group.second_culture:
            w = np.flatnonzero(hgroup == gi)
            chosen = w[rng.random(len(w)) < group.second_rate]
            second[chosen] = True
            fgroup[chosen] = model.group_index(group.second_culture)

    born = np.datetime64("1970-01-01") + dob.astype("timedelta64[D]")
    years = born.astype("datetime64[Y]").astype(int) + 1970
    era = era_of_year(years)
    key = (fgroup.astype(np.int64) * 2 + sex) * ERAS + era
    pools = {}
    for k in np.unique(key):
        gi, rest = divmod(int(k), 2 * ERAS)
        girl, e = divmod(rest, ERAS)
        pools[int(k)] = (groups[gi].girls if girl else groups[gi].boys)[e]
    fore = _sample_by_key(rng, key, pools, n)

    mid1 = np.full(n, -1, dtype=np.int32)
    mid2 = np.full(n, -1, dtype=np.int32)
    mkey = fgroup.astype(np.int64) * 2 + sex
    for k in np.unique(mkey):
        gi, girl = divmod(int(k), 2)
        group = groups[gi]
        pool = group.middle_girls if girl else group.middle_boys
        w = np.flatnonzero(mkey == k)
        has = w[rng.random(len(w)) < group.middle_rates[0]]
        mid1[has] = pool.sample(rng, len(has))
        two = has[rng.random(len(has)) < group.middle_rates[1]]
        mid2[two] = pool.sample(rng, len(two))
    # the own-culture given name of second-culture children
    for gi, group in enumerate(groups):
        if group.second_culture:
            for girl in (0, 1):
                w = np.flatnonzero(second & (hgroup == gi) & (sex == girl))
                w = w[rng.random(len(w)) < 0.8]
                mid1[w] = (group.girls if girl else group.boys)[0].sample(rng, len(w))
                mid2[w] = -1
    # "Muhammad Ibrahim": a devotional first name, the name the child is called by as the middle name
    for gi, group in enumerate(groups):
        if group.prefix_name:
            w = np.flatnonzero((fgroup == gi) & (sex == 0))
            w = w[rng.random(len(w)) < group.prefix_rate]
            prefix = vocab.code(group.prefix_name)
            w = w[fore[w] != prefix]
            mid2[w] = mid1[w]
            mid1[w] = fore[w]
            fore[w] = prefix

    sur1 = hh.sur1[household].copy()
    sur2 = hh.sur2[household].copy()
    sep = hh.sep[household].copy()
    sgroup = hh.surname_group[household]
    # girls take the feminine form where the language has one (Polish -ska, Lithuanian -aitė, ...)
    for gi, group in enumerate(groups):
        if group.feminine is not None:
            w = np.flatnonzero((sgroup == gi) & (sex == 1))
            for arr in (sur1, sur2):
                vals = arr[w]
                ok = vals >= 0
                fem = group.feminine[np.where(ok, vals, 0)]
                arr[w] = np.where(ok & (fem >= 0), fem, vals)
        if group.own_surname_rate and group.own_boys is not None and group.own_girls is not None:
            for girl, own in ((0, group.own_boys), (1, group.own_girls)):
                w = np.flatnonzero((hgroup == gi) & (sex == girl))
                w = w[rng.random(len(w)) < group.own_surname_rate]
                sur1[w] = own.sample(rng, len(w))
                sur2[w] = -1
                sep[w] = 0
    # Sikh naming: Singh/Kaur as a middle name, or as the surname in place of the family name
    sikh = hh.sikh[household]
    singh, kaur = vocab.code("Singh"), vocab.code("Kaur")
    roll = rng.random(n)
    title = np.where(sex == 1, kaur, singh).astype(np.int32)
    as_middle = sikh & (roll < 0.45)
    mid2[as_middle] = -1
    mid1[as_middle] = title[as_middle]
    as_surname = sikh & (roll >= 0.45) & (roll < 0.8)
    sur1[as_surname] = title[as_surname]
    sur2[as_surname] = -1
    sep[as_surname] = 0
    # step-families: a surname of the child's own, sometimes joined to the family's
    step = rng.random(n) < step_rate
    step &= ~as_surname
    for gi in np.unique(sgroup[step]):
        w = np.flatnonzero(step & (sgroup == gi))
        other = groups[int(gi)].surnames.sample(rng, len(w))
        joined = rng.random(len(w)) < 0.3
        sur2[w] = np.where(joined, sur1[w], -1)
        sep[w] = np.where(joined, 1, 0)
        sur1[w] = other
    clash = (mid1 == fore) & (mid1 >= 0)
    mid1[clash] = mid2[clash]
    mid2[clash] = -1
    both = (mid2 == mid1) & (mid2 >= 0)
    mid2[both] = -1

    # diacritics kept or dropped by the school's system
    plain = unmarked_codes(vocab)
    drop = np.zeros(n, dtype=bool)
    for gi, group in enumerate(groups):
        if group.keep_marks_rate < 1.0:
            w = np.flatnonzero(hgroup == gi)
            drop[w[rng.random(len(w)) >= group.keep_marks_rate]] = True
    for arr in (fore, mid1, mid2, sur1, sur2):
        vals = arr[drop]
        arr[drop] = np.where(vals >= 0, plain[np.maximum(vals, 0)], vals)

    return Children(
        household=household,
        group=fgroup,
        sex=sex,
        sex_recorded=sex.astype(np.int8),
        dob=dob,
        fore=fore,
        mid1=mid1,
        mid2=mid2,
        sur1=sur1,
        sur2=sur2,
        sep=sep,
        twin=np.full(n, -1, dtype=np.int64),
        step=step,
    )


def _cohort_days(rng: np.random.Generator, census: dt.date, size: int) -> np.ndarray:
    """Birth days of pupils Reception..Year 13, fewer in the sixth form (where many leave school)."""
    lo, hi = school_year_window(census)
    weights = np.array([1.0] * 12 + [0.8, 0.7])
    cohort = rng.choice(14, size=size, p=weights / weights.sum())
    first_year = date_of(lo).year
    starts = np.array([day(dt.date(first_year + i, 9, 1)) for i in range(15)])
    span = starts[1:] - starts[:-1]
    # youngest cohort is index 13 (Reception); reverse so cohort 0 is Reception
    idx = 13 - cohort
    return (starts[idx] + (rng.random(size) * span[idx]).astype(np.int64)).astype(np.int64)


def _twin_forenames(
    rng: np.random.Generator, model: NameModel, ch: Children, first: np.ndarray, second: np.ndarray
) -> None:
    """Twins never share a forename; about a third have similar ones (same initial, or a sound-alike pair)."""
    vocab = model.vocab
    strings = vocab.strings
    pairs = {a: b for a, b in C.TWIN_PAIRS} | {b: a for a, b in C.TWIN_PAIRS}
    similar = rng.random(len(first)) < 0.33
    draws = rng.random((len(first), 8))
    for i, (a, b) in enumerate(zip(first.tolist(), second.tolist(), strict=True)):
        name_a = strings[ch.fore[a]]
        if similar[i] and name_a in pairs and ch.sex[a] == ch.sex[b]:
            ch.fore[b] = vocab.code(pairs[name_a])
            continue
        group = model.groups[int(ch.group[b])]
        pool = (group.girls if ch.sex[b] else group.boys)[0]
        if similar[i]:
            initial = name_a[:1]
            cand = [c for c in pool.codes[:200].tolist() if strings[c][:1] == initial and c != ch.fore[a]]
            if cand:
                ch.fore[b] = cand[int(draws[i, 0] * len(cand))]
                continue
        if ch.fore[b] == ch.fore[a]:
            cum = np.cumsum(pool.p)
            for j in range(8):
                pick = int(pool.codes[min(int(np.searchsorted(cum, draws[i, j])), len(cum) - 1)])
                if pick != ch.fore[a]:
                    ch.fore[b] = pick
                    break


def build_register(
    rng_for: Callable[[str], np.random.Generator], model: NameModel, pupils: int, params: PopulationParams
) -> Register:
    """The register of ``pupils`` children. ``rng_for(name)`` gives an independent generator for each stage."""
    p = np.array(CHILDREN_PER_HOUSEHOLD)
    mean = float((np.arange(1, 6) * p).sum())
    count = int(pupils / mean * 1.05) + 20
    rng = rng_for("households")
    kids = rng.choice(5, size=count, p=p) + 1
    total = np.cumsum(kids)
    while total[-1] < pupils:  # pragma: no cover - the margin above makes this rare
        kids = np.concatenate([kids, np.ones(pupils, dtype=kids.dtype)])
        total = np.cumsum(kids)
    count = int(np.searchsorted(total, pupils) + 1)
    kids = kids[:count]
    kids[-1] -= int(total[count - 1] - pupils)
    geography = build_geography(rng_for("geography"), count)
    shares = np.array([g.share for g in model.groups])
    hh = build_households(rng, model, count, geography, shares)

    household = np.repeat(np.arange(count), kids)
    first_child = np.concatenate([[0], np.cumsum(kids)[:-1]])
    position = np.arange(pupils) - first_child[household]

    rng = rng_for("children")
    sex = (rng.random(pupils) < 0.488).astype(np.int8)
    lo, hi = school_year_window(params.census_date)
    # one child of each household (the anchor) is born in a cohort drawn as the census's; siblings around it
    anchor = first_child + (rng.random(count) * kids).astype(np.int64)
    anchor_dob = _cohort_days(rng, params.census_date, count)
    gap = (330 + rng.gamma(2.0, 320.0, size=pupils)).astype(np.int64)
    gap[position == 0] = 0
    # twins: the second child of a household born the same day as the first
    multi = kids >= 2
    twin_prob = min(1.0, params.twin_birth_rate * pupils / max(1, int(multi.sum())))
    twin_hh = multi & (rng.random(count) < twin_prob)
    twin_second = first_child[twin_hh] + 1
    gap[twin_second] = 0
    offset = np.cumsum(gap) - np.cumsum(gap)[first_child][household]  # days older than the youngest
    dob = anchor_dob[household] + offset[anchor][household] - offset
    out = (dob < lo) | (dob > hi)
    dob[out] = _cohort_days(rng, params.census_date, int(out.sum()))
    twin_first = first_child[twin_hh]
    keep_twins = ~out[twin_first] & ~out[twin_second]
    twin_first, twin_second = twin_first[keep_twins], twin_second[keep_twins]
    same_sex = rng.random(len(twin_second)) < 0.35  # identical twins, on top of fraternal twins' chance
    sex[twin_second[same_sex]] = sex[twin_first[same_sex]]
    dob = np.clip(dob, lo, hi)

    rng = rng_for("names")
    ch = name_children(rng, model, hh, household, sex, dob, params.step_rate)
    ch.twin[twin_first] = twin_second
    ch.twin[twin_second] = twin_first
    _twin_forenames(rng, model, ch, twin_first, twin_second)

    rng = rng_for("namesakes")
    copies = _plant_namesakes(rng, ch, params.namesake_rate)

    rng = rng_for("records")
    roll = rng.random(pupils)
    ch.sex_recorded[roll < params.sex_unknown_rate + params.sex_blank_rate] = 3
    ch.sex_recorded[roll < params.sex_unknown_rate] = 2

    census = params.census_date
    census_days = np.array([day(census), day(census) - 140, day(census) - 259, day(census) - 364])
    census_idx = rng.choice(4, size=pupils, p=[0.88, 0.05, 0.04, 0.03])
    census_day = census_days[census_idx]
    school_year_start = np.array([day(dt.date(y, 9, 1)) for y in range(1990, 2040)])
    age_aug31 = _age_on_aug31(ch.dob, census)
    secondary = age_aug31 >= 11
    school = np.where(secondary, hh.secondary[household], hh.primary[household])
    start_year = census.year if census.month >= 9 else census.year - 1
    entry_year = np.where(secondary, start_year - (age_aug31 - 11), start_year - (age_aug31 - 4))
    first = school_year_start[entry_year - 1990] + rng.integers(1, 6, size=pupils)
    census_day = np.where(first > census_day, census_days[0], census_day)  # joined after an earlier census
    moved_in = rng.random(pupils) < 0.28
    span = np.maximum(1, census_day - first)
    first = np.where(moved_in, first + (rng.random(pupils) * span).astype(np.int64), first)
    last = census_day - rng.integers(0, 8, size=pupils)
    last = np.maximum(last, first)

    number = _pupil_numbers(rng, pupils)
    return Register(hh, ch, geography, school, census_day, first, last, number, copies)


def _age_on_aug31(dob: np.ndarray, census: dt.date) -> np.ndarray:
    start_year = census.year if census.month >= 9 else census.year - 1
    ref = np.datetime64(f"{start_year}-08-31")
    born = np.datetime64("1970-01-01") + dob.astype("timedelta64[D]")
    years = (ref.astype("datetime64[Y]") - born.astype("datetime64[Y]")).astype(int)
    md_born = born - born.astype("datetime64[Y]")
    md_ref = ref - ref.astype("datetime64[Y]")
    return years - (md_born > md_ref).astype(int)


def _plant_namesakes(rng: np.random.Generator, ch: Children, rate: float) -> int:
    """Gives a share of pupils the forename, sex and date of birth of another pupil with the same surname."""
    n = len(ch.fore)
    if rate <= 0 or n < 2:
        return 0
    key = ch.sur1.astype(np.int64) * 2_000_003 + (ch.sur2.astype(np.int64) + 1) * 3 + ch.sep
    order = np.argsort(key, kind="stable")
    sk = key[order]
    starts = np.flatnonzero(np.concatenate([[True], sk[1:] != sk[:-1]]))
    sizes = np.diff(np.concatenate([starts, [n]]))
    block = np.repeat(np.arange(len(starts)), sizes)
    pos = np.arange(n) - starts[block]
    size_of = sizes[block]
    eligible = size_of >= 2
    frac = eligible.mean()
    if frac == 0:
        return 0
    pick = eligible & (rng.random(n) < min(1.0, rate / frac))
    shift = 1 + (rng.random(n) * (size_of - 1)).astype(np.int64)
    src_sorted = starts[block] + (pos + shift) % np.maximum(size_of, 1)
    copier = order[pick]
    source = order[src_sorted[pick]]
    # a copier must not be its source's sibling (namesakes live elsewhere)
    apart = ch.household[copier] != ch.household[source]
    copier, source = copier[apart], source[apart]
    ch.fore[copier] = ch.fore[source]
    ch.dob[copier] = ch.dob[source]
    ch.sex[copier] = ch.sex[source]
    ch.sex_recorded[copier] = ch.sex_recorded[source]
    ch.group[copier] = ch.group[source]
    return len(copier)


def _pupil_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct random 12-digit numbers (no leading zero); the few repeats are drawn again."""
    low, high = 10**11, 10**12
    numbers = rng.integers(low, high, size=n, dtype=np.int64)
    while True:
        order = np.argsort(numbers, kind="stable")
        repeated = np.flatnonzero(numbers[order][1:] == numbers[order][:-1]) + 1
        if len(repeated) == 0:
            return numbers.astype(np.uint64)
        numbers[order[repeated]] = rng.integers(low, high, size=len(repeated), dtype=np.int64)


CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
CHECK_WEIGHTS = np.array([3, 7, 1, 9, 4, 6, 2, 8, 5, 1, 3, 7], dtype=np.uint64)


def check_letters(numbers: np.ndarray) -> np.ndarray:
    """The check letter of each 12-digit number: digits weighted 3,7,1,9,4,6,2,8,5,1,3,7, modulo 23."""
    total = np.zeros(len(numbers), dtype=np.uint64)
    x = numbers.astype(np.uint64)
    for weight in CHECK_WEIGHTS[::-1]:
        total += (x % np.uint64(10)) * weight
        x //= np.uint64(10)
    return (total % np.uint64(23)).astype(np.int64)


def pupil_id(number: int) -> str:
    """The pupil id of one number: 12 digits and a check letter."""
    return f"{number:012d}{CHECK_LETTERS[int(check_letters(np.array([number], dtype=np.uint64))[0])]}"
