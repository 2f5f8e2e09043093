"""The demo: the whole story on synthetic data and the embedded defaults (what ``make run`` runs).

It grows with each capability. Today it generates a register and a year of monthly request batches, loads and
validates the shipped agreements, creates a fresh ledger and records the agreements in it (each recording is an
audit event), then checks the audit chain.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sharelog.agreements import Agreement, load_agreements
from sharelog.ledger import (
    append_audit_event,
    create_ledger_engine,
    ledger_session,
    upgrade,
    verify_audit_chain,
)
from sharelog.ledger.agreement_records import record_agreement
from sharelog.ledger.audit import LedgerInitialised
from sharelog.settings import Settings
from sharelog.synth import SynthResult, generate, parse_months

__all__ = ["DEMO_ACTOR", "DemoResult", "run_demo"]

DEMO_ACTOR = "sharelog-demo"
DEMO_MONTHS = "2019-01..2019-12"

ProgressReport = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoResult:
    """What the demo did and where it put things."""

    folder: Path
    synth: SynthResult
    agreements: list[Agreement]
    ledger_url: str
    ledger_revision: str
    audit_events: int
    audit_head: str


def demo_folder(settings: Settings) -> Path:
    """The demo's own folder inside the data folder (never the real ledger)."""
    return settings.data_dir / "demo"


def run_demo(
    settings: Settings,
    *,
    pupils: int = 200_000,
    requests: int = 3_000,
    seed: int = 2019,
    progress: ProgressReport | None = None,
) -> DemoResult:
    """Run the demo from scratch in ``<data dir>/demo`` (an earlier demo there is replaced).

    Args:
        settings: where the data folder and the agreements are.
        pupils: pupils in the synthetic register.
        requests: trace requests over the twelve months of 2019.
        seed: the synthetic data's seed.
        progress: called as ``progress(stage, done, total)`` while long stages run.
    """
    folder = demo_folder(settings)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    synth = generate(
        pupils=pupils,
        requests=requests,
        seed=seed,
        out_dir=folder / "input",
        months=parse_months(DEMO_MONTHS),
        progress=progress,
    )
    agreements = load_agreements(settings.agreements_path())
    ledger_url = f"sqlite:///{(folder / 'ledger.db').resolve()}"
    engine = create_ledger_engine(ledger_url)
    try:
        state = upgrade(engine)
        with ledger_session(engine) as session:
            append_audit_event(
                session,
                LedgerInitialised(
                    actor=DEMO_ACTOR,
                    object_type="ledger",
                    object_id="demo",
                    detail={"revision": state.current},
                ),
            )
            for done, agreement in enumerate(agreements, start=1):
                record_agreement(session, agreement, actor=DEMO_ACTOR)
                if progress is not None:
                    progress("agreements", done, len(agreements))
        with ledger_session(engine) as session:
            chain = verify_audit_chain(session)
    finally:
        engine.dispose()
    return DemoResult(
        folder=folder,
        synth=synth,
        agreements=agreements,
        ledger_url=ledger_url,
        ledger_revision=state.current or "",
        audit_events=chain.count,
        audit_head=chain.head_hash,
    )
