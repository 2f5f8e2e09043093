"""`sharelog exchange run` killed (SIGKILL) at random moments: after each kill the ledger verifies and every
recorded exchange has its disclosures and its return file (in place, or partial for the next run to complete);
the rerun completes, and the result equals a run that was never killed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..worlds import AGREEMENT, PURPOSE, Ledgers
from ._harness import Campaign, CampaignReport, Command, Finished, command_for, kills_for
from ._history import World
from ._invariants import assert_consistent
from ._ledgers import Case, Template, case_factory

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

NOTHING = "nothing recorded"
ORPHANS = "nothing recorded, partial files left"
PENDING = "recorded, files still partial"
IN_PLACE = "recorded, files in place"


class ExchangeRun:
    """One batch on an empty ledger; the rerun is the same command line, as an operator would type it."""

    name = "exchange run"

    def __init__(self, world: World) -> None:
        self.world = world

    def command(self, case: Case) -> Command:
        return command_for(
            case,
            *("exchange", "run", "--agreement", AGREEMENT, "--purpose", PURPOSE),
            *("--batch", str(self.world.batch), "--month", self.world.month),
            register_dir=self.world.prepared,
            holder_key_file=self.world.key_file,
        )

    def after_kill(self, case: Case) -> str:
        findings = assert_consistent(case, after_kill=True)
        if findings.pending:
            return PENDING
        if findings.return_files:
            return IN_PLACE
        return ORPHANS if findings.orphans else NOTHING

    def rerun_accepted(self, rerun: Finished, left: str) -> bool:
        if left in (NOTHING, ORPHANS):
            return rerun.returncode == 0
        # recorded already: the same batch is refused (and the files the kill left partial are completed)
        return rerun.returncode == 2 and "already run as exchange" in rerun.stderr


def test_exchange_run_survives_sigkill(
    ledgers: Ledgers,
    empty_ledger: Template,
    world: World,
    reliability_seed: int,
    campaign_reports: list[CampaignReport],
    tmp_path: Path,
) -> None:
    scenario = ExchangeRun(world)
    campaign = Campaign(
        scenario, case_factory(ledgers, empty_ledger, tmp_path), ledgers.name, reliability_seed
    )
    campaign_reports.append(campaign.run(kills_for(scenario.name)))
