"""`sharelog retention apply` killed (SIGKILL) at random moments: a file is gone exactly when its deletion is
recorded — except, at most, the one file deleted just before the kill, which the rerun finds gone and records
(delete, then record); the chain verifies, and the result equals a run that was never killed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..worlds import Ledgers
from ._harness import Campaign, CampaignReport, Command, Finished, command_for, kills_for
from ._history import History
from ._invariants import assert_consistent, final_state
from ._ledgers import Case, case_factory

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


class RetentionApply:
    """Every return and review file of the 2019 history is past its retention date today."""

    name = "retention apply"

    def command(self, case: Case) -> Command:
        return command_for(case, "retention", "apply")

    def after_kill(self, case: Case) -> str:
        findings = assert_consistent(case, after_kill=True)
        actions = final_state(case)["audit events by action"]
        assert isinstance(actions, dict)
        recorded = actions.get("return-file-deleted", 0) + actions.get("review-file-deleted", 0)
        if findings.unrecorded:
            return "a deletion not yet recorded"
        if not recorded:
            return "nothing deleted"
        return "part way" if _files_left(case) else "all deleted"

    def rerun_accepted(self, rerun: Finished, left: str) -> bool:
        return rerun.returncode == 0


def _files_left(case: Case) -> bool:
    return any(
        (case.data_dir / folder).is_dir() and any((case.data_dir / folder).iterdir())
        for folder in ("returns", "review")
    )


def test_retention_apply_survives_sigkill(
    ledgers: Ledgers,
    history: History,
    reliability_seed: int,
    campaign_reports: list[CampaignReport],
    tmp_path: Path,
) -> None:
    scenario = RetentionApply()
    campaign = Campaign(
        scenario, case_factory(ledgers, history.template, tmp_path), ledgers.name, reliability_seed
    )
    campaign_reports.append(campaign.run(kills_for(scenario.name)))
