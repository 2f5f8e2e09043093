"""Watching the database for changes the audit trail does not hear of.

Every transaction that writes to a ledger table must also append an audit event. :class:`UnauditedWrites`
listens to every statement any engine sends (ORM flushes, bulk statements and raw SQL alike) and, at each commit,
notes the tables a transaction wrote without writing ``audit_events``. Schema migrations (they write
``alembic_version``) are recorded by the event that follows them, so they are left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

_WRITE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE)
_KEY = "sharelog_tables_written"
# Bookkeeping that is not a change anyone decided: when an API token was last used.
_BOOKKEEPING = re.compile(r"^\s*UPDATE\s+\"?api_tokens\"?\s+SET\s+last_used_at\s*=", re.IGNORECASE)


class UnauditedWrites:
    """The tables written by each committed transaction that appended no audit event."""

    def __init__(self) -> None:
        self.found: list[list[str]] = []
        self.audited_commits = 0

    def _statement(self, connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        match = _WRITE.match(statement)
        if match is not None and not _BOOKKEEPING.match(statement):
            connection.info.setdefault(_KEY, set()).add(match.group(1).lower())

    def _commit(self, connection: Any) -> None:
        written: set[str] = connection.info.pop(_KEY, set())
        if not written or "alembic_version" in written:
            return
        if "audit_events" in written:
            self.audited_commits += 1
        else:
            self.found.append(sorted(written))

    def _rollback(self, connection: Any) -> None:
        connection.info.pop(_KEY, None)

    @contextmanager
    def watching(self) -> Iterator[UnauditedWrites]:
        listeners: list[tuple[str, Callable[..., None]]] = [
            ("before_cursor_execute", self._statement),
            ("commit", self._commit),
            ("rollback", self._rollback),
        ]
        for name, listener in listeners:
            event.listen(Engine, name, listener)
        try:
            yield self
        finally:
            for name, listener in listeners:
                event.remove(Engine, name, listener)
