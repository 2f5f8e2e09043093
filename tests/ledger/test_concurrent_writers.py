"""Concurrent writers: audit appends queue for the chain instead of racing for its head, and (SQLite) a savepoint
never commits on its own and waiting writers are served in order — on SQLite and PostgreSQL.

The load test (tests/load) found these under 50 concurrent API clients; these tests pin each one down.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from sharelog.ledger import append_audit_event, ledger_session, verify_audit_chain
from sharelog.ledger._sqlite import WriteTurns
from sharelog.ledger.audit import AgreementRecorded
from sharelog.ledger.models import AuditEvent, Organisation

from ..worlds import migrated


def _event(actor: str, number: int = 0) -> AgreementRecorded:
    return AgreementRecorded(actor=actor, object_type="agreement", object_id=f"{actor}-{number}")


def _count(engine: Engine) -> int:
    with ledger_session(engine) as session:
        return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_an_append_waits_for_the_transaction_holding_the_chain(ledger_engine: Engine) -> None:
    """A second writer reads the head only once the first has committed, so both appends hold (before the fix
    it read the old head, and its insert failed on the unique prev_hash once the first committed)."""
    engine = migrated(ledger_engine)
    before = _count(engine)
    first = sessionmaker(engine)()
    first.begin()
    append_audit_event(first, _event("first"))
    outcome: dict[str, object] = {}

    def second_writer() -> None:
        try:
            with ledger_session(engine) as session:
                append_audit_event(session, _event("second"))
            outcome["done"] = True
        except Exception as error:  # reported below, with the test's own assertion
            outcome["error"] = error

    second = threading.Thread(target=second_writer)
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second append must wait while the first transaction holds the chain"
    first.commit()
    first.close()
    second.join(30)
    assert outcome == {"done": True}
    with ledger_session(engine) as session:
        report = verify_audit_chain(session)
        actors = session.execute(select(AuditEvent.actor).order_by(AuditEvent.id.desc()).limit(2)).scalars()
        assert list(actors) == ["second", "first"]
    assert report.ok and report.count == before + 2


@pytest.mark.slow
def test_many_concurrent_writers_all_append(ledger_engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    """Eight threads append 10 events each, one transaction per event: none fails, the chain verifies, and the
    connection pool logs no error (an error in a pool event listener is logged, not raised)."""
    engine = migrated(ledger_engine)
    before = _count(engine)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for number in range(10):
                with ledger_session(engine) as session:
                    append_audit_event(session, _event(name, number))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"writer-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    with ledger_session(engine) as session:
        report = verify_audit_chain(session)
    assert report.ok and report.count == before + 80
    engine.dispose()
    assert [record.getMessage() for record in caplog.records if record.levelname == "ERROR"] == []


def test_a_savepoint_before_the_first_write_never_commits_on_its_own(ledger_engine: Engine) -> None:
    """On SQLite a SAVEPOINT outside a transaction starts one that its RELEASE commits: a write made in a
    savepoint before any other write was committed even when the rest of the transaction then failed."""
    engine = migrated(ledger_engine)
    with pytest.raises(RuntimeError, match="later step"), ledger_session(engine) as session:
        session.execute(select(func.count()).select_from(Organisation))  # reads first, as services do
        with session.begin_nested():
            session.add(Organisation(id="orphan", name="Orphan", kind="holder"))
        raise RuntimeError("a later step of the same transaction fails")
    with ledger_session(engine) as session:
        assert session.get(Organisation, "orphan") is None


def test_write_turns_are_served_first_come_first_served() -> None:
    turns = WriteTurns()
    assert turns.take(0)
    served: list[int] = []

    def waiter(number: int) -> None:
        assert turns.take(10)
        served.append(number)
        turns.give_back()

    threads = []
    for number in range(5):
        thread = threading.Thread(target=waiter, args=(number,))
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 10
        while len(turns._waiting) < number + 1 and time.monotonic() < deadline:
            time.sleep(0.001)  # queue them in a known order
    turns.give_back()
    for thread in threads:
        thread.join(10)
    assert served == [0, 1, 2, 3, 4]


def test_a_write_turn_not_given_in_time_is_not_taken() -> None:
    turns = WriteTurns()
    assert turns.take(0)
    assert not turns.take(0.05)  # gave up: no longer queued
    turns.give_back()
    assert turns.take(0)  # free again, not handed to the one that gave up
