"""A fresh ledger and data folder for every kill: a SQLite file copied from a template, or a PostgreSQL database
created from a template database, beside a copy of the template's data folder (return and review files)."""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
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
        return f"sharelog_reliability_{os.getpid()}_{next(self.numbers)}"

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


@dataclass(frozen=True)
class Template:
    """A ledger and its data folder as they stand before the command under test runs."""

    ledger_url: str
    data_dir: Path


@dataclass(frozen=True)
class Case:
    """One copy of a template that one command runs against, is killed in, and is rerun against."""

    folder: Path
    data_dir: Path
    ledger_url: str
    ledgers: Ledgers

    def wait_until_idle(self) -> None:
        self.ledgers.wait_until_idle(self.ledger_url)

    def discard(self) -> None:
        """Drop the database and the folder once the case has passed (a failing case keeps both for a look)."""
        self.ledgers.drop(self.ledger_url)
        shutil.rmtree(self.folder, ignore_errors=True)


def case_factory(ledgers: Ledgers, template: Template, root: Path) -> Callable[[str], Case]:
    """Make cases named as asked, each in its own folder under ``root`` with its own copy of ``template``."""
    numbers = itertools.count(1)

    def new_case(name: str) -> Case:
        folder = root / f"{next(numbers):03d}-{name}"
        folder.mkdir(parents=True)
        data_dir = folder / "data"
        shutil.copytree(template.data_dir, data_dir)
        return Case(folder, data_dir, ledgers.copy(template.ledger_url, folder=folder), ledgers)

    return new_case
