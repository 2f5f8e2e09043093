"""A request's subject as the requester describes them, the dice the per-request loop rolls, and an address book
for people who moved or are not in the register."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sharelog.synth._households import Register
from sharelog.synth._names import CULTURES
from sharelog.synth._postcodes import Geography, address_of

__all__ = ["AddressBook", "Dice", "Person"]


@dataclass(slots=True)
class Person:
    """One request's subject (the perturbations change the fields in place).

    ``pupil_id`` is the register id when the person is a registered pupil, else ``""``; ``origin`` is
    ``register``, ``sibling``, ``cousin`` or ``fresh``.
    """

    forename: str
    middle_names: str
    surname: str
    dob: dt.date
    sex: str
    postcode: str
    address: str
    culture: int
    town: int
    district: int
    pupil_id: str = ""
    origin: str = "register"


class Dice:
    """Uniform draws for the per-request loop, taken from a numpy generator in blocks (cheap and repeatable)."""

    def __init__(self, rng: np.random.Generator, block: int = 65536) -> None:
        self._rng = rng
        self._block = block
        self._values: list[float] = []
        self._next = 0

    def u(self) -> float:
        """A uniform number in [0, 1)."""
        if self._next >= len(self._values):
            self._values = self._rng.random(self._block).tolist()
            self._next = 0
        value = self._values[self._next]
        self._next += 1
        return value

    def below(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        return min(int(self.u() * n), n - 1)

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.u() < p

    def pick(self, items: Sequence[str]) -> str:
        """A uniform choice from ``items``."""
        return items[self.below(len(items))]


class AddressBook:
    """Free addresses in real postcode units, for people who moved or are not in the register.

    A new house number lies past every registered household's number in its unit, so a new address never
    collides with a registered one — though it shares the postcode with neighbours, as real addresses do.
    """

    def __init__(self, geo: Geography, register: Register) -> None:
        places = register.households.places
        self._geo = geo
        self._postcode = places.unit_postcode.to_pylist()
        self._street = places.unit_street.to_pylist()
        self._first_number = places.unit_first_number.tolist()
        self._households = places.unit_households.tolist()
        self._district_first = places.district_first_unit.tolist()
        self._district_units = places.district_unit_count.tolist()
        self._town_names = [t.name for t in geo.towns]
        self._town_cdf = _town_cdfs(geo)

    def town_for(self, culture: int, dice: Dice) -> int:
        """A town for a family of ``culture`` (weighted by size and, for minority cultures, diversity)."""
        cdf = self._town_cdf[culture]
        return min(bisect.bisect_right(cdf, dice.u()), len(cdf) - 1)

    def district_in(self, town: int, dice: Dice, *, avoid: int = -1) -> int:
        """A district of ``town`` (other than ``avoid`` when the town has another)."""
        first = int(self._geo.town_first_district[town])
        count = int(self._geo.town_district_count[town])
        district = first + dice.below(count)
        if district == avoid and count > 1:
            district = first + (district - first + 1 + dice.below(count - 1)) % count
        return district

    def new_address(self, dice: Dice, district: int) -> tuple[str, str]:
        """(postcode, address) of a free address in a random unit of ``district``."""
        unit = self._district_first[district] + dice.below(
            self._district_units[district]
        )  # every sector has a unit
        number = self._first_number[unit] + 2 * (self._households[unit] + dice.below(5))
        flat = 1 + dice.below(12) if dice.chance(0.06) else 0
        town = self._town_names[int(self._geo.district_town[district])]
        address = address_of(number=number, flat=flat, street=self._street[unit], town=town)
        return self._postcode[unit], address


def _town_cdfs(geo: Geography) -> list[list[float]]:
    diversity = np.array([t.diversity for t in geo.towns])
    out = []
    for c in range(len(CULTURES)):
        weight = geo.town_weight * (1.0 if c == 0 else diversity)
        out.append((np.cumsum(weight) / weight.sum()).tolist())
    return out
