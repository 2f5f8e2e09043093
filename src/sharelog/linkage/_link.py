"""The matching services behind ``sharelog link`` and ``sharelog model train``."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyarrow as pa

from sharelog.errors import InputError
from sharelog.linkage._decide import Thresholds
from sharelog.linkage._inputs import InputFile
from sharelog.linkage._model import LinkageModel, load_model, save_model
from sharelog.linkage._prepared import prepared_model
from sharelog.linkage._scoring import Scorer
from sharelog.linkage._session import MatchingSession, Progress, report_progress
from sharelog.private_files import replace_private
from sharelog.spreadsheets import safe_cell

__all__ = ["LinkResult", "link", "open_session", "train"]


@dataclass(frozen=True)
class LinkResult:
    """What ``link`` did: the file written, the counts per decision and how long each stage took."""

    out: Path
    requests: InputFile
    register_rows: int
    decisions: dict[str, int]
    share_in_register: float
    model: LinkageModel
    trained: bool
    backend: str
    reasons: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    candidates: int | None = None
    """How many pupils of a prepared register shared a blocking key with the batch and were scored (``None``:
    the whole register was)."""


def _check_out_file(out: Path) -> None:
    if not out.parent.is_dir():
        raise InputError(f"the folder {out.parent} does not exist", field="out")
    if out.is_dir():
        raise InputError(f"{out} is a folder; give a file name such as matches.csv", field="out")


def write_csv_rows(table: pa.Table, handle: IO[str]) -> None:
    """Write ``table`` as CSV to an open text handle: a header, then the rows in batches.

    Values are quoted only where CSV needs it; nulls are empty fields; lines end in ``\\n``. One definition of
    sharelog's CSV, whether it goes to a file or (encrypted return files) to memory first. Its files — matches,
    return files — are opened in spreadsheets by people, and their text comes from request batches, so every text
    cell is neutralised (:func:`sharelog.spreadsheets.neutralise`): a request id such as ``=HYPERLINK(…)`` is
    written ``'=HYPERLINK(…)``, never run. Numbers are written as they are.
    """
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([safe_cell(name) for name in table.column_names])
    for batch in table.to_batches(max_chunksize=65_536):
        columns = [_safe_column(column) for column in batch.columns]
        writer.writerows(zip(*columns, strict=True))


def _safe_column(column: pa.Array) -> list[object]:
    values = column.to_pylist()
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return values
    return [safe_cell(value) for value in values]


def write_csv_atomically(table: pa.Table, out: Path) -> None:
    """Write ``table`` as CSV beside ``out`` and move it into place: no partial file is ever left behind.

    Values are quoted only where CSV needs it; nulls are empty fields; text is neutralised for spreadsheets; the
    file is its owner's only (0600) — see :func:`write_csv_rows`.
    """
    with replace_private(out, "w", encoding="utf-8", newline="") as handle:
        write_csv_rows(table, handle)


def open_session(
    *,
    requests: Path,
    register: Path | None,
    prepared: Path | None,
    model: Path | None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    scorer: Scorer | None = None,
) -> tuple[MatchingSession, bool]:
    """A session with the register, the batch and a model loaded (trained on the batch if none is given).

    ``scorer``: what scores its pairs (default: DuckDB, in the session).

    Returns:
        The session (the caller closes it) and whether a model was trained for it.
    """
    if (register is None) == (prepared is None):
        raise InputError(
            "needs a register or a prepared register (one of them)",
            cli_hint="give either --register or --prepared",
        )
    timings = timings if timings is not None else {}
    session = MatchingSession(scorer=scorer)
    try:
        started = time.perf_counter()
        if prepared is not None:
            session.load_prepared(prepared)
        else:
            assert register is not None
            session.load_register(register, progress=progress)
        report_progress(progress, "requests", 0, 1)
        session.load_requests(requests)
        report_progress(progress, "requests", 1, 1)
        timings["read"] = time.perf_counter() - started
        started = time.perf_counter()
        trained = False
        if model is not None:
            session.use_model(load_model(model))
        elif prepared is not None and (given := prepared_model(prepared)) is not None:
            session.use_model(given)
        else:
            session.train(progress=progress)
            trained = True
        timings["train"] = time.perf_counter() - started
    except BaseException:
        session.close()
        raise
    return session, trained


def link(
    *,
    requests: Path,
    out: Path,
    register: Path | None = None,
    prepared: Path | None = None,
    model: Path | None = None,
    scorer: Scorer | None = None,
    thresholds: Thresholds | None = None,
    progress: Progress | None = None,
) -> LinkResult:
    """Match a request batch against a register and write one row per request to ``out``.

    Args:
        requests: the request batch (CSV or Parquet, docs/design.md §3).
        out: the matches file to write (CSV): ``request_id, pupil_id, match_probability, match_weight,
            decision``, every request present, in the batch's order.
        register: the register file (CSV or Parquet); or
        prepared: a folder written by ``sharelog register prepare``.
        model: a trained model JSON; default: the prepared register's, else one trained on this batch.
        scorer: what scores the pairs: DuckDB, embedded (the default), or
            :class:`sharelog.linkage.spark.SparkScorer`.
        thresholds: the decision bands; default :class:`Thresholds` ().
        progress: called as ``progress(stage, done, total)``.
    """
    _check_out_file(out)
    thresholds = thresholds or Thresholds()
    timings: dict[str, float] = {}
    session, trained = open_session(
        requests=requests,
        register=register,
        prepared=prepared,
        model=model,
        progress=progress,
        timings=timings,
        scorer=scorer,
    )
    with session:
        started = time.perf_counter()
        session.score(progress=progress)
        timings["score"] = time.perf_counter() - started
        started = time.perf_counter()
        report_progress(progress, "deciding", 0, 1)
        decided = session.decide(thresholds)
        matches = session.matches()
        write_csv_atomically(matches, out)
        report_progress(progress, "deciding", 1, 1)
        timings["decide"] = time.perf_counter() - started
        counts = session.decision_counts()
        reasons = session.decision_counts(by="reason")
        assert (
            session.requests is not None and session.model is not None and session.register_info is not None
        )
        return LinkResult(
            out=out,
            requests=session.requests,
            register_rows=session.register_info.rows,
            decisions={k: counts.get(k, 0) for k in ("match", "review", "no_match")},
            share_in_register=decided.share_in_register,
            model=session.model,
            trained=trained,
            backend=session.scorer.name,
            reasons=reasons,
            seconds=timings,
            candidates=session.candidates,
        )


def train(*, register: Path, requests: Path, out: Path, progress: Progress | None = None) -> LinkageModel:
    """Train a model without labels on a register and a representative request batch; save it to ``out``."""
    _check_out_file(out)
    with MatchingSession() as session:
        session.load_register(register, progress=progress)
        session.load_requests(requests)
        model = session.train(progress=progress)
    save_model(model, out)
    return model
