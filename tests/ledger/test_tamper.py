"""Tampering with the audit trail straight in the database is detected — on SQLite and on PostgreSQL.

Each test builds a ledger whose events the real services wrote, takes a signed checkpoint with the command line,
then changes rows with raw SQL as someone with write access to the database would: edits a detail, an actor or
a time; deletes an event in the middle or the newest ones; inserts a forged event with a correct hash of its
own; swaps two events; recomputes the whole chain after an edit. Every change is found by the service and by
`sharelog audit verify` (exit status 1, the message naming the event). Two changes leave a valid chain and are
found only against the checkpoint: deleting the newest events, and recomputing the chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.audit import canonical_json, event_hash
from sharelog.ledger.checkpoint import generate_signing_key, read_checkpoint, verify_audit_trail
from sharelog.ledger.models import AuditEvent
from sharelog.settings import Settings

from ..worlds import Backend, WorldFactory
from ._audited_ledger import AUDITED_LEDGER
from ._constraints import assert_refused_by

runner = CliRunner()


@dataclass
class Trail:
    """A ledger with its events, settings for the command line, and a signed checkpoint of it."""

    engine: Engine
    settings: Settings
    ids: list[int]
    checkpoint: Path
    public_key: Path

    @property
    def middle(self) -> int:
        return self.ids[len(self.ids) // 2]

    @property
    def checkpointed_head(self) -> int:
        return self.ids[-1]

    def execute(self, sql: str, **parameters: object) -> None:
        with self.engine.begin() as connection:
            connection.execute(text(sql), parameters)

    def event(self, event_id: int) -> AuditEvent:
        with ledger_session(self.engine) as session:
            row = session.get(AuditEvent, event_id)
            assert row is not None
            session.expunge(row)
            return row

    @property
    def postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def json_value(self) -> str:
        """Where a JSON parameter goes in raw SQL (PostgreSQL needs the cast; SQLite stores the text)."""
        return "CAST(:detail AS JSON)" if self.postgres else ":detail"

    def time_value(self, moment: datetime) -> str:
        """A time as each database stores it (SQLite: naive UTC text; PostgreSQL: with its offset)."""
        return moment.isoformat() if self.postgres else moment.replace(tzinfo=None).isoformat(sep=" ")

    def verify(self, *extra: str) -> tuple[int, str, str]:
        result = runner.invoke(app, ["audit", "verify", *extra], obj=self.settings)
        return result.exit_code, result.stdout, result.stderr

    def verify_with_checkpoint(self) -> tuple[int, str, str]:
        return self.verify("--checkpoint", str(self.checkpoint), "--public-key", str(self.public_key))


@pytest.fixture
def trail(worlds: WorldFactory, ledger_backend: Backend, tmp_path: Path) -> Iterator[Trail]:
    """A copy of the ledger the services built, and a checkpoint exported by the command line."""
    key = generate_signing_key(tmp_path / "keys" / "audit-signing.key")
    settings = worlds.copy(
        AUDITED_LEDGER, tmp_path, backend=ledger_backend, audit_signing_key_file=key.private_path, actor="ops"
    ).settings
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        ids = list(session.execute(select(AuditEvent.id).order_by(AuditEvent.id)).scalars())
    assert len(ids) >= 30
    checkpoint = tmp_path / "checkpoint.json"
    exported = runner.invoke(app, ["audit", "export", "--out", str(checkpoint)], obj=settings)
    assert exported.exit_code == 0, exported.output
    assert f"{len(ids)} events ending at event {ids[-1]}" in exported.stdout
    yield Trail(engine, settings, ids, checkpoint, key.public_path)
    engine.dispose()


def _assert_detected(trail: Trail, event_id: int, *, checkpoint_only: bool = False) -> None:
    """The service and the command line both name ``event_id``; a bare chain check does too unless the change
    is one only a checkpoint can show."""
    with ledger_session(trail.engine) as session:
        bare = verify_audit_trail(session)
        checked = verify_audit_trail(session, checkpoint=read_checkpoint(trail.checkpoint))
    assert not checked.ok
    assert checked.problems[0].event_id == event_id
    status, stdout, stderr = trail.verify_with_checkpoint()
    assert status == 1, stdout + stderr
    assert stderr.startswith(f"Error: the audit trail does not hold: event {event_id}")
    assert "OK:" not in stdout
    status, stdout, stderr = trail.verify()
    if checkpoint_only:
        assert bare.ok and status == 0 and "every link holds" in stdout
    else:
        assert bare.chain.first_broken_id == event_id
        assert status == 1 and f"BROKEN at event {event_id}" in stdout
        assert f"event {event_id}" in stderr.splitlines()[-1]


def test_an_untouched_trail_verifies_against_its_checkpoint(trail: Trail) -> None:
    status, stdout, stderr = trail.verify_with_checkpoint()
    assert status == 0, stdout + stderr
    assert f"Audit trail: {len(trail.ids) + 1} events, every link holds." in stdout
    assert "1 event newer than the checkpoint" in stdout
    assert "OK: the audit trail is intact; the trail still holds the checkpoint, signed by key" in stdout


def test_editing_a_detail(trail: Trail) -> None:
    target = next(
        i for i in trail.ids[len(trail.ids) // 2 :] if trail.event(i).detail.get("code") == "not_located"
    )
    detail = dict(trail.event(target).detail, code="voluntary_departure")
    trail.execute(
        f"UPDATE audit_events SET detail = {trail.json_value()} WHERE id = :id",
        detail=json.dumps(detail),
        id=target,
    )
    _assert_detected(trail, target)


def test_editing_an_actor(trail: Trail) -> None:
    trail.execute("UPDATE audit_events SET actor = 'someone-else' WHERE id = :id", id=trail.middle)
    _assert_detected(trail, trail.middle)


def test_editing_a_time(trail: Trail) -> None:
    earlier = trail.event(trail.middle).occurred_at - timedelta(days=30)
    trail.execute(
        f"UPDATE audit_events SET occurred_at = '{trail.time_value(earlier)}' WHERE id = :id", id=trail.middle
    )
    _assert_detected(trail, trail.middle)


def test_deleting_an_event_in_the_middle(trail: Trail) -> None:
    trail.execute("DELETE FROM audit_events WHERE id = :id", id=trail.middle)
    _assert_detected(trail, trail.ids[trail.ids.index(trail.middle) + 1])


def test_deleting_the_newest_events_is_caught_by_the_checkpoint(trail: Trail) -> None:
    """The shorter chain is still a valid chain: only the checkpoint shows that its newest events are gone."""
    trail.execute("DELETE FROM audit_events WHERE id >= :id", id=trail.checkpointed_head)
    _assert_detected(trail, trail.checkpointed_head, checkpoint_only=True)
    _, stdout, _ = trail.verify_with_checkpoint()
    assert f"event {trail.checkpointed_head} is missing" in stdout
    assert "the newest events were deleted" in stdout


def _shift_ids_after(trail: Trail, event_id: int) -> None:
    """Make room for one row after ``event_id`` (in two steps: PostgreSQL checks the key row by row)."""
    trail.execute("UPDATE audit_events SET id = id + 1000000 WHERE id > :id", id=event_id)
    trail.execute("UPDATE audit_events SET id = id - 999999 WHERE id > 1000000")


def test_inserting_a_forged_event_with_its_own_correct_hash(trail: Trail) -> None:
    """The forger computes a correct hash for the new event and relinks its successor to it (the database
    refuses two events with one predecessor): the forged event itself verifies, its successor does not."""
    before = trail.event(trail.middle)
    _shift_ids_after(trail, trail.middle)
    forged_id, successor = trail.middle + 1, trail.middle + 2
    moment = before.occurred_at + timedelta(seconds=1)
    detail = {"from": "waiting_response"}
    canonical = canonical_json(
        action="foi-case-withdrawn",
        actor="foi-officer",
        occurred_at=moment,
        object_type="foi_case",
        object_id="FOI-2020-0099",
        detail=detail,
    )
    forged_hash = event_hash(before.hash, canonical)
    trail.execute(
        "UPDATE audit_events SET prev_hash = :forged WHERE id = :id", forged=forged_hash, id=successor
    )
    trail.execute(
        "INSERT INTO audit_events (id, occurred_at, actor, action, object_type, object_id, detail, prev_hash, hash) "
        f"VALUES (:id, '{trail.time_value(moment)}', 'foi-officer', 'foi-case-withdrawn', 'foi_case', "
        f"'FOI-2020-0099', {trail.json_value()}, :prev, :hash)",
        id=forged_id,
        detail=json.dumps(detail),
        prev=before.hash,
        hash=forged_hash,
    )
    _assert_detected(trail, successor)


def test_inserting_a_second_successor_is_refused_by_the_database(trail: Trail) -> None:
    """Without relinking, a forged event claiming an existing predecessor cannot even be stored."""
    before = trail.event(trail.middle)
    with pytest.raises(IntegrityError) as refused:
        trail.execute(
            "INSERT INTO audit_events (id, occurred_at, actor, action, object_type, object_id, detail, prev_hash, "
            f"hash) VALUES (999999, '{trail.time_value(before.occurred_at)}', 'x', 'x', 'x', 'x', "
            f"{trail.json_value()}, :prev, :hash)",
            detail="{}",
            prev=before.hash,
            hash="f" * 64,
        )
    assert_refused_by(refused, "uq_audit_events_prev_hash")


def test_swapping_two_events(trail: Trail) -> None:
    first, second = trail.middle, trail.middle + 1
    trail.execute("UPDATE audit_events SET id = -1 WHERE id = :id", id=first)
    trail.execute("UPDATE audit_events SET id = :new WHERE id = :old", new=first, old=second)
    trail.execute("UPDATE audit_events SET id = :new WHERE id = -1", new=second)
    _assert_detected(trail, first)


def _recompute_chain_from(trail: Trail, start: int) -> None:
    """What a forger with write access and sharelog's source would do: rehash every event from ``start`` on."""
    with ledger_session(trail.engine) as session:
        rows = session.query(AuditEvent).filter(AuditEvent.id >= start).order_by(AuditEvent.id).all()
        previous = session.get(AuditEvent, rows[0].id - 1)
        prev_hash = previous.hash if previous is not None else "0" * 64
        plan = []
        for row in rows:
            canonical = canonical_json(
                action=row.action,
                actor=row.actor,
                occurred_at=row.occurred_at,
                object_type=row.object_type,
                object_id=row.object_id,
                detail=row.detail,
            )
            new_hash = event_hash(prev_hash, canonical)
            plan.append((row.id, prev_hash, new_hash))
            prev_hash = new_hash
    for event_id, prev, new in plan:
        trail.execute(
            "UPDATE audit_events SET prev_hash = :prev, hash = :new WHERE id = :id",
            prev=prev,
            new=new,
            id=event_id,
        )


