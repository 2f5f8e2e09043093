"""An import or a recorded outcome commits whole or not at all — also on SQLite, whose driver (pysqlite) opens a
transaction only before the first INSERT/UPDATE/DELETE: a SAVEPOINT sent before that became the outermost
transaction, and releasing it committed the first event on its own, without its audit event. The crash-safety
harness found it (tests/reliability: `outcomes import` killed mid-import left one event of a whole file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sharelog.ledger import ledger_session
from sharelog.ledger.models import AuditEvent, OutcomeEvent
from sharelog.outcomes import import_outcomes, record_outcome

from .conftest import OutcomesLedger

TODAY = date(2019, 12, 31)


class Interrupted(Exception):
    """Stands for the process dying part way (a SIGKILL commits nothing more either)."""


def _interrupt_after_the_first_event(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first event is written; the process dies before its audit event."""

    def die(*args: object, **kwargs: object) -> None:
        raise Interrupted

    monkeypatch.setattr("sharelog.outcomes._record.append_audit_event", die)


def _counts(ledger: OutcomesLedger) -> tuple[int, int]:
    with ledger_session(ledger.engine) as session:
        events = session.execute(select(func.count()).select_from(OutcomeEvent)).scalar_one()
        audited = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return events, audited


def test_an_import_interrupted_after_its_first_event_leaves_nothing(
    ledger: OutcomesLedger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_text(
        "disclosure_id,kind,code,date\n"
        f"{ledger.first},use,contact_attempt,2019-03-10\n"
        f"{ledger.second},use,not_used,2019-03-11\n",
        encoding="utf-8",
    )
    before = _counts(ledger)
    _interrupt_after_the_first_event(monkeypatch)
    with pytest.raises(Interrupted), ledger_session(ledger.engine) as session:
        import_outcomes(session, path=path, recorded_by="importer", today=TODAY)
    assert _counts(ledger) == before


def test_one_outcome_interrupted_before_its_audit_event_leaves_nothing(
    ledger: OutcomesLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _counts(ledger)
    _interrupt_after_the_first_event(monkeypatch)
    with pytest.raises(Interrupted), ledger_session(ledger.engine) as session:
        record_outcome(
            session,
            disclosure_id=ledger.first,
            kind="use",
            code="contact_attempt",
            event_date=date(2019, 3, 10),
            recorded_by="caseworker",
        )
    assert _counts(ledger) == before
