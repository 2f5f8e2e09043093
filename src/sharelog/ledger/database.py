"""Connecting to the ledger: engines, sessions and the SQLite settings that make it safe."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from sharelog.ledger._sqlite import configure_sqlite_engine

__all__ = ["create_ledger_engine", "ledger_session", "safe_url"]


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
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **pool)
        configure_sqlite_engine(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **pool)


@contextmanager
def ledger_session(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back if it raises."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session
