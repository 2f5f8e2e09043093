"""The audit trail is a hash chain: appended events verify, and any direct change to a row is detected."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

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


def test_the_hash_is_the_documented_one(ledger_engine: Engine) -> None:
    """Anyone can re-check the chain without sharelog (docs/operations.md): sha256 over the previous hash and the
    event's JSON — sorted keys, no spaces, text as UTF-8, the time in UTC ISO form to the microsecond. The JSON
    below is written out by hand, so a change to the form (which would orphan every published checkpoint) fails."""
    upgrade(ledger_engine)
    event = AgreementRecorded(
        actor="zoë.admin",
        object_type="agreement",
        object_id="a1",
        detail={"version": "2.0", "note": "Siân"},
        occurred_at=datetime(2024, 2, 29, 13, 5, 7, 250000, tzinfo=UTC),
    )
    with ledger_session(ledger_engine) as session:
        row = append_audit_event(session, event)
        stored = (row.prev_hash, row.hash)
    written = (
        '{"action":"agreement-recorded","actor":"zoë.admin","detail":{"note":"Siân","version":"2.0"},'
        '"object_id":"a1","object_type":"agreement","occurred_at":"2024-02-29T13:05:07.250000+00:00"}'
    )
    assert stored == (GENESIS_HASH, hashlib.sha256((GENESIS_HASH + written).encode("utf-8")).hexdigest())


@pytest.mark.parametrize(
    ("tamper", "broken_id", "walked", "reason"),
    [
        (
            "UPDATE audit_events SET actor = 'mallory' WHERE id = 3",
            3,
            3,
            "its content does not match its hash",
        ),
        ("DELETE FROM audit_events WHERE id = 2", 3, 2, "does not follow the event before it"),
    ],
    ids=["edit", "delete"],
)
def test_a_broken_chain_is_reported_with_where_and_why(
    chained: Engine, tamper: str, broken_id: int, walked: int, reason: str
) -> None:
    """The report names the broken event, how many events were walked to reach it, the last good hash and why."""
    with chained.begin() as connection:
        connection.execute(text(tamper))
        last_good = connection.execute(
            text("SELECT hash FROM audit_events WHERE id < :id ORDER BY id DESC LIMIT 1"), {"id": broken_id}
        ).scalar_one()
    with ledger_session(chained) as session:
        report = verify_audit_chain(session)
    assert (report.first_broken_id, report.count, report.head_hash, report.reason) == (
        broken_id,
        walked,
        last_good,
        reason,
    )


def test_a_detail_json_cannot_hold_is_stored_as_text_and_verifies(ledger_engine: Engine) -> None:
    """Services may put a date in an event's detail: it is stored (and hashed) as its text, so the chain verifies
    when the detail is read back from the database."""
    upgrade(ledger_engine)
    when = datetime(2024, 2, 29, tzinfo=UTC)
    with ledger_session(ledger_engine) as session:
        row = append_audit_event(
            session,
            AgreementRecorded(actor="test", object_type="agreement", object_id="a1", detail={"on": when}),
        )
        assert row.detail == {"on": str(when)}
    with ledger_session(ledger_engine) as session:
        assert verify_audit_chain(session).ok
