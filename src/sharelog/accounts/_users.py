"""Accounts: add, list and disable users; check passwords; issue and check API tokens.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second recommended setting). API tokens
are random; the ledger keeps only their sha256, so a copy of the database cannot be used to call the API.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from sharelog.accounts._events import (
    ApiTokenCreated,
    ApiTokenRevoked,
    PasswordChanged,
    SignInFailed,
    SignInThrottled,
    UserAdded,
    UserDisabled,
    UserSignedIn,
)
from sharelog.accounts._passwords import check_password
from sharelog.accounts._roles import ROLE_INFO
from sharelog.accounts._sessions import end_user_web_sessions
from sharelog.errors import Conflict, InputError, NotFound
from sharelog.ledger.audit import append_audit_event
from sharelog.ledger.models import ApiToken, Organisation, User, utc_now

__all__ = [
    "TOKEN_PREFIX",
    "IssuedToken",
    "add_user",
    "authenticate",
    "create_api_token",
    "disable_user",
    "find_user",
    "list_users",
    "record_failed_sign_in",
    "record_sign_in",
    "record_sign_in_throttled",
    "revoke_api_token",
    "set_password",
    "user_for_token",
]

TOKEN_PREFIX = "slt_"
TOKEN_USE_RESOLUTION = timedelta(minutes=1)  # how precisely a token's last use is noted
_SIGNED_OUT = "anonymous"  # the actor of a refused sign-in: whoever tried is not known
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
_hasher = PasswordHasher()
# verified against when the username is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH = _hasher.hash("sharelog: no such user")


def find_user(session: Session, username: str) -> User:
    """The account called ``username``.

    Raises:
        NotFound: there is no such account.
    """
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user called {username!r}")
    return user


def add_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    organisation_id: str,
    role: str,
    password: str,
    actor: str,
) -> User:
    """Create an account; the organisation must be in the ledger and fit the role.

    Raises:
        InputError: a bad username, role or password, or a role the organisation cannot hold.
        NotFound: the organisation is not in the ledger (record an agreement that names it first).
        Conflict: the username is taken.
    """
    if not _USERNAME.fullmatch(username):
        raise InputError("a username is 2–64 characters: lower-case letters, digits, '.', '_' or '-'")
    if role not in ROLE_INFO:
        raise InputError(f"no role called {role!r}; roles: {', '.join(ROLE_INFO)}")
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"no organisation {organisation_id!r} in the ledger")
    if organisation.kind not in ROLE_INFO[role].organisation_kinds:
        kinds = " or ".join(ROLE_INFO[role].organisation_kinds)
        raise InputError(
            f"the role {role} belongs to a {kinds} organisation; {organisation_id} is a {organisation.kind}"
        )
    check_password(password, username=username, display_name=display_name)
    if session.execute(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(f"there is already a user called {username!r}")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        organisation_id=organisation_id,
        role=role,
        password_hash=_hasher.hash(password),
    )
    session.add(user)
    session.flush()
    detail = {"role": role, "organisation": organisation_id}
    append_audit_event(session, UserAdded(actor=actor, object_type="user", object_id=username, detail=detail))
    return user


def list_users(session: Session, *, organisation_id: str | None = None) -> list[User]:
    """Every account (or one organisation's), by username."""
    query = select(User).order_by(User.username)
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    return list(session.execute(query).scalars())


def disable_user(session: Session, username: str, *, actor: str) -> User:
    """Disable an account: its sessions and API tokens stop working at once. Accounts are never deleted.

    Raises:
        NotFound: no such account.
        Conflict: the account was disabled already (nothing changes, nothing is recorded).
    """
    user = find_user(session, username)
    if not user.active:
        since = f", on {user.disabled_at:%Y-%m-%d}" if user.disabled_at is not None else ""
        raise Conflict(f"user {username!r} was already disabled{since}")
    user.active = False
    user.disabled_at = utc_now()
    user.session_version += 1
    for token in user.api_tokens:
        if token.revoked_at is None:
            token.revoked_at = user.disabled_at
    append_audit_event(session, UserDisabled(actor=actor, object_type="user", object_id=username))
    end_user_web_sessions(session, user, reason="disabled")
    return user


def set_password(session: Session, username: str, *, password: str, actor: str) -> User:
    """Set a new password; every session signed in with the old one ends.

    Raises:
        NotFound: there is no such account.
        InputError: the password breaks a rule of :func:`~sharelog.accounts.check_password`.
    """
    user = find_user(session, username)
    check_password(password, username=user.username, display_name=user.display_name)
    user.password_hash = _hasher.hash(password)
    user.session_version += 1
    append_audit_event(session, PasswordChanged(actor=actor, object_type="user", object_id=username))
    end_user_web_sessions(session, user, reason="password")
    return user


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active account whose password this is, or ``None`` (the same answer for every kind of failure)."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    try:
        _hasher.verify(user.password_hash if user is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def record_sign_in(session: Session, user: User, *, via: str) -> None:
    """Append a ``user-signed-in`` event (``via``: ``web`` for now)."""
    event = UserSignedIn(
        actor=user.username, object_type="user", object_id=user.username, detail={"via": via}
    )
    append_audit_event(session, event)


def record_failed_sign_in(session: Session, *, username: str, via: str) -> None:
    """Append a ``sign-in-failed`` event: about the account if one has this username; otherwise about no one,
    for what was typed as a username may be a password typed in the wrong box. Never a password."""
    known = session.execute(select(User.username).where(User.username == username)).scalar_one_or_none()
    detail = {"via": via, "account": "known" if known is not None else "unknown"}
    event = SignInFailed(actor=_SIGNED_OUT, object_type="user", object_id=known or "unknown", detail=detail)
    append_audit_event(session, event)


def record_sign_in_throttled(session: Session, *, username: str, limit: str, via: str) -> None:
    """Append a ``sign-in-throttled`` event: the throttle began refusing an account (named if it exists) or an
    address (never recorded: the access log has a keyed hash of it)."""
    known = None
    if limit == "account":
        known = session.execute(select(User.username).where(User.username == username)).scalar_one_or_none()
    detail = {"via": via, "limit": limit}
    event = SignInThrottled(
        actor=_SIGNED_OUT, object_type="user", object_id=known or "unknown", detail=detail
    )
    append_audit_event(session, event)


@dataclass(frozen=True)
class IssuedToken:
    """A new API token: ``secret`` is shown once and never stored."""

    id: int
    name: str
    username: str
    secret: str


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_token(session: Session, *, username: str, name: str, actor: str) -> IssuedToken:
    """Issue a bearer token that acts as ``username`` (with that user's role and organisation)."""
    user = find_user(session, username)
    if not user.active:
        raise Conflict(f"the user {username!r} is disabled")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip() or "token", token_hash=_token_hash(secret))
    session.add(token)
    session.flush()
    detail = {"token_id": token.id, "name": token.name}
    append_audit_event(
        session, ApiTokenCreated(actor=actor, object_type="user", object_id=username, detail=detail)
    )
    return IssuedToken(id=token.id, name=token.name, username=username, secret=secret)


def revoke_api_token(session: Session, token_id: int, *, actor: str) -> ApiToken:
    """Revoke a token by its id; it stops working at once.

    Raises:
        NotFound: there is no such token.
        Conflict: the token was revoked already (nothing changes, nothing is recorded).
    """
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no API token {token_id}")
    if token.revoked_at is not None:
        raise Conflict(f"API token {token_id} was already revoked, on {token.revoked_at:%Y-%m-%d}")
    token.revoked_at = utc_now()
    detail = {"token_id": token.id, "name": token.name}
    event = ApiTokenRevoked(actor=actor, object_type="user", object_id=token.user.username, detail=detail)
    append_audit_event(session, event)
    return token


def user_for_token(session: Session, secret: str) -> User | None:
    """The active user a presented bearer token acts as, or ``None``; notes when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.execute(
        select(ApiToken).where(ApiToken.token_hash == _token_hash(secret))
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utc_now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        _note_use_at_commit(session, token.id, now)
    return token.user


def _note_use_at_commit(session: Session, token_id: int, when: datetime) -> None:
    # Noted to the minute, and written as the transaction commits rather than at the next query: a write makes a
    # read request a writer, which on SQLite holds the database's one write lock from that write to the commit —
    # through a whole report, say (tests/load).
    def note(committing: Session) -> None:
        committing.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=when))

    event.listen(session, "before_commit", note, once=True)
