"""How long something is late, in words: the two largest calendar units, never a bare count of days."""

from __future__ import annotations

from datetime import date

import pytest

from sharelog.web._durations import time_between


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (date(2019, 4, 10), date(2019, 4, 10), "0 days"),
        (date(2019, 4, 10), date(2019, 4, 9), "0 days"),
        (date(2019, 4, 10), date(2019, 4, 11), "1 day"),
        (date(2019, 4, 10), date(2019, 5, 9), "29 days"),
        (date(2019, 4, 10), date(2019, 5, 10), "1 month"),
        (date(2019, 4, 10), date(2019, 7, 15), "3 months 5 days"),
        (date(2019, 1, 31), date(2019, 2, 28), "1 month"),  # to the end of a shorter month
        (date(2019, 1, 31), date(2019, 3, 1), "1 month 1 day"),
        (date(2016, 2, 29), date(2017, 2, 28), "1 year"),
        (date(2019, 4, 10), date(2020, 4, 10), "1 year"),
        (date(2019, 4, 10), date(2026, 12, 9), "7 years 7 months"),  # days left out beside years
        (date(2019, 4, 10), date(2026, 12, 10), "7 years 8 months"),
    ],
)
def test_time_between_in_words(start, end, words):
    assert time_between(start, end) == words
