"""What the FOI pages and the FOI API share: who sees a requester's details, where response letters are written,
the bank holidays proclaimed in the settings, and the words for outcomes, events and response files."""

from __future__ import annotations

from pathlib import Path

from sharelog.foi import ProclaimedDay, case_file_name, parse_extra_holidays
from sharelog.ledger.models import User
from sharelog.settings import Settings
from sharelog.web._access import FOI_OFFICER

__all__ = [
    "FILE_KINDS",
    "OUTCOME_LABELS",
    "REQUESTER_DETAILS",
    "extra_holidays",
    "media_type",
    "response_folder",
    "shows_requester",
]

# A requester's name and contact are personal data: only the officer who answers them sees them.
REQUESTER_DETAILS = frozenset({FOI_OFFICER})

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


def shows_requester(user: User) -> bool:
    """Whether ``user`` may see the requester's name and contact on a case."""
    return user.role in REQUESTER_DETAILS


def extra_holidays(settings: Settings) -> tuple[ProclaimedDay, ...]:
    """Bank holidays proclaimed since the calendar was written (``SHARELOG_EXTRA_BANK_HOLIDAYS``)."""
    return parse_extra_holidays(settings.extra_bank_holidays)


def response_folder(settings: Settings, case_reference: str) -> Path:
    """Where a case's letters and attached reports are written: ``<data dir>/foi/<case>``, as the CLI does."""
    return settings.data_dir / "foi" / case_file_name(case_reference)


def media_type(path: Path) -> str:
    """The media type a response file is sent with."""
    return _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
