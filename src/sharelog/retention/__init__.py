"""Retention: return files and review files are deleted once their retention date has passed, and the ledger
says so. Counts and pseudonymous rows stay. See docs/outcomes.md ("Retention")."""

from sharelog.retention._apply import ExpiredFile, RetentionResult, apply_retention
from sharelog.retention._events import ReviewFileDeleted
from sharelog.retention._overdue import OverdueDeletion, overdue_deletions

__all__ = [
    "ExpiredFile",
    "OverdueDeletion",
    "RetentionResult",
    "ReviewFileDeleted",
    "apply_retention",
    "overdue_deletions",
]
