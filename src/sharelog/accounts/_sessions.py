"""Web sessions held in the ledger, so that signing out, idling, a new password or a disabled account ends a
session for every copy of its cookie.

The cookie carries a random token; the ledger keeps only its sha256 (``web_sessions``). A session is over when it
was ended, when it has been idle longer than the idle timeout, or when it is older than its lifetime. Every
ending holds the audit chain first and then marks the row, so two requests ending the same session queue, and
the second finds it ended.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, event, select, update
from sqlalchemy.orm import Session, joinedload

from sharelog.accounts._events import SessionExpired, UserSignedOut
from sharelog.ledger.audit import append_audit_event
from sharelog.ledger.models import User, WebSession, utc_now

__all__ = [
    "SESSION_LIFETIME",
    "SESSION_SEEN_RESOLUTION",
    "WebSessionFound",
    "end_user_web_sessions",
    "end_web_session",
    "expire_web_session",
    "find_web_session",
    "start_web_session",
]

SESSION_LIFETIME = timedelta(hours=8)  # a working day; signing in again after that is expected
SESSION_SEEN_RESOLUTION = timedelta(minutes=1)  # how precisely a session's last request is noted
SESSION_ROWS_KEPT = timedelta(days=30)  # rows of sessions unused this long are deleted at the next sign-in


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_web_session(session: Session, user: User) -> str:
    """A new session for ``user``: returns the token for the cookie (the ledger keeps its sha256 only).

    Also deletes the rows of sessions nobody has used for :data:`SESSION_ROWS_KEPT` (every sign-in is audited,
    so the rows are bookkeeping, not the record).
    """
    now = utc_now()
    session.execute(delete(WebSession).where(WebSession.last_seen_at < now - SESSION_ROWS_KEPT))
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now))
    session.flush()
    return token


@dataclass(frozen=True)
class WebSessionFound:
    """What a cookie's token stands for: the signed-in user, or ``None``; and, for a session found over but not
    yet ended, its row id and why it is over (``idle``, ``lifetime`` or ``disabled``): end it with
    :func:`expire_web_session`."""

    user: User | None
    over: tuple[int, str] | None = None


def find_web_session(session: Session, token: str, *, idle: timedelta) -> WebSessionFound:
    """The user signed in with ``token``, if the session is open, not idle longer than ``idle`` and younger
    than :data:`SESSION_LIFETIME`. Notes the request as the session's last, to the minute, as the transaction
    commits (a read stays a read until then)."""
    row = session.execute(
        select(WebSession)
        .options(joinedload(WebSession.user))  # one query per request, as the user's own row was before
        .where(WebSession.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None:
        return WebSessionFound(None)
    now = utc_now()
    reason = (
        "lifetime"
        if now - row.created_at >= SESSION_LIFETIME
        else "idle"
        if now - row.last_seen_at >= idle
        else "disabled"
        if not row.user.active
        else None
    )
    if reason is not None:
        return WebSessionFound(None, (row.id, reason))
    if now - row.last_seen_at >= SESSION_SEEN_RESOLUTION:
        _note_seen_at_commit(session, row.id, now)
    return WebSessionFound(row.user)


def _note_seen_at_commit(session: Session, row_id: int, when: datetime) -> None:
    # as an API token's last use: written as the transaction commits, so that a read request does not hold
    # SQLite's one write lock from here to its end; and at most once a minute (tests/load)
    def note(committing: Session) -> None:
        committing.execute(update(WebSession).where(WebSession.id == row_id).values(last_seen_at=when))

    event.listen(session, "before_commit", note, once=True)


def _end_rows(session: Session, *conditions: object, reason: str) -> int:
    ended = session.execute(
        update(WebSession)
        .where(WebSession.ended_at.is_(None), *conditions)  # type: ignore[arg-type]
        .values(ended_at=utc_now(), end_reason=reason)
    )
    return int(ended.rowcount)  # type: ignore[attr-defined]


def end_web_session(session: Session, token: str, *, via: str = "web") -> bool:
    """Sign out: end the session of ``token`` (a ``user-signed-out`` event); whether it was open."""
    row = session.execute(
        select(WebSession).where(WebSession.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None:
        return False
    username = row.user.username
    event_ = UserSignedOut(actor=username, object_type="user", object_id=username, detail={"via": via})
    append_audit_event(session, event_)
    return _end_rows(session, WebSession.id == row.id, reason="sign_out") == 1


def expire_web_session(session: Session, session_id: int, *, reason: str) -> bool:
    """End a session found over (:attr:`WebSessionFound.over`) with a ``session-expired`` event, unless someone
    ended it first; whether this call ended it. Run it in a transaction of its own, which it rolls back when
    the session was already ended."""
    row = session.get(WebSession, session_id)
    if row is None or row.ended_at is not None:
        return False
    username = row.user.username
    detail = {"reason": reason, "via": "web"}
    append_audit_event(
        session, SessionExpired(actor=username, object_type="user", object_id=username, detail=detail)
    )
    if _end_rows(session, WebSession.id == session_id, reason=reason) == 1:
        return True
    session.rollback()  # ended by another request between the read and the chain: no second event
    return False


def end_user_web_sessions(session: Session, user: User, *, reason: str) -> int:
    """End every open session of ``user`` (``password`` or ``disabled``); how many. Call it after appending the
    event of the change that ends them, so that the audit chain is held first, as for every other ending."""
    return _end_rows(session, WebSession.user_id == user.id, reason=reason)
