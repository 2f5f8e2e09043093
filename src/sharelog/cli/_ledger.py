"""Opening the ledger for one command: checked to be at the current revision, one engine, then closed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sharelog.ledger import create_ledger_engine, ledger_session, require_current
from sharelog.settings import Settings


@contextmanager
def ledger_engine(settings: Settings) -> Iterator[Engine]:
    """The settings' ledger engine, checked to be at the current revision, disposed of when the block ends.

    For a service that commits in steps of its own (an exchange run, a review decision, retention): it takes the
    engine, never builds one.

    Raises:
        LedgerError: the ledger is missing, unreachable or not at the current revision.
    """
    engine = create_ledger_engine(settings.ledger_url())
    try:
        require_current(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def ledger_transaction(settings: Settings) -> Iterator[Session]:
    """A session on the settings' ledger in one transaction: committed when the block ends, rolled back if it raises.

    Raises:
        LedgerError: the ledger is missing, unreachable or not at the current revision.
    """
    with ledger_engine(settings) as engine, ledger_session(engine) as session:
        yield session
