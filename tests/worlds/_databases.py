"""Where the suite's ledgers live: SQLite files and databases on the suite's PostgreSQL server — empty ones, and
copies of a template (a file copy, or ``CREATE DATABASE … TEMPLATE``).

The world factory keeps a SQLite ledger inside its data folder (``ledger.db``, copied with the folder:
:data:`SQLITE`); the crash-safety harness keeps it beside the data folder (:class:`SqliteLedgers`). Both use
:class:`PostgresLedgers` on PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from pathlib import Path
from typing import Protocol

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .._postgres import PostgresServer

IDLE_TIMEOUT = 30.0


class Ledgers(Protocol):
    """Where ledgers are made: ``sqlite`` files or ``postgresql`` databases."""

    name: str

    def empty(self) -> str:
        """The URL of a new, empty database."""
        ...

    def copy(self, template_url: str, *, folder: Path) -> str:
        """A new database holding what ``template_url`` holds (a SQLite copy goes in ``folder``)."""
        ...

    def wait_until_idle(self, url: str) -> None:
        """Return once no other connection uses the database (a killed client's session has ended)."""
        ...

    def in_use(self, url: str) -> bool:
        """Whether some connection has the database open."""
        ...

    def drop(self, url: str) -> None: ...

    def close(self) -> None:
        """Let go of any connection held for making databases."""
        ...


class SqliteLedgers:
    """SQLite files (WAL mode, as every sharelog ledger): a copy of the template's file per case."""

    name = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.numbers = itertools.count(1)

    def empty(self) -> str:
        return f"sqlite:///{self.folder / f'template-{next(self.numbers)}.db'}"

    def copy(self, template_url: str, *, folder: Path) -> str:
        source, target = Path(str(make_url(template_url).database)), folder / "ledger.db"
        shutil.copyfile(source, target)
        wal = source.with_name(source.name + "-wal")
        if wal.exists():  # every connection was closed, so normally checkpointed and gone; copied if not
            shutil.copyfile(wal, target.with_name(target.name + "-wal"))
        return f"sqlite:///{target}"

    def wait_until_idle(self, url: str) -> None:
        return None  # a killed process's file locks go with it

    def in_use(self, url: str) -> bool:
        # in WAL mode the first connection creates the -wal file and the last one to close removes it
        database = Path(str(make_url(url).database))
        return database.with_name(database.name + "-wal").exists()

    def drop(self, url: str) -> None:
        database = Path(str(make_url(url).database))
        for path in (
            database,
            database.with_name(database.name + "-wal"),
            database.with_name(database.name + "-shm"),
        ):
            path.unlink(missing_ok=True)

    def close(self) -> None:
        return None


class PostgresLedgers:
    """Databases on the suite's PostgreSQL server: ``CREATE DATABASE … TEMPLATE`` per case."""

    name = "postgresql"

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.admin = create_engine(server.base_url, isolation_level="AUTOCOMMIT")
        self.numbers = itertools.count(1)

    def _new_name(self) -> str:
        return f"sharelog_test_{os.getpid()}_{next(self.numbers)}"

    def _execute(self, sql: str, **values: object) -> list[tuple[object, ...]]:
        with self.admin.connect() as connection:
            result = connection.execute(text(sql), values)
            return [tuple(row) for row in result] if result.returns_rows else []

    def empty(self) -> str:
        name = self._new_name()
        self._execute(f'CREATE DATABASE "{name}"')
        return self.server.url_for(name)

    def copy(self, template_url: str, *, folder: Path) -> str:
        name, template = self._new_name(), make_url(template_url).database
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.server.url_for(name)

    def in_use(self, url: str) -> bool:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = :database AND pid <> pg_backend_pid()"
        return bool(self._execute(query, database=make_url(url).database)[0][0])

    def wait_until_idle(self, url: str) -> None:
        deadline = time.monotonic() + IDLE_TIMEOUT
        while self.in_use(url):
            assert time.monotonic() < deadline, (
                f"a session on {make_url(url).database} outlived its killed client"
            )
            time.sleep(0.05)

    def drop(self, url: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        self.admin.dispose()


class InDataFolder:
    """SQLite as sharelog keeps it by default: ``ledger.db`` in the data folder, copied with the folder (no
    database URL in the settings)."""

    name = "sqlite"

    def empty(self) -> None:
        return None

    def copy(self, template_url: str | None, *, folder: Path) -> None:
        return None


SQLITE = InDataFolder()
Backend = InDataFolder | PostgresLedgers
"""Where a world's ledger is made: :data:`SQLITE`, or the suite's PostgreSQL server."""
