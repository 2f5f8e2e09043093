"""A migrated ledger (SQLite and PostgreSQL) with one agreement, one exchange and two returned records
(tests/worlds: RETURNED), a copy per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ..worlds import EXCHANGE_REFERENCE as EXCHANGE
from ..worlds import RETURNED, Backend, WorldFactory

__all__ = ["EXCHANGE", "OutcomesLedger"]


@dataclass(frozen=True)
class OutcomesLedger:
    engine: Engine
    first: int  # disclosure ids
    second: int


@pytest.fixture
def ledger(worlds: WorldFactory, ledger_backend: Backend, tmp_path: Path) -> Iterator[OutcomesLedger]:
    copy = worlds.copy(RETURNED, tmp_path / "outcomes", backend=ledger_backend)
    first, second = copy.facts["disclosures"]
    with copy.engine() as engine:
        yield OutcomesLedger(engine, first, second)
