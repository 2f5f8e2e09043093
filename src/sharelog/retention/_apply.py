"""Retention: deleting return files and review files once their retention date has passed, and saying so.

A return file is due when its ``retention_until`` date is before today (the date itself is its last day); an
exchange's review file when the exchange's retention date — that of its earliest, main, return file — is. The
ledger's counts and pseudonymous rows stay: only the files holding personal data go.

**Order: delete, then record.** Each file is deleted (and the deletion synced to disk) before its own small
transaction records it (``deleted_at`` and an audit event). A crash between the two leaves a file that is gone
while the ledger still lists it as held — the safe way round: the ledger never claims a deletion that did not
happen, and no personal data outlives its retention date behind a ledger that says it is gone. The next run
finds the row still due, finds no file, and records the deletion as ``found: false``. The recording is a
conditional update (``WHERE deleted_at IS NULL``), so two runs at once record each file once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, func, select, update
from sqlalchemy.orm import Session

from sharelog.errors import InputError

# One definition of an exchange's files (where they are, where one waits before its exchange commits, a file's
# checksum) and of the events that record their deletion: the exchange's.
from sharelog.exchange import (
    ReturnFileDeleted,
    ReviewFileDeleted,
    file_checksum,
    partial_path,
    review_file_path,
)
from sharelog.ledger import append_audit_event, ledger_session
from sharelog.ledger.models import AuditEvent, Exchange, ReturnFile, ReviewItem
from sharelog.settings import Settings

__all__ = ["ExpiredFile", "RetentionResult", "apply_retention"]


@dataclass(frozen=True)
class ExpiredFile:
    """A file past its retention date: what it is, whether it was there, and whether its deletion was recorded."""

    kind: str
    """``main`` or ``supplementary`` (return files) or ``review``."""
    exchange: str
    path: str
    """Where it is, relative to the data folder."""
    retention_until: date
    found: bool
    """The file was on disk (at its name, or still as a partial file). In a dry run: is on disk."""
    sha256: str | None
    """Return files: the checksum the ledger recorded. Review files: the checksum of the bytes deleted."""
    checksum_matched: bool | None
    """Return files: the bytes deleted were the ones recorded (None when nothing was found or for review files)."""
    recorded: bool
    """This run recorded the deletion (never in a dry run; not when another run at the same time did)."""


@dataclass(frozen=True)
class RetentionResult:
    """What retention deleted (or, in a dry run, would delete) and what it refused to touch."""

    today: date
    dry_run: bool
    files: tuple[ExpiredFile, ...]
    refused: tuple[str, ...]
    """Ledger paths that point outside the data folder; never deleted, reported for someone to look at."""


@dataclass(frozen=True)
class _DueReturn:
    id: int
    kind: str
    path: str
    checksum: str
    rows: int
    retention_until: date
    exchange: str


@dataclass(frozen=True)
class _DueReview:
    exchange: str
    path: str
    retention_until: date
    undecided: int


def _inside(data_dir: Path, relative: str) -> Path | None:
    """The file a ledger path names inside the data folder, or None when it would lead outside."""
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts or not candidate.parts:
        return None
    return data_dir / candidate


def _present(location: Path) -> bool:
    return location.is_file() or partial_path(location).is_file()


def _sync_folder(folder: Path) -> None:
    """Make a deletion durable before the ledger records it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:  # some file systems cannot sync a folder; the unlink has still happened
        pass
    finally:
        os.close(descriptor)


def _delete(location: Path) -> tuple[bool, str | None]:
    """Delete the file and any partial copy of it; whether anything was there, and the checksum of what was."""
    found, digest = False, None
    for candidate in (location, partial_path(location)):
        if candidate.is_file():
            digest = digest or file_checksum(candidate)
            candidate.unlink(missing_ok=True)  # missing_ok: another run may have got there first
            found = True
    if found:
        _sync_folder(location.parent)
    return found, digest


def _due_return_files(session: Session, today: date) -> list[_DueReturn]:
    rows = session.execute(
        select(
            ReturnFile.id,
            ReturnFile.kind,
            ReturnFile.path,
            ReturnFile.checksum,
            ReturnFile.rows,
            ReturnFile.retention_until,
            Exchange.reference,
        )
        .join(Exchange, Exchange.id == ReturnFile.exchange_id)
        .where(ReturnFile.retention_until < today, ReturnFile.deleted_at.is_(None))
        .order_by(ReturnFile.retention_until, ReturnFile.id)
    ).all()
    return [_DueReturn(*row) for row in rows]


def _due_review_files(session: Session, settings: Settings, today: date) -> list[_DueReview]:
    """Review files of exchanges past retention that are on disk — or that a crash may have left unrecorded.

    An exchange with undecided items should still have its review file; if it is gone and no deletion was
    recorded, an earlier run deleted it and stopped before recording, so this run records it.
    """
    until = func.min(ReturnFile.retention_until)
    expired = session.execute(
        select(Exchange.id, Exchange.reference, until)
        .join(ReturnFile, ReturnFile.exchange_id == Exchange.id)
        .group_by(Exchange.id, Exchange.reference)
        .having(until < today)
        .order_by(until, Exchange.id)
    ).all()
    undecided = dict(
        session.execute(
            select(ReviewItem.exchange_id, func.count())
            .where(ReviewItem.decision.is_(None))
            .group_by(ReviewItem.exchange_id)
        ).all()
    )
    recorded = set(
        session.execute(
            select(AuditEvent.object_id).where(AuditEvent.action == ReviewFileDeleted.action)
        ).scalars()
    )
    due = []
    for exchange_id, reference, retention_until in expired:
        location = review_file_path(settings.review_path(), reference)  # encrypted (.json.enc) or not
        unrecorded = undecided.get(exchange_id, 0) > 0 and reference not in recorded
        if _present(location) or unrecorded:
            path = os.path.relpath(location, settings.data_dir)
            due.append(_DueReview(reference, path, retention_until, undecided.get(exchange_id, 0)))
    return due


