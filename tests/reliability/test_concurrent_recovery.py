"""Recovery after a crash never takes the files of a run still going for a crash's leftovers.

An exchange writes its files as partials, commits, then renames them; review completion does the same with its
supplementary file. Each holds the data folder's files lock meanwhile, and another run's recovery does nothing
while it is held. Without that, a second `exchange run` (or the web app) starting at that moment deleted the
first run's partial return file, and the first run then committed an exchange whose return file existed nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sharelog.exchange import ExchangeResult, decide, files_in_flight, recover_exchange_files, run_exchange
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import AuditEvent, ReturnFile, ReviewItem
from sharelog.settings import Settings

from ..worlds import AGREEMENT, PREPARED, PURPOSE, TEST_KEY, WorldFactory, engine_of
from ._history import World
from ._invariants import sha256_of

pytestmark = pytest.mark.reliability


@pytest.fixture
def settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    """A migrated ledger beside the suite's small prepared register."""
    return worlds.copy(PREPARED, tmp_path, holder_key=TEST_KEY, actor="tester").settings


def _recover(settings: Settings) -> tuple[int, int]:
    """What a second run does first: recover whatever a crash left."""
    engine = create_ledger_engine(settings.ledger_url())
    try:
        with ledger_session(engine) as session:
            return recover_exchange_files(
                session,
                data_dir=settings.data_dir,
                returns_dir=settings.returns_path(),
                review_dir=settings.review_path(),
            )
    finally:
        engine.dispose()


def _second_run_at(point: str, settings: Settings, seen: list[tuple[int, int]]) -> Callable[[str], None]:
    def crash_point(name: str) -> None:
        if name == point:
            seen.append(_recover(settings))

    return crash_point


def _run(settings: Settings, world: World) -> ExchangeResult:
    with engine_of(settings) as engine:
        return run_exchange(
            settings,
            engine=engine,
            agreement_id=AGREEMENT,
            purpose=PURPOSE,
            batch=world.batch,
            month=world.month,
        )


def test_a_second_runs_recovery_leaves_an_exchanges_files_in_flight_alone(
    settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(
        "sharelog.exchange._run.crash_point", _second_run_at("after-files-written", settings, seen)
    )
    result = _run(settings, world)
    assert seen == [(0, 0)]
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        recorded = session.execute(select(ReturnFile).where(ReturnFile.kind == "main")).scalar_one()
    engine.dispose()
    assert result.return_file.is_file() and sha256_of(result.return_file) == recorded.checksum
    assert (settings.review_path() / f"{result.reference}.json").is_file()


def test_a_second_runs_recovery_leaves_a_completing_reviews_files_alone(
    settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = _run(settings, world).reference
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        items = list(session.scalars(select(ReviewItem.request_ref).order_by(ReviewItem.id)))
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(
        "sharelog.exchange._review.crash_point", _second_run_at("review-after-commit", settings, seen)
    )
    for request_ref in items:
        decide(
            settings,
            engine=engine,
            exchange=reference,
            request_ref=request_ref,
            accept=True,
            decided_by="A. Reviewer",
        )
    with ledger_session(engine) as session:
        supplementary = session.execute(
            select(ReturnFile).where(ReturnFile.kind == "supplementary")
        ).scalar_one()
        deletions = session.execute(
            select(func.count()).where(AuditEvent.action == "review-file-deleted")
        ).scalar_one()
    engine.dispose()
    assert items and seen[-1] == (0, 0)
    assert sha256_of(settings.data_dir / supplementary.path) == supplementary.checksum
    assert not (settings.review_path() / f"{reference}.json").exists()
    assert deletions == 1  # by the review's completion, not also by the other run's recovery


def test_recovery_waits_for_no_one_and_finishes_a_crashs_leftovers_once_no_run_is_in_flight(
    settings: Settings,
) -> None:
    leftover = settings.returns_path() / ".EX-2019-02-00000000.csv.partial"  # a killed run's, never committed
    leftover.parent.mkdir(parents=True)
    leftover.write_text("request_id\n", encoding="utf-8")
    with files_in_flight(settings.data_dir):
        assert _recover(settings) == (0, 0)
        assert leftover.exists()
    assert _recover(settings) == (0, 1)
    assert not leftover.exists()
