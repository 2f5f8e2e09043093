"""Fixtures for the crash-safety harness: the world, ledgers on SQLite and PostgreSQL, templates, the seed, and
the figures each campaign reports at the end of the run."""

from __future__ import annotations

import pytest

from ..worlds import SMALL, Ledgers, SqliteLedgers, WorldFactory
from ._harness import CampaignReport, session_seed, total_kills
from ._history import History, World, build_history, build_reliability_world, empty_template
from ._ledgers import Template

_REPORTS = pytest.StashKey[list[CampaignReport]]()
_SEED = pytest.StashKey[int]()


@pytest.fixture(scope="session")
def reliability_seed(pytestconfig: pytest.Config) -> int:
    """One seed for the session, printed with any failure and in the summary."""
    if _SEED not in pytestconfig.stash:
        pytestconfig.stash[_SEED] = session_seed()
    return pytestconfig.stash[_SEED]


@pytest.fixture(scope="session")
def campaign_reports(pytestconfig: pytest.Config) -> list[CampaignReport]:
    return pytestconfig.stash.setdefault(_REPORTS, [])


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The figures of every campaign that ran: kills, seconds and what the kills left."""
    reports = config.stash.get(_REPORTS, [])
    if not reports:
        return
    terminalreporter.section("crash safety (SIGKILL harness)")
    for report in reports:
        terminalreporter.write_line(report.line())
    kills, seconds = sum(r.kills for r in reports), sum(r.seconds for r in reports)
    terminalreporter.write_line(
        f"{kills} kills in {seconds:.0f} s (asked for {total_kills()}); seed {config.stash.get(_SEED, '?')}"
    )
