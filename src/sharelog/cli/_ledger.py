"""Opening the ledger for one command: checked to be at the current revision, one transaction, then closed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from sharelog.ledger import create_ledger_engine, ledger_session, require_current
from sharelog.settings import Settings


@contextmanager
def ledger_transaction(settings: Settings) -> Iterator[Session]:
    """A session on the settings' ledger in one transaction: committed when the block ends, rolled back if it raises.

    Raises:
        LedgerError: the ledger is missing, unreachable or not at the current revision.
    """
    engine = create_ledger_engine(settings.ledger_url())
    try:
        require_current(engine)
        with ledger_session(engine) as session:
            yield session
    finally:
        engine.dispose()
