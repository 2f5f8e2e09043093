"""Files that hold personal data are their owner's only (files 0600, folders 0700), whatever the umask.

Every test starts from the usual umask 022 — under which Python, SQLite, DuckDB and openpyxl create files
``-rw-r--r--`` in ``0755`` folders — and checks the mode of every file and folder the step created: through the
service functions (called from Python, no umask set for them) and through the ``sharelog`` command.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.exchange import run_exchange
from sharelog.ledger import create_ledger_engine, ledger_session, upgrade
from sharelog.linkage import link, prepare_register
from sharelog.private_files import make_private, open_private, private_dir, write_private_bytes
from sharelog.settings import Settings
from sharelog.synth import generate

from .worlds import AGREEMENT, PURPOSE, REVIEW_MONTH, SMALL, TEST_KEY, WorldFactory, engine_of

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")

runner = CliRunner()


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    before = os.umask(0o022)
    yield
    os.umask(before)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _not_private(folder: Path) -> list[str]:
    """Every path under ``folder`` (and itself) that is not 0700 (folders) or 0600 (files), with its mode."""
    found = []
    for path in [folder, *sorted(folder.rglob("*"))]:
        wanted = 0o700 if path.is_dir() else 0o600
        if _mode(path) != wanted:
            found.append(f"{path.relative_to(folder.parent)}: {oct(_mode(path))}")
    return found


# --- the helpers ------------------------------------------------------------------------------------------


def test_private_dir_creates_every_missing_level_0700_and_leaves_existing_parents(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    folder = private_dir(tmp_path / "a" / "b" / "c")
    assert [_mode(p) for p in (tmp_path, tmp_path / "a", tmp_path / "a" / "b", folder)] == [
        0o755,
        0o700,
        0o700,
        0o700,
    ]


def test_private_dir_tightens_an_existing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir(mode=0o755)
    private_dir(folder)
    assert _mode(folder) == 0o700


def test_private_files_are_0600_new_or_replaced(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text("x")
    old.chmod(0o644)
    with open_private(old, "w", encoding="utf-8") as handle:
        handle.write("y")
    written = write_private_bytes(tmp_path / "new.bin", b"z")
    assert (_mode(old), _mode(written)) == (0o600, 0o600)
    assert old.read_text() == "y"


def test_make_private_closes_a_tree_a_library_wrote(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "f.parquet").write_bytes(b"")
    (tree / "g.json").write_text("{}")
    make_private(tree)
    assert _not_private(tree) == []


# --- the services, called from Python --------------------------------------------------------------------


def test_the_sqlite_ledger_and_its_wal_and_shm_are_0600(tmp_path: Path) -> None:
    data = tmp_path / "data"
    engine = create_ledger_engine(f"sqlite:///{data / 'ledger.db'}")
    upgrade(engine)
    with ledger_session(engine) as session:  # a write keeps -wal and -shm on disk while the engine is open
        session.connection().exec_driver_sql("CREATE TABLE t (x INTEGER)")
        session.connection().exec_driver_sql("INSERT INTO t VALUES (1)")
    names = sorted(p.name for p in data.iterdir())
    assert {"ledger.db", "ledger.db-wal", "ledger.db-shm"} <= set(names)
    assert _not_private(data) == []
    engine.dispose()


def test_an_existing_ledger_readable_by_others_is_tightened(tmp_path: Path) -> None:
    database = tmp_path / "ledger.db"
    engine = create_ledger_engine(f"sqlite:///{database}")
    upgrade(engine)
    engine.dispose()
    database.chmod(0o644)
    create_ledger_engine(f"sqlite:///{database}").dispose()
    assert _mode(database) == 0o600


@pytest.fixture(scope="module")
def small_world(worlds: WorldFactory) -> dict[str, Path]:
    """The suite's small synthetic register and its review month's batch (so the exchange has a review band)."""
    world = worlds.register(SMALL)
    return {"register": world.register, "batch": world.batches[REVIEW_MONTH]}


def test_synth_prepare_and_link_write_private_files(small_world: dict[str, Path], tmp_path: Path) -> None:
    generate(pupils=300, requests=40, seed=2, out_dir=tmp_path / "synth")
    prepare_register(
        register=small_world["register"], out_dir=tmp_path / "prepared", train_requests=small_world["batch"]
    )
    (tmp_path / "links").mkdir()
    link(
        requests=small_world["batch"], prepared=tmp_path / "prepared", out=tmp_path / "links" / "matches.csv"
    )
    assert _not_private(tmp_path / "synth") == []
    assert _not_private(tmp_path / "prepared") == []
    assert _mode(tmp_path / "links" / "matches.csv") == 0o600


def test_an_exchange_writes_private_return_and_review_files(
    small_world: dict[str, Path], tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", holder_key=TEST_KEY, actor="tester")
    engine = create_ledger_engine(settings.ledger_url())  # creates the data folder
    upgrade(engine)
    engine.dispose()
    prepare_register(
        register=small_world["register"],
        out_dir=settings.register_path(),
        train_requests=small_world["batch"],
    )
    with engine_of(settings) as engine:
        result = run_exchange(
            settings,
            engine=engine,
            agreement_id=AGREEMENT,
            purpose=PURPOSE,
            batch=small_world["batch"],
            month=REVIEW_MONTH,
        )
    assert result.return_file.is_file()
    assert _not_private(settings.returns_path()) == []
    assert settings.review_path().is_dir() and _not_private(settings.review_path()) == []
    assert _not_private(settings.register_path()) == []
    assert _mode(settings.data_dir / "ledger.db") == 0o600


# --- the command line ------------------------------------------------------------------------------------


def test_the_command_line_writes_nothing_others_can_read(
    small_world: dict[str, Path], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data, holder_key=TEST_KEY, actor="tester")

    def sharelog(*args: str) -> None:
        os.umask(0o022)  # each command starts from the usual umask, as a shell would give it
        result = runner.invoke(app, list(args), obj=settings)
        assert result.exit_code == 0, result.output

    sharelog("db", "upgrade")
    sharelog("synth", "--pupils", "300", "--requests", "40", "--seed", "2", "--out", str(data / "synth"))
    sharelog(
        "register", "prepare", "--register", str(small_world["register"]),
        "--train-requests", str(small_world["batch"]), "--out", str(data / "register"),
    )  # fmt: skip
    sharelog(
        "link", "--requests", str(small_world["batch"]), "--prepared", str(data / "register"),
        "--out", str(data / "matches.csv"),
    )  # fmt: skip
    sharelog(
        "exchange", "run", "--agreement", AGREEMENT, "--purpose", PURPOSE,
        "--batch", str(small_world["batch"]), "--month", REVIEW_MONTH,
    )  # fmt: skip
    assert _not_private(data) == []
    assert (data / "returns").is_dir() and (data / "synth" / "register.csv").is_file()


def test_foi_letters_are_private(tmp_path: Path) -> None:
    from datetime import date

    from sharelog.foi import Letter, write_letter_docx, write_letter_markdown

    letter = Letter(
        reference="FOI-2020-001",
        title="Outcomes of data shares",
        authority="Department for Education",
        regime="foia",
        stage="initial",
        outcome="successful",
        received_on=date(2020, 8, 12),
        statutory_due_on=date(2020, 9, 10),
        due_on=date(2020, 9, 10),
        extension_days=0,
        responded_on=date(2020, 9, 1),
    )
    folder = tmp_path / "foi" / "FOI-2020-001"
    written = [write_letter_markdown(letter, folder / "r.md"), write_letter_docx(letter, folder / "r.docx")]
    assert all(path.is_file() for path in written)
    assert _not_private(tmp_path / "foi") == []
