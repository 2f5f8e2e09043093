"""SQLite's one writer: when a transaction takes the write lock, and in what order waiting writers get it.

Python's sqlite3 module (in its default transaction mode) runs reads outside any transaction and opens one with a
plain ``BEGIN`` just before the first INSERT, UPDATE or DELETE. sharelog takes that moment over: before a
connection's first write, its first SAVEPOINT, or an audit append (:func:`begin_writing`), the connection waits
for its *turn* among the engine's connections, first come first served, then runs ``BEGIN IMMEDIATE``, which takes
the write lock at once. The turn passes on when the transaction commits or rolls back. Hence:

- **Waiting writers are served in order.** SQLite's own wait for a busy lock (``busy_timeout``) polls with growing
  sleeps and serves no one in order: under a steady queue of web requests, an unlucky writer waited past the
  timeout and failed with "database is locked" (tests/load). Writers in other processes (the command line) still
  meet at ``busy_timeout``, one per process.
- **A savepoint never commits on its own.** A SAVEPOINT outside a transaction starts one that its RELEASE commits:
  a savepoint taken before a session's first write committed that write by itself, whatever became of the rest of
  the session (an outcome event without its audit event, had the audit append failed).
- **What a writer reads is the latest.** Once a transaction holds the lock no one else can commit until it ends,
  so the audit chain's head, read after :func:`begin_writing`, stays the head.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import weakref
from collections import deque
from typing import Any

from sqlalchemy import Connection, Engine, event, exc
from sqlalchemy.pool import ConnectionPoolEntry, Pool

__all__ = ["BUSY_TIMEOUT_SECONDS", "begin_writing", "configure_sqlite_engine"]

BUSY_TIMEOUT_SECONDS = 10
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_HOLDS_TURN = "sharelog_holds_write_turn"  # in a pooled connection's info: it holds its engine's turn
_TURNS: weakref.WeakKeyDictionary[Pool, WriteTurns] = weakref.WeakKeyDictionary()  # one per engine (its pool)


class WriteTurns:
    """First come, first served turns at the write lock, for the connections of one engine (thread-safe).

    The turn passes straight from the connection giving it back to the one that has waited longest.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._taken = False

    def take(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the turn; whether it was given."""
        with self._mutex:
            if not self._taken and not self._waiting:
                self._taken = True
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over just as the wait ran out
                return True
            self._waiting.remove(turn)
            return False

    def give_back(self) -> None:
        """End the current turn: hand it to the longest waiting connection, if any."""
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._taken = False


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless asked, per connection
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer; a crash leaves no torn page
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
    cursor.close()


def begin_writing(connection: Connection) -> None:
    """Make ``connection``'s transaction the writer, if it is not already: wait for the turn, take the lock.

    Raises:
        sqlite3.OperationalError: the turn did not come within the busy timeout ("database is locked").
    """
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is None or dbapi_connection.in_transaction:
        return  # a transaction here began with a write, so it holds the lock already
    turns = _TURNS[connection.engine.pool]
    if not turns.take(BUSY_TIMEOUT_SECONDS):
        raise sqlite3.OperationalError("database is locked")
    info = connection.connection.info
    info[_HOLDS_TURN] = True
    try:
        dbapi_connection.execute("BEGIN IMMEDIATE")
    except BaseException:
        _give_back(info, turns)
        raise


def _give_back(info: dict[Any, Any], turns: WriteTurns) -> None:
    if info.pop(_HOLDS_TURN, False):
        turns.give_back()


def configure_sqlite_engine(engine: Engine) -> None:
    """Install the pragmas and the write turns on a new SQLite engine."""
    turns = _TURNS[engine.pool] = WriteTurns()

    def before_write(
        connection: Connection, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if _WRITE.match(statement):
            begin_writing(connection)

    def before_savepoint(connection: Connection, _name: str) -> None:
        begin_writing(connection)

    def transaction_ended(connection: Connection) -> None:
        # just before the COMMIT or ROLLBACK: the next writer's BEGIN IMMEDIATE waits the moment it takes
        try:
            info = connection.connection.info
        except exc.SQLAlchemyError:
            return  # invalidated: the pool's invalidate event gives the turn back
        _give_back(info, turns)

    # a connection rolled back on its return to the pool, invalidated or closed gives its turn back too (each
    # listener with its event's exact signature: SQLAlchemy reads a different one as a deprecated form)
    def reset(dbapi_connection: Any, record: ConnectionPoolEntry, reset_state: Any) -> None:
        _give_back(record.info, turns)

    def invalidate(
        dbapi_connection: Any, record: ConnectionPoolEntry, exception: BaseException | None
    ) -> None:
        _give_back(record.info, turns)

    def close(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        _give_back(record.info, turns)

    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "before_cursor_execute", before_write)
    event.listen(engine, "savepoint", before_savepoint)
    event.listen(engine, "commit", transaction_ended)
    event.listen(engine, "rollback", transaction_ended)
    event.listen(engine.pool, "reset", reset)
    event.listen(engine.pool, "invalidate", invalidate)
    event.listen(engine.pool, "soft_invalidate", invalidate)
    event.listen(engine.pool, "close", close)
