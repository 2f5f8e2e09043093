"""Synthetic UK geography: towns → postcode districts → sectors → units, streets, house numbers and schools.

Postcodes follow the real format (``B12 9QX``: area, district, space, sector digit, two unit letters from the
twenty letters units use), so a matcher's unit / sector / district comparisons mean something: a household's
neighbours share its unit, its sector holds a few dozen units, its district a handful of sectors. Districts
are real-looking codes for each town; the units, streets and schools are invented.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sharelog.synth._tables import Town, sections, towns

__all__ = ["Geography", "Places", "address_of", "build_geography", "household_addresses", "place_households"]

#: The letters a postcode unit uses (no C, I, K, M, O or V).
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_UNITS_PER_SECTOR = len(UNIT_LETTERS) ** 2
_UNIT_STRIDE = 7  # coprime with 400, so unit k of a sector gets distinct letters for k < 400
_HOUSEHOLDS_PER_UNIT = 6  # households with school-age children in one postcode unit, on average


@dataclass
class Geography:
    """Towns, districts, sectors and schools (units are made later, when households are placed)."""

    towns: tuple[Town, ...]
    town_weight: np.ndarray
    town_first_district: np.ndarray
    town_district_count: np.ndarray
    district_code: list[str]
    district_town: np.ndarray
    district_first_sector: np.ndarray
    district_sector_count: np.ndarray
    sector_district: np.ndarray
    sector_digit: np.ndarray
    school_urn: pa.Array
    school_name: pa.Array
    school_la: np.ndarray
    district_primary: np.ndarray  # (first, count) per district
    district_secondary: np.ndarray

    @property
    def sector_count(self) -> int:
        return len(self.sector_district)


def build_geography(rng: np.random.Generator) -> Geography:
    """Districts from the town table; 3–7 sectors per district; primary and secondary schools per district."""
    all_towns = towns()
    counts = np.array([len(t.districts) for t in all_towns])
    district_code = [code for t in all_towns for code in t.districts]
    district_town = np.repeat(np.arange(len(all_towns)), counts)
    n_districts = len(district_code)
    sector_count = rng.integers(3, 8, size=n_districts)
    sector_district = np.repeat(np.arange(n_districts), sector_count)
    sector_digit = np.concatenate([np.sort(rng.choice(10, size=k, replace=False)) for k in sector_count])
    weight = np.array([t.weight for t in all_towns], dtype=np.float64)
    geo = Geography(
        towns=all_towns,
        town_weight=weight / weight.sum(),
        town_first_district=np.concatenate([[0], np.cumsum(counts)[:-1]]),
        town_district_count=counts,
        district_code=district_code,
        district_town=district_town,
        district_first_sector=np.concatenate([[0], np.cumsum(sector_count)[:-1]]),
        district_sector_count=sector_count,
        sector_district=sector_district,
        sector_digit=sector_digit,
        school_urn=pa.array([], pa.string()),
        school_name=pa.array([], pa.string()),
        school_la=np.array([], dtype=object),
        district_primary=np.zeros((n_districts, 2), dtype=np.int64),
        district_secondary=np.zeros((n_districts, 2), dtype=np.int64),
    )
    _add_schools(rng, geo)
    return geo


def _add_schools(rng: np.random.Generator, geo: Geography) -> None:
    n_districts = len(geo.district_code)
    primaries = rng.integers(2, 6, size=n_districts)
    secondaries = 1 + (rng.random(n_districts) < 0.35)
    n_primary = int(primaries.sum())
    total = n_primary + int(secondaries.sum())
    geo.district_primary = np.column_stack([np.concatenate([[0], np.cumsum(primaries)[:-1]]), primaries])
    geo.district_secondary = np.column_stack(
        [n_primary + np.concatenate([[0], np.cumsum(secondaries)[:-1]]), secondaries]
    )
    school_district = np.concatenate(
        [np.repeat(np.arange(n_districts), primaries), np.repeat(np.arange(n_districts), secondaries)]
    )
    urn = 100000 + rng.choice(900000, size=total, replace=False)
    geo.school_urn = pc.cast(pa.array(urn), pa.string())
    geo.school_name = _school_names(rng, n_primary, total)
    la = np.array([t.la_code for t in geo.towns], dtype=object)
    geo.school_la = la[geo.district_town[school_district]]


def _school_names(rng: np.random.Generator, n_primary: int, total: int) -> pa.Array:
    parts = sections("streets.txt")
    stems = np.array(parts["street names"], dtype=object)
    saints = np.array(parts["school saints"], dtype=object)
    kinds = np.array(parts["primary kinds"], dtype=object)
    faith_kinds = np.array(parts["faith primary kinds"], dtype=object)
    secondary_kinds = np.array(parts["secondary kinds"], dtype=object)
    n_secondary = total - n_primary
    faith = rng.random(n_primary) < 0.25
    stem = np.where(
        faith,
        saints[rng.integers(0, len(saints), n_primary)],
        stems[rng.integers(0, len(stems), n_primary)],
    )
    kind = np.where(
        faith,
        faith_kinds[rng.integers(0, len(faith_kinds), n_primary)],
        kinds[rng.integers(0, len(kinds), n_primary)],
    )
    sec_stem = stems[rng.integers(0, len(stems), n_secondary)]
    sec_kind = secondary_kinds[np.minimum(rng.geometric(0.45, n_secondary) - 1, len(secondary_kinds) - 1)]
    first = np.concatenate([stem, sec_stem]).astype(str)
    second = np.concatenate([kind, sec_kind]).astype(str)
    return pc.binary_join_element_wise(pa.array(first), pa.array(second), " ")


@dataclass
class Places:
    """Where each household lives, and the postcode units that exist.

    Units are numbered sector by sector, so a district's units form one contiguous range.
    """

    household_unit: np.ndarray
    household_district: np.ndarray
    household_number: np.ndarray
    household_flat: np.ndarray  # 0: a house; k > 0: Flat k
    unit_sector: np.ndarray
    unit_postcode: pa.Array
    unit_street: pa.Array
    unit_first_number: np.ndarray
    unit_households: np.ndarray
    district_first_unit: np.ndarray
    district_unit_count: np.ndarray

    def span(self, first: int, last: int) -> Places:
        """The places of households ``first … last - 1`` (views), with every unit."""
        rows = slice(first, last)
        return replace(
            self,
            household_unit=self.household_unit[rows],
            household_district=self.household_district[rows],
            household_number=self.household_number[rows],
            household_flat=self.household_flat[rows],
        )


def place_households(rng: np.random.Generator, geo: Geography, town: np.ndarray) -> Places:
    """Put each household (given its town) in a district, a sector, a unit, and at a house number."""
    n = len(town)
    district = geo.town_first_district[town] + _uniform_below(rng, geo.town_district_count[town])
    sector = geo.district_first_sector[district] + _uniform_below(rng, geo.district_sector_count[district])
    per_sector = np.bincount(sector, minlength=geo.sector_count)
    units_in_sector = np.clip(np.ceil(per_sector / _HOUSEHOLDS_PER_UNIT), 1, _UNITS_PER_SECTOR).astype(
        np.int64
    )
    first_unit = np.concatenate([[0], np.cumsum(units_in_sector)[:-1]])
    unit = first_unit[sector] + _uniform_below(rng, units_in_sector[sector])
    n_units = int(units_in_sector.sum())
    unit_sector = np.repeat(np.arange(geo.sector_count), units_in_sector)
    unit_local = np.arange(n_units) - first_unit[unit_sector]
    unit_households = np.bincount(unit, minlength=n_units)
    unit_first_number = 1 + rng.integers(0, 40, size=n_units)
    number = unit_first_number[unit] + 2 * _rank_within(unit)
    flat = np.where(rng.random(n) < 0.06, rng.integers(1, 13, size=n), 0)
    district_units = np.bincount(geo.sector_district[unit_sector], minlength=len(geo.district_code))
    return Places(
        household_unit=unit,
        household_district=district,
        household_number=number,
        household_flat=flat,
        unit_sector=unit_sector,
        unit_postcode=_unit_postcodes(rng, geo, unit_sector, unit_local),
        unit_street=_unit_streets(rng, n_units),
        unit_first_number=unit_first_number,
        unit_households=unit_households,
        district_first_unit=np.concatenate([[0], np.cumsum(district_units)[:-1]]),
        district_unit_count=district_units,
    )


def _uniform_below(rng: np.random.Generator, upper: np.ndarray) -> np.ndarray:
    """A uniform integer in [0, upper) for each element."""
    return np.minimum((rng.random(len(upper)) * upper).astype(np.int64), upper - 1)


def _rank_within(group: np.ndarray) -> np.ndarray:
    """0, 1, 2… within each group value, in order of appearance."""
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - run_start
    return rank


def _unit_postcodes(
    rng: np.random.Generator, geo: Geography, unit_sector: np.ndarray, unit_local: np.ndarray
) -> pa.Array:
    offset = rng.integers(0, _UNITS_PER_SECTOR, size=geo.sector_count)
    code = (offset[unit_sector] + _UNIT_STRIDE * unit_local) % _UNITS_PER_SECTOR
    letters = np.array([a + b for a in UNIT_LETTERS for b in UNIT_LETTERS], dtype=object)
    outward = np.array(geo.district_code, dtype=object)[geo.sector_district[unit_sector]]
    inward = geo.sector_digit[unit_sector].astype(str).astype(object) + letters[code]
    return pc.binary_join_element_wise(pa.array(outward, pa.string()), pa.array(inward, pa.string()), " ")


def _unit_streets(rng: np.random.Generator, n_units: int) -> pa.Array:
    parts = sections("streets.txt")
    names = np.array(parts["street names"], dtype=object)
    kinds = np.array(parts["street kinds"], dtype=object)
    kind = np.minimum(rng.geometric(0.3, n_units) - 1, len(kinds) - 1)
    street = names[rng.integers(0, len(names), n_units)] + " " + kinds[kind]
    return pa.array(street, pa.string())


def address_of(*, number: int, flat: int, street: str, town: str) -> str:
    """``"14 Alder Road, Birmingham"`` or ``"Flat 3, 22 Elm Court, Leeds"``."""
    house = f"{number} {street}, {town}"
    return f"Flat {flat}, {house}" if flat else house


def household_addresses(geo: Geography, places: Places, town: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """The address and postcode strings of every household."""
    street = places.unit_street.take(pa.array(places.household_unit))
    town_names = pa.array([t.name for t in geo.towns], pa.string()).take(pa.array(town))
    number = pc.cast(pa.array(places.household_number), pa.string())
    house = pc.binary_join_element_wise(number, street, " ")
    house = pc.binary_join_element_wise(house, town_names, ", ")
    flat_label = pc.binary_join_element_wise(
        "Flat", pc.cast(pa.array(places.household_flat), pa.string()), " "
    )
    flatted = pc.binary_join_element_wise(flat_label, house, ", ")
    address = pc.if_else(pa.array(places.household_flat > 0), flatted, house)
    postcode = places.unit_postcode.take(pa.array(places.household_unit))
    return address, postcode
