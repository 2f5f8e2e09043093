"""Rules that relate several terms of one agreement file.

They read the raw YAML data, not the validated model, so that they still run when some other term has the wrong
type: a person fixing a file then sees every problem in one pass. A rule whose inputs are malformed stays silent,
because the type check already reports them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sharelog.agreements._vocabulary import (
    MATCHABLE_FIELDS,
    NULL_MEANS_UNKNOWN,
    NULLABLE_TERMS,
    OPTIONAL_TERMS,
    PROVENANCE_STATUSES,
    TERMS,
)
from sharelog.agreements._yaml import Loc

__all__ = ["Issue", "document_issues"]


@dataclass(frozen=True)
class Issue:
    """A problem found inside a document: the path of the term it is about, and what is wrong."""

    loc: Loc
    message: str
    line: int | None = None  # where it is, when the path alone would point elsewhere


def document_issues(data: Mapping[str, Any]) -> list[Issue]:
    """Every problem of one agreement document that involves more than one term, or repeats within a list."""
    return [
        *_request_id_issues(data),
        *_duplicate_issues(data),
        *_match_field_issues(data),
        *_date_order_issues(data),
        *_provenance_issues(data),
    ]


def _strings(value: Any) -> list[str] | None:
    """The text items of a list, or None when the value is not a list."""
    if not isinstance(value, list):
        return None
    return [item for item in value if isinstance(item, str)]


def _request_id_issues(data: Mapping[str, Any]) -> Iterator[Issue]:
    fields = _strings(data.get("request_fields"))
    if fields and "request_id" not in fields:
        yield Issue(
            ("request_fields",),
            "must include 'request_id': each request row needs its own reference so the return can answer it",
        )


def _duplicate_issues(data: Mapping[str, Any]) -> Iterator[Issue]:
    for term in ("request_fields", "match_fields", "return_fields", "onward_recipients"):
        items = data.get(term)
        if isinstance(items, list):
            yield from _repeats(items, (term,), (), "is listed twice")
    purposes = data.get("purposes")
    if isinstance(purposes, list):
        codes = [purpose.get("code") if isinstance(purpose, dict) else None for purpose in purposes]
        message = "is the code of an earlier purpose too; each purpose needs its own code"
        yield from _repeats(codes, ("purposes",), ("code",), message)


def _repeats(values: list[Any], prefix: Loc, suffix: Loc, message: str) -> Iterator[Issue]:
    """An issue for each text value that repeats an earlier one, at ``prefix.<index>.suffix``."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if not isinstance(value, str):
            continue
        if value in seen:
            yield Issue((*prefix, index, *suffix), f"'{value}' {message}")
        seen.add(value)


def _match_field_issues(data: Mapping[str, Any]) -> Iterator[Issue]:
    match_fields = data.get("match_fields")
    request_fields = _strings(data.get("request_fields"))
    if not isinstance(match_fields, list):
        return
    for index, field in enumerate(match_fields):
        if not isinstance(field, str):
            continue
        if request_fields is not None and field not in request_fields:
            yield Issue(
                ("match_fields", index),
                f"'{field}' is a match field but not a request field: the holder can only match on what the "
                "requester is allowed to send",
            )
        elif field in ("request_id", "case_reference"):
            yield Issue(
                ("match_fields", index),
                f"'{field}' is the requester's own reference, not something the register holds; "
                f"match on: {', '.join(MATCHABLE_FIELDS)}",
            )


def _date_order_issues(data: Mapping[str, Any]) -> Iterator[Issue]:
    start, end = _as_date(data.get("valid_from")), _as_date(data.get("valid_to"))
    if start is not None and end is not None and end < start:
        yield Issue(("valid_to",), "is before valid_from: the agreement would never be in force")


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _provenance_issues(data: Mapping[str, Any]) -> Iterator[Issue]:
    provenance = data.get("provenance")
    if not isinstance(provenance, dict):
        return
    given = [term for term in OPTIONAL_TERMS if data.get(term) is not None]
    for term in (*TERMS, *given):
        entry = provenance.get(term)
        if term not in provenance:
            yield Issue(
                ("provenance",),
                f"has no entry for '{term}': say where it comes from "
                f"({', '.join(PROVENANCE_STATUSES)}) with a short note",
            )
        elif isinstance(entry, dict) and entry.get("status") in PROVENANCE_STATUSES and term in data:
            yield from _status_issues(term, data[term], entry["status"])


def _status_issues(term: str, value: Any, status: str) -> Iterator[Issue]:
    loc = ("provenance", term, "status")
    if value is None and term in NULL_MEANS_UNKNOWN and status != "unknown":
        yield Issue(loc, f"must be 'unknown' because '{term}' is null (not known)")
    elif value is not None and status == "unknown" and term in NULLABLE_TERMS:
        yield Issue(
            loc,
            f"is 'unknown' but '{term}' has a value: set the term to null, or say where the value comes from",
        )
    elif value is not None and status == "unknown":
        yield Issue(
            loc,
            f"is 'unknown', but sharelog needs a value for '{term}': where the real term is not known, give "
            "sharelog's working value and mark it 'assumed', with a note saying so",
        )
