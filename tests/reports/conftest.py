"""The fixed small ledger of ``_golden_ledger.py``: on SQLite and PostgreSQL, or on SQLite only where the
database cannot make a difference."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sharelog.ledger import create_ledger_engine, ledger_session

from .._ledger_rows import migrated
from ._golden_ledger import build_golden_ledger


@pytest.fixture
def golden_engine(ledger_engine: Engine) -> Iterator[Engine]:
    migrated(ledger_engine)
    with ledger_session(ledger_engine) as session:
        build_golden_ledger(session)
    yield ledger_engine


@pytest.fixture
def golden_sqlite(tmp_path: Path) -> Iterator[Engine]:
    engine = migrated(create_ledger_engine(f"sqlite:///{tmp_path / 'golden.db'}"))
    with ledger_session(engine) as session:
        build_golden_ledger(session)
    yield engine
    engine.dispose()
