"""The audit event retention appends for review files (return files use the exchange's ``return-file-deleted``).

The event is the exchange's, shared with review completion, which also deletes review files.
"""

from __future__ import annotations

from sharelog.exchange import ReviewFileDeleted

__all__ = ["ReviewFileDeleted"]
