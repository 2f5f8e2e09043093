"""Connecting to the ledger: engines, sessions and the SQLite settings that make it safe."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from sharelog.ledger._sqlite import configure_sqlite_engine
from sharelog.private_files import PRIVATE_FILE_MODE, make_private, private_dir

__all__ = ["create_ledger_engine", "ledger_session", "safe_url"]

log = logging.getLogger("sharelog.ledger")


def safe_url(url: str) -> str:
    """The URL with any password hidden, fit for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def create_ledger_engine(url: str, *, max_connections: int | None = None) -> Engine:
    """An engine for the ledger at ``url``; a SQLite file's folder is created when missing.

    Args:
        url: a SQLAlchemy URL, e.g. ``sqlite:////path/ledger.db`` or ``postgresql+psycopg://…``.
        max_connections: the most connections open at once (five kept, the rest closed when idle); default:
            SQLAlchemy's fifteen. The web app allows one per request thread.
    """
    parsed = make_url(url)
    pool: dict[str, int] = {}
    if max_connections is not None and parsed.database not in (None, "", ":memory:"):
        kept = min(5, max_connections)
        pool = {"pool_size": kept, "max_overflow": max_connections - kept}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            _private_sqlite_file(Path(parsed.database))
        engine = create_engine(url, **pool)
        configure_sqlite_engine(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **pool)


def _private_sqlite_file(path: Path) -> None:
    """Create the ledger's SQLite file for its owner only (0600), or make an existing one so.

    SQLite gives its ``-wal``, ``-shm`` and ``-journal`` files the database file's own mode, so they follow;
    those an older sharelog left readable by others are tightened too. A missing folder is created 0700.
    """
    try:
        if not path.parent.is_dir():
            private_dir(path.parent)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))  # empty: new
        except FileExistsError:
            pass
        for companion in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))):
            if companion.exists():
                make_private(companion)
    except OSError as error:  # a read-only folder or file system: SQLite says what it can and cannot do
        log.warning("cannot make the ledger file private (%s)", error.strerror or type(error).__name__)


@contextmanager
def ledger_session(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back if it raises."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session
