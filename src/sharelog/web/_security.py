"""Authentication (session cookie or API token), authorization against the access table, and CSRF tokens.

Every router carries :func:`authorize` as a dependency. It finds who is asking, looks the matched route up in
:data:`~sharelog.web._access.ACCESS` (fail closed) and, for a form posted with a session cookie, checks the CSRF
token. Routes then read the user with :data:`CurrentUser` or :data:`MaybeUser`.

The signed session cookie holds a random session token and the CSRF token; the session itself is a row in the
ledger (:mod:`sharelog.accounts`), so signing out, idling, a new password or a disabled account ends it for
every copy of the cookie.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from anyio.to_thread import run_sync
from fastapi import Depends, FastAPI, Request, Response
from sqlalchemy.orm import Session

from sharelog.accounts import expire_web_session, find_web_session, user_for_token
from sharelog.errors import AccessDenied, SignInRequired
from sharelog.ledger.models import User
from sharelog.web._access import ACCESS, allowed
from sharelog.web._context import Ledger, WebContext, context_of

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "CurrentUser",
    "MaybeUser",
    "Principal",
    "authorize",
    "csrf_token",
    "end_session",
    "expire_sessions_found_over",
    "session_token",
    "start_session",
]


@dataclass(frozen=True)
class Principal:
    """Who is signed in, copied out of the ledger row so that pages (error pages too) can show it after the
    request's transaction has ended."""

    user_id: int
    username: str
    display_name: str
    role: str
    organisation_id: str
    via: str  # how they signed in: "session" (the cookie) or "token" (an API token)


CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_SESSION_TOKEN = "sid"  # the key of the session token in the signed cookie
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
log = logging.getLogger("sharelog.web")


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use); every form carries it in a hidden field."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def start_session(request: Request, token: str) -> None:
    """Put a new session's token (from :func:`sharelog.accounts.start_web_session`) in a fresh cookie, with a
    new CSRF token, so that one planted before sign-in is useless."""
    request.session.clear()
    request.session.update({_SESSION_TOKEN: token, "csrf": secrets.token_urlsafe(32)})


def session_token(request: Request) -> str | None:
    """The session token the cookie carries, if any."""
    token = request.session.get(_SESSION_TOKEN)
    return token if isinstance(token, str) else None


def end_session(request: Request) -> None:
    """Forget everything in the session cookie (the ledger's row is ended by the caller)."""
    request.session.clear()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _session_user(request: Request, session: Session) -> User | None:
    token = session_token(request)
    if token is None:
        return None
    idle = timedelta(minutes=context_of(request).settings.web_session_idle_minutes)
    found = find_web_session(session, token, idle=idle)
    if found.user is None:
        # signed out, idle, too old, or the account changed: the cookie forgets the session (its CSRF token
        # stays, so that a form posted now, the sign-in form say, is not refused as forged)
        request.session.pop(_SESSION_TOKEN, None)
        if found.over is not None:
            request.state.web_session_over = found.over  # ended after the response: see below
    return found.user


def _expire(context: WebContext, session_id: int, reason: str) -> None:
    with context.session_factory() as session:
        expire_web_session(session, session_id, reason=reason)
        session.commit()


def expire_sessions_found_over(app: FastAPI) -> None:
    """End, after the response, a session that a request found over (idle or too old) but not yet ended.

    Not in the request's own transaction: a page that needs a signed-in user then fails with
    :class:`SignInRequired`, and a failing request's transaction is rolled back. This runs once the request has
    given its ledger session back, in one of its own (the same limit on sessions at once, off the event loop).
    """

    @app.middleware("http")
    async def expire_found_over(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        over = getattr(request.state, "web_session_over", None)
        if over is not None:
            context = context_of(request)
            try:
                async with context.sessions:
                    await run_sync(_expire, context, *over)
            except Exception as error:  # the session is refused anyway; the answer must not be lost for this
                log.warning("could not record a session's end (%s); it stays refused", type(error).__name__)
        return response


async def _check_csrf(request: Request) -> None:
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette keeps the parsed form, so the route reads it again for free
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or sent is None or not hmac.compare_digest(expected, sent):
        raise AccessDenied(
            "the form has expired or did not come from this site: go back, reload and try again"
        )


def _user_of_request(request: Request, session: Ledger) -> User | None:
    """Who is asking: the bearer token's user, else the session cookie's, else no one.

    A plain function, so FastAPI runs it in the thread pool: it reads the ledger, and a database call made on the
    event loop blocks every request — under load the loop waited there for a pooled connection that only the
    loop itself could release, and the server stood still until the pool timed out (tests/load).
    """
    token = _bearer(request)
    user = user_for_token(session, token) if token is not None else _session_user(request, session)
    if token is not None and user is None:
        raise SignInRequired("the API token is not valid (revoked, mistyped, or its user is disabled)")
    return user


async def authorize(request: Request, user: Annotated[User | None, Depends(_user_of_request)]) -> User | None:
    """Who is asking, if anyone, and whether the matched route lets them (raises otherwise)."""
    token = _bearer(request)
    request.state.principal = (
        Principal(
            user.id,
            user.username,
            user.display_name,
            user.role,
            user.organisation_id,
            via="token" if token is not None else "session",
        )
        if user is not None
        else None
    )
    route = request.scope.get("route")
    name = getattr(route, "name", None)
    access = ACCESS.get(name) if isinstance(name, str) else None
    if access is None:
        raise AccessDenied("this page has no access rule, so no one may use it")
    if not allowed(access, user.role if user is not None else None):
        if user is None:
            raise SignInRequired("sign in to see this page")
        raise AccessDenied("your role does not allow this")
    if request.method in _UNSAFE and token is None:
        await _check_csrf(request)
    return user


def _maybe_user(user: Annotated[User | None, Depends(authorize)]) -> User | None:
    return user


def _current_user(user: Annotated[User | None, Depends(authorize)]) -> User:
    if user is None:
        raise SignInRequired("sign in to see this page")
    return user


MaybeUser = Annotated[User | None, Depends(_maybe_user)]
CurrentUser = Annotated[User, Depends(_current_user)]
