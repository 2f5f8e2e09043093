"""One request at a time: a prepared register held open with its model, to decide single trace requests fast.

What an API call for one trace would do: :class:`RequestMatcher` opens the prepared register in place once (a
:class:`~sharelog.linkage.MatchingSession` with the model), and :meth:`RequestMatcher.match` takes one request's
fields and returns its decision. Each call reads the request as a one-row batch (checked exactly as a batch
file is), finds the register rows that share a blocking key with it, scores them and decides — the same
decision ``sharelog link --prepared`` gives that request alone in a batch. Nothing is recorded: an exchange of
requests with a partner goes through the exchange service and its ledger.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from sharelog.errors import InputError, ValidationFailed
from sharelog.linkage._decide import Thresholds
from sharelog.linkage._model import LinkageModel
from sharelog.linkage._prepared import prepared_model
from sharelog.linkage._session import MatchingSession
from sharelog.private_files import open_private

__all__ = ["RequestMatch", "RequestMatcher"]


@dataclass(frozen=True)
class RequestMatch:
    """The decision on one request."""

    request_id: str
    decision: str
    """``match``, ``review`` or ``no_match``."""
    reason: str
    pupil_id: str | None
    """The best candidate (``None``: no pupil shares a blocking key with the request)."""
    match_probability: float | None


class RequestMatcher:
    """A prepared register and its model, held open to match one request at a time. Use as a context manager.

    Args:
        prepared: a folder written by ``sharelog register prepare`` (with a model, or give ``model``).
        model: the model to score with (default: the prepared register's).
        thresholds: the decision bands (default :class:`Thresholds` ()).
        threads: DuckDB worker threads (default: all cores).

    Raises:
        InputError: the folder is not a prepared register, or it has no model and none is given.
    """

    def __init__(
        self,
        prepared: Path,
        *,
        model: LinkageModel | None = None,
        thresholds: Thresholds | None = None,
        threads: int | None = None,
    ) -> None:
        model = model if model is not None else prepared_model(prepared)
        if model is None:
            raise InputError(
                f"{prepared} has no model", cli_hint="prepare it again with --train-requests or --model"
            )
        self._thresholds = thresholds or Thresholds()
        self._scratch = tempfile.TemporaryDirectory(prefix="sharelog-request-")
        self._session = MatchingSession(threads=threads, keep_linker=True)
        try:
            self._session.load_prepared(prepared)
            self._session.use_model(model)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> RequestMatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the session and remove the scratch folder."""
        self._session.close()
        self._scratch.cleanup()

    @property
    def register_rows(self) -> int:
        """How many pupils the register holds."""
        assert self._session.register_info is not None
        return self._session.register_info.rows

    def match(self, request: Mapping[str, str | None]) -> RequestMatch:
        """Decide one request, given as the columns of a request batch (``request_id``, ``forename``,
        ``surname``, ``dob``…; a missing or ``None`` field is blank).

        Raises:
            ValidationFailed: the request breaks the batch schema (as a one-row batch file would).
        """
        path = Path(self._scratch.name) / "request.csv"
        names = list(request)
        with open_private(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(names)
            writer.writerow(["" if request[name] is None else request[name] for name in names])
        try:
            self._session.load_requests(path)
        except ValidationFailed as failure:  # name the request, not the scratch file
            problems = [
                replace(p, file="the request") if p.file == str(path) else p for p in failure.problems
            ]
            raise ValidationFailed(problems) from None
        finally:
            path.unlink(missing_ok=True)
        self._session.score()
        self._session.decide(self._thresholds)
        row = self._session.matches().to_pylist()[0]
        reasons = self._session.decision_counts(by="reason")
        return RequestMatch(
            request_id=str(row["request_id"]),
            decision=str(row["decision"]),
            reason=next(iter(reasons)),
            pupil_id=row["pupil_id"],
            match_probability=row["match_probability"],
        )
