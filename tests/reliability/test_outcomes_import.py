"""`sharelog outcomes import` killed (SIGKILL) at random moments: the file's events are all in the ledger or none
are — with their audit events, and the chain verifies; the rerun imports them, or is refused as a repeat when the
kill came after the commit, and the result equals an import that was never killed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import AuditEvent, OutcomeEvent

from ..worlds import Ledgers
from ._harness import Campaign, CampaignReport, Command, Finished, command_for, kills_for, ledger_open
from ._history import History
from ._invariants import assert_consistent
from ._ledgers import Case, case_factory

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

ABSENT = "nothing imported"
PRESENT = "every row imported"


class OutcomesImport:
    """An outcomes file about every disclosure of the 2019 history, imported into a ledger that has none."""

    name = "outcomes import"

    def __init__(self, history: History) -> None:
        self.history = history

    def command(self, case: Case) -> Command:
        # it writes no file: its kills are aimed at the time it has the ledger open
        return command_for(
            case, "outcomes", "import", str(self.history.outcomes_file), watch=ledger_open(case)
        )

    def after_kill(self, case: Case) -> str:
        assert_consistent(case, after_kill=True)
        events, recorded, imported = _outcome_counts(case)
        rows = self.history.outcome_rows
        assert (events, recorded, imported) in ((0, 0, 0), (rows, rows, 1)), (
            f"a partial import: {events} outcome events, {recorded} outcome-recorded and {imported} "
            f"outcomes-imported audit events for a file of {rows} rows"
        )
        return PRESENT if events else ABSENT

    def rerun_accepted(self, rerun: Finished, left: str) -> bool:
        if left == ABSENT:
            return rerun.returncode == 0
        return rerun.returncode == 2 and "already imported" in rerun.stderr


def _outcome_counts(case: Case) -> tuple[int, int, int]:
    """Outcome events, and ``outcome-recorded`` and ``outcomes-imported`` audit events, in the case's ledger."""
    engine = create_ledger_engine(case.ledger_url)
    try:
        with ledger_session(engine) as session:
            events = session.execute(select(func.count()).select_from(OutcomeEvent)).scalar_one()
            actions = dict(
                session.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all()
            )
    finally:
        engine.dispose()
    return events, actions.get("outcome-recorded", 0), actions.get("outcomes-imported", 0)


def test_outcomes_import_survives_sigkill(
    ledgers: Ledgers,
    history: History,
    reliability_seed: int,
    campaign_reports: list[CampaignReport],
    tmp_path: Path,
) -> None:
    scenario = OutcomesImport(history)
    campaign = Campaign(
        scenario, case_factory(ledgers, history.template, tmp_path), ledgers.name, reliability_seed
    )
    campaign_reports.append(campaign.run(kills_for(scenario.name)))
