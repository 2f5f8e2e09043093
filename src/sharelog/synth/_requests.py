"""Who the trace requests are about: pupils in the register, and people who are not in it.

About 60% of requests name a registered pupil — a quarter of those added as brothers and sisters of other
requested pupils, because a request usually concerns a family. The rest name a sibling who is not on a school
roll, a cousin who shares the surname, or someone unrelated (``NOT_IN_REGISTER_MIX``). Requests lean towards
minority naming cultures (``REQUEST_CULTURE_WEIGHT``). Choosing pupils is vectorised; making the people who are
not in the register is a loop over the (small) request set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from sharelog.synth._households import Register, days_to_dates
from sharelog.synth._names import CULTURES, FEMALE, NameBook
from sharelog.synth._people import AddressBook, Dice, Person
from sharelog.synth._profile import IN_REGISTER_SHARE, NOT_IN_REGISTER_MIX, request_culture_weight
from sharelog.synth._relatives import Relatives

__all__ = ["choose_people", "origin_counts"]

_FAMILY_SHARE = 0.25  # of in-register requests: brothers and sisters of another requested pupil
_SIBLINGS_OF_REQUESTED = 0.6  # of unregistered siblings: from a household already in the batch


def origin_counts(total: int, *, in_register_share: float = IN_REGISTER_SHARE) -> dict[str, int]:
    """How many of ``total`` requests are of each origin (largest remainders, so the counts add up)."""
    shares = {"register": in_register_share}
    shares.update({key: (1 - in_register_share) * share for key, share in NOT_IN_REGISTER_MIX.items()})
    exact = {key: total * share for key, share in shares.items()}
    counts = {key: int(value) for key, value in exact.items()}
    order = list(exact)
    by_remainder = sorted(order, key=lambda key: (counts[key] - exact[key], order.index(key)))
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def choose_people(
    rng: np.random.Generator,
    *,
    register: Register,
    book: NameBook,
    addresses: AddressBook,
    total: int,
    in_register_share: float = IN_REGISTER_SHARE,
    progress: Callable[[int], None] | None = None,
) -> list[Person]:
    """The subjects of ``total`` requests, in random order."""
    counts = origin_counts(total, in_register_share=in_register_share)
    household_weight = np.array([request_culture_weight(c.key) for c in CULTURES])[
        register.households.culture
    ]
    pupil_weight = household_weight[register.household]
    chosen = _registered(rng, register, pupil_weight, counts["register"])
    people = _register_people(register, chosen)
    relatives = Relatives(register, book, addresses, Dice(rng))
    requested = np.unique(register.household[chosen])
    makers: list[tuple[Callable[[int], Person], np.ndarray]] = [
        (relatives.sibling, _sibling_households(rng, household_weight, requested, counts["sibling"])),
        (relatives.cousin, _weighted_sample(rng, pupil_weight, counts["cousin"], replace=True)),
        (relatives.fresh, _weighted_sample(rng, _culture_mix(register, household_weight), counts["fresh"])),
    ]
    for make, sources in makers:
        for source in sources.tolist():
            people.append(make(source))
            if progress is not None:
                progress(1)
    if progress is not None:
        progress(len(chosen))
    return [people[i] for i in rng.permutation(len(people))]


def _culture_mix(register: Register, household_weight: np.ndarray) -> np.ndarray:
    """Each culture's share of requests: its share of households, times its request weight."""
    return np.bincount(register.households.culture, weights=household_weight, minlength=len(CULTURES))


def _weighted_sample(
    rng: np.random.Generator, weight: np.ndarray, k: int, *, replace: bool = True
) -> np.ndarray:
    """``k`` indices drawn with probability proportional to ``weight`` (distinct ones if not ``replace``)."""
    if k <= 0 or len(weight) == 0:
        return np.zeros(0, dtype=np.int64)
    if replace:
        cdf = np.cumsum(weight) / weight.sum()
        return np.minimum(np.searchsorted(cdf, rng.random(k), side="right"), len(weight) - 1)
    keys = rng.exponential(size=len(weight)) / weight  # Efraimidis–Spirakis: the smallest keys win
    return np.argsort(keys, kind="stable")[:k]


def _registered(rng: np.random.Generator, register: Register, weight: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct pupils: most drawn by weight, a quarter added as brothers and sisters of those drawn."""
    order = _weighted_sample(rng, weight, len(weight), replace=False)
    seeds = order[: k - int(_FAMILY_SHARE * k)]
    homes = register.households
    households = np.unique(register.household[seeds])
    starts, sizes = homes.first_child[households], homes.children[households]
    members = np.repeat(starts, sizes) + np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    members = members[~np.isin(members, seeds)]
    chosen = np.concatenate([seeds, rng.permutation(members)[: k - len(seeds)]])
    rest = order[~np.isin(order, chosen)][: k - len(chosen)]
    return np.concatenate([chosen, rest]).astype(np.int64)


def _sibling_households(
    rng: np.random.Generator, weight: np.ndarray, requested: np.ndarray, k: int
) -> np.ndarray:
    """Households for unregistered siblings: mostly families already in the batch, the rest by weight."""
    from_batch = min(round(_SIBLINGS_OF_REQUESTED * k), len(requested))
    first = rng.choice(requested, size=from_batch, replace=False) if from_batch else requested[:0]
    rest = _weighted_sample(rng, weight, k - from_batch)
    return np.concatenate([first, rest]).astype(np.int64)


def _register_people(register: Register, chosen: np.ndarray) -> list[Person]:
    """Requests for registered pupils start as the register has them (true sex, not a recorded U)."""
    columns = register.columns

    def values(name: str) -> list[str]:
        return [value or "" for value in columns[name].take(chosen).to_pylist()]

    forename, middle, surname = values("forename"), values("middle_names"), values("surname")
    postcode, address, pupil_id = values("postcode"), values("address"), values("pupil_id")
    dob = days_to_dates(register.dob[chosen])
    household = register.household[chosen]
    homes = register.households
    culture = homes.culture[household].tolist()
    town = homes.town[household].tolist()
    district = homes.places.household_district[household].tolist()
    sex = ["F" if s == FEMALE else "M" for s in register.sex[chosen].tolist()]
    return [
        Person(
            forename=forename[i],
            middle_names=middle[i],
            surname=surname[i],
            dob=dt.date.fromisoformat(dob[i]),
            sex=sex[i],
            postcode=postcode[i],
            address=address[i],
            culture=culture[i],
            town=town[i],
            district=district[i],
            pupil_id=pupil_id[i],
        )
        for i in range(len(chosen))
    ]
