"""The audit events account changes append."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sharelog.ledger.audit import LedgerEvent

__all__ = [
    "ApiTokenCreated",
    "ApiTokenRevoked",
    "PasswordChanged",
    "UserAdded",
    "UserDisabled",
    "UserSignedIn",
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
class ApiTokenCreated(LedgerEvent):
    """An API token was issued for a machine client (the token itself is never recorded)."""

    action: ClassVar[str] = "api-token-created"


@dataclass(frozen=True, kw_only=True)
class ApiTokenRevoked(LedgerEvent):
    """An API token was revoked."""

    action: ClassVar[str] = "api-token-revoked"
