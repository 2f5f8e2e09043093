"""Exchange files, written so that they exist if and only if the ledger records their exchange.

Each exchange writes a return file (``returns/<reference>.csv``, sent to the requester) and, when some requests
fall in the review band, a review file (``review/<reference>.json``: what a reviewer compares; deleted once all
are decided). Each is first written as ``.<name>.partial`` beside its final place; the ledger transaction
commits; then the files are renamed into place. A crash leaves either nothing (the next run deletes the
partials) or a committed exchange whose partials the next run renames: :func:`recover_exchange_files`.

Partial files of a run still going are not a crash's leftovers: from its first partial file until its files are
in place, a run (an exchange, a review's completion) holds a shared lock on ``<data dir>/.exchange-files.lock``
(:func:`files_in_flight`), and recovery runs only when it can take that lock exclusively — otherwise it leaves
everything to a later run. A killed process's lock goes with it, so its leftovers are recovered next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.exchange._events import ReviewFileDeleted
from sharelog.ledger.audit import append_audit_event
from sharelog.ledger.models import Exchange, ReturnFile
from sharelog.linkage import write_csv_atomically
from sharelog.private_files import open_private, private_dir

__all__ = [
    "crash_point",
    "file_checksum",
    "files_in_flight",
    "partial_path",
    "recover_exchange_files",
    "write_partial_csv",
    "write_partial_json",
]


def crash_point(name: str) -> None:
    """Fault injection for the crash-safety tests: SIGKILL this process at ``name`` when asked to.

    Set ``SHARELOG_CRASH_AT=<name>`` to kill the process there; unset, this does nothing.
    """
    if os.environ.get("SHARELOG_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def partial_path(final: Path) -> Path:
    """Where a file is written before its exchange commits."""
    return final.with_name(f".{final.name}.partial")


def file_checksum(path: Path) -> str:
    """sha256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_partial_csv(table: pa.Table, final: Path) -> tuple[Path, str]:
    """Write ``table`` to the partial path of ``final`` (synced to disk); return it with its checksum."""
    private_dir(final.parent)
    partial = partial_path(final)
    write_csv_atomically(table, partial)  # 0600, its text cells neutralised for spreadsheets
    return partial, file_checksum(partial)


def write_partial_json(document: Any, final: Path) -> Path:
    """Write ``document`` as JSON to the partial path of ``final`` (synced to disk)."""
    private_dir(final.parent)
    partial = partial_path(final)
    with open_private(partial, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1, default=str)
        handle.flush()
        os.fsync(handle.fileno())
    return partial


def _reference_of(path: Path) -> str:
    return path.name.lstrip(".").split(".", 1)[0]


def _final_of(partial: Path) -> Path:
    return partial.with_name(partial.name[1 : -len(".partial")])


def _record_recovered_deletion(
    session: Session, path: Path, *, data_dir: Path, digest: str, actor: str
) -> None:
    """A review file that review completion should have deleted (a crash came first) is deleted now: say so."""
    detail = {"reason": "recovery", "path": str(path.relative_to(data_dir)), "sha256": digest, "found": True}
    event = ReviewFileDeleted(
        actor=actor, object_type="review_file", object_id=_reference_of(path), detail=detail
    )
    append_audit_event(session, event)


LOCK_NAME = ".exchange-files.lock"


@contextmanager
def _files_lock(data_dir: Path, *, exclusive: bool) -> Iterator[bool]:
    """Hold the data folder's files lock (``flock``): shared waits for it; exclusive does not, and yields
    whether it got it. Closing the descriptor — or the process dying — releases it."""
    if sys.platform == "win32":  # no flock: runs there must not overlap
        yield True
        return
    import fcntl

    data_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH)
            held = True
        except BlockingIOError:
            held = False
        yield held
    finally:
        os.close(descriptor)


@contextmanager
def files_in_flight(data_dir: Path) -> Iterator[None]:
    """Held by a run from writing its first partial file until its files are in place (or it failed), so that
    recovery by another run at the same time never takes them for a crash's leftovers."""
    with _files_lock(data_dir, exclusive=False):
        yield


def recover_exchange_files(
    session: Session, *, data_dir: Path, returns_dir: Path, review_dir: Path, actor: str = "sharelog"
) -> tuple[int, int]:
    """Finish what a crash interrupted, so that files and ledger agree again.

    - a partial return file whose ``ReturnFile`` row committed is renamed into place; otherwise deleted;
    - a partial review file whose exchange committed is renamed into place; otherwise deleted;
    - a review file whose exchange has nothing left to review is deleted (its decisions are in the ledger),
      and the deletion recorded as ``review-file-deleted`` (reason ``recovery``).

    Nothing is done while another run has files in flight (:func:`files_in_flight`): its partial files are not
    leftovers, and a later run recovers whatever a crash left.

    Returns:
        How many files were completed and how many were deleted.
    """
    with _files_lock(data_dir, exclusive=True) as alone:
        if not alone:
            return 0, 0
        return _recover(
            session, data_dir=data_dir, returns_dir=returns_dir, review_dir=review_dir, actor=actor
        )


def _recover(
    session: Session, *, data_dir: Path, returns_dir: Path, review_dir: Path, actor: str
) -> tuple[int, int]:
    completed = deleted = 0
    if returns_dir.is_dir():
        for partial in sorted(returns_dir.glob(".*.partial")):
            final = _final_of(partial)
            recorded = session.execute(
                select(ReturnFile.id).where(ReturnFile.path == str(final.relative_to(data_dir)))
            ).first()
            if recorded is not None:
                partial.replace(final)
                completed += 1
            else:
                partial.unlink()
                deleted += 1
    if review_dir.is_dir():
        for path in sorted(review_dir.iterdir()):
            exchange = session.execute(
                select(Exchange).where(Exchange.reference == _reference_of(path))
            ).scalar_one_or_none()
            pending = exchange is not None and any(item.decision is None for item in exchange.review_items)
            if path.name.endswith(".partial") and exchange is not None and pending:
                path.replace(_final_of(path))
                completed += 1
            elif path.name.endswith(".partial") or not pending:
                digest = file_checksum(path) if exchange is not None and path.is_file() else None
                path.unlink()
                deleted += 1
                if digest is not None and exchange is not None and not path.name.endswith(".partial"):
                    _record_recovered_deletion(session, path, data_dir=data_dir, digest=digest, actor=actor)
    return completed, deleted
