"""What an agreement allows a batch: the fields the requester may send, the purpose, the monthly cap — and the
matching thresholds the agreement sets."""

from __future__ import annotations

from typing import Any

from sharelog.agreements import Agreement
from sharelog.errors import InputError, Problem
from sharelog.linkage import Thresholds

__all__ = ["batch_problems", "id_form_problems", "thresholds_for"]

MAX_LISTED = 50  # rows named one by one; the rest are counted


def batch_problems(
    agreement: Agreement,
    *,
    file: str,
    columns: tuple[str, ...],
    purpose: str,
    rows: int,
    already_this_month: int,
) -> list[Problem]:
    """Everything the agreement refuses about a batch (an empty list when it allows it)."""
    name = f"{agreement.id} v{agreement.version}"
    problems = [
        Problem(file, f"{name} does not let the requester send this field", field=column)
        for column in columns
        if column not in agreement.request_fields
    ]
    if purpose not in agreement.purpose_codes():
        permitted = ", ".join(agreement.purpose_codes())
        problems.append(
            Problem(
                "the exchange",
                f"{purpose!r} is not a purpose of {name} (permitted: {permitted})",
                field="purpose",
            )
        )
    if already_this_month + rows > agreement.monthly_cap:
        problems.append(
            Problem(
                file,
                f"{rows:,} requests would bring this month to {already_this_month + rows:,}, over the cap of "
                f"{agreement.monthly_cap:,} a month in {name}",
            )
        )
    return problems


def id_form_problems(agreement: Agreement, *, file: str, rows: list[int]) -> list[Problem]:
    """A problem for each row whose ``request_id`` is not in the form the agreement's ``request_id_pattern``
    sets (the first :data:`MAX_LISTED`, then a count) — naming the row and the field, never the id."""
    name = f"{agreement.id} v{agreement.version}"
    problems = [
        Problem(
            file,
            f"not in the form {name} sets for request ids (request_id_pattern)",
            row=row,
            field="request_id",
        )
        for row in rows[:MAX_LISTED]
    ]
    if len(rows) > MAX_LISTED:
        problems.append(Problem(file, f"{len(rows) - MAX_LISTED:,} more request ids not in that form"))
    return problems


_THRESHOLD_KEYS = {
    "match_probability": "match",
    "review_probability": "review",
    "min_gap_bits": "min_gap_bits",
}


def thresholds_for(agreement: Agreement) -> Thresholds:
    """The decision thresholds the agreement's ``matching`` block sets (defaults for the rest).

    Raises:
        InputError: an unknown key or an impossible value in the block.
    """
    block: dict[str, Any] = dict(agreement.matching or {})
    unknown = sorted(set(block) - set(_THRESHOLD_KEYS))
    if unknown:
        raise InputError(
            f"{agreement.file_name()}: matching.{unknown[0]} is not a setting (use {', '.join(_THRESHOLD_KEYS)})"
        )
    try:
        return Thresholds(**{_THRESHOLD_KEYS[k]: float(v) for k, v in block.items()})
    except (TypeError, ValueError, OverflowError) as error:  # OverflowError: an integer too big for a float
        raise InputError(f"{agreement.file_name()}: matching: {error}") from None
