"""Migrations upgrade and downgrade cleanly, and the models match what the migrations build."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from sharelog.errors import LedgerError
from sharelog.ledger import current_revision, downgrade, head_revision, require_current, upgrade
from sharelog.ledger.models import Base

LEDGER_TABLES = {
    "organisations",
    "agreements",
    "exchanges",
    "request_outcomes",
    "disclosures",
    "outcome_events",
    "audit_events",
    "review_items",
    "return_files",
    "foi_cases",
    "foi_case_events",
    "foi_responses",
    "users",
    "api_tokens",
    "web_sessions",
}


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_fresh_database_is_not_initialised(ledger_engine: Engine) -> None:
    state = current_revision(ledger_engine)
    assert state.current is None
    assert not state.is_current
    with pytest.raises(LedgerError, match="not initialised") as raised:
        require_current(ledger_engine)
    assert raised.value.cli_hint == "run `sharelog db upgrade`"


def test_upgrade_creates_every_ledger_table(ledger_engine: Engine) -> None:
    state = upgrade(ledger_engine)
    assert state.current == head_revision()
    assert _tables(ledger_engine) == LEDGER_TABLES
    require_current(ledger_engine)  # does not raise


def test_upgrade_twice_is_harmless(ledger_engine: Engine) -> None:
    upgrade(ledger_engine)
    assert upgrade(ledger_engine).is_current


def test_downgrade_to_base_removes_everything_and_upgrade_restores(ledger_engine: Engine) -> None:
    upgrade(ledger_engine)
    state = downgrade(ledger_engine, revision="base")
    assert state.current is None
    assert _tables(ledger_engine) == set()
    upgrade(ledger_engine)
    assert _tables(ledger_engine) == LEDGER_TABLES


def test_each_revision_downgrades_to_the_one_before(ledger_engine: Engine) -> None:
    upgrade(ledger_engine)
    assert downgrade(ledger_engine, revision="0005").current == "0005"
    assert _tables(ledger_engine) == LEDGER_TABLES - {"web_sessions"}
    assert downgrade(ledger_engine, revision="0004").current == "0004"
    assert "organisation_id" not in {c["name"] for c in inspect(ledger_engine).get_columns("foi_cases")}
    assert downgrade(ledger_engine, revision="0003").current == "0003"
    assert _tables(ledger_engine) == LEDGER_TABLES - {"users", "api_tokens", "web_sessions"}
    assert downgrade(ledger_engine, revision="0002").current == "0002"
    assert _tables(ledger_engine) == LEDGER_TABLES - {
        "users",
        "api_tokens",
        "web_sessions",
        "foi_cases",
        "foi_case_events",
        "foi_responses",
    }
    assert upgrade(ledger_engine).is_current
    assert _tables(ledger_engine) == LEDGER_TABLES
    assert downgrade(ledger_engine, revision="0001").current == "0001"
    assert "review_items" not in _tables(ledger_engine)
    assert upgrade(ledger_engine).is_current


def test_models_match_the_migrations(ledger_engine: Engine) -> None:
    """A model changed without a migration would show up here as a difference."""
    upgrade(ledger_engine)
    with ledger_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
