"""The root command turns every failure into one `Error:` line and the documented exit status."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

import sharelog
from sharelog.cli import app
from sharelog.cli._errors import option_of
from sharelog.errors import InputError, LedgerError, NotFound, Problem, ValidationFailed
from sharelog.settings import Settings

runner = CliRunner()


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def test_unknown_command_is_a_usage_error(settings: Settings) -> None:
    result = runner.invoke(app, ["no-such-command"], obj=settings)
    assert result.exit_code == 2
    assert _error_lines(result.stderr) == ["Error: No such command 'no-such-command'."]


def test_internal_error_exits_1_without_its_message(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Amira Haddad 2011-03-04")  # as if a library quoted a row

    monkeypatch.setattr("sharelog.cli.db.current_revision", boom)
    monkeypatch.delenv("SHARELOG_DEBUG", raising=False)
    result = runner.invoke(app, ["db", "current"], obj=settings)
    assert result.exit_code == 1
    assert _error_lines(result.stderr) == [
        "Error: internal error (RuntimeError); run again with SHARELOG_DEBUG=1 to see the traceback"
    ]
    assert "Amira" not in result.output


@pytest.mark.parametrize(
    ("error", "expected_lines", "exit_code"),
    [
        (NotFound("no agreement called x"), ["Error: no agreement called x"], 2),
        (
            ValidationFailed([Problem("batch.csv", "not a date", row=3, field="dob")]),
            ["Error: batch.csv, row 3, field 'dob': not a date"],
            2,
        ),
        (
            ValidationFailed(
                [
                    Problem("batch.csv", "not a date", row=3, field="dob"),
                    Problem("batch.csv", "missing", row=5),
                ]
            ),
            [
                "Error: batch.csv, row 3, field 'dob': not a date (and 1 more problem)",
                "  - batch.csv, row 3, field 'dob': not a date",
                "  - batch.csv, row 5: missing",
            ],
            2,
        ),
        (
            InputError("'2019-13' is not a month written YYYY-MM", field="month"),
            ["Error: --month: '2019-13' is not a month written YYYY-MM"],
            2,
        ),
        (
            InputError("spans more than 120 months", field="report_months"),
            ["Error: --with-report: spans more than 120 months"],
            2,
        ),
        (
            InputError("is not a date", field="request_id_pattern"),
            ["Error: --request-id-pattern: is not a date"],
            2,
        ),
        (
            LedgerError("the ledger is not initialised", cli_hint="run `sharelog db upgrade`"),
            ["Error: the ledger is not initialised; run `sharelog db upgrade`"],
            1,
        ),
        (
            InputError("already run", field="month", cli_hint="add --rerun"),
            ["Error: --month: already run; add --rerun"],
            2,
        ),
        (
            ValidationFailed([Problem("new case", "is empty", field="title")], cli_hint="see --help"),
            ["Error: new case, field 'title': is empty; see --help"],
            2,
        ),
    ],
    ids=[
        "not-found",
        "one-problem",
        "several-problems",
        "field-as-option",
        "field-with-its-own-option",
        "underscores-as-dashes",
        "cli-hint",
        "field-and-hint",
        "problems-and-hint",
    ],
)
def test_domain_errors_print_their_lines(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    expected_lines: list[str],
    exit_code: int,
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("sharelog.cli.db.current_revision", fail)
    result = runner.invoke(app, ["db", "current"], obj=settings)
    assert result.exit_code == exit_code
    assert result.stderr.splitlines() == expected_lines


def test_version(settings: Settings) -> None:
    result = runner.invoke(app, ["--version"], obj=settings)
    assert result.exit_code == 0
    assert result.stdout.startswith("sharelog ")


def _options(command: object) -> Iterator[str]:
    for param in getattr(command, "params", []):
        yield from (name for name in param.opts if name.startswith("--"))
    for sub in getattr(command, "commands", {}).values():
        yield from _options(sub)


def _fields_services_name() -> dict[str, str]:
    """Every field named by a literal ``field=`` outside the CLI (a problem's fields are columns, left out)."""
    source = Path(sharelog.__file__).parent
    found: dict[str, str] = {}
    for path in sorted(source.rglob("*.py")):
        if path.relative_to(source).parts[0] == "cli":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or getattr(node.func, "id", None) == "Problem":
                continue
            for keyword in node.keywords:
                if keyword.arg == "field" and isinstance(keyword.value, ast.Constant):
                    found.setdefault(str(keyword.value.value), f"{path.relative_to(source)}:{node.lineno}")
    return found


def test_every_field_a_service_names_is_an_option_of_the_cli() -> None:
    """So ``Error: --option: …`` names an option the user can find in ``--help`` (add an override in
    cli/_errors.py where the option is named otherwise)."""
    options = set(_options(typer.main.get_command(app)))
    fields = _fields_services_name()
    assert len(fields) > 20, fields  # the walk finds them
    unknown = sorted(
        f"{where}: {field} → {option_of(field)}"
        for field, where in fields.items()
        if option_of(field) not in options
    )
    assert unknown == [], f"fields the CLI would show as an option it does not have: {sorted(unknown)}"
