"""The audit events account changes append."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sharelog.ledger.audit import LedgerEvent

__all__ = [
    "ApiTokenCreated",
    "ApiTokenRevoked",
    "PasswordChanged",
    "SessionExpired",
    "SignInFailed",
    "SignInThrottled",
    "UserAdded",
    "UserDisabled",
    "UserSignedIn",
    "UserSignedOut",
]


@dataclass(frozen=True, kw_only=True)
class UserAdded(LedgerEvent):
    """An account was created (detail: role and organisation, never the password)."""

    action: ClassVar[str] = "user-added"


@dataclass(frozen=True, kw_only=True)
class UserDisabled(LedgerEvent):
    """An account was disabled; its sessions and API tokens stop working at once."""

    action: ClassVar[str] = "user-disabled"


@dataclass(frozen=True, kw_only=True)
class PasswordChanged(LedgerEvent):
    """An account's password was set again; its older sessions stop working."""

    action: ClassVar[str] = "password-changed"


@dataclass(frozen=True, kw_only=True)
class UserSignedIn(LedgerEvent):
    """Someone signed in to the web app."""

    action: ClassVar[str] = "user-signed-in"


@dataclass(frozen=True, kw_only=True)
class UserSignedOut(LedgerEvent):
    """Someone signed out: the session ends for every copy of its cookie."""

    action: ClassVar[str] = "user-signed-out"


@dataclass(frozen=True, kw_only=True)
class SessionExpired(LedgerEvent):
    """A session was found over and ended (detail ``reason``: ``idle``, ``lifetime`` or ``disabled``). Recorded
    when its cookie next comes back; a session never used again just lapses."""

    action: ClassVar[str] = "session-expired"


@dataclass(frozen=True, kw_only=True)
class SignInFailed(LedgerEvent):
    """A sign-in was refused: a wrong password, a disabled account or an unknown username. The object is the
    account when one has that username; an unknown username is not recorded at all (people type passwords into
    the username box), nor is any password."""

    action: ClassVar[str] = "sign-in-failed"


@dataclass(frozen=True, kw_only=True)
class SignInThrottled(LedgerEvent):
    """The sign-in throttle began refusing an account or an address (detail ``limit``); recorded once per
    account or address per window, not per refused attempt, so a flood of attempts cannot flood the chain."""

    action: ClassVar[str] = "sign-in-throttled"


@dataclass(frozen=True, kw_only=True)
class ApiTokenCreated(LedgerEvent):
    """An API token was issued for a machine client (the token itself is never recorded)."""

    action: ClassVar[str] = "api-token-created"


@dataclass(frozen=True, kw_only=True)
class ApiTokenRevoked(LedgerEvent):
    """An API token was revoked."""

    action: ClassVar[str] = "api-token-revoked"
