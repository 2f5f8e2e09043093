"""The audit event a subject access search appends: that a search happened, by whom, and how much it found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sharelog.ledger.audit import LedgerEvent

__all__ = ["SubjectAccessSearched"]


@dataclass(frozen=True, kw_only=True)
class SubjectAccessSearched(LedgerEvent):
    """A subject access search was run (object: the search's own reference; detail: counts, case reference).

    Never the pupil id nor the subject key: the audit trail must not become a list of who was searched for.
    """

    action: ClassVar[str] = "subject-access-searched"
