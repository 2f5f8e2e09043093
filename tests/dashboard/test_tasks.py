"""Each role's tasks on the dashboard: the caseworker's overdue outcomes, the operator's next batch, the FOI
officer's cases by deadline, the auditor's audit chain and retention — each for the reader's own organisation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, update

from sharelog.dashboard import OLDEST_SHOWN, dashboard_figures
from sharelog.foi import new_case
from sharelog.ledger import append_audit_event, ledger_session
from sharelog.ledger.audit import LedgerInitialised
from sharelog.ledger.models import AuditEvent
from sharelog.outcomes import outcomes_due

from ..worlds import add_return_file, golden_batch, golden_version


def test_the_caseworker_sees_the_longest_overdue_outcomes_of_its_organisation(golden_sqlite: Engine) -> None:
    today = date(2019, 7, 1)
    with ledger_session(golden_sqlite) as session:
        requester = dashboard_figures(
            session, organisation_id="home-office", today=today, with_overdue_outcomes=True
        )
        holder = dashboard_figures(session, organisation_id="dfe", today=today, with_overdue_outcomes=True)
        due = outcomes_due(session, today=today, overdue_only=True)
    assert requester.overdue_outcomes is not None and holder.overdue_outcomes is not None
    assert requester.overdue_outcomes.count == len(due) == requester.overdue > 0
    oldest = requester.overdue_outcomes.oldest
    assert len(oldest) == min(OLDEST_SHOWN, len(due))
    assert [d.days_overdue for d in oldest] == sorted((d.days_overdue for d in due), reverse=True)[
        : len(oldest)
    ]
    # the holder's dashboard asks about records returned *to* it: none
    assert holder.overdue_outcomes.count == 0 and holder.overdue_outcomes.oldest == ()


def test_the_operator_sees_the_month_after_the_latest_exchange(golden_sqlite: Engine) -> None:
    with ledger_session(golden_sqlite) as session:
        version = golden_version(session, "3.0", valid_from=date(2019, 4, 1), valid_to=None, title="Test v3")
        golden_batch(
            session, version, month="2019-12", received=5, matched=1, review=2, state="awaiting_review"
        )
        golden_batch(session, version, month="2020-01", received=5, matched=0, review=0, state="rejected")
        holder = dashboard_figures(
            session, organisation_id="dfe", today=date(2020, 1, 20), with_next_batch=True
        )
        requester = dashboard_figures(
            session, organisation_id="home-office", today=date(2020, 1, 20), with_next_batch=True
        )
        outsider = dashboard_figures(
            session, organisation_id="dwp", today=date(2020, 1, 20), with_next_batch=True
        )
    batch = holder.next_batch
    assert batch is not None
    # a rejected batch was never run: its month is still to do; December's next month is the next January
    assert (batch.last_month, batch.last_state, batch.next_month) == ("2019-12", "awaiting_review", "2020-01")
    assert batch.last_received_on == date(2019, 12, 10) and batch.awaiting_review == 1
    assert requester.next_batch is not None and requester.next_batch.next_month is None  # holds no register
    assert outsider.next_batch is not None and outsider.next_batch.last_reference is None


def test_the_foi_officer_sees_the_cases_due_soonest_first(golden_sqlite: Engine) -> None:
    with ledger_session(golden_sqlite) as session:
        for received, title in (
            (date(2020, 8, 12), "Outcomes"),
            (date(2020, 7, 1), "Volumes"),
            (date(2020, 8, 20), "Retention"),
            (date(2020, 9, 1), "Costs"),
        ):
            new_case(
                session,
                received_on=received,
                title=title,
                request_text="…",
                actor="foi",
                organisation_id="dfe",
            )
        figures = dashboard_figures(session, organisation_id="dfe", today=date(2020, 9, 7), with_foi=True)
    assert figures.foi is not None and figures.foi.waiting == 4
    soonest = figures.foi.soonest
    assert [c.title for c in soonest] == ["Volumes", "Outcomes", "Retention"][:OLDEST_SHOWN]
    assert [c.lateness is not None for c in soonest] == [True, False, False]
    dues = [c.due_on for c in soonest]
    assert None not in dues and dues == sorted(dues)


def test_the_auditor_sees_the_chain_and_files_by_retention(golden_sqlite: Engine, tmp_path: Path) -> None:
    today = date(2019, 7, 1)
    with ledger_session(golden_sqlite) as session:
        for n in range(3):
            append_audit_event(
                session, LedgerInitialised(actor="test", object_type="ledger", object_id=str(n))
            )
        version = golden_version(session, "3.0", valid_from=date(2019, 4, 1), valid_to=None, title="Test v3")
        for month, until in (
            ("2019-04", date(2019, 6, 30)),
            ("2019-05", date(2019, 7, 1)),
            ("2019-06", date(2019, 9, 1)),
        ):
            exchange = golden_batch(session, version, month=month, received=3, matched=1, review=0)
            add_return_file(session, exchange, data_dir=tmp_path, retention_until=until)
        intact = dashboard_figures(session, organisation_id="dfe", today=today, with_oversight=True)
        outsider = dashboard_figures(session, organisation_id="dwp", today=today, with_oversight=True)
    assert intact.oversight is not None and outsider.oversight is not None
    check = intact.oversight
    assert check.chain_intact and check.first_broken_id is None and check.audit_events == 3
    # the last day of retention is the date itself: due on 1 July, past due on 30 June
    assert (check.retention_overdue, check.retention_due_soon) == (1, 1)
    assert check.next_retention_on == date(2019, 7, 1)
    assert (outsider.oversight.retention_overdue, outsider.oversight.next_retention_on) == (0, None)

    with ledger_session(golden_sqlite) as session:
        second = session.query(AuditEvent).order_by(AuditEvent.id).offset(1).first()
        assert second is not None
        session.execute(update(AuditEvent).where(AuditEvent.id == second.id).values(actor="someone else"))
        broken = dashboard_figures(session, organisation_id="dfe", today=today, with_oversight=True)
    assert broken.oversight is not None and not broken.oversight.chain_intact
    assert broken.oversight.first_broken_id == second.id
