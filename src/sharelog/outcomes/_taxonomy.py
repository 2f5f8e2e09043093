"""The outcome taxonomy of docs/design.md §2: four kinds, each with a closed list of codes.

A code means something only within its kind (``safeguarding_referral`` is both a *use* of the record and an
*intervention*). People affected — children and other family members — belong to results only.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sharelog.ledger.models import MAX_INTEGER

__all__ = [
    "KIND_DESCRIPTIONS",
    "MAX_NOTE_CHARS",
    "OUTCOME_CODES",
    "PEOPLE_FIELDS",
    "codes_text",
    "taxonomy_problems",
]

MAX_NOTE_CHARS = 4000
"""The longest note an outcome event keeps: from the form, the API, the command line or an imported file."""

OUTCOME_CODES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "use": ("contact_attempt", "not_used", "safeguarding_referral"),
        "onward_share": (
            "police",
            "border_force",
            "local_authority",
            "other_government",
            "overseas_authority",
        ),
        "intervention": (
            "letter",
            "home_visit",
            "school_visit",
            "reporting_condition",
            "arrest",
            "detention",
            "removal_directions",
            "safeguarding_referral",
        ),
        "result": (
            "contact_reestablished",
            "not_located",
            "voluntary_departure",
            "enforced_removal",
            "leave_granted",
            "application_pending",
            "no_further_action",
            "child_safeguarded",
        ),
    }
)
"""Each kind of outcome event and its codes, in the order reports list them."""

KIND_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "use": "what the requester did with the record",
        "onward_share": "who the record was passed on to (0..n; checked against the agreement)",
        "intervention": "what was done to or for the person (0..n)",
        "result": "where the case ended up; the latest one counts (leave_granted includes visa renewal)",
    }
)

PEOPLE_FIELDS = ("children_affected", "family_members_affected")


def codes_text(kind: str) -> str:
    """The codes of ``kind``, comma-separated, for messages and help."""
    return ", ".join(OUTCOME_CODES[kind])


def _people_problems(kind: str | None, people: Mapping[str, object]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for field in PEOPLE_FIELDS:
        value = people.get(field)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append((field, "must be a whole number, 0 or more"))
        elif value > MAX_INTEGER:
            problems.append((field, f"must be a whole number from 0 to {MAX_INTEGER:,}"))
        elif kind is not None and kind != "result":
            problems.append(
                (field, f"people affected are recorded on result events only, not on a {kind!r} event")
            )
    return problems


def taxonomy_problems(
    kind: str, code: str, people: Mapping[str, object] | None = None
) -> list[tuple[str, str]]:
    """What is wrong with a kind, a code and the people affected, as ``(field, message)`` pairs.

    Messages name the allowed values, never the value given (a mis-filled column could hold anything).
    """
    problems: list[tuple[str, str]] = []
    known_kind: str | None = None
    if not kind:
        problems.append(("kind", f"missing; the kinds are {', '.join(OUTCOME_CODES)}"))
    elif kind not in OUTCOME_CODES:
        problems.append(("kind", f"not a kind of outcome; the kinds are {', '.join(OUTCOME_CODES)}"))
    else:
        known_kind = kind
        if not code:
            problems.append(("code", f"missing; the codes of {kind!r} are {codes_text(kind)}"))
        elif code not in OUTCOME_CODES[kind]:
            problems.append(("code", f"not a code of {kind!r}; its codes are {codes_text(kind)}"))
    return problems + _people_problems(known_kind, people or {})
