"""Signed checkpoints and the `sharelog audit` commands: keys, export, verify, log; schema changes recorded."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.errors import InputError
from sharelog.ledger import (
    append_audit_event,
    create_ledger_engine,
    head_revision,
    ledger_session,
    upgrade,
)
from sharelog.ledger.audit import AgreementRecorded
from sharelog.ledger.checkpoint import (
    export_checkpoint,
    generate_signing_key,
    read_checkpoint,
    read_public_key,
    read_signing_key,
    verify_audit_trail,
    write_checkpoint,
)
from sharelog.ledger.models import AuditEvent
from sharelog.settings import Settings

runner = CliRunner(env={"COLUMNS": "200"})
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def keyed(settings: Settings, tmp_path: Path) -> Settings:
    """Settings with a signing key, on a ledger holding three events."""
    key = generate_signing_key(tmp_path / "keys" / "audit.key")
    keyed = Settings(data_dir=settings.data_dir, audit_signing_key_file=key.private_path, actor="ops")
    engine = create_ledger_engine(keyed.ledger_url())
    upgrade(engine)
    with ledger_session(engine) as session:
        for n in range(3):
            event = AgreementRecorded(
                actor="ops", object_type="agreement", object_id=f"a{n}", detail={"n": n}
            )
            append_audit_event(session, event)
    engine.dispose()
    return keyed


def _invoke(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["audit", *args], obj=settings)
    return result.exit_code, result.stdout, result.stderr


def test_keygen_writes_a_private_key_for_its_owner_only_and_never_overwrites(
    settings: Settings, tmp_path: Path
) -> None:
    key = tmp_path / "k" / "signing.key"
    status, stdout, _ = _invoke(settings, "keygen", "--out", str(key))
    assert status == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    public = read_public_key(key.with_name("signing.key.pub"))
    line = next(line for line in stdout.splitlines() if line.startswith("Public key (key id "))
    (tmp_path / "published.txt").write_text(line.rsplit(": ", 1)[1] + "\n")
    assert read_public_key(tmp_path / "published.txt") == public  # the printed line is the key too
    before = key.read_bytes()
    status, _, stderr = _invoke(settings, "keygen", "--out", str(key))
    assert status == 2 and "is never overwritten" in stderr and key.read_bytes() == before


def test_a_signing_key_others_can_read_is_refused(keyed: Settings, tmp_path: Path) -> None:
    assert keyed.audit_signing_key_file is not None
    keyed.audit_signing_key_file.chmod(0o644)
    status, _, stderr = _invoke(keyed, "export", "--out", str(tmp_path / "c.json"))
    assert status == 2 and "can be read by others" in stderr
    assert not (tmp_path / "c.json").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a key", "is not an unencrypted Ed25519 private key"), (None, "cannot read")],
)
def test_unusable_signing_keys(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "key"
    if content is not None:
        path.write_bytes(content)
        path.chmod(0o600)
    with pytest.raises(InputError, match=message) as refused:
        read_signing_key(path)
    assert str(refused.value).startswith("SHARELOG_AUDIT_SIGNING_KEY_FILE: ")


def test_export_needs_a_key_from_the_settings(settings: Settings, tmp_path: Path) -> None:
    engine = create_ledger_engine(settings.ledger_url())
    upgrade(engine)
    engine.dispose()
    status, _, stderr = _invoke(settings, "export", "--out", str(tmp_path / "c.json"))
    assert status == 2
    assert stderr.startswith("Error: no signing key: set SHARELOG_AUDIT_SIGNING_KEY_FILE")


def test_a_broken_trail_is_never_signed(keyed: Settings, tmp_path: Path) -> None:
    engine = create_ledger_engine(keyed.ledger_url())
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE audit_events SET actor = 'x' WHERE id = 2")
    engine.dispose()
    status, _, stderr = _invoke(keyed, "export", "--out", str(tmp_path / "c.json"))
    assert status == 1
    assert "the audit trail is broken at event 2" in stderr and "it was not signed" in stderr
    assert not (tmp_path / "c.json").exists()


def test_export_then_verify(keyed: Settings, tmp_path: Path) -> None:
    out = tmp_path / "published" / "checkpoint.json"
    status, stdout, _ = _invoke(keyed, "export", "--out", str(out))
    assert status == 0 and "3 events ending at event 3" in stdout
    document = json.loads(out.read_text())
    assert document["count"] == 3 and document["head_event_id"] == 3
    assert document["ledger"].startswith("sqlite:///") and document["sharelog_version"]
    assert set(document) == {
        "format",
        "algorithm",
        "ledger",
        "count",
        "head_event_id",
        "head_hash",
        "created_at",
        "sharelog_version",
        "key_id",
        "signature",
    }
    public = keyed.audit_signing_key_file.with_name("audit.key.pub")  # type: ignore[union-attr]
    status, stdout, _ = _invoke(keyed, "verify", "--checkpoint", str(out), "--public-key", str(public))
    assert status == 0, stdout
    assert "Audit trail: 4 events, every link holds." in stdout  # the export's own event is the 4th
    assert "1 event newer than the checkpoint" in stdout
    engine = create_ledger_engine(keyed.ledger_url())
    with ledger_session(engine) as session:
        signed = session.execute(select(AuditEvent).where(AuditEvent.id == 4)).scalar_one()
    engine.dispose()
    assert signed.action == "audit-checkpoint-signed"
    assert signed.detail == {"count": 3, "head_hash": document["head_hash"], "key_id": document["key_id"]}


def test_the_signature_covers_every_field_but_not_the_layout(keyed: Settings, tmp_path: Path) -> None:
    assert keyed.audit_signing_key_file is not None
    engine = create_ledger_engine(keyed.ledger_url())
    with ledger_session(engine) as session:
        checkpoint = export_checkpoint(
            session,
            ledger="sqlite://",
            signing_key=read_signing_key(keyed.audit_signing_key_file),
            actor="ops",
        )
    path = write_checkpoint(checkpoint, tmp_path / "c.json")
    public = read_public_key(keyed.audit_signing_key_file.with_name("audit.key.pub"))
    document = json.loads(path.read_text())
    path.write_text(json.dumps(document, indent=8, sort_keys=True))  # re-laid out: still valid
    with ledger_session(engine) as session:
        assert verify_audit_trail(session, checkpoint=read_checkpoint(path), public_key=public).ok
    for field, value in [("created_at", "2020-01-01T00:00:00Z"), ("ledger", "sqlite:///other"), ("count", 2)]:
        path.write_text(json.dumps({**document, field: value}))
        with ledger_session(engine) as session:
            result = verify_audit_trail(session, checkpoint=read_checkpoint(path), public_key=public)
        assert "signature does not verify" in result.problems[0].message, field
    engine.dispose()


def test_a_checkpoint_checked_with_another_key(keyed: Settings, tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    _invoke(keyed, "export", "--out", str(out))
    other = generate_signing_key(tmp_path / "other.key")
    status, stdout, stderr = _invoke(
        keyed, "verify", "--checkpoint", str(out), "--public-key", str(other.public_path)
    )
    assert status == 1
    assert f"not by the public key given ({other.key_id})" in stderr


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "is not JSON"),
        ("[]", "is not a JSON object"),
        ('{"format": "sharelog-audit-checkpoint/1"}', "field 'count': is missing"),
        (
            json.dumps(
                {
                    "format": "other/1",
                    "algorithm": "Ed25519",
                    "ledger": "x",
                    "count": "3",
                    "head_event_id": 3,
                    "head_hash": "a",
                    "created_at": "yesterday",
                    "sharelog_version": "1",
                    "key_id": "k",
                    "signature": "s",
                }
            ),
            "field 'format': is not sharelog-audit-checkpoint/1",
        ),
        ("\udcff", "is not UTF-8 text"),
    ],
    ids=["truncated", "array", "missing", "wrong-types", "binary"],
)
def test_an_unusable_checkpoint_file_is_bad_input(
    keyed: Settings, tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "c.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    status, _, stderr = _invoke(keyed, "verify", "--checkpoint", str(path))
    assert status == 2
    assert problem in stderr


def test_a_public_key_needs_a_checkpoint(keyed: Settings, tmp_path: Path) -> None:
    public = keyed.audit_signing_key_file.with_name("audit.key.pub")  # type: ignore[union-attr]
    status, _, stderr = _invoke(keyed, "verify", "--public-key", str(public))
    assert status == 2 and "give --checkpoint FILE too" in stderr


def test_an_empty_trail_verifies_and_can_be_checkpointed(settings: Settings, tmp_path: Path) -> None:
    engine = create_ledger_engine(settings.ledger_url())
    upgrade(engine)
    key = read_signing_key(generate_signing_key(tmp_path / "k").private_path)
    with ledger_session(engine) as session:
        empty = verify_audit_trail(session)
        checkpoint = export_checkpoint(session, ledger="sqlite://", signing_key=key, actor="ops")
    with ledger_session(engine) as session:
        assert verify_audit_trail(session, checkpoint=checkpoint, public_key=key.public_key()).ok
    engine.dispose()
    assert empty.ok and empty.chain.count == 0 and empty.head_event_id is None
    assert checkpoint.count == 0 and checkpoint.head_event_id is None
    status, stdout, _ = _invoke(settings, "verify")
    assert status == 0 and "Audit trail: 1 event, every link holds." in stdout


def test_log_lists_the_newest_events(keyed: Settings) -> None:
    status, stdout, _ = _invoke(keyed, "log", "--limit", "2")
    lines = stdout.splitlines()
    assert status == 0 and len(lines) == 2
    assert (
        lines[0].split()[0] == "2"
        and "agreement-recorded" in lines[0]
        and 'agreement:a1  {"n":1}' in lines[0]
    )
    _, stdout, _ = _invoke(keyed, "log", "--object", "a0", "--json")
    [only] = [json.loads(line) for line in stdout.splitlines()]
    assert only["id"] == 1 and len(only["hash"]) == 64 and only["prev_hash"] == "0" * 64
    _, stdout, _ = _invoke(keyed, "log", "--action", "user-added")
    assert stdout.strip() == "No audit events with action user-added."


def test_schema_changes_from_the_command_line_are_recorded(settings: Settings) -> None:
    assert runner.invoke(app, ["db", "upgrade"], obj=settings).exit_code == 0
    assert (
        runner.invoke(app, ["db", "upgrade"], obj=settings).exit_code == 0
    )  # nothing moved: nothing recorded
    assert runner.invoke(app, ["db", "downgrade", "0003", "--yes"], obj=settings).exit_code == 0
    assert runner.invoke(app, ["db", "upgrade"], obj=settings).exit_code == 0
    _, stdout, _ = _invoke(settings, "log", "--json")
    events = [json.loads(line) for line in stdout.splitlines()]
    head = head_revision()
    assert [(e["action"], e["detail"]) for e in events] == [
        ("ledger-initialised", {"from_revision": None, "to_revision": head}),
        ("ledger-downgraded", {"from_revision": head, "to_revision": "0003"}),
        ("ledger-initialised", {"from_revision": "0003", "to_revision": head}),
    ]


def test_the_key_setting_is_documented() -> None:
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "SHARELOG_AUDIT_SIGNING_KEY_FILE" in operations
