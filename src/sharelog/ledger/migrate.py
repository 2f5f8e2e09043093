"""Schema migrations with Alembic: upgrade, downgrade and read the ledger's revision."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from sharelog.errors import LedgerError
from sharelog.ledger.audit import LedgerDowngraded, LedgerEvent, LedgerInitialised, append_audit_event
from sharelog.ledger.database import ledger_session, safe_url

__all__ = [
    "LedgerRevision",
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "require_current",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to ``engine`` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration shipped with this version of sharelog."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


@dataclass(frozen=True)
class LedgerRevision:
    """Where a ledger database stands relative to the migrations shipped with sharelog."""

    url: str
    current: str | None
    head: str

    @property
    def is_current(self) -> bool:
        return self.current == self.head


def current_revision(engine: Engine) -> LedgerRevision:
    """The ledger's revision (None when it was never initialised)."""
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except OperationalError as error:
        reason = " ".join(str(error.orig).split())  # drivers' messages span lines; the CLI prints one
        raise LedgerError(f"cannot open the ledger at {safe_url(str(engine.url))}: {reason}") from None
    return LedgerRevision(url=safe_url(str(engine.url)), current=current, head=head_revision())


def _record_schema_change(
    engine: Engine, event_type: type[LedgerEvent], before: str | None, after: LedgerRevision, actor: str
) -> None:
    """Append the schema change to the audit trail (when the revision moved and the trail still exists)."""
    if after.current == before or after.current is None:
        return
    with ledger_session(engine) as session:
        append_audit_event(
            session,
            event_type(
                actor=actor,
                object_type="ledger",
                object_id="schema",
                detail={"from_revision": before, "to_revision": after.current},
            ),
        )


def upgrade(engine: Engine, *, revision: str = "head", actor: str | None = None) -> LedgerRevision:
    """Apply migrations up to ``revision`` and return where the ledger now stands.

    Args:
        actor: who upgraded; when given and the revision moved, a ``ledger-initialised`` event records it.
    """
    before = current_revision(engine).current if actor is not None else None
    command.upgrade(alembic_config(engine), revision)
    after = current_revision(engine)
    if actor is not None:
        _record_schema_change(engine, LedgerInitialised, before, after, actor)
    return after


def downgrade(engine: Engine, *, revision: str, actor: str | None = None) -> LedgerRevision:
    """Revert migrations down to ``revision`` (``base`` removes every table, the audit trail with them).

    Args:
        actor: who downgraded; when given and the trail survives, a ``ledger-downgraded`` event records it.
    """
    before = current_revision(engine).current if actor is not None else None
    command.downgrade(alembic_config(engine), revision)
    after = current_revision(engine)
    if actor is not None:
        _record_schema_change(engine, LedgerDowngraded, before, after, actor)
    return after


def require_current(engine: Engine) -> None:
    """Refuse to work on a ledger that is missing or not at the newest revision."""
    state = current_revision(engine)
    upgrade_hint = "run `sharelog db upgrade`"
    if state.current is None:
        raise LedgerError(f"the ledger at {state.url} is not initialised", cli_hint=upgrade_hint)
    if not state.is_current:
        raise LedgerError(
            f"the ledger at {state.url} is at revision {state.current}, this sharelog needs {state.head}",
            cli_hint=upgrade_hint,
        )
