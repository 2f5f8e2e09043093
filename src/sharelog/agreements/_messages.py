"""Pydantic's validation errors rewritten for the person who maintains the agreement files.

A data-protection officer should read "must be a whole number (without quotes)", not "Input should be a valid
integer". Values are quoted only when they are words from an agreement's own vocabulary (a field name, a
recipient), never data about a person: agreement files hold none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic_core import ErrorDetails

from sharelog.agreements._rules import Issue
from sharelog.agreements._vocabulary import (
    ALL_TERMS,
    ONWARD_RECIPIENTS,
    PROVENANCE_STATUSES,
    REQUEST_FIELDS,
    RETURN_FIELDS,
    TERMS,
)

__all__ = ["issue_from_error", "issues_from_errors"]

_VOCABULARIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "request_fields": ("is not a column of the request batch", REQUEST_FIELDS),
    "match_fields": ("is not a column of the request batch", REQUEST_FIELDS),
    "return_fields": ("is not a register column the holder can return", RETURN_FIELDS),
    "onward_recipients": ("is not a kind of onward recipient sharelog knows", ONWARD_RECIPIENTS),
    "provenance": ("is not a term that takes a provenance entry", ALL_TERMS),
}

_PLAIN: dict[str, str] = {
    "missing": "is required but missing",
    "extra_forbidden": (
        "is not a term sharelog knows here: check the spelling (unknown terms are refused rather than ignored)"
    ),
    "string_too_short": "must not be empty",
    "int_type": "must be a whole number (without quotes)",
    "tuple_type": "must be a list, one '- item' per line",
    "too_short": "must list at least one item",
    "model_type": "must be a mapping, one 'name: value' per line",
    "model_attributes_type": "must be a mapping, one 'name: value' per line",
    "dict_type": "must be a mapping, one 'name: value' per line",
    "date_type": "must be a date written YYYY-MM-DD",
}


def issues_from_errors(errors: list[ErrorDetails]) -> list[Issue]:
    """Pydantic's errors as issues, less the noise.

    A list whose only items are invalid is also reported "too short" (pydantic counts the valid items); the
    invalid items say all there is to say.
    """
    pairs = [(error["type"], issue_from_error(error)) for error in errors]
    located = [issue.loc for _, issue in pairs]

    def has_item_issues(loc: tuple[str | int, ...]) -> bool:
        return any(len(other) > len(loc) and other[: len(loc)] == loc for other in located)

    return [issue for kind, issue in pairs if not (kind == "too_short" and has_item_issues(issue.loc))]


def issue_from_error(error: ErrorDetails) -> Issue:
    """One pydantic error as an :class:`Issue`: its location (dict-key markers dropped) and a plain message."""
    loc = tuple(part for part in error["loc"] if part != "[key]")
    return Issue(loc, _message(error, loc))


def _message(error: ErrorDetails, loc: tuple[str | int, ...]) -> str:
    kind = error["type"]
    if kind != "missing" and "input" in error and error["input"] is None:
        if len(loc) != 1 or loc[0] not in TERMS:
            return "must have a value"
        return (
            "must have a value: where the real term is not known, give sharelog's working value and mark it "
            "'assumed' in provenance"
        )
    special = _SPECIAL.get(kind)
    if special is not None:
        return special(error, loc)
    return _PLAIN.get(kind, error["msg"])


def _literal(error: ErrorDetails, loc: tuple[str | int, ...]) -> str:
    value: Any = error.get("input")
    term = str(loc[0]) if loc else ""
    if term == "return_fields" and value == "pupil_id":
        return "'pupil_id' is the holder's internal key and is never returned"
    if loc and loc[-1] == "status":
        return f"must be one of: {', '.join(PROVENANCE_STATUSES)}"
    what, allowed = _VOCABULARIES.get(term, ("is not allowed here", ()))
    shown = f"'{value}'" if isinstance(value, str) and len(value) <= 60 else "this value"
    choices = ", ".join(allowed) if allowed else error.get("ctx", {}).get("expected", "")
    return f"{shown} {what}; use one of: {choices}"


def _string_type(error: ErrorDetails, loc: tuple[str | int, ...]) -> str:
    if loc == ("version",):
        return 'must be text in quotes, e.g. version: "1.0" (unquoted, 1.0 is read as a number)'
    if isinstance(error.get("input"), dict):
        return "must be text; put it in quotes if it contains ': ' (YAML reads that as a mapping)"
    return "must be text"


def _pattern(error: ErrorDetails, loc: tuple[str | int, ...]) -> str:
    if loc == ("version",):
        return 'must be numbers separated by dots, e.g. "2.1"'
    return "must be lower-case letters and digits joined by single hyphens, e.g. 'ho-dfe-2015-mou'"


def _greater_than(error: ErrorDetails, loc: tuple[str | int, ...]) -> str:
    return f"must be more than {error.get('ctx', {}).get('gt', 0)}"


def _value_error(error: ErrorDetails, loc: tuple[str | int, ...]) -> str:
    return str(error.get("ctx", {}).get("error", error["msg"]))


_SPECIAL: dict[str, Callable[[ErrorDetails, tuple[str | int, ...]], str]] = {
    "literal_error": _literal,
    "string_type": _string_type,
    "string_pattern_mismatch": _pattern,
    "greater_than": _greater_than,
    "value_error": _value_error,
}
