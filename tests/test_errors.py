"""The error tree: every error can name the field it is about and carry advice for the command line only."""

from __future__ import annotations

import pytest

from sharelog.errors import (
    AccessDenied,
    AuditTrailBroken,
    Conflict,
    InputError,
    LedgerError,
    NotFound,
    Problem,
    SharelogError,
    SignInRequired,
    TooManyAttempts,
    ValidationFailed,
)


@pytest.mark.parametrize(
    "kind",
    [
        SharelogError,
        InputError,
        NotFound,
        Conflict,
        SignInRequired,
        AccessDenied,
        TooManyAttempts,
        LedgerError,
    ],
)
def test_an_error_keeps_its_field_and_cli_hint_apart_from_its_message(kind: type[SharelogError]) -> None:
    error = kind("must be written YYYY-MM", field="month", cli_hint="add --rerun")
    assert (error.message, error.field, error.cli_hint) == ("must be written YYYY-MM", "month", "add --rerun")
    assert str(error) == "must be written YYYY-MM"


def test_field_and_cli_hint_are_optional() -> None:
    error = InputError("the two passwords differ")
    assert (error.field, error.cli_hint) == (None, None)


def test_audit_trail_broken_keeps_its_event_beside_field_and_hint() -> None:
    error = AuditTrailBroken("event 3: broken link", event_id=3, cli_hint="run `sharelog audit verify`")
    assert (error.event_id, error.field, error.cli_hint) == (3, None, "run `sharelog audit verify`")


def test_validation_failed_keeps_each_problems_field() -> None:
    problems = [Problem("new case", "is empty", field="title"), Problem("new case", "too long", field="text")]
    error = ValidationFailed(problems, cli_hint="see --help")
    assert [p.field for p in error.problems] == ["title", "text"]
    assert error.field is None
    assert error.cli_hint == "see --help"
    assert error.message == "new case, field 'title': is empty (and 1 more problem)"
