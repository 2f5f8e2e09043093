"""Why a request got its decision: the best candidate and the runner-up, comparison by comparison.

The text summary names comparison levels and weights, never values. The waterfall chart (Splink's, as
self-contained HTML) shows the compared values side by side for a reviewer: it holds personal data and is
written only where the user asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sharelog.errors import InputError
from sharelog.linkage._decide import Thresholds
from sharelog.linkage._evidence import ComparisonEvidence, comparison_evidence
from sharelog.linkage._link import open_session
from sharelog.linkage._scoring import Scorer
from sharelog.linkage._session import MatchingSession

__all__ = ["Explanation", "explain"]


@dataclass(frozen=True)
class Explanation:
    """The decision on one request and the evidence behind it."""

    request_id: str
    decision: str
    reason: str
    pupil_id: str | None
    match_probability: float | None
    runner_up_id: str | None
    runner_up_probability: float | None
    gap_bits: float | None
    share_in_register: float
    register_rows: int
    evidence: list[ComparisonEvidence]
    chart: Path | None


def _pair(session: MatchingSession, request_id: str, pupil_id: str | None) -> dict[str, Any] | None:
    if pupil_id is None:
        return None
    cursor = session.con.execute(
        "SELECT * FROM predictions "
        "WHERE (unique_id_l = ? AND unique_id_r = ?) OR (unique_id_l = ? AND unique_id_r = ?)",
        [request_id, pupil_id, pupil_id, request_id],
    )
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()  # DuckDB needs every result fetched before the next query
    return dict(zip(names, rows[0], strict=True)) if rows else None


def explain(
    request_id: str,
    *,
    requests: Path,
    register: Path | None = None,
    prepared: Path | None = None,
    model: Path | None = None,
    chart: Path | None = None,
    scorer: Scorer | None = None,
    thresholds: Thresholds | None = None,
) -> Explanation:
    """Run the batch as ``link`` would and explain the decision on ``request_id``.

    Raises:
        InputError: the batch has no request with that id, or the chart's folder does not exist.
    """
    if chart is not None and not chart.parent.is_dir():
        raise InputError(f"the folder {chart.parent} does not exist", field="chart")
    session, _ = open_session(
        requests=requests, register=register, prepared=prepared, model=model, scorer=scorer
    )
    with session:
        session.score(retain_matching_columns=True)
        decided = session.decide(thresholds or Thresholds())
        cursor = session.con.execute("SELECT * FROM decisions WHERE request_id = ?", [request_id])
        names = [d[0] for d in cursor.description]
        found = cursor.fetchall()
        if not found:
            raise InputError(f"{requests}: no request with request_id {request_id!r}")
        row = dict(zip(names, found[0], strict=True))
        best = _pair(session, request_id, row["pupil_id"])
        runner_up = _pair(session, request_id, row["runner_up_id"])
        assert session.model is not None
        evidence = comparison_evidence(session.model.settings, best, runner_up) if best else []
        if chart is not None and best is not None:
            linker = session._linker(session.model.settings, retain_matching_columns=True)
            records = [pair for pair in (best, runner_up) if pair is not None]
            linker.visualisations.waterfall_chart(records, filter_nulls=False).save(str(chart))
        return Explanation(
            request_id=request_id,
            decision=row["decision"],
            reason=row["reason"],
            pupil_id=row["pupil_id"],
            match_probability=row["match_probability"],
            runner_up_id=row["runner_up_id"],
            runner_up_probability=row["runner_up_posterior"],
            gap_bits=row["gap_bits"],
            share_in_register=decided.share_in_register,
            register_rows=decided.register_size,
            evidence=evidence,
            chart=chart if best is not None else None,
        )
