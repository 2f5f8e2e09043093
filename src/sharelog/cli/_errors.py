"""How the command line words an error: the field it is about as the option that sets it, then the CLI's advice.

Services name a field in the domain's words (``month``, ``report_months``); this is the one place that knows
which option of which command gives it. By default the option is ``--`` and the field with ``_`` written ``-``;
:data:`OPTION_OF_FIELD` lists the fields whose option is named otherwise.
"""

from __future__ import annotations

from sharelog.errors import SharelogError

__all__ = ["OPTION_OF_FIELD", "error_line", "option_of"]

OPTION_OF_FIELD: dict[str, str] = {
    "request_text": "--text-file",  # an FOI request's text, when it is read from a file (--text gives it inline)
    "received_on": "--received",  # the day an FOI request was received
    "responded_on": "--on",  # the day an FOI response was sent
    "exemptions": "--exemption",  # repeated, once per exemption cited
    "report_months": "--with-report",
    "organisation": "--org",
    "decided_by": "--by",
}
"""Fields whose option is not ``--`` + the field with ``_`` written ``-``."""


def option_of(field: str) -> str:
    """The command-line option that gives ``field``: ``days`` → ``--days``, ``report_months`` →
    ``--with-report``."""
    return OPTION_OF_FIELD.get(field, "--" + field.replace("_", "-"))


def error_line(error: SharelogError) -> str:
    """The text after ``Error:``: ``--month: <message>; <cli hint>`` (each part only when the error has it)."""
    line = error.message
    if error.field is not None:
        line = f"{option_of(error.field)}: {line}"
    if error.cli_hint:
        line = f"{line}; {error.cli_hint}"
    return line
