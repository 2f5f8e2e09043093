"""The audit event retention appends for review files (return files use the exchange's ``return-file-deleted``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sharelog.ledger.audit import LedgerEvent

__all__ = ["ReviewFileDeleted"]


@dataclass(frozen=True, kw_only=True)
class ReviewFileDeleted(LedgerEvent):
    """An exchange's review file passed the exchange's retention date and was deleted (object: the exchange)."""

    action: ClassVar[str] = "review-file-deleted"
