"""Docs stay honest: every command is documented and teaches with --help, every setting is in
docs/operations.md (as Datasette's doc tests do)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import Field
from typer.main import get_command
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(command: object, prefix: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if not subcommands:
            paths.append(prefix)
            return
        for name, sub in sorted(subcommands.items()):
            walk(sub, [*prefix, name])

    walk(get_command(app), [])
    return paths


COMMANDS = _command_paths()
DOCS = "\n".join(
    p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
)


def test_there_are_commands() -> None:
    assert len(COMMANDS) >= 8


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_every_command_is_documented(path: list[str]) -> None:
    assert f"sharelog {' '.join(path)}" in DOCS, "document it in README.md or docs/"


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_every_command_has_help(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    assert len(result.stdout.strip().splitlines()) > 5


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0].strip().splitlines()
    assert [line.split("#")[0].strip() for line in first_block] == ["make run", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# Read straight from the environment by the command line's error handler: it must work when building the settings
# is what failed.
NOT_SETTINGS = {"SHARELOG_DEBUG"}


def setting_variables(settings: type[Settings]) -> list[str]:
    """The environment variable of each field of ``settings`` (``data_dir`` → ``SHARELOG_DATA_DIR``)."""
    prefix = settings.model_config.get("env_prefix", "")
    return [f"{prefix}{name}".upper() for name in settings.model_fields]


def documented_variables(operations: str) -> set[str]:
    """The variables in the table of docs/operations.md's Configuration section."""
    section = operations.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(SHARELOG_[A-Z0-9_]+)` \|", section, flags=re.MULTILINE))


OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("variable", setting_variables(Settings))
def test_every_setting_is_documented(variable: str) -> None:
    assert variable in documented_variables(OPERATIONS), "add a row to the table in docs/operations.md"


def test_every_documented_variable_is_a_setting() -> None:
    assert documented_variables(OPERATIONS) - set(setting_variables(Settings)) == NOT_SETTINGS


def test_an_undocumented_setting_is_noticed() -> None:
    class MoreSettings(Settings):
        spark_speed: int = Field(default=1)

    variables = setting_variables(MoreSettings)
    assert len(variables) == len(Settings.model_fields) + 1 >= 20
    assert set(variables) - documented_variables(OPERATIONS) == {"SHARELOG_SPARK_SPEED"}
    removed = OPERATIONS.replace("| `SHARELOG_SPARK_CONF` |", "| SPARK CONF |")
    assert set(setting_variables(Settings)) - documented_variables(removed) == {"SHARELOG_SPARK_CONF"}


def _design_citations() -> list[tuple[str, str, str]]:
    """Every ``design.md §N`` (or a stray ``DESIGN.md``) in the code, tests, benchmarks and docs: (file, name, N)."""
    found = []
    for folder, suffix in (("src", "py"), ("tests", "py"), ("bench", "py"), ("docs", "md")):
        for path in sorted((ROOT / folder).rglob(f"*.{suffix}")):
            if path.name == "test_docs.py":
                continue
            text = path.read_text(encoding="utf-8")
            for name, section in re.findall(r"\b(design\.md|DESIGN\.md)\]? §(\d+)", text):
                found.append((str(path.relative_to(ROOT)), name, section))
    return found


def test_design_citations_name_sections_of_docs_design() -> None:
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\d+)\. ", design, flags=re.MULTILINE))
    citations = _design_citations()
    assert len(citations) >= 15
    assert [c for c in citations if c[1] != "design.md" or c[2] not in sections] == []
