"""What an agreement allows a batch: the fields the requester may send, the purpose, the monthly cap — and the
matching thresholds the agreement sets."""

from __future__ import annotations

from typing import Any

from sharelog.agreements import Agreement
from sharelog.errors import InputError, Problem
from sharelog.linkage import Thresholds
from sharelog.pprl import DEFAULT_SCHEMA

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


_MODE_KEYS = ("mode", "encoding_schema")
"""The ``matching`` block's keys that say how matching runs, not where its thresholds lie."""


def matching_mode(agreement: Agreement) -> str:
    """``clear`` (the requester sends identities; the holder matches them) or ``encoded`` (each party encodes its
    own records and a linkage unit matches the encodings: docs/pprl.md), as the agreement's ``matching.mode``
    says; ``clear`` when it says nothing.

    Raises:
        InputError: another mode, or an encoded agreement that names no schema sharelog knows.
    """
    block: dict[str, Any] = dict(agreement.matching or {})
    mode = block.get("mode", "clear")
    if mode not in ("clear", "encoded"):
        raise InputError(f"{agreement.file_name()}: matching.mode is clear or encoded, not {mode!r}")
    if mode == "encoded" and block.get("encoding_schema") != DEFAULT_SCHEMA.name:
        raise InputError(
            f"{agreement.file_name()}: encoded matching needs matching.encoding_schema: {DEFAULT_SCHEMA.name}"
        )
    return str(mode)


def thresholds_for(agreement: Agreement) -> Thresholds:
    """The decision thresholds the agreement's ``matching`` block sets (defaults for the rest).

    Raises:
        InputError: an unknown key or an impossible value in the block.
    """
    block: dict[str, Any] = {k: v for k, v in (agreement.matching or {}).items() if k not in _MODE_KEYS}
    unknown = sorted(set(block) - set(_THRESHOLD_KEYS))
    if unknown:
        raise InputError(
            f"{agreement.file_name()}: matching.{unknown[0]} is not a setting (use {', '.join(_THRESHOLD_KEYS)})"
        )
    try:
        return Thresholds(**{_THRESHOLD_KEYS[k]: float(v) for k, v in block.items()})
    except (TypeError, ValueError, OverflowError) as error:  # OverflowError: an integer too big for a float
        raise InputError(f"{agreement.file_name()}: matching: {error}") from None
