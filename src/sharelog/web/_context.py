"""What every request can reach: the settings, the ledger engine, the templates, the sign-in throttle."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Annotated

from anyio import CancelScope, Semaphore
from anyio.to_thread import run_sync
from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from sharelog.accounts import SignInThrottle
from sharelog.settings import Settings
from sharelog.web._exchange_runs import ExchangeRuns

__all__ = ["LEDGER_CONNECTIONS", "LEDGER_SESSIONS", "Ledger", "WebContext", "context_of", "ledger_of_request"]

# How many requests may hold a ledger session at once: fewer than the 40 threads of anyio's default limiter, on
# which FastAPI runs plain-function routes and dependencies (see ledger_of_request).
LEDGER_SESSIONS = 30
# The app's one engine opens at most this many connections, so no request waits for one: a request holds one for
# its session and, while a service that commits in steps of its own runs on the same engine (an exchange, a review
# decision), one more.
LEDGER_CONNECTIONS = 2 * LEDGER_SESSIONS


@dataclass
class WebContext:
    """The app's shared state, built once by :func:`sharelog.web.create_app`."""

    settings: Settings
    engine: Engine
    templates: Jinja2Templates
    throttle: SignInThrottle
    sessions: Semaphore = field(default_factory=lambda: Semaphore(LEDGER_SESSIONS))
    runs: ExchangeRuns = field(default_factory=ExchangeRuns)
    """Batches run from the web page (web/_exchange_runs.py)."""
    session_factory: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)

    def settings_for(self, actor: str) -> Settings:
        """The settings with ``actor`` set to a signed-in user, for services that record who acted."""
        return self.settings.model_copy(update={"actor": actor})


def context_of(request: Request) -> WebContext:
    """The :class:`WebContext` of the app serving ``request``."""
    context: WebContext = request.app.state.sharelog
    return context


async def ledger_of_request(request: Request) -> AsyncIterator[Session]:
    """One ledger session per request, in one transaction: committed when the route returns, else rolled back.

    A request's work runs on FastAPI's thread pool in several calls (finding the user, the route, checking the
    response, the commit), and a transaction holding a lock (SQLite's write lock, the audit chain's) lets it go only
    at the commit. Were every thread of the pool taken by requests waiting for that lock, the holder could never get
    one back to commit: nothing would move until the waits timed out — on PostgreSQL, never. So at most
    ``LEDGER_SESSIONS`` requests, fewer than the threads, hold a session at once; the rest wait here, on the event
    loop, holding nothing (found by tests/load).
    """
    context = context_of(request)
    async with context.sessions:
        session = context.session_factory()
        session.begin()
        try:
            yield session
        except BaseException:
            await _end(session.rollback)
            raise
        else:
            await _end(session.commit)
        finally:
            await _end(session.close)


async def _end(step: Callable[[], None]) -> None:
    # shielded: a client that disconnects mid-request must not leave the transaction, or its locks, open
    with CancelScope(shield=True):
        await run_sync(step)


Ledger = Annotated[Session, Depends(ledger_of_request, scope="function")]
