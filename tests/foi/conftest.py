"""FOI test fixtures: a migrated SQLite ledger of the test's own (a copy of the session's empty world), and the
seed request of reference/foi-request-2020.txt as a case (tests/worlds: open_seed_case)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sharelog.ledger import ledger_session

from ..worlds import EMPTY, WorldFactory, open_seed_case


@pytest.fixture
def sqlite_ledger(worlds: WorldFactory, tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite ledger of this test's own."""
    with worlds.copy(EMPTY, tmp_path / "foi").engine() as engine:
        yield engine


@pytest.fixture
def seed_case(sqlite_ledger: Engine) -> Engine:
    """A SQLite ledger holding the seed case only."""
    with ledger_session(sqlite_ledger) as session:
        open_seed_case(session)
    return sqlite_ledger
