"""The audit trail: every change appends an event, hash-chained to the one before it.

Each event's hash is ``sha256(previous hash + canonical JSON of this event)``; the first event's previous hash
is 64 zeros. Editing, deleting, inserting or reordering rows breaks the chain, and :func:`verify_audit_chain`
names the first broken link. Events are small dataclasses with a fixed kebab-case ``action`` name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sharelog.ledger._sqlite import begin_writing
from sharelog.ledger.models import AuditEvent, utc_now

__all__ = [
    "AgreementRecorded",
    "AuditChainReport",
    "GENESIS_HASH",
    "LedgerDowngraded",
    "LedgerEvent",
    "LedgerInitialised",
    "append_audit_event",
    "canonical_json",
    "event_hash",
    "read_audit_events",
    "verify_audit_chain",
]

GENESIS_HASH = "0" * 64
# the PostgreSQL advisory lock that serialises appends ("sharelog" in ASCII, as a bigint)
_APPEND_LOCK_KEY = int.from_bytes(b"sharelog", "big")


@dataclass(frozen=True, kw_only=True)
class LedgerEvent:
    """Something that changed the ledger: who did it, when, to what. Subclasses fix ``action``."""

    action: ClassVar[str] = "ledger-event"
    actor: str
    object_type: str
    object_id: str
    detail: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, kw_only=True)
class LedgerInitialised(LedgerEvent):
    """The ledger database was created or upgraded."""

    action: ClassVar[str] = "ledger-initialised"


@dataclass(frozen=True, kw_only=True)
class LedgerDowngraded(LedgerEvent):
    """The ledger's schema was reverted to an older revision (tables or columns may have gone with it)."""

    action: ClassVar[str] = "ledger-downgraded"


@dataclass(frozen=True, kw_only=True)
class AgreementRecorded(LedgerEvent):
    """An agreement version was recorded in the ledger."""

    action: ClassVar[str] = "agreement-recorded"


def canonical_json(
    *,
    action: str,
    actor: str,
    occurred_at: datetime,
    object_type: str,
    object_id: str,
    detail: dict[str, Any],
) -> str:
    """The one serialisation of an event that its hash covers (sorted keys, no spaces, UTC ISO time)."""
    body = {
        "action": action,
        "actor": actor,
        "detail": detail,
        "object_id": object_id,
        "object_type": object_type,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(prev_hash: str, canonical: str) -> str:
    """sha256 over the previous event's hash and this event's canonical JSON."""
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _canonical_of_row(row: AuditEvent) -> str:
    return canonical_json(
        action=row.action,
        actor=row.actor,
        occurred_at=row.occurred_at,
        object_type=row.object_type,
        object_id=row.object_id,
        detail=row.detail,
    )


def _hold_the_chain(session: Session) -> None:
    """Make the caller's transaction the only one that can append to the chain until it ends.

    Two transactions that read the same head would both link to it, and the unique ``prev_hash`` would fail one
    of them. PostgreSQL: a transaction-level advisory lock, after which (read committed) the head is read fresh.
    SQLite: the database's write lock (see :mod:`sharelog.ledger._sqlite`).
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        begin_writing(connection)


def append_audit_event(session: Session, event: LedgerEvent) -> AuditEvent:
    """Append ``event`` to the chain in the caller's transaction and return the stored row.

    Appends are serialised (the transaction holds the chain until it commits or rolls back), so concurrent
    writers queue rather than race for the same predecessor; ``prev_hash`` is unique all the same, so a writer
    that bypassed this function could still never fork the chain.
    """
    _hold_the_chain(session)
    last = session.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    prev = last or GENESIS_HASH
    # round-trip the detail through JSON so the stored value hashes the same when read back
    detail = json.loads(json.dumps(event.detail, default=str))
    row = AuditEvent(
        occurred_at=event.occurred_at,
        actor=event.actor,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        detail=detail,
        prev_hash=prev,
    )
    row.hash = event_hash(prev, _canonical_of_row(row))
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class AuditChainReport:
    """The result of checking the chain: how many events, the head hash, and the first broken link if any."""

    count: int
    head_hash: str
    first_broken_id: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_audit_chain(session: Session) -> AuditChainReport:
    """Walk the chain in id order and report the first event whose link or hash does not hold."""
    prev = GENESIS_HASH
    count = 0
    for row in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        count += 1
        if row.prev_hash != prev:
            return AuditChainReport(count, prev, row.id, "does not follow the event before it")
        if event_hash(prev, _canonical_of_row(row)) != row.hash:
            return AuditChainReport(count, prev, row.id, "its content does not match its hash")
        prev = row.hash
    return AuditChainReport(count, prev)


def read_audit_events(
    session: Session, *, action: str | None = None, object_id: str | None = None, limit: int = 50
) -> list[AuditEvent]:
    """The newest ``limit`` events (of one action, or about one object), oldest first.

    Events hold ids, codes, counts and checksums — never personal data — so auditors may read them all.
    """
    query = select(AuditEvent)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    newest = session.execute(query.order_by(AuditEvent.id.desc()).limit(limit)).scalars().all()
    return list(reversed(newest))
