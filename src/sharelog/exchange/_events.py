"""The audit events the exchange appends (kebab-case names, an actor, a UTC time, the object)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sharelog.ledger.audit import LedgerEvent

__all__ = [
    "ExchangeCompleted",
    "ExchangeRejected",
    "ReturnFileDeleted",
    "ReturnFileFetched",
    "ReviewCompleted",
    "ReviewDecided",
    "ReviewFileDeleted",
]


@dataclass(frozen=True, kw_only=True)
class ExchangeCompleted(LedgerEvent):
    """A batch was matched and its return file written (detail: counts, checksums, model, the
    fields returned and those the agreement permits that the register has no column for)."""

    action: ClassVar[str] = "exchange-completed"


@dataclass(frozen=True, kw_only=True)
class ExchangeRejected(LedgerEvent):
    """A batch was refused: invalid rows, fields the agreement does not permit, a purpose or cap breached."""

    action: ClassVar[str] = "exchange-rejected"


@dataclass(frozen=True, kw_only=True)
class ReviewDecided(LedgerEvent):
    """A named person accepted or rejected a candidate in the review band."""

    action: ClassVar[str] = "review-decided"


@dataclass(frozen=True, kw_only=True)
class ReturnFileDeleted(LedgerEvent):
    """A return file passed its retention date and was deleted (detail: its checksum)."""

    action: ClassVar[str] = "return-file-deleted"


@dataclass(frozen=True, kw_only=True)
class ReviewCompleted(LedgerEvent):
    """An exchange's last review item was decided: the accepted ones were returned in a supplementary file and
    became disclosures, and the exchange is ``returned`` (detail: counts, the supplementary file's checksum)."""

    action: ClassVar[str] = "review-completed"


@dataclass(frozen=True, kw_only=True)
class ReviewFileDeleted(LedgerEvent):
    """An exchange's review file (personal data, for reviewers) was deleted (object: the exchange; detail: why —
    ``review-completed``, ``recovery`` after a crash, or retention — and the checksum of the bytes deleted)."""

    action: ClassVar[str] = "review-file-deleted"


@dataclass(frozen=True, kw_only=True)
class ReturnFileFetched(LedgerEvent):
    """Someone downloaded a return file (detail: which file, its checksum, how it was fetched)."""

    action: ClassVar[str] = "return-file-fetched"
