"""The ledger: what was shared, under which agreement, and what happened to it — in SQLite or PostgreSQL."""

from sharelog.ledger.audit import (
    AuditChainReport,
    LedgerEvent,
    append_audit_event,
    verify_audit_chain,
)
from sharelog.ledger.database import create_ledger_engine, ledger_session, safe_url
from sharelog.ledger.migrate import (
    LedgerRevision,
    current_revision,
    downgrade,
    head_revision,
    require_current,
    upgrade,
)

__all__ = [
    "AuditChainReport",
    "LedgerEvent",
    "LedgerRevision",
    "append_audit_event",
    "create_ledger_engine",
    "current_revision",
    "downgrade",
    "head_revision",
    "ledger_session",
    "require_current",
    "safe_url",
    "upgrade",
    "verify_audit_chain",
]
