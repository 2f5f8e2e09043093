"""Fixtures for the crash-safety harness: the world, ledgers on SQLite and PostgreSQL, templates, the seed, and
the figures each campaign reports at the end of the run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..worlds import SMALL, Ledgers, SqliteLedgers, WorldFactory
from ._harness import CAMPAIGN_PROPERTY, CampaignReport, session_seed
from ._history import History, World, build_history, build_reliability_world, empty_template
from ._ledgers import Template


@pytest.fixture(scope="session")
def reliability_seed() -> int:
    """One seed for the run, printed with any failure and in the summary (tests/conftest.py fixes it for every
    worker before the workers start)."""
    return session_seed()


@pytest.fixture
def campaign_reports(request: pytest.FixtureRequest) -> Iterator[list[CampaignReport]]:
    """Where a test puts its campaign's figures: they travel with the test's report (from an xdist worker too)
    to the run's terminal summary (tests/conftest.py)."""
    reports: list[CampaignReport] = []
    yield reports
    for report in reports:
        request.node.user_properties.append((CAMPAIGN_PROPERTY, report.summary()))


@pytest.fixture(scope="session")
def world(worlds: WorldFactory, tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_reliability_world(tmp_path_factory.mktemp("reliability-world"), worlds.register(SMALL))


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledgers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Ledgers:
    """SQLite files beside each case's data folder, or databases on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return SqliteLedgers(tmp_path_factory.mktemp("reliability-sqlite"))
    databases: Ledgers = request.getfixturevalue("postgres_databases")
    return databases


@pytest.fixture(scope="session")
def empty_ledger(ledgers: Ledgers, tmp_path_factory: pytest.TempPathFactory) -> Template:
    return empty_template(ledgers, tmp_path_factory.mktemp(f"empty-{ledgers.name}"))


@pytest.fixture(scope="session")
def history(ledgers: Ledgers, world: World, tmp_path_factory: pytest.TempPathFactory) -> History:
    return build_history(ledgers, world, tmp_path_factory.mktemp(f"history-{ledgers.name}"))
