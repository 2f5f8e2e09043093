"""Recovery: after a crash, finish what it interrupted, so that an exchange's files and the ledger agree again.

See :mod:`._files` for how the files are written (partials, then renamed once the ledger commits) and the lock
that keeps recovery away from a run still going.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.exchange._events import ReviewFileDeleted
from sharelog.exchange._files import file_checksum, files_exclusively, final_path
from sharelog.ledger.audit import append_audit_event
from sharelog.ledger.models import Exchange, ReturnFile

__all__ = ["recover_exchange_files"]


def _reference_of(path: Path) -> str:
    return path.name.lstrip(".").split(".", 1)[0]


def _record_recovered_deletion(
    session: Session, path: Path, *, data_dir: Path, digest: str, actor: str
) -> None:
    """A review file that review completion should have deleted (a crash came first) is deleted now: say so."""
    detail = {"reason": "recovery", "path": str(path.relative_to(data_dir)), "sha256": digest, "found": True}
    event = ReviewFileDeleted(
        actor=actor, object_type="review_file", object_id=_reference_of(path), detail=detail
    )
    append_audit_event(session, event)


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
    with files_exclusively(data_dir) as alone:
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
            final = final_path(partial)
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
                path.replace(final_path(path))
                completed += 1
            elif path.name.endswith(".partial") or not pending:
                digest = file_checksum(path) if exchange is not None and path.is_file() else None
                path.unlink()
                deleted += 1
                if digest is not None and exchange is not None and not path.name.endswith(".partial"):
                    _record_recovered_deletion(session, path, data_dir=data_dir, digest=digest, actor=actor)
    return completed, deleted