def test_recomputing_the_whole_chain_after_an_edit_is_caught_by_the_checkpoint(trail: Trail) -> None:
    """A valid chain again — but the checkpoint's head is no longer at its count with its hash."""
    trail.execute("UPDATE audit_events SET actor = 'someone-else' WHERE id = :id", id=trail.middle)
    _recompute_chain_from(trail, trail.middle)
    _assert_detected(trail, trail.checkpointed_head, checkpoint_only=True)
    _, stdout, _ = trail.verify_with_checkpoint()
    assert "the trail was rewritten at or before it" in stdout


def test_a_checkpoint_altered_to_match_a_rewritten_chain_fails_its_signature(trail: Trail) -> None:
    trail.execute("UPDATE audit_events SET actor = 'someone-else' WHERE id = :id", id=trail.middle)
    _recompute_chain_from(trail, trail.middle)
    document = json.loads(trail.checkpoint.read_text(encoding="utf-8"))
    document["head_hash"] = trail.event(trail.checkpointed_head).hash
    trail.checkpoint.write_text(json.dumps(document), encoding="utf-8")
    status, stdout, stderr = trail.verify_with_checkpoint()
    assert status == 1
    assert "the checkpoint's signature does not verify" in stderr
    status, stdout, _ = trail.verify("--checkpoint", str(trail.checkpoint))  # unsigned check: fooled
    assert status == 0 and "Signature: NOT checked" in stdout


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit_events SET object_id = 'other' WHERE id = {id}",
        "UPDATE audit_events SET action = 'user-added' WHERE id = {id}",
        "UPDATE audit_events SET object_type = 'user' WHERE id = {id}",
        "UPDATE audit_events SET hash = '" + "e" * 64 + "' WHERE id = {id}",
    ],
    ids=["object-id", "action", "object-type", "hash"],
)
def test_every_other_column_is_covered(trail: Trail, tamper: str) -> None:
    trail.execute(tamper.format(id=trail.middle))
    with ledger_session(trail.engine) as session:
        report = verify_audit_trail(session)
    assert report.problems[0].event_id == trail.middle
