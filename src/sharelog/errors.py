"""The exceptions sharelog raises, and how each reaches a person.

Services raise these; the CLI prints one ``Error: …`` line and exits with ``exit_code``; the web app
renders ``status``. No message ever carries a value from a data file: only the file, the row and the field.

    SharelogError                 exit 1, HTTP 500 — something went wrong inside sharelog
    ├── InputError                exit 2, HTTP 400 — the input or the request cannot be used as given
    │   ├── ValidationFailed      exit 2, HTTP 422 — a file or document with problems, every one listed
    │   ├── NotFound              exit 2, HTTP 404 — an id that names nothing (agreement, exchange…)
    │   ├── Conflict              exit 2, HTTP 409 — the action clashes with what the ledger holds
    │   ├── SignInRequired        exit 2, HTTP 401 — no valid session or API token
    │   ├── AccessDenied          exit 2, HTTP 403 — signed in, but the role or organisation may not do this
    │   └── TooManyAttempts       exit 2, HTTP 429 — too many failed sign-ins: wait and try again
    ├── LedgerError               exit 1, HTTP 500 — the ledger database is missing, unreachable or out of date
    └── AuditTrailBroken          exit 1, HTTP 500 — the audit trail fails its check: tampering, or a lost event

Any of them may name the ``field`` the problem is about, in the domain's words (``month``, ``purpose``,
``days``), never a front end's: the CLI shows it as its option (``--month: …``), a web form puts the message
next to its input, the API gives it as a JSON pointer (``/month``). A message never names a command-line option
or a ``sharelog`` command; advice that only the command line can act on ("add --rerun", "run `sharelog db
upgrade`") goes in ``cli_hint``, which only the CLI shows. A :class:`ValidationFailed` lists :class:`Problem`
records, each with its own ``field``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "AccessDenied",
    "AuditTrailBroken",
    "Conflict",
    "InputError",
    "LedgerError",
    "NotFound",
    "Problem",
    "SharelogError",
    "SignInRequired",
    "TooManyAttempts",
    "ValidationFailed",
]


class SharelogError(Exception):
    """Base of every error sharelog raises on purpose."""

    exit_code = 1
    status = 500

    def __init__(self, message: str, *, field: str | None = None, cli_hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.cli_hint = cli_hint

    def details(self) -> list[str]:
        """Further lines to show under the one-line message (none by default)."""
        return []


class InputError(SharelogError):
    """The input or the request cannot be used as given (bad file, bad option, missing folder…)."""

    exit_code = 2
    status = 400


class NotFound(InputError):
    """An identifier that names nothing."""

    status = 404


class Conflict(InputError):
    """The action clashes with what the ledger already holds (e.g. the same batch twice)."""

    status = 409


class SignInRequired(InputError):
    """No valid session cookie or API token came with the request."""

    status = 401


class AccessDenied(InputError):
    """The signed-in user's role or organisation may not see or do this."""

    status = 403


class TooManyAttempts(InputError):
    """Too many failed sign-ins for one account or address in the last few minutes."""

    status = 429


class LedgerError(SharelogError):
    """The ledger database cannot be used (unreachable, not initialised, not at the current revision)."""


class AuditTrailBroken(SharelogError):
    """The audit trail does not hold: a broken link in the hash chain, events missing against a checkpoint, or a
    checkpoint whose signature does not verify. ``event_id`` names the first event concerned, where there is one."""

    def __init__(
        self,
        message: str,
        *,
        event_id: int | None = None,
        field: str | None = None,
        cli_hint: str | None = None,
    ) -> None:
        super().__init__(message, field=field, cli_hint=cli_hint)
        self.event_id = event_id


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong — never the offending value.

    ``field`` is a column or key of ``file``, or, for a problem with the request itself (``file`` names the
    request, e.g. "new case"), the domain name of the value concerned, as on :class:`SharelogError`.
    """

    file: str
    message: str
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}"


class ValidationFailed(InputError):
    """A file or document has problems; all of them are collected and reported together."""

    status = 422

    def __init__(self, problems: Iterable[Problem], *, cli_hint: str | None = None) -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        if not self.problems:
            raise ValueError("ValidationFailed needs at least one problem")
        first = str(self.problems[0])
        more = len(self.problems) - 1
        message = first if more == 0 else f"{first} (and {more} more problem{'s' if more > 1 else ''})"
        # each problem names its own field; the error as a whole is about no single one
        super().__init__(message, cli_hint=cli_hint)

    def details(self) -> list[str]:
        if len(self.problems) == 1:
            return []
        return [f"  - {p}" for p in self.problems]