def _record_return_file(
    engine: Engine, due: _DueReturn, *, found: bool, digest: str | None, actor: str
) -> bool:
    now = datetime.now(UTC)
    with ledger_session(engine) as session:
        result = cast(
            CursorResult[Any],
            session.execute(
                update(ReturnFile)
                .where(ReturnFile.id == due.id, ReturnFile.deleted_at.is_(None))
                .values(deleted_at=now)
                .execution_options(synchronize_session=False)
            ),
        )
        if result.rowcount != 1:
            return False  # another run recorded it
        append_audit_event(
            session,
            ReturnFileDeleted(
                actor=actor,
                object_type="return_file",
                object_id=due.path,
                occurred_at=now,
                detail={
                    "exchange": due.exchange,
                    "kind": due.kind,
                    "sha256": due.checksum,
                    "rows": due.rows,
                    "retention_until": due.retention_until.isoformat(),
                    "found": found,
                    "checksum_matched": (digest == due.checksum) if found else None,
                },
            ),
        )
    return True


def _record_review_file(
    engine: Engine, due: _DueReview, *, found: bool, digest: str | None, actor: str
) -> bool:
    with ledger_session(engine) as session:
        earlier = session.execute(
            select(AuditEvent.id).where(
                AuditEvent.action == ReviewFileDeleted.action, AuditEvent.object_id == due.exchange
            )
        ).first()
        if earlier is not None and not found:
            return False  # another run deleted and recorded it
        append_audit_event(
            session,
            ReviewFileDeleted(
                actor=actor,
                object_type="review_file",
                object_id=due.exchange,
                detail={
                    "path": due.path,
                    "sha256": digest,
                    "retention_until": due.retention_until.isoformat(),
                    "found": found,
                    "undecided_items": due.undecided,
                },
            ),
        )
    return True


def _expire_return_file(
    engine: Engine, settings: Settings, due: _DueReturn, *, dry_run: bool
) -> ExpiredFile | None:
    location = _inside(settings.data_dir, due.path)
    if location is None:
        return None
    if dry_run:
        found, digest, recorded = _present(location), None, False
    else:
        found, digest = _delete(location)
        recorded = _record_return_file(engine, due, found=found, digest=digest, actor=settings.actor)
    return ExpiredFile(
        kind=due.kind,
        exchange=due.exchange,
        path=due.path,
        retention_until=due.retention_until,
        found=found,
        sha256=due.checksum,
        checksum_matched=(digest == due.checksum) if digest is not None else None,
        recorded=recorded,
    )


def _expire_review_file(engine: Engine, settings: Settings, due: _DueReview, *, dry_run: bool) -> ExpiredFile:
    location = settings.data_dir / due.path
    if dry_run:
        found, digest, recorded = _present(location), None, False
    else:
        found, digest = _delete(location)
        recorded = _record_review_file(engine, due, found=found, digest=digest, actor=settings.actor)
    return ExpiredFile(
        kind="review",
        exchange=due.exchange,
        path=due.path,
        retention_until=due.retention_until,
        found=found,
        sha256=digest,
        checksum_matched=None,
        recorded=recorded,
    )


def apply_retention(
    settings: Settings, *, engine: Engine, today: date | None = None, dry_run: bool = False
) -> RetentionResult:
    """Delete every return file and review file past its retention date, recording each deletion.

    Safe to run again at any time, and after a crash: each file is deleted and then recorded in its own
    transaction, so a rerun finishes whatever an interrupted run left (see the module's notes).

    Args:
        engine: the ledger's, at the current revision (the caller's one engine: each file is recorded in a
            transaction of its own).
        today: the day to judge retention against; default: the clock. A later day than the clock's is allowed
            only in a dry run — deleting early cannot be undone.
        dry_run: list what would be deleted; delete and record nothing.

    Raises:
        InputError: ``today`` is in the future and this is not a dry run.
    """
    clock = date.today()
    today = today or clock
    if today > clock and not dry_run:
        raise InputError(
            "a date after today is allowed only in a dry run (a deletion cannot be undone)",
            field="today",
            cli_hint="add --dry-run",
        )
    with ledger_session(engine) as session:
        due_returns = _due_return_files(session, today)
        due_reviews = _due_review_files(session, settings, today)
    files: list[ExpiredFile] = []
    refused: list[str] = []
    for due in due_returns:
        expired = _expire_return_file(engine, settings, due, dry_run=dry_run)
        if expired is None:
            refused.append(due.path)
        else:
            files.append(expired)
    files += [_expire_review_file(engine, settings, due, dry_run=dry_run) for due in due_reviews]
    return RetentionResult(today=today, dry_run=dry_run, files=tuple(files), refused=tuple(refused))
