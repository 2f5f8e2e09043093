"""What the FOI pages and the FOI API share: who sees a requester's details, the words for outcomes and response
files, the media type a file is sent with — and the limit on the size of what is sent to an FOI route.

Scoping: every FOI route passes the signed-in user's organisation to the :mod:`sharelog.foi` services, which answer
another organisation's case exactly as one that does not exist (404, the same message).
"""

from __future__ import annotations

from pathlib import Path

from sharelog.foi import MAX_REQUEST_TEXT, CaseView
from sharelog.ledger.models import User
from sharelog.web._access import FOI_OFFICER
from sharelog.web._body_limit import BodyLimitRoute

__all__ = [
    "FILE_KINDS",
    "MAX_FOI_BODY_BYTES",
    "OUTCOME_LABELS",
    "REQUESTER_DETAILS",
    "FoiBodyLimitRoute",
    "media_type",
    "shows_requester",
]

# A requester's name and contact are personal data: only the officers who answer them — of the organisation
# that received the request — see them.
REQUESTER_DETAILS = frozenset({FOI_OFFICER})

# The largest body an FOI route reads (FoiBodyLimitRoute): the request text at its longest (MAX_REQUEST_TEXT
# characters), each escaped at worst to 12 bytes by a form (%F0%9F%98%80) or JSON (a surrogate pair), and room for
# the other fields. A larger body is refused with 413 as soon as its Content-Length says so or its bytes pass the
# limit — before the form or the JSON is parsed.
MAX_FOI_BODY_BYTES = 12 * MAX_REQUEST_TEXT + 256 * 1024

OUTCOME_LABELS = {
    "successful": "Successful: all the information asked for is provided",
    "partially_successful": "Partially successful: some information is withheld under exemptions",
    "not_held": "Information not held",
    "rejected": "Refused under exemptions",
    "ncnd": "Neither confirm nor deny that the information is held",
    "s12_cost": "Refused: compliance would cost more than the appropriate limit (s.12)",
    "s14": "Refused: vexatious or repeated request (s.14)",
}

FILE_KINDS = {
    "letter_docx": "Response letter (Word)",
    "letter_md": "Response letter (Markdown text)",
    "workbook": "Monthly outcomes report (Excel workbook)",
}

_MEDIA_TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def shows_requester(user: User, case: CaseView) -> bool:
    """Whether ``user`` may see the requester's name and contact on ``case``: an FOI officer of the organisation
    that received the request."""
    return user.role in REQUESTER_DETAILS and case.organisation_id == user.organisation_id


def media_type(path: Path) -> str:
    """The media type a response file is sent with."""
    return _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


class FoiBodyLimitRoute(BodyLimitRoute):
    """A route that reads at most :data:`MAX_FOI_BODY_BYTES` of body."""

    max_body_bytes = MAX_FOI_BODY_BYTES
