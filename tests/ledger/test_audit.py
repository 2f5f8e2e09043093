"""The audit trail is a hash chain: appended events verify, and any direct change to a row is detected."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text, update
from sqlalchemy.exc import IntegrityError

from sharelog.ledger import append_audit_event, ledger_session, upgrade, verify_audit_chain
from sharelog.ledger.audit import GENESIS_HASH, AgreementRecorded, LedgerInitialised
from sharelog.ledger.models import AuditEvent

from ._constraints import assert_refused_by


@pytest.fixture
def chained(ledger_engine: Engine) -> Iterator[Engine]:
    """A ledger with five audit events."""
    upgrade(ledger_engine)
    with ledger_session(ledger_engine) as session:
        append_audit_event(session, LedgerInitialised(actor="test", object_type="ledger", object_id="main"))
        for n in range(4):
            append_audit_event(
                session,
                AgreementRecorded(
                    actor="test", object_type="agreement", object_id=f"a{n}", detail={"version": f"{n}.0"}
                ),
            )
    yield ledger_engine


def test_appended_events_verify(chained: Engine) -> None:
    with ledger_session(chained) as session:
        report = verify_audit_chain(session)
        first = session.get(AuditEvent, 1)
    assert report.ok
    assert report.count == 5
    assert first is not None and first.prev_hash == GENESIS_HASH
    assert first.action == "ledger-initialised"
    assert first.occurred_at.tzinfo is not None


def test_empty_chain_verifies(ledger_engine: Engine) -> None:
    upgrade(ledger_engine)
    with ledger_session(ledger_engine) as session:
        report = verify_audit_chain(session)
    assert report.ok and report.count == 0 and report.head_hash == GENESIS_HASH


@pytest.mark.parametrize(
    ("tamper", "broken_id"),
    [
        ("UPDATE audit_events SET actor = 'mallory' WHERE id = 3", 3),
        ("UPDATE audit_events SET object_id = 'other' WHERE id = 5", 5),
        ("DELETE FROM audit_events WHERE id = 2", 3),
    ],
    ids=["edit-actor", "edit-object", "delete"],
)
def test_direct_changes_are_detected(chained: Engine, tamper: str, broken_id: int) -> None:
    with chained.begin() as connection:
        connection.execute(text(tamper))
    with ledger_session(chained) as session:
        report = verify_audit_chain(session)
    assert not report.ok
    assert report.first_broken_id == broken_id


def test_detail_edit_is_detected(chained: Engine) -> None:
    with ledger_session(chained) as session:
        session.execute(update(AuditEvent).where(AuditEvent.id == 4).values(detail={"version": "9.9"}))
    with ledger_session(chained) as session:
        assert verify_audit_chain(session).first_broken_id == 4


def test_chain_cannot_fork(chained: Engine) -> None:
    """Two events claiming the same predecessor cannot both be stored."""
    with pytest.raises(IntegrityError) as refused, ledger_session(chained) as session:
        head = session.get(AuditEvent, 5)
        assert head is not None
        session.add(
            AuditEvent(
                occurred_at=head.occurred_at,
                actor="x",
                action="fork",
                object_type="x",
                object_id="x",
                detail={},
                prev_hash=head.prev_hash,
                hash="f" * 64,
            )
        )
        session.flush()
    assert_refused_by(refused, "uq_audit_events_prev_hash")
