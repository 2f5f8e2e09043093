"""Outcome unknown and overdue are derived when read: due by return day + window, overdue from the day after."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from sharelog.errors import LedgerError
from sharelog.ledger import ledger_session
from sharelog.outcomes import outcome_history, outcomes_due, record_outcome

from ..worlds import DUE_ON, add_agreement, add_disclosure, add_exchange, migrated
from .conftest import OutcomesLedger

THE_DAY_AFTER = date(2019, 6, 3)


def _result(engine: Engine, disclosure: int, *, supersedes: int | None = None, kind: str = "result") -> int:
    with ledger_session(engine) as session:
        code = "not_located" if kind == "result" else "not_used"
        event = record_outcome(
            session,
            disclosure_id=disclosure,
            kind=kind,
            code=code,
            event_date=date(2019, 4, 1),
            recorded_by="caseworker",
            supersedes=supersedes,
        )
        return event.id


@pytest.mark.parametrize(
    ("today", "days_overdue", "overdue"),
    [
        (date(2019, 6, 1), -1, False),
        (DUE_ON, 0, False),
        (THE_DAY_AFTER, 1, True),
        (date(2019, 7, 3), 31, True),
    ],
)
def test_an_unknown_outcome_is_due_by_the_last_day_of_the_window_and_overdue_after(
    ledger: OutcomesLedger, today: date, days_overdue: int, overdue: bool
) -> None:
    with ledger_session(ledger.engine) as session:
        due = outcomes_due(session, today=today)
        history = outcome_history(session, disclosure_id=ledger.first, today=today)
    assert [(d.disclosure_id, d.returned_on, d.due_on) for d in due] == [
        (ledger.first, date(2019, 3, 4), DUE_ON),
        (ledger.second, date(2019, 3, 4), DUE_ON),
    ]
    assert {(d.days_overdue, d.overdue) for d in due} == {(days_overdue, overdue)}
    assert history.outcome_unknown and history.overdue is overdue
    assert history.days_overdue == max(days_overdue, 0)


def test_overdue_only_leaves_out_those_still_on_time(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        assert outcomes_due(session, today=DUE_ON, overdue_only=True) == []
        assert len(outcomes_due(session, today=THE_DAY_AFTER, overdue_only=True)) == 2


def test_a_result_takes_a_record_off_the_list_until_it_is_corrected_away(ledger: OutcomesLedger) -> None:
    result = _result(ledger.engine, ledger.first)
    with ledger_session(ledger.engine) as session:
        assert [d.disclosure_id for d in outcomes_due(session, today=THE_DAY_AFTER)] == [ledger.second]
        history = outcome_history(session, disclosure_id=ledger.first, today=THE_DAY_AFTER)
        assert not history.overdue and history.days_overdue == 0
    _result(ledger.engine, ledger.first, supersedes=result, kind="use")  # "that was not a result after all"
    with ledger_session(ledger.engine) as session:
        assert [d.disclosure_id for d in outcomes_due(session, today=THE_DAY_AFTER)] == [
            ledger.first,
            ledger.second,
        ]


def test_other_kinds_of_event_do_not_make_an_outcome_known(ledger: OutcomesLedger) -> None:
    _result(ledger.engine, ledger.first, kind="use")
    with ledger_session(ledger.engine) as session:
        assert len(outcomes_due(session, today=THE_DAY_AFTER)) == 2


def test_the_return_day_is_the_utc_date_and_each_agreement_has_its_own_window(ledger_engine: Engine) -> None:
    migrated(ledger_engine)
    with ledger_session(ledger_engine) as session:
        short = add_agreement(session, window=30, version="2.0")
        exchange = add_exchange(session, short, reference="EX-2019-03-00000002")
        add_disclosure(
            session, exchange, request_ref="R1", returned_at=datetime(2019, 3, 31, 23, 30, tzinfo=UTC)
        )
    with ledger_session(ledger_engine) as session:
        [due] = outcomes_due(session, today=date(2019, 5, 1))
    assert (due.returned_on, due.due_on, due.days_overdue) == (date(2019, 3, 31), date(2019, 4, 30), 1)


def test_an_agreement_without_a_window_is_a_ledger_error(ledger_engine: Engine) -> None:
    migrated(ledger_engine)
    with ledger_session(ledger_engine) as session:
        exchange = add_exchange(session, add_agreement(session, window=None))
        add_disclosure(session, exchange, request_ref="R1")
    with pytest.raises(LedgerError, match="has no valid outcome_reporting_window_days"):
        with ledger_session(ledger_engine) as session:
            outcomes_due(session, today=THE_DAY_AFTER)
