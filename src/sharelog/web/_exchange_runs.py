"""Batches run from the web page: matched one at a time on a background thread, watched from a status page.

Matching a month's batch takes from seconds to minutes, longer than a request should wait. So the page saves the
upload (the same :func:`~sharelog.web._uploads.saved_batch` as the API), hands it to :func:`run_exchange` — the
one service the API and the command line call — on a worker thread, and sends the operator to a status page that
reads the run's stage until it ends, with the result or the errors.

The runs live in the process (one worker per uvicorn worker), for an hour after they end; the exchange itself is
in the ledger from the moment it is recorded. A run is seen only by the account that started it.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from fastapi import UploadFile
from sqlalchemy import Engine

from sharelog.errors import NotFound, SharelogError
from sharelog.exchange import ExchangeResult, run_exchange
from sharelog.settings import Settings
from sharelog.web._uploads import saved_batch

__all__ = ["STAGES", "ExchangeRun", "ExchangeRunRequest", "ExchangeRuns"]

log = logging.getLogger("sharelog.web")

# What each stage is called on the status page, in the order a run goes through them.
STAGES = {
    "queued": "Waiting for another batch to finish",
    "checking": "Checking the batch against its schema and the agreement",
    "matching": "Matching the requests against the register",
    "recording": "Writing the return file and recording the exchange",
    "done": "Finished",
    "failed": "Refused",
}
KEEP_SECONDS = 3600  # how long a finished run's status stays readable
MAX_KEPT = 200


@dataclass(frozen=True)
class ExchangeRunRequest:
    """What the operator asked for: the batch's agreement, purpose and month, and whether it is a rerun."""

    agreement_id: str
    purpose: str
    month: str
    rerun: bool = False


@dataclass
class ExchangeRun:
    """One batch on its way: who started it, its stage, and in the end the result or the error."""

    id: str
    username: str
    asked: ExchangeRunRequest
    batch_name: str
    started_at: datetime
    stage: str = "queued"
    result: ExchangeResult | None = None
    error: SharelogError | None = None
    ended_at: float | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        """Done or refused: the status page stops refreshing."""
        return self.stage in ("done", "failed")


class ExchangeRuns:
    """The runs started in this process, and the one worker thread that matches them in turn."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._runs: dict[str, ExchangeRun] = {}
        self._lock = threading.Lock()
        self._clock = clock
        # one at a time: matching loads the prepared register and uses the machine's cores on its own
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sharelog-exchange-run")

    def start(
        self,
        settings: Settings,
        *,
        engine: Engine,
        upload: UploadFile,
        asked: ExchangeRunRequest,
        username: str,
        holder: str,
    ) -> ExchangeRun:
        """Save the upload and queue its run; the upload is deleted when the run ends.

        Raises:
            InputError: (field ``batch``) not a .csv or .parquet file, or too large.
        """
        with ExitStack() as stack:
            path = stack.enter_context(saved_batch(upload, folder=settings.data_dir / "incoming"))
            run = ExchangeRun(
                id=secrets.token_urlsafe(16),
                username=username,
                asked=asked,
                batch_name=path.name,
                started_at=datetime.now(UTC),
            )
            self._keep(run)
            cleanup = stack.pop_all()  # the worker deletes the upload once the run ends
        self._worker.submit(self._run, run, cleanup, settings, engine, path, holder)
        return run

    def find(self, run_id: str, *, username: str) -> ExchangeRun:
        """The run as it stands now, if ``username`` started it.

        Raises:
            NotFound: no such run in this process (or another account's, or ended over an hour ago).
        """
        with self._lock:  # a copy taken while the worker cannot change it: stage, result and error agree
            run = replace(self._runs[run_id]) if run_id in self._runs else None
        if run is None or run.username != username:
            raise NotFound("no batch run with this reference: it may have ended over an hour ago")
        return run

    def _keep(self, run: ExchangeRun) -> None:
        with self._lock:
            now = self._clock()
            for old in [r.id for r in self._runs.values() if r.ended_at and now - r.ended_at > KEEP_SECONDS]:
                del self._runs[old]
            while len(self._runs) >= MAX_KEPT:
                ended = [r for r in self._runs.values() if r.ended_at is not None]
                if not ended:
                    break
                del self._runs[min(ended, key=lambda r: r.ended_at or 0.0).id]
            self._runs[run.id] = run

    def _run(
        self,
        run: ExchangeRun,
        cleanup: ExitStack,
        settings: Settings,
        engine: Engine,
        path: Path,
        holder: str,
    ) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            self._update(run, stage="recording" if stage == "matching" and done >= total else stage)

        try:
            self._update(run, stage="checking")
            result = run_exchange(
                settings,
                engine=engine,
                agreement_id=run.asked.agreement_id,
                purpose=run.asked.purpose,
                batch=path,
                month=run.asked.month,
                rerun=run.asked.rerun,
                progress=progress,
                holder=holder,
                name=run.batch_name,
                linked=None,  # under an agreement with encoded matching, the linkage unit's answer
            )
            self._update(run, stage="done", result=result)
        except SharelogError as error:
            self._update(run, stage="failed", error=error)
        except Exception as error:  # its text could quote the batch: log the kind only (as the CLI does)
            log.error("a batch run from the web failed: %s", type(error).__name__)
            failure = SharelogError("something went wrong while running the batch; nothing was returned")
            self._update(run, stage="failed", error=failure)
        finally:
            cleanup.close()
            self._update(run, ended_at=self._clock())

    def _update(self, run: ExchangeRun, **changes: object) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(run, name, value)

    def shutdown(self) -> None:
        """Stop taking runs; wait for the one running to end (it is crash-safe if the process dies instead)."""
        self._worker.shutdown(wait=True, cancel_futures=True)
