"""Made-up towns, postcodes, streets and schools.

Each town has a postcode area of its own (one or two letters), districts numbered from 1, and postcode units
(``AB12 3CD`` form); each unit lies on one street, with house numbers in a run of its own, so neighbours share a
postcode as in real life. Schools belong to towns; a town's local authority gives the ``la_code``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _curated as C

AREA_FIRST = "ABCDEFGHJKLMNOPRSTUWY"  # no Q, V, X, Z first
AREA_SECOND = "ABCDEFGHKLMNOPRSTUWY"  # no I, J, Q, V, X, Z second
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the 20 letters of the inward code's last two characters


@dataclass
class Geography:
    town_names: list[str]
    town_areas: list[str]
    town_la: np.ndarray  # 3-digit local authority code of each town
    town_p: np.ndarray  # share of households
    town_first_unit: np.ndarray
    town_units: np.ndarray
    unit_town: np.ndarray
    unit_postcode: pa.Array  # string
    unit_street: np.ndarray  # index into street_names
    unit_locality: np.ndarray  # index into localities
    unit_first_number: np.ndarray
    unit_building: np.ndarray  # index into building_names
    street_names: list[str]
    localities: list[str]
    building_names: list[str]
    town_first_school: np.ndarray  # schools of a town: primaries then secondaries
    town_primaries: np.ndarray
    town_secondaries: np.ndarray
    school_urn: np.ndarray
    school_names: list[str]

    def random_units(self, rng: np.random.Generator, towns: np.ndarray) -> np.ndarray:
        """A postcode unit in each given town, uniformly among the town's units."""
        return (
            self.town_first_unit[towns] + (rng.random(len(towns)) * self.town_units[towns]).astype(np.int64)
        ).astype(np.int64)

    def random_towns(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(len(self.town_names), size=size, p=self.town_p)


def _unique_words(rng: np.random.Generator, count: int, heads: list[str], tails: list[str]) -> list[str]:
    combos = [h + t for h in heads for t in tails]
    order = rng.permutation(len(combos))
    picked = [combos[i] for i in order[: min(count, len(combos))]]
    i = 0
    prefixes = ["Upper ", "Lower ", "Great ", "Little ", "North ", "South ", "East ", "West ", "New ", "Old "]
    while len(picked) < count:  # more towns than combinations: add prefixed forms
        picked.append(prefixes[i % len(prefixes)] + combos[order[i % len(combos)]])
        i += 1
    return picked


def build_geography(rng: np.random.Generator, households: int) -> Geography:
    n_towns = int(np.clip(households // 6000, 12, 420))
    names = _unique_words(rng, n_towns, C.PLACE_HEADS, C.PLACE_TAILS)
    raw = 1.0 / (np.arange(n_towns) + 3.0) ** 0.95
    town_p = raw[rng.permutation(n_towns)]
    town_p = town_p / town_p.sum()

    areas_all = [a + b for a in AREA_FIRST for b in AREA_SECOND] + list(AREA_FIRST)
    area_pick = rng.choice(len(areas_all), size=n_towns, replace=False)
    areas = [areas_all[i] for i in area_pick]
    la = rng.choice(np.arange(201, 990), size=n_towns, replace=False)

    # postcode units: about one for every 2.5 households, at least 60 a town
    expected = np.maximum(60, np.ceil(town_p * households / 2.5)).astype(np.int64)
    districts = np.clip(np.ceil(expected / 120), 1, 60).astype(np.int64)
    unit_town = np.repeat(np.arange(n_towns), expected)
    first_unit = np.concatenate([[0], np.cumsum(expected)[:-1]])
    inward = []
    for t in range(n_towns):
        space = int(districts[t]) * 10 * 400
        inward.append(rng.choice(space, size=int(expected[t]), replace=False))
    code = np.concatenate(inward)
    district = code // 4000 + 1
    sector = (code // 400) % 10
    unit = code % 400
    letters = np.array(list(UNIT_LETTERS))
    areas_arr = np.array(areas, dtype=object)
    postcode = pc.binary_join_element_wise(
        pa.array(areas_arr[unit_town]),
        pc.cast(pa.array(district), pa.string()),
        pa.array(np.full(len(code), " ", dtype=object)),
        pc.cast(pa.array(sector), pa.string()),
        pa.array(letters[unit // 20].astype(object)),
        pa.array(letters[unit % 20].astype(object)),
        "",
    )

    street_names = [f"{w} {s}" for w in C.STREET_WORDS for s in C.STREET_SUFFIXES]
    # each (town, district) has its own set of streets; a unit is on one of them
    key = unit_town.astype(np.int64) * 1000 + district
    mix = _splitmix(key.astype(np.uint64) ^ np.uint64(rng.integers(1, 2**62)))
    streets_per_district = np.maximum(3, expected[unit_town] // districts[unit_town] // 6)
    slot = _splitmix(code.astype(np.uint64) + mix) % streets_per_district.astype(np.uint64)
    unit_street = ((mix + slot * np.uint64(7919)) % np.uint64(len(street_names))).astype(np.int32)

    localities = _unique_words(
        rng,
        max(40, n_towns * 4),
        C.PLACE_HEADS,
        ["field", "green", "side", "gate", "end", "hill", "wood", "vale", "park", "heath", "bank", "cross"],
    )
    unit_locality = (_splitmix(key.astype(np.uint64)) % np.uint64(len(localities))).astype(np.int32)
    unit_first_number = (rng.integers(0, 30, size=len(code)) * 6).astype(np.int32)
    building_names = [f"{w} {s}" for w in C.BUILDING_WORDS for s in C.BUILDING_SUFFIXES]
    unit_building = rng.integers(0, len(building_names), size=len(code)).astype(np.int32)

    # schools: a primary for about 220 households, a secondary for six primaries
    hh_town = town_p * households
    primaries = np.maximum(2, np.ceil(hh_town / 220)).astype(np.int64)
    secondaries = np.maximum(1, np.ceil(primaries / 6)).astype(np.int64)
    per_town = primaries + secondaries
    first_school = np.concatenate([[0], np.cumsum(per_town)[:-1]])
    n_schools = int(per_town.sum())
    urn = 100000 + rng.choice(60000, size=n_schools, replace=False)
    school_names: list[str] = []
    for t in range(n_towns):
        for s in range(int(per_town[t])):
            primary = s < primaries[t]
            kinds = C.SCHOOL_PRIMARY_KINDS if primary else C.SCHOOL_SECONDARY_KINDS
            kind = kinds[int(rng.integers(len(kinds)))]
            roll = rng.random()
            if roll < 0.3:
                place = C.SCHOOL_PATRONS[int(rng.integers(len(C.SCHOOL_PATRONS)))]
            elif roll < 0.6:
                place = localities[int(rng.integers(len(localities)))]
            elif roll < 0.8:
                place = f"{names[t]} {C.STREET_WORDS[int(rng.integers(len(C.STREET_WORDS)))]}"
            else:
                place = names[t]
            school_names.append(f"{place} {kind}")
    return Geography(
        town_names=names,
        town_areas=areas,
        town_la=la,
        town_p=town_p,
        town_first_unit=first_unit,
        town_units=expected,
        unit_town=unit_town.astype(np.int32),
        unit_postcode=postcode,
        unit_street=unit_street,
        unit_locality=unit_locality,
        unit_first_number=unit_first_number,
        unit_building=unit_building,
        street_names=street_names,
        localities=localities,
        building_names=building_names,
        town_first_school=first_school,
        town_primaries=primaries,
        town_secondaries=secondaries,
        school_urn=urn,
        school_names=school_names,
    )


def _splitmix(x: np.ndarray) -> np.ndarray:
    """A 64-bit mixing function (splitmix64's finaliser), element-wise on uint64."""
    with np.errstate(over="ignore"):
        z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def splitmix(x: np.ndarray) -> np.ndarray:
    return _splitmix(x)
