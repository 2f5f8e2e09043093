"""Subject access: everything the ledger holds about one pupil, found by their subject key — and nothing else.

See docs/outcomes.md ("Subject access").
"""

from sharelog.subjects._access import (
    SubjectAccessReport,
    SubjectDisclosure,
    SubjectExchange,
    SubjectReviewItem,
    subject_access,
)
from sharelog.subjects._events import SubjectAccessSearched

__all__ = [
    "SubjectAccessReport",
    "SubjectAccessSearched",
    "SubjectDisclosure",
    "SubjectExchange",
    "SubjectReviewItem",
    "subject_access",
]
