"""Shared fixtures: settings in a temporary folder, and ledgers on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from sharelog.ledger import create_ledger_engine
from sharelog.settings import Settings

from ._postgres import PostgresServer, PostgresUnavailable, start_postgres

_database_numbers = itertools.count(1)


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


def _fresh_postgres_database(server: PostgresServer) -> str:
    name = f"sharelog_test_{next(_database_numbers)}"
    admin = create_engine(server.base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.url_for(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a SQLite file, then a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    server = request.getfixturevalue("postgres_server")
    return _fresh_postgres_database(server)


@pytest.fixture
def ledger_engine(ledger_url: str) -> Iterator[Engine]:
    """An engine on an empty ledger database (not yet migrated)."""
    engine = create_ledger_engine(ledger_url)
    yield engine
    engine.dispose()
