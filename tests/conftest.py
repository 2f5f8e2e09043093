"""Shared fixtures: settings in a temporary folder, ledgers on SQLite and on a real PostgreSQL server, and the
session's world factory (tests/worlds), which builds every test ledger."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sharelog.ledger import create_ledger_engine
from sharelog.settings import Settings, shipped_agreements_dir

from . import _promised
from ._postgres import PostgresServer, PostgresUnavailable, start_postgres
from .reliability._harness import CAMPAIGN_PROPERTY, SEED_VARIABLE, session_seed, summary_lines
from .worlds import (
    GOLDEN,
    SQLITE,
    Backend,
    Document,
    PostgresLedgers,
    WorldFactory,
    WriteAgreement,
    agreement_writer,
)
from .worlds import (
    sound_document as read_sound_document,
)

_CAMPAIGNS = pytest.StashKey[list[dict[str, object]]]()


def pytest_configure(config: pytest.Config) -> None:
    """One crash-safety seed for the whole run: set here, before any xdist worker starts, so that every worker
    (each a process with this environment) uses it."""
    os.environ.setdefault(SEED_VARIABLE, str(session_seed()))
    config.stash[_CAMPAIGNS] = []
    config.pluginmanager.register(_CampaignGatherer(config.stash[_CAMPAIGNS]), "sharelog-crash-safety")
    # under CI a skipped PostgreSQL, Spark or browser test fails the run (tests/_promised.py)
    if not config.pluginmanager.is_registered(_promised):
        config.pluginmanager.register(_promised, "sharelog-promised-suites")


class _CampaignGatherer:
    """Collects the crash-safety figures from the test reports: in the one process of a plain run, in the
    controller under xdist (where tests/reliability/conftest.py is never loaded)."""

    def __init__(self, summaries: list[dict[str, object]]) -> None:
        self.summaries = summaries

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown":
            self.summaries.extend(
                value for name, value in report.user_properties if name == CAMPAIGN_PROPERTY
            )

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.summaries:
            terminalreporter.section("crash safety (SIGKILL harness)")
            for line in summary_lines(self.summaries):
                terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _umask_restored() -> Iterator[None]:
    """The ``sharelog`` command and the web app set the process umask to 0077; each test starts with its own."""
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose data folder (and SQLite ledger) live in this test's temporary folder."""
    return Settings(data_dir=tmp_path / "data", database_url=None, agreements_dir=None)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole session; skips (with the reason) where none can start."""
    try:
        server = start_postgres()
    except PostgresUnavailable as reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_databases(postgres_server: PostgresServer) -> Iterator[PostgresLedgers]:
    """Empty databases and copies of templates on the session's PostgreSQL server."""
    databases = PostgresLedgers(postgres_server)
    yield databases
    databases.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_backend(request: pytest.FixtureRequest) -> Backend:
    """Where the test's ledger lives: a SQLite file, then a database on the PostgreSQL server."""
    if request.param == "sqlite":
        return SQLITE
    databases: PostgresLedgers = request.getfixturevalue("postgres_databases")
    return databases


@pytest.fixture
def ledger_url(ledger_backend: Backend, tmp_path: Path) -> str:
    """A URL of an empty database: a SQLite file, then a fresh database on the PostgreSQL server."""
    return ledger_backend.empty() or f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def ledger_engine(ledger_url: str) -> Iterator[Engine]:
    """An engine on an empty ledger database (not yet migrated)."""
    engine = create_ledger_engine(ledger_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> WorldFactory:
    """The session's worlds: each built once, copied for every test that asks (see tests/worlds)."""
    return WorldFactory(tmp_path_factory.mktemp("worlds"))


@pytest.fixture
def golden_engine(worlds: WorldFactory, ledger_backend: Backend, tmp_path: Path) -> Iterator[Engine]:
    """A copy of the golden report ledger (tests/worlds/_golden.py), on SQLite and then on PostgreSQL."""
    with worlds.copy(GOLDEN, tmp_path / "golden", backend=ledger_backend).engine() as engine:
        yield engine


@pytest.fixture
def golden_sqlite(worlds: WorldFactory, tmp_path: Path) -> Iterator[Engine]:
    """A copy of the golden report ledger on SQLite only, where the database cannot make a difference."""
    with worlds.copy(GOLDEN, tmp_path / "golden").engine() as engine:
        yield engine


@pytest.fixture(scope="session")
def shipped_dir() -> Path:
    """The agreements that ship with sharelog (never the environment's SHARELOG_AGREEMENTS_DIR)."""
    return shipped_agreements_dir()


@pytest.fixture(scope="session")
def _sound_document() -> Document:
    return read_sound_document()


@pytest.fixture
def sound_document(_sound_document: Document) -> Document:
    """A fresh copy of a sound agreement document (ho-dfe-2015-mou v2.1) as plain data, to change at will."""
    return copy.deepcopy(_sound_document)


@pytest.fixture
def write_agreement(tmp_path: Path) -> WriteAgreement:
    """Write a document as ``<tmp_path>/agreements/<id>/v<version>.yaml`` (or at ``relative``); its path."""
    return agreement_writer(tmp_path / "agreements")
