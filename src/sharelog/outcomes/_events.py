"""The audit events outcome recording appends. Their details carry codes, dates and counts — never a note."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sharelog.ledger.audit import LedgerEvent

__all__ = ["OutcomeCorrected", "OutcomeRecorded", "OutcomesImported"]


@dataclass(frozen=True, kw_only=True)
class OutcomeRecorded(LedgerEvent):
    """An outcome event was recorded about a disclosure (detail: kind, code, date, people, onward-share flag)."""

    action: ClassVar[str] = "outcome-recorded"


@dataclass(frozen=True, kw_only=True)
class OutcomeCorrected(LedgerEvent):
    """An outcome event was recorded that supersedes an earlier one (detail as recorded, plus ``supersedes``)."""

    action: ClassVar[str] = "outcome-corrected"


@dataclass(frozen=True, kw_only=True)
class OutcomesImported(LedgerEvent):
    """An outcomes file was imported whole (object: the file's sha256; detail: rows and kinds)."""

    action: ClassVar[str] = "outcomes-imported"
