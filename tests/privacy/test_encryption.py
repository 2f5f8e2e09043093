"""Return files and review files encrypted at rest: nothing readable on disk, the same table once decrypted, a
wrong key named, and retention and crash recovery working on the encrypted files as on plain ones."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sharelog.agreements import agreement_in_force
from sharelog.cli import app
from sharelog.errors import Conflict, InputError
from sharelog.exchange import (
    decide,
    generate_file_key,
    plain_name,
    read_file_key,
    read_return_file,
    review_case,
    review_queue,
    run_exchange,
)
from sharelog.exchange._encryption import MAGIC, encrypt_file_bytes
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import Exchange, ReturnFile
from sharelog.retention import apply_retention
from sharelog.settings import Settings

from ..worlds import (
    AGREEMENT,
    PREPARED,
    PURPOSE,
    SMALL,
    TEST_KEY,
    RegisterWorld,
    WorldFactory,
    engine_of,
    run_review_month,
)

runner = CliRunner(env={"COLUMNS": "200"})
RECEIVED = datetime(2019, 3, 10, 10, 0, tzinfo=UTC)  # long past: the agreement's retention has run out since


@pytest.fixture
def world(worlds: WorldFactory) -> RegisterWorld:
    return worlds.register(SMALL)


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "return-files.key"
    generate_file_key(path)
    return path


@pytest.fixture
def encrypted(worlds: WorldFactory, key_file: Path, tmp_path: Path) -> Settings:
    """Settings on a fresh ledger that encrypt exchange files with ``key_file``."""
    return _fresh(worlds, tmp_path, return_file_key_file=key_file)


def _fresh(worlds: WorldFactory, folder: Path, **settings: object) -> Settings:
    return worlds.copy(PREPARED, folder, holder_key=TEST_KEY, actor="tester", **settings).settings


def _exchange_with_review(settings: Settings, world: RegisterWorld) -> str:
    """Run the review month (the hand-made review cases land in its review band); its reference."""
    with engine_of(settings) as engine:
        reference, _queue = run_review_month(
            settings, engine=engine, register=world, now=RECEIVED.replace(month=int(world.review_month[5:]))
        )
    return reference


def _return_files(settings: Settings) -> list[tuple[str, str]]:
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        rows = session.execute(select(ReturnFile.path, ReturnFile.checksum).order_by(ReturnFile.id)).all()
    engine.dispose()
    return [(path, checksum) for path, checksum in rows]


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _personal_values(world: RegisterWorld) -> set[str]:
    """Names, dates of birth and postcodes of the requests (long enough to mean something)."""
    values = set()
    for batch in world.batches.values():
        for row in _csv_rows(batch.read_bytes()):
            values |= {row["surname"], row["dob"], row["postcode"], f"{row['forename']},"}
    return {v.encode("utf-8") for v in values if len(v) >= 5}


def test_files_on_disk_are_encrypted_and_their_checksums_are_of_those_bytes(
    world: RegisterWorld, encrypted: Settings
) -> None:
    reference = _exchange_with_review(encrypted, world)
    files = _return_files(encrypted)
    assert files and all(path.endswith(".csv.enc") for path, _ in files)
    personal = _personal_values(world)
    review = encrypted.review_path() / f"{reference}.json.enc"
    assert review.is_file() and not (encrypted.review_path() / f"{reference}.json").exists()
    for path in [*(encrypted.data_dir / p for p, _ in files), review]:
        data = path.read_bytes()
        assert data.startswith(MAGIC)
        for marker in (b"request_id", b"HO-2019-", b"match_probability", *personal):
            assert marker not in data, f"{path.name} holds plain text"
    for path, checksum in files:
        assert hashlib.sha256((encrypted.data_dir / path).read_bytes()).hexdigest() == checksum
    engine = create_ledger_engine(encrypted.ledger_url())
    with ledger_session(engine) as session:
        for exchange in session.execute(select(Exchange)).scalars():
            on_disk = (encrypted.data_dir / exchange.return_file_ref).read_bytes()
            assert exchange.output_checksum == hashlib.sha256(on_disk).hexdigest()
    engine.dispose()


def test_decrypted_files_are_the_plain_ones(
    worlds: WorldFactory, world: RegisterWorld, encrypted: Settings, tmp_path: Path
) -> None:
    plain_settings = _fresh(worlds, tmp_path / "plain")
    for settings in (encrypted, plain_settings):
        with engine_of(settings) as engine:
            run_exchange(
                settings,
                engine=engine,
                agreement_id=AGREEMENT,
                purpose=PURPOSE,
                batch=world.batches["2019-02"],
                month="2019-02",
            )
    [(encrypted_path, _)] = _return_files(encrypted)
    [(plain_path, _)] = _return_files(plain_settings)
    plain = (plain_settings.data_dir / plain_path).read_bytes()
    assert encrypted_path.endswith(".csv.enc") and plain_name(encrypted_path) == Path(encrypted_path).stem
    decrypted = read_return_file(encrypted, encrypted.data_dir / encrypted_path)
    assert decrypted == plain  # byte for byte: the same CSV, encrypted
    plain_read = read_return_file(plain_settings, plain_settings.data_dir / plain_path)
    assert plain_read == plain  # a plain file is served as it is

    out = tmp_path / "opened.csv"
    result = runner.invoke(
        app,
        ["exchange", "decrypt", str(encrypted.data_dir / encrypted_path), "--out", str(out)],
        obj=encrypted,
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == plain
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # personal data: for its owner only
    header = plain.decode("utf-8").splitlines()[0].split(",")
    agreement = agreement_in_force(AGREEMENT, on=date(2019, 2, 1), directory=encrypted.agreements_path())
    assert header[:2] == ["request_id", "match_probability"]
    assert set(header[2:]) <= set(agreement.return_fields)
    again = runner.invoke(
        app,
        ["exchange", "decrypt", str(encrypted.data_dir / encrypted_path), "--out", str(out)],
        obj=encrypted,
    )
    assert again.exit_code == 2 and "is never overwritten" in again.stderr


def test_a_wrong_key_a_missing_key_and_a_changed_file_are_clear_errors(
    world: RegisterWorld, encrypted: Settings, tmp_path: Path
) -> None:
    with engine_of(encrypted) as engine:
        run_exchange(
            encrypted,
            engine=engine,
            agreement_id=AGREEMENT,
            purpose=PURPOSE,
            batch=world.batches["2019-01"],
            month="2019-01",
        )
    [(path, _)] = _return_files(encrypted)
    on_disk = encrypted.data_dir / path
    other = tmp_path / "other.key"
    generate_file_key(other)
    wrong = runner.invoke(
        app,
        ["exchange", "decrypt", str(on_disk), "--out", str(tmp_path / "x.csv"), "--key-file", str(other)],
        obj=encrypted,
    )
    assert wrong.exit_code == 2
    [line] = wrong.stderr.strip().splitlines()
    assert line.startswith(f"Error: {on_disk}: encrypted with key ") and "not with this key" in line
    assert not (tmp_path / "x.csv").exists()

    with pytest.raises(InputError, match="encrypted with key .* not with this key"):
        read_return_file(encrypted.model_copy(update={"return_file_key_file": other}), on_disk)
    with pytest.raises(InputError, match="is encrypted: set SHARELOG_RETURN_FILE_KEY_FILE"):
        read_return_file(encrypted.model_copy(update={"return_file_key_file": None}), on_disk)

    changed = bytearray(on_disk.read_bytes())
    changed[-20] ^= 1
    damaged = tmp_path / "damaged.csv.enc"
    damaged.write_bytes(bytes(changed))
    with pytest.raises(InputError, match="cannot be decrypted: the file was changed or damaged"):
        read_return_file(encrypted, damaged)
    not_ours = runner.invoke(
        app,
        ["exchange", "decrypt", str(world.batches["2019-01"]), "--out", str(tmp_path / "y.csv")],
        obj=encrypted,
    )
    assert not_ours.exit_code == 2 and "not an encrypted sharelog file" in not_ours.stderr


def test_review_reads_the_encrypted_review_file_and_writes_an_encrypted_supplementary_file(
    world: RegisterWorld, encrypted: Settings
) -> None:
    reference = _exchange_with_review(encrypted, world)
    with engine_of(encrypted) as engine:
        with ledger_session(engine) as session:
            queue = review_queue(session, exchange=reference)
            opened = review_case(session, encrypted, exchange=reference, request_ref=queue[0].request_ref)
        assert opened.request and opened.candidate  # decrypted for the reviewer
        for index, case in enumerate(queue):
            decide(
                encrypted,
                engine=engine,
                exchange=reference,
                request_ref=case.request_ref,
                accept=index == 0,
                decided_by="Reviewer",
            )
    review = encrypted.review_path() / f"{reference}.json.enc"
    assert not review.exists()
    supplementary = encrypted.returns_path() / f"{reference}.supplementary.csv.enc"
    assert supplementary.read_bytes().startswith(MAGIC)
    [row] = _csv_rows(read_return_file(encrypted, supplementary))
    assert row["request_id"] == queue[0].request_ref
    files = dict(_return_files(encrypted))
    assert (
        files[f"returns/{reference}.supplementary.csv.enc"]
        == hashlib.sha256(supplementary.read_bytes()).hexdigest()
    )
    engine = create_ledger_engine(encrypted.ledger_url())
    with ledger_session(engine) as session:
        assert verify_audit_chain(session).ok
    engine.dispose()


def test_a_review_file_written_before_encryption_was_switched_on_is_still_read(
    worlds: WorldFactory, world: RegisterWorld, key_file: Path, tmp_path: Path
) -> None:
    plain = _fresh(worlds, tmp_path)
    reference = _exchange_with_review(plain, world)
    assert (plain.review_path() / f"{reference}.json").is_file()
    now_encrypting = plain.model_copy(update={"return_file_key_file": key_file})
    with engine_of(plain) as engine:
        with ledger_session(engine) as session:
            queue = review_queue(session, exchange=reference)
            assert review_case(
                session, now_encrypting, exchange=reference, request_ref=queue[0].request_ref
            ).request
        for case in queue:
            decide(
                now_encrypting,
                engine=engine,
                exchange=reference,
                request_ref=case.request_ref,
                accept=True,
                decided_by="R",
            )
    assert not (plain.review_path() / f"{reference}.json").exists()
    assert (plain.returns_path() / f"{reference}.supplementary.csv.enc").is_file()


def test_retention_deletes_encrypted_files_and_finds_their_checksums(
    world: RegisterWorld, encrypted: Settings
) -> None:
    reference = _exchange_with_review(encrypted, world)
    files = _return_files(encrypted)
    with engine_of(encrypted) as engine:
        result = apply_retention(encrypted, engine=engine)
    deleted = {f.path: f for f in result.files}
    for path, _checksum in files:
        assert deleted[path].found and deleted[path].checksum_matched is True
        assert not (encrypted.data_dir / path).exists()
    review = deleted[f"review/{reference}.json.enc"]
    assert review.found and review.recorded
    assert not list(encrypted.review_path().iterdir())


@pytest.mark.parametrize("point", ["after-files-written", "after-ledger-commit"])
def test_a_killed_exchange_is_recovered_with_its_encrypted_files(
    world: RegisterWorld, encrypted: Settings, key_file: Path, point: str
) -> None:
    env = {
        **os.environ,
        "SHARELOG_DATA_DIR": str(encrypted.data_dir),
        "SHARELOG_HOLDER_KEY": TEST_KEY,
        "SHARELOG_RETURN_FILE_KEY_FILE": str(key_file),
        "SHARELOG_CRASH_AT": point,
    }
    args = [
        sys.executable,
        "-m",
        "sharelog",
        "exchange",
        "run",
        "--agreement",
        AGREEMENT,
        "--purpose",
        PURPOSE,
    ]
    args += ["--batch", str(world.batches["2019-02"]), "--month", "2019-02"]
    killed = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    assert killed.returncode == -9, killed.stderr
    partials = sorted(p.name for p in encrypted.returns_path().glob(".*.partial"))
    assert partials and all(name.endswith(".csv.enc.partial") for name in partials)
    assert all((encrypted.returns_path() / n).read_bytes().startswith(MAGIC) for n in partials)
    env.pop("SHARELOG_CRASH_AT")
    committed = point == "after-ledger-commit"
    rerun = subprocess.run(
        [*args, *(["--rerun"] if committed else [])], env=env, capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stderr
    files = _return_files(encrypted)
    assert len(files) == (2 if committed else 1)
    assert {f"returns/{p.name}" for p in encrypted.returns_path().glob("EX-*")} == {p for p, _ in files}
    assert not list(encrypted.returns_path().glob(".*.partial"))
    for path, checksum in files:
        data = (encrypted.data_dir / path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == checksum
        assert read_return_file(encrypted, encrypted.data_dir / path).startswith(
            b"request_id,match_probability"
        )
    engine = create_ledger_engine(encrypted.ledger_url())
    with ledger_session(engine) as session:
        assert verify_audit_chain(session).ok
    engine.dispose()


def test_key_files_are_private_well_formed_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "k.key"
    result = runner.invoke(app, ["exchange", "keygen", "--out", str(path)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(read_file_key(path)) == 32
    with pytest.raises(Conflict, match="never overwritten"):
        generate_file_key(path)
    path.chmod(0o644)
    with pytest.raises(InputError, match="can be read by others"):
        read_file_key(path)
    short = tmp_path / "short.key"
    short.write_text("c2hvcnQ=\n", encoding="ascii")
    short.chmod(0o600)
    with pytest.raises(InputError, match="does not hold a 32-byte key"):
        read_file_key(short)
    settings = Settings(
        data_dir=tmp_path / "data", holder_key=TEST_KEY, return_file_key_file=tmp_path / "missing.key"
    )
    with (
        engine_of(settings) as engine,
        pytest.raises(InputError, match="SHARELOG_RETURN_FILE_KEY_FILE: cannot read"),
    ):
        run_exchange(settings, engine=engine, agreement_id=AGREEMENT, purpose=PURPOSE, batch=path)


def test_every_file_has_its_own_nonce() -> None:
    key = bytes(range(32))
    first, second = encrypt_file_bytes(b"same", key=key), encrypt_file_bytes(b"same", key=key)
    header = len(MAGIC) + 8
    assert first[:header] == second[:header]  # the magic line and the key id
    assert first[header : header + 12] != second[header : header + 12] and first[header:] != second[header:]
