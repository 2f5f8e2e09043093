"""Who the trace requests are about: pupils in the register, and people who are not in it.

About 60% of requests name a registered pupil — a quarter of those added as brothers and sisters of other
requested pupils, because a request usually concerns a family. The rest name a sibling who is not on a school
roll, a cousin who shares the surname, or someone unrelated (``NOT_IN_REGISTER_MIX``). Requests lean towards
minority naming cultures (``REQUEST_CULTURE_WEIGHT``). Choosing pupils is vectorised; making the people who are
not in the register is a loop over the (small) request set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from sharelog.synth._households import Register, days_to_dates
from sharelog.synth._names import CULTURES, FEMALE, NameBook
from sharelog.synth._people import AddressBook, Dice, Person
from sharelog.synth._profile import IN_REGISTER_SHARE, NOT_IN_REGISTER_MIX, request_culture_weight
from sharelog.synth._relatives import Relatives

__all__ = ["REGISTERED_COLUMNS", "choose_people", "origin_counts", "registered_pupils"]

#: The register columns a request for a registered pupil starts from.
REGISTERED_COLUMNS = ("forename", "middle_names", "surname", "postcode", "address", "pupil_id")

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


def registered_pupils(
    rng: np.random.Generator, register: Register, *, total: int, in_register_share: float = IN_REGISTER_SHARE
) -> np.ndarray:
    """The registered pupils ``total`` requests name (the requests' first draws: they need only the households,
    so the register's rows for them can be kept as the register is drawn)."""
    count = origin_counts(total, in_register_share=in_register_share)["register"]
    return _registered(rng, register, _household_weight(register)[register.household], count)


def choose_people(
    rng: np.random.Generator,
    *,
    register: Register,
    chosen: np.ndarray,
    rows: Mapping[str, Sequence[str | None]],
    book: NameBook,
    addresses: AddressBook,
    total: int,
    in_register_share: float = IN_REGISTER_SHARE,
    progress: Callable[[int], None] | None = None,
) -> list[Person]:
    """The subjects of ``total`` requests, in random order.

    Args:
        rng: the requests' generator, after :func:`registered_pupils` drew ``chosen`` from it.
        register: the register, every pupil drawn.
        chosen: from :func:`registered_pupils`.
        rows: the register's ``forename``, ``middle_names``, ``surname``, ``postcode``, ``address`` and
            ``pupil_id`` of the ``chosen`` pupils, in that order.
        book: the name book.
        addresses: free addresses for people who are not in the register.
        total: the number of requests.
        in_register_share: the share of requests about registered pupils.
        progress: called with the number of people made since the last call.
    """
    counts = origin_counts(total, in_register_share=in_register_share)
    household_weight = _household_weight(register)
    pupil_weight = household_weight[register.household]
    people = _register_people(register, chosen, rows)
    relatives = Relatives(register, book, addresses, Dice(rng))
    requested = np.unique(register.household[chosen])
    makers: list[tuple[Callable[[int], Person], np.ndarray]] = [
        (relatives.sibling, _sibling_households(rng, household_weight, requested, counts["sibling"])),
        (relatives.cousin, _weighted_sample(rng, pupil_weight, counts["cousin"])),
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


def _household_weight(register: Register) -> np.ndarray:
    weight = np.array([request_culture_weight(c.key) for c in CULTURES])
    return weight[register.households.culture]


def _culture_mix(register: Register, household_weight: np.ndarray) -> np.ndarray:
    """Each culture's share of requests: its share of households, times its request weight."""
    return np.bincount(register.households.culture, weights=household_weight, minlength=len(CULTURES))


def _weighted_sample(rng: np.random.Generator, weight: np.ndarray, k: int) -> np.ndarray:
    """``k`` indices drawn (with replacement) with probability proportional to ``weight``."""
    if k <= 0 or len(weight) == 0:
        return np.zeros(0, dtype=np.int64)
    cdf = np.cumsum(weight) / weight.sum()
    return np.minimum(np.searchsorted(cdf, rng.random(k), side="right"), len(weight) - 1)


def _weighted_order(rng: np.random.Generator, weight: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` indices of a random order in which heavier ones tend to come first.

    Efraimidis–Spirakis: each index gets the key ``exponential / weight``, and the smallest keys come first.
    """
    keys = rng.exponential(size=len(weight)) / weight
    return _smallest(keys, k)


def _smallest(keys: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` smallest keys, smallest first, ties in index order: ``argsort(keys)[:k]`` (stable),
    without sorting all of them (a register of millions, a batch of thousands)."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k >= len(keys):
        return np.argsort(keys, kind="stable")
    threshold = keys[np.argpartition(keys, k - 1)[k - 1]]
    candidates = np.flatnonzero(keys <= threshold)  # every tie with the k-th key too, in index order
    return candidates[np.argsort(keys[candidates], kind="stable")][:k]


def _registered(rng: np.random.Generator, register: Register, weight: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct pupils: most drawn by weight, a quarter added as brothers and sisters of those drawn."""
    # The first k of a weighted order are enough: at most len(chosen) of them are chosen below.
    order = _weighted_order(rng, weight, k)
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


def _register_people(
    register: Register, chosen: np.ndarray, rows: Mapping[str, Sequence[str | None]]
) -> list[Person]:
    """Requests for registered pupils start as the register has them (true sex, not a recorded U)."""

    def values(name: str) -> list[str]:
        return [value or "" for value in rows[name]]

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
