"""The holder's HMAC key comes from settings or a file, never from the repository; the public demo key works in
the demo only; and after a key rotation subject access still finds rows made under the earlier keys."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.errors import InputError
from sharelog.exchange import subject_key
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.settings import DEMO_HOLDER_KEY, Settings
from sharelog.subjects import subject_access

from ..worlds import (
    TEST_KEY_BYTES,
    add_agreement,
    add_disclosure,
    add_exchange,
    add_review_item,
    audit_details,
    migrated,
)

runner = CliRunner(env={"COLUMNS": "200"})
ROOT = Path(__file__).resolve().parents[2]
NEW_KEY = b"the-new-holder-key-after-rotation-0123"
PUPIL = "P0000001"


def _key_file(folder: Path, name: str, key: bytes | str) -> Path:
    path = folder / name
    path.write_bytes((key if isinstance(key, bytes) else key.encode()) + b"\n")
    path.chmod(0o600)
    return path


def _settings(tmp_path: Path, **values: object) -> Settings:
    base: dict[str, object] = {"data_dir": tmp_path / "data", "holder_key": None, "holder_key_file": None}
    return Settings(_env_file=None, **(base | values))  # type: ignore[call-arg]


def test_the_key_comes_from_a_file_or_the_setting(tmp_path: Path) -> None:
    from_file = _settings(tmp_path, holder_key_file=_key_file(tmp_path, "holder.key", "k" * 40))
    assert from_file.holder_key_bytes() == b"k" * 40  # the trailing newline is not part of the key
    assert _settings(tmp_path, holder_key=SecretStr("s" * 40)).holder_key_bytes() == b"s" * 40
    both = _settings(
        tmp_path, holder_key=SecretStr("s" * 40), holder_key_file=_key_file(tmp_path, "h2.key", "f" * 40)
    )
    assert both.holder_key_bytes() == b"f" * 40  # the file wins


def test_there_is_no_default_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SHARELOG_HOLDER_KEY", "SHARELOG_HOLDER_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(InputError, match="^no holder key: set SHARELOG_HOLDER_KEY_FILE"):
        _settings(tmp_path).holder_key_bytes()
    with pytest.raises(InputError, match="SHARELOG_HOLDER_KEY_FILE: cannot read"):
        _settings(tmp_path, holder_key_file=tmp_path / "absent.key").holder_key_bytes()
    with pytest.raises(InputError, match="too short"):
        _settings(tmp_path, holder_key=SecretStr("short")).holder_key_bytes()


def test_the_demo_key_works_in_the_demo_only(tmp_path: Path) -> None:
    assert _settings(tmp_path, demo_mode=True).holder_key_bytes() == DEMO_HOLDER_KEY.encode()
    for values in (
        {"holder_key": SecretStr(DEMO_HOLDER_KEY)},
        {"holder_key_file": _key_file(tmp_path, "demo.key", DEMO_HOLDER_KEY)},
    ):
        with pytest.raises(InputError, match="demo holder key is public"):
            _settings(tmp_path, **values).holder_key_bytes()


def test_the_repository_holds_no_key() -> None:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.splitlines()
    if not listed:
        pytest.skip("not a git checkout")
    suspicious = [
        name
        for name in listed
        if Path(name).name in (".env", "holder.key", "web-secret.key")
        or Path(name).suffix in (".key", ".pem")
    ]
    assert suspicious == []
    fields = Settings.model_fields
    assert fields["holder_key"].default is None and fields["holder_key_file"].default is None


def _rotated(engine: Engine) -> Engine:
    """March's rows were made under the old key (TEST_KEY_BYTES); April's under the new one, after a rotation."""
    migrated(engine)
    with ledger_session(engine) as session:
        agreement = add_agreement(session)
        march = add_exchange(session, agreement, reference="EX-2019-03-aaaaaaaa")
        april = add_exchange(
            session,
            agreement,
            reference="EX-2019-04-bbbbbbbb",
            month="2019-04",
            received_at=datetime(2019, 4, 2, tzinfo=UTC),
        )
        add_disclosure(session, march, request_ref="HO-03-001", pupil_id=PUPIL)
        add_disclosure(session, march, request_ref="HO-03-002", pupil_id="P0000002")
        after = add_disclosure(session, april, request_ref="HO-04-001", pupil_id=PUPIL)
        after.subject_key = subject_key(PUPIL, key=NEW_KEY)
        item = add_review_item(session, april, request_ref="HO-04-002", pupil_id=PUPIL)
        item.subject_key = subject_key(PUPIL, key=NEW_KEY)
    return engine


@pytest.fixture
def rotated(ledger_engine: Engine) -> Engine:
    return _rotated(ledger_engine)


def test_after_a_rotation_only_the_previous_keys_find_the_older_rows(rotated: Engine) -> None:
    with ledger_session(rotated) as session:
        new_only = subject_access(session, pupil_id=PUPIL, key=NEW_KEY, searched_by="dpo")
        both = subject_access(
            session, pupil_id=PUPIL, key=NEW_KEY, previous_keys=[TEST_KEY_BYTES], searched_by="dpo"
        )
        details = audit_details(session, "subject-access-searched")
    assert [d.request_ref for d in new_only.disclosures] == ["HO-04-001"]
    assert [d.request_ref for d in both.disclosures] == ["HO-03-001", "HO-04-001"]
    assert [i.request_ref for i in both.review_items] == ["HO-04-002"]
    assert [e.reference for e in both.exchanges] == ["EX-2019-03-aaaaaaaa", "EX-2019-04-bbbbbbbb"]
    assert "holder_keys_tried" not in details[0] and details[1]["holder_keys_tried"] == 2
    assert PUPIL not in json.dumps(details)


def test_the_command_searches_under_the_previous_key_files(tmp_path: Path) -> None:
    old = _key_file(tmp_path, "holder-2019.key", TEST_KEY_BYTES)
    settings = _settings(
        tmp_path,
        database_url=None,
        holder_key_file=_key_file(tmp_path, "holder-2020.key", NEW_KEY),
        holder_key_previous_files=f" {old} ,",
        actor="dpo",
    )
    assert settings.holder_previous_key_bytes() == [TEST_KEY_BYTES]
    engine = create_ledger_engine(settings.ledger_url())
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _rotated(engine)
    engine.dispose()
    result = runner.invoke(app, ["subject", PUPIL], obj=settings)
    assert result.exit_code == 0, result.output
    assert "Found 2 exchange(s), 2 returned record(s), 0 outcome event(s), 1 review item(s)." in result.stdout
    missing = settings.model_copy(update={"holder_key_previous_files": str(tmp_path / "lost.key")})
    failed = runner.invoke(app, ["subject", PUPIL], obj=missing)
    assert failed.exit_code == 2
    assert failed.stderr.startswith("Error: SHARELOG_HOLDER_KEY_PREVIOUS_FILES: cannot read")


def test_a_previous_key_is_checked_as_the_current_one_is(tmp_path: Path) -> None:
    demo = _key_file(tmp_path, "demo.key", DEMO_HOLDER_KEY)
    with pytest.raises(InputError, match="demo holder key is public"):
        _settings(tmp_path, holder_key_previous_files=str(demo)).holder_previous_key_bytes()
    short = _key_file(tmp_path, "short.key", "short")
    with pytest.raises(InputError, match="too short"):
        _settings(tmp_path, holder_key_previous_files=str(short)).holder_previous_key_bytes()
    assert _settings(tmp_path).holder_previous_key_bytes() == []


def test_demo_mode_cannot_be_switched_on_from_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Demo mode lets the public key make subject keys: a variable or a .env line left next to real data must not
    turn it on — only the demo's own code does."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHARELOG_HOLDER_KEY", raising=False)
    monkeypatch.setenv("SHARELOG_HOLDER_KEY_FILE", str(_key_file(tmp_path, "demo.key", DEMO_HOLDER_KEY)))
    monkeypatch.setenv("SHARELOG_DEMO_MODE", "true")
    (tmp_path / ".env").write_text("SHARELOG_DEMO_MODE=1\n", encoding="utf-8")
    settings = Settings()
    assert settings.demo_mode is False
    with pytest.raises(InputError, match="demo holder key is public"):
        settings.holder_key_bytes()
    assert Settings(demo_mode=True).demo_mode is True
