"""Retention: return files and review files are deleted once their retention date has passed, and the ledger
says so. Counts and pseudonymous rows stay. See docs/outcomes.md ("Retention")."""

from sharelog.retention._apply import ExpiredFile, RetentionResult, apply_retention
from sharelog.retention._events import ReviewFileDeleted

__all__ = ["ExpiredFile", "RetentionResult", "ReviewFileDeleted", "apply_retention"]
