"""Volume profiles: how many trace requests each month, and what share of them concern pupils in the register.

``published`` is shaped by the only volumes ever published for the Home Office–DfE exchange: 6,883 people
requested from July 2015 to September 2022 and 1,780 returned (DfE's external data shares), of which 2,461
requested and 531 returned in the first eighteen months, July 2015 to December 2016 (written ministerial
statement HCWS272, 2017). That is about 137 requests a month at first (22% returned) and about 64 a month from
January 2017 (28% returned): about 80 a month and a quarter returned over the whole period. ``load`` is a
steady 250 requests a month with 30% about registered pupils (3,000 a year: the demo's volume before real
volumes), for exercising the system under more load.

A profile gives each month a rate; the months of one published period share that period's total (the rate
times the months, so a whole period gets exactly its published total), spread over them by gamma-distributed
weights, so that batches vary from month to month as the published ones did. A month outside every period
takes the rate of the nearest one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sharelog.errors import InputError
from sharelog.synth._months import parse_months, split_over_months

__all__ = ["VOLUME_PROFILES", "VolumePeriod", "VolumeProfile", "volume_profile"]


@dataclass(frozen=True)
class VolumePeriod:
    """A stretch of months with a known total of requests and of records returned.

    Attributes:
        first, last: the period's first and last month (``YYYY-MM``), both included.
        requested: requests over the whole period.
        returned: records returned over the whole period; ``returned / requested`` is the share of requests
            the synthetic data makes about pupils in the register (almost all of which a careful exchange
            returns).
        source: where the figures come from.
    """

    first: str
    last: str
    requested: int
    returned: int
    source: str

    @property
    def months(self) -> list[str]:
        return parse_months(f"{self.first}..{self.last}")

    @property
    def per_month(self) -> float:
        return self.requested / len(self.months)

    @property
    def returned_share(self) -> float:
        return self.returned / self.requested


@dataclass(frozen=True)
class VolumeProfile:
    """A named volume profile: its periods, in order, without gaps or overlaps."""

    name: str
    description: str
    periods: tuple[VolumePeriod, ...]

    def period_of(self, month: str) -> VolumePeriod:
        """The period a month falls in, or the nearest one for a month before the first or after the last."""
        if month < self.periods[0].first:
            return self.periods[0]
        for period in self.periods:
            if month <= period.last:
                return period
        return self.periods[-1]

    def requests_per_month(
        self, rng: np.random.Generator, months: Sequence[str], *, total: int | None = None
    ) -> list[int]:
        """Requests in each of ``months``: each period's months share the period's rate times their number
        (a whole published period gets exactly its published total), spread over them by gamma weights.

        ``total``: scale the profile to this many requests in all (the same shape, other volumes).
        """
        groups: dict[tuple[VolumePeriod, bool], list[int]] = {}
        for index, month in enumerate(months):
            period = self.period_of(month)
            inside = period.first <= month <= period.last
            groups.setdefault((period, inside), []).append(index)
        expected = [period.per_month * len(indices) for (period, _), indices in groups.items()]
        if total is None:
            sizes = [round(e) for e in expected]
        else:
            sizes = _largest_remainders([e * total / sum(expected) for e in expected], total)
        counts = [0] * len(months)
        for indices, size in zip(groups.values(), sizes, strict=True):
            for index, count in zip(indices, split_over_months(rng, size, len(indices)), strict=True):
                counts[index] = count
        return counts

    def in_register_shares(self, months: Sequence[str]) -> list[float]:
        """The share of each month's requests about pupils in the register (the period's returned share)."""
        return [self.period_of(month).returned_share for month in months]


PUBLISHED = VolumeProfile(
    name="published",
    description="about 80 requests a month and a quarter returned, shaped by the published totals from "
    "July 2015 (137 a month until December 2016, 64 a month after)",
    periods=(
        VolumePeriod(
            "2015-07",
            "2016-12",
            requested=2_461,
            returned=531,
            source="written ministerial statement HCWS272 (2017): the first eighteen months",
        ),
        VolumePeriod(
            "2017-01",
            "2022-09",
            requested=6_883 - 2_461,
            returned=1_780 - 531,
            source="DfE external data shares: 6,883 requested and 1,780 returned July 2015 – September 2022, "
            "less the first eighteen months",
        ),
    ),
)

LOAD = VolumeProfile(
    name="load",
    description="a steady 250 requests a month, 30% about registered pupils (3,000 a year), for load",
    periods=(
        VolumePeriod(
            "2019-01",
            "2019-12",
            requested=3_000,
            returned=900,
            source="sharelog's working value, not a published figure",
        ),
    ),
)

#: The volume profiles by name (``--volume``).
VOLUME_PROFILES: dict[str, VolumeProfile] = {profile.name: profile for profile in (PUBLISHED, LOAD)}


def _largest_remainders(exact: list[float], total: int) -> list[int]:
    """Whole numbers adding up to ``total``, each the floor of ``exact`` or one more."""
    floors = [int(e) for e in exact]
    order = sorted(range(len(exact)), key=lambda i: (floors[i] - exact[i], i))
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    return floors


def volume_profile(name: str) -> VolumeProfile:
    """The profile called ``name``.

    Raises:
        InputError: no profile has that name (the message lists them).
    """
    try:
        return VOLUME_PROFILES[name]
    except KeyError:
        raise InputError(
            f"no volume profile '{name}'; the profiles: {', '.join(VOLUME_PROFILES)}", field="volume"
        ) from None
