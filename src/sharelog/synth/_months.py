"""Monthly request batches: parse ``--months`` and spread the requests over the months.

Published volumes vary a lot from month to month (0 to 507 requested), so each month's share is drawn from a
gamma distribution rather than split evenly.
"""

from __future__ import annotations

import re

import numpy as np

from sharelog.errors import InputError

__all__ = ["MAX_MONTHS", "parse_months", "split_over_months"]

MAX_MONTHS = 120
_MONTH = re.compile(r"(?!0000)([0-9]{4})-(0[1-9]|1[0-2])")  # ASCII digits, year 0001 on


def _month_index(text: str, spec: str) -> int:
    match = _MONTH.fullmatch(text.strip())
    if match is None:
        raise InputError(
            f"'{spec}' is not a month or a range of months; write YYYY-MM or YYYY-MM..YYYY-MM "
            "(e.g. 2019-01..2019-12)",
            field="months",
        )
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def parse_months(spec: str) -> list[str]:
    """The months named by ``spec``: ``"2019-03"`` or an inclusive range ``"2019-01..2019-12"``.

    Raises:
        InputError: the text is not a month or a range, the range ends before it starts, or it spans more
            than ten years.
    """
    first_text, separator, last_text = spec.partition("..")
    first = _month_index(first_text, spec)
    last = _month_index(last_text, spec) if separator else first
    if last < first:
        raise InputError(f"the range '{spec}' ends before it starts", field="months")
    if last - first + 1 > MAX_MONTHS:
        raise InputError(f"the range '{spec}' spans more than {MAX_MONTHS} months", field="months")
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(first, last + 1)]


def split_over_months(rng: np.random.Generator, total: int, months: int) -> list[int]:
    """``total`` requests spread over ``months`` batches of varying size (they add up to ``total``)."""
    weight = rng.gamma(3.0, size=months)
    return [int(n) for n in rng.multinomial(total, weight / weight.sum())]
