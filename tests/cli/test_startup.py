"""The command line starts light: a root command's module is imported when that command is used, and
``sharelog --help`` lists every command from :data:`sharelog.cli.COMMANDS` without importing any (nor does
``sharelog --version``): neither the web app, nor Splink, pandas or the ledger."""

from __future__ import annotations

import inspect
import json
import pkgutil
import subprocess
import sys

import pytest
import typer
from typer import _click as click

import sharelog.cli
from sharelog.cli import COMMANDS, app

HEAVY = (
    "sqlalchemy",
    "alembic",
    "splink",
    "duckdb",
    "pandas",
    "sharelog.demo",
    "sharelog.ledger",
    "sharelog.linkage",
    "sharelog.web",
    "fastapi",
    "uvicorn",
    "numpy",
    "matplotlib",
)

_IMPORTED_AFTER_HELP = """
import json, sys
from typer.testing import CliRunner
from sharelog.cli import app
imported = {"import": sorted(m for m in HEAVY if m in sys.modules)}
for option in ("--version", "--help"):
    result = CliRunner().invoke(app, [option])
    assert result.exit_code == 0, result.output
    imported[option] = sorted(m for m in HEAVY if m in sys.modules)
print(json.dumps(imported))
"""


def _heavy_modules_imported() -> dict[str, list[str]]:
    """The heavy modules a fresh interpreter holds after ``import sharelog.cli``, then after ``sharelog --version``
    and ``sharelog --help``."""
    code = f"HEAVY = {HEAVY!r}\n{_IMPORTED_AFTER_HELP}"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_cli_and_its_help_import_no_command() -> None:
    assert _heavy_modules_imported() == {"import": [], "--version": [], "--help": []}


def test_commands_are_listed_in_order_and_found_by_name() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, sharelog.cli.SharelogGroup)
    ctx = click.Context(group, info_name="sharelog")
    assert group.list_commands(ctx) == list(COMMANDS)
    command = group.get_command(ctx, "register")
    assert command is not None and "prepare" in getattr(command, "commands", {})
    assert group.get_command(ctx, "no-such-command") is None


def _first_paragraph(command: click.Command) -> str:
    return inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_summary_is_the_commands_own_help(name: str) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, sharelog.cli.SharelogGroup)
    command = group.get_command(click.Context(group), name)
    assert command is not None and command.name == name
    assert COMMANDS[name].summary == _first_paragraph(command), "copy the command's first help paragraph"


def test_every_command_module_is_listed() -> None:
    modules = {
        info.name for info in pkgutil.iter_modules(sharelog.cli.__path__) if not info.name.startswith("_")
    }
    assert modules == {entry.module for entry in COMMANDS.values()}


def _root_help(group: click.Command, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        group.main(["--help"], prog_name="sharelog")
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_help_lists_the_same_with_every_command_loaded(capsys: pytest.CaptureFixture[str]) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, sharelog.cli.SharelogGroup)
    lazy = _root_help(group, capsys)
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        group.get_command(ctx, name)
    loaded = _root_help(group, capsys)
    assert all(f" {name} " in lazy for name in COMMANDS)
    assert lazy == loaded
