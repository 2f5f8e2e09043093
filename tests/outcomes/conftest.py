"""A migrated ledger (SQLite and PostgreSQL) with one agreement, one exchange and two returned records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from sharelog.ledger import ledger_session

from .._ledger_rows import add_agreement, add_disclosure, add_exchange, migrated

EXCHANGE = "EX-2019-03-1a2b3c4d"


@dataclass(frozen=True)
class OutcomesLedger:
    engine: Engine
    first: int  # disclosure ids
    second: int


@pytest.fixture
def ledger(ledger_engine: Engine) -> Iterator[OutcomesLedger]:
    migrated(ledger_engine)
    with ledger_session(ledger_engine) as session:
        exchange = add_exchange(session, add_agreement(session), reference=EXCHANGE)
        first = add_disclosure(session, exchange, request_ref="HO-2019-03-00001", pupil_id="P0000001")
        second = add_disclosure(session, exchange, request_ref="HO-2019-03-00002", pupil_id="P0000002")
        ids = first.id, second.id
    yield OutcomesLedger(ledger_engine, *ids)
