"""The GOV.UK date input: three fields (day, month, year) read as one date, or what is wrong with them."""

from __future__ import annotations

from datetime import date
from typing import Literal

__all__ = ["DateProblem", "date_of_parts"]

DateProblem = Literal["missing", "not_a_date", "impossible"]


def date_of_parts(day: str, month: str, year: str) -> date | DateProblem:
    """The date the three fields give, or ``missing`` (all blank), ``not_a_date`` (not digits, or no 4-digit
    year) or ``impossible`` (such as 30 2 2019). Each form words the problem for its own field."""
    parts = (day.strip(), month.strip(), year.strip())
    if not any(parts):
        return "missing"
    if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
        return "not_a_date"
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return "impossible"
