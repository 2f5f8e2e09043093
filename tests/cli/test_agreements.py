"""`sharelog agreements list | show | validate`: exit codes, output, and one `Error:` line on failure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from sharelog.cli import app
from sharelog.settings import Settings

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(shipped_dir: Path, tmp_path: Path) -> Invoke:
    """Run ``sharelog agreements …`` against the shipped folder, or another one, on a wide terminal."""

    def run(*args: str, agreements_dir: Path | None = None) -> Result:
        settings = Settings(agreements_dir=agreements_dir or shipped_dir, data_dir=tmp_path)
        return CliRunner().invoke(app, ["agreements", *args], obj=settings, env={"COLUMNS": "200"})

    return run


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


def test_list_shows_every_version(invoke: Invoke) -> None:
    result = invoke("list")
    assert result.exit_code == 0, result.stderr
    for expected in ("ho-dfe-2013-pilot", "ho-dfe-2015-mou", "ho-dfe-2019-update", "2016-10-07", "1,500"):
        assert expected in result.stdout
    assert "(assumed)" in result.stdout
    assert "4 agreement version(s)" in result.stdout


@pytest.mark.parametrize(
    ("args", "version", "present", "absent"),
    [
        (["--version", "1.0"], "1.0", "last_attendance, nationality", None),
        (["--on", "2016-10-07"], "2.1", "2016-10-07 to 2018-12-31", "last_attendance, nationality"),
        (["--on", "2016-10-06"], "1.0", "2015-07-01 to 2016-10-06", None),
        ([], "2.1", "not in force today", None),
    ],
)
def test_show_picks_a_version(
    invoke: Invoke, args: list[str], version: str, present: str, absent: str | None
) -> None:
    result = invoke("show", "ho-dfe-2015-mou", *args)
    assert result.exit_code == 0, result.stderr
    assert f"ho-dfe-2015-mou version {version}" in result.stdout
    assert present in result.stdout
    assert absent is None or absent not in result.stdout


def test_show_marks_assumed_and_unknown_terms(invoke: Invoke) -> None:
    result = invoke("show", "ho-dfe-2019-update")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("retention_days" in line and "assumed" in line for line in lines)
    assert any("dpia_reference" in line and "unknown" in line for line in lines)
    assert any("valid_to" in line and "open-ended" in line and "unknown" in line for line in lines)
    assert "sha256" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "ho-dfe-2099"], "no agreement 'ho-dfe-2099'"),
        (["show", "ho-dfe-2015-mou", "--version", "9.9"], "has no version '9.9'"),
        (["show", "ho-dfe-2015-mou", "--on", "2014-01-01"], "was in force on 2014-01-01"),
        (["show", "ho-dfe-2015-mou", "--on", "2016-10-07", "--version", "1.0"], "not both"),
        (["show", "ho-dfe-2015-mou", "--on", "7/10/2016"], "Invalid value for '--on'"),
        (["validate", "no-such-folder"], "no such file or folder"),
    ],
)
def test_bad_requests_give_one_error_line_and_exit_2(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    [line] = error_lines(result)
    assert message in line


def test_validate_the_shipped_folder_and_one_file(invoke: Invoke, shipped_dir: Path) -> None:
    result = invoke("validate", str(shipped_dir))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("OK: ")
    assert "4 agreement versions valid" in result.stdout
    result = invoke("validate", str(shipped_dir / "ho-dfe-2015-mou" / "v1.0.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "1 agreement version valid (ho-dfe-2015-mou v1.0)" in result.stdout


def test_validate_a_bad_file_names_the_file_and_the_term(
    invoke: Invoke, sound_document: dict[str, Any], write_agreement: Callable[..., Path]
) -> None:
    path = write_agreement({**sound_document, "monthly_cap": "1,500"})
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = error_lines(result)
    assert line.startswith(f"Error: {path}, row ")
    assert "field 'monthly_cap': must be a whole number" in line
    assert result.stderr.count("\n") == 1


def test_validate_a_bad_folder_lists_every_problem(
    invoke: Invoke, sound_document: dict[str, Any], write_agreement: Callable[..., Path]
) -> None:
    first = write_agreement({**sound_document, "monthly_cap": 0, "retention_days": None})
    second = write_agreement({**sound_document, "id": "ho-dfe-2019-update", "return_fields": ["pupil_id"]})
    result = invoke("validate", str(first.parents[1]))
    assert result.exit_code == 2
    [line] = error_lines(result)
    assert "(and 2 more problems)" in line
    details = result.stderr.splitlines()[1:]
    assert details == [
        f"  - {first}, row {_row_of(first, 'monthly_cap')}, field 'monthly_cap': must be more than 0",
        f"  - {first}, row {_row_of(first, 'retention_days')}, field 'retention_days': must have a value: where "
        "the real term is not known, give sharelog's working value and mark it 'assumed' in provenance",
        f"  - {second}, row {_row_of(second, 'return_fields') + 1}, field 'return_fields.0': 'pupil_id' is the "
        "holder's internal key and is never returned",
    ]


def test_commands_use_the_agreements_folder_from_settings(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("show", "ho-dfe-2015-mou", agreements_dir=tmp_path)
    assert result.exit_code == 2
    [line] = error_lines(result)
    assert line == "Error: no agreement 'ho-dfe-2015-mou'; `sharelog agreements list` shows those available"


def test_help_teaches_the_file_layout(invoke: Invoke) -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for text in ("<agreement-id>/v<version>.yaml", "list", "show", "validate", "assumed"):
        assert text in result.stdout


def _row_of(path: Path, term: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(f"{term}:"))
