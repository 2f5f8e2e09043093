"""Several onward recipients or interventions recorded in one go: an event each, all of them or none; and the
import template the caseworker fills in."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from sharelog.errors import ValidationFailed
from sharelog.ledger import ledger_session
from sharelog.ledger.models import AuditEvent, OutcomeEvent
from sharelog.outcomes import IMPORT_COLUMNS, import_template, outcome_history, record_outcomes

from .conftest import OutcomesLedger

TODAY = date(2019, 7, 1)
ON = date(2019, 3, 10)


def _counts(ledger: OutcomesLedger) -> tuple[int, int]:
    with ledger_session(ledger.engine) as session:
        events = session.execute(select(func.count(OutcomeEvent.id))).scalar_one()
        audit = session.execute(select(func.count(AuditEvent.id))).scalar_one()
    return int(events), int(audit)


def _record(ledger: OutcomesLedger, kind: str, codes: list[str], **options: object) -> list[int]:
    with ledger_session(ledger.engine) as session:
        events = record_outcomes(
            session,
            disclosure_id=ledger.first,
            kind=kind,
            codes=codes,
            event_date=options.pop("event_date", ON),  # type: ignore[arg-type]
            recorded_by="caseworker",
            today=TODAY,
            organisation_id="home-office",
            **options,  # type: ignore[arg-type]
        )
        return [event.id for event in events]


def test_each_recipient_is_an_event_of_its_own_with_its_audit_event(ledger: OutcomesLedger) -> None:
    events_before, audit_before = _counts(ledger)
    ids = _record(ledger, "onward_share", ["police", "overseas_authority", "police"], note="one call")
    assert len(ids) == 2  # police named twice counts once
    assert _counts(ledger) == (events_before + 2, audit_before + 2)
    with ledger_session(ledger.engine) as session:
        history = outcome_history(session, disclosure_id=ledger.first, today=TODAY)
    shares = [(e.code, e.note, e.outside_agreement) for e in history.events if e.id in ids]
    assert shares == [("police", "one call", False), ("overseas_authority", "one call", True)]


@pytest.mark.parametrize(
    ("kind", "codes", "options", "fields"),
    [
        ("intervention", ["letter", "no_such_code"], {}, ["code"]),
        ("intervention", ["letter", "home_visit"], {"event_date": date(2019, 8, 1)}, ["date"]),
        ("intervention", [], {}, ["code"]),
        ("result", ["not_located", "no_further_action"], {}, ["code"]),
        ("onward_share", ["police"], {"note": "x" * 5000}, ["note"]),
    ],
)
def test_one_problem_refuses_them_all(ledger: OutcomesLedger, kind, codes, options, fields) -> None:
    before = _counts(ledger)
    with pytest.raises(ValidationFailed) as refused:
        _record(ledger, kind, codes, **options)
    assert [p.field for p in refused.value.problems] == fields  # each problem once, not once per event
    assert _counts(ledger) == before


def test_the_import_template_names_each_record_and_leaves_a_formula_out() -> None:
    text = import_template([(7, "HO-2019-03-00007", "EX-2019-03-a"), (8, "=1+1", "EX-2019-03-a")])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(IMPORT_COLUMNS)
    assert rows[1][:3] == ["7", "HO-2019-03-00007", "EX-2019-03-a"] and set(rows[1][3:]) == {""}
    assert rows[2][:3] == ["8", "", ""]  # a spreadsheet would read it as a formula: the id alone names it
