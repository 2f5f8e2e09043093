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
from sharelog.ledger.database import safe_url

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


def upgrade(engine: Engine, *, revision: str = "head") -> LedgerRevision:
    """Apply migrations up to ``revision`` and return where the ledger now stands."""
    command.upgrade(alembic_config(engine), revision)
    return current_revision(engine)


def downgrade(engine: Engine, *, revision: str) -> LedgerRevision:
    """Revert migrations down to ``revision`` (``base`` removes every table)."""
    command.downgrade(alembic_config(engine), revision)
    return current_revision(engine)


def require_current(engine: Engine) -> None:
    """Refuse to work on a ledger that is missing or not at the newest revision."""
    state = current_revision(engine)
    if state.current is None:
        raise LedgerError(f"the ledger at {state.url} is not initialised; run `sharelog db upgrade`")
    if not state.is_current:
        raise LedgerError(
            f"the ledger at {state.url} is at revision {state.current}, this sharelog needs {state.head}; "
            "run `sharelog db upgrade`"
        )
