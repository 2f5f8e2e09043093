"""What a matching session hands out once it has decided: the SQL that reads its tables, and the rows it gives.

Only :class:`sharelog.linkage.MatchingSession` runs these queries, on its own connection; other packages receive
the results (Arrow tables, lists of dataclasses), never the tables. The session's tables: ``register_raw`` and
``requests_raw`` (the files as given, ``__row`` numbering the request file's rows), ``decisions`` (one row per
request, see :mod:`sharelog.linkage._decide`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sharelog.linkage._evidence import ComparisonEvidence

__all__ = [
    "RequestDecision",
    "ReviewRow",
    "columns_sql",
    "decision_counts_sql",
    "decisions_sql",
    "matches_sql",
    "returned_rows_sql",
    "review_pairs_sql",
    "review_rows_sql",
]


@dataclass(frozen=True)
class RequestDecision:
    """The decision on one request, with its best candidate's probability (none without a candidate)."""

    request_id: str
    decision: str
    """``match``, ``review`` or ``no_match``."""
    match_probability: float | None


@dataclass(frozen=True)
class ReviewRow:
    """A request in the review band: its best candidate and the request's details a reviewer compares, the
    runner-up (when there is one) and each comparison's evidence for both (levels and weights, no values)."""

    request_id: str
    pupil_id: str
    match_probability: float
    reason: str
    details: dict[str, Any]
    runner_up_id: str | None = None
    runner_up_probability: float | None = None
    gap_bits: float | None = None
    evidence: list[ComparisonEvidence] = field(default_factory=list)


def _quoted(names: Sequence[str], *, alias: str) -> list[str]:
    return [f'{alias}."{name}"' for name in names]


def columns_sql(table: str) -> str:
    """The columns of one of the session's tables (their names come first)."""
    return f"DESCRIBE {table}"


def decisions_sql() -> str:
    """Every request's decision and probability, by request id."""
    return "SELECT request_id, decision, match_probability FROM decisions ORDER BY request_id"


def decision_counts_sql(column: str) -> str:
    """How many requests have each value of ``column`` of the decisions (``decision``, ``reason``)."""
    return f"SELECT {column}, count(*) FROM decisions GROUP BY 1"


def matches_sql() -> str:
    """One row per request in the order of the request file: best candidate, probability, weight, decision."""
    return (
        "SELECT d.request_id, d.pupil_id, d.match_probability, d.match_weight, d.decision "
        "FROM decisions AS d JOIN requests_raw AS r ON r.request_id = d.request_id ORDER BY r.__row"
    )


def returned_rows_sql(fields: Sequence[str]) -> str:
    """The matches in the order of the request file, with the register's ``fields`` of each matched pupil and
    the probability rounded to six places, as a return file holds it."""
    selected = "".join(f", {column}" for column in _quoted(fields, alias="r"))
    return (
        f"SELECT d.request_id, d.pupil_id, round(d.match_probability, 6) AS match_probability{selected} "
        "FROM decisions AS d JOIN register_raw AS r ON r.pupil_id = d.pupil_id "
        "JOIN requests_raw AS q ON q.request_id = d.request_id "
        "WHERE d.decision = 'match' ORDER BY q.__row"
    )


def review_rows_sql(details: Sequence[str]) -> str:
    """The review band in the order of the request file: candidate, probability, reason and the request's
    ``details``."""
    selected = "".join(f", {column}" for column in _quoted(details, alias="q"))
    return (
        "SELECT d.request_id, d.pupil_id, d.match_probability, d.reason, d.runner_up_id, d.runner_up_posterior, "
        f"d.gap_bits{selected} "
        "FROM decisions AS d JOIN requests_raw AS q ON q.request_id = d.request_id "
        "WHERE d.decision = 'review' ORDER BY q.__row"
    )


def review_pairs_sql(predictions: str) -> str:
    """The scored pairs of the review band's requests with their best candidate or runner-up: every column of
    ``predictions`` (levels and weights of each comparison), after ``__request_id`` and ``__pupil_id``."""
    request = "CASE WHEN p.source_dataset_l = 'requests' THEN p.unique_id_l ELSE p.unique_id_r END"
    pupil = "CASE WHEN p.source_dataset_l = 'requests' THEN p.unique_id_r ELSE p.unique_id_l END"
    return (
        f"SELECT {request} AS __request_id, {pupil} AS __pupil_id, p.* FROM {predictions} AS p "
        f"JOIN decisions AS d ON d.request_id = {request} AND {pupil} IN (d.pupil_id, d.runner_up_id) "
        "WHERE d.decision = 'review'"
    )
