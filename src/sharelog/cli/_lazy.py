"""The root group's commands, each imported the first time it is used (Click's "lazily loading subcommands").

Importing every command module at start-up pulls in the ledger (SQLAlchemy, Alembic), the demo, the exchange and the
matcher for every run, about a second and a half before ``sharelog`` does anything. Here a command's module is
imported when the command is looked up by name (to run it or show its own ``--help``). ``sharelog --help`` lists
every command from :class:`LazyCommand`'s one-line summary without importing any of them; a test checks each
summary against the command's real help.

A command module gives either ``app`` (a Typer group, added under the command's name) or ``register(app)`` (which
adds one command to the Typer app it is given).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass

import typer
from typer import _click as click
from typer.core import MarkupMode, TyperCommand

__all__ = ["LazyCommand", "LazyCommands", "load_command"]


@dataclass(frozen=True)
class LazyCommand:
    """Where a root command lives and the one line ``sharelog --help`` shows for it."""

    module: str
    """The module under ``sharelog.cli`` that defines it."""
    summary: str
    """The first paragraph of its help, exactly as the command gives it."""


def load_command(name: str, module: str, *, rich_markup_mode: MarkupMode, suggest: bool) -> click.Command:
    """Import ``sharelog.cli.<module>`` and build the Click command it defines, named ``name``.

    The command is built as Typer builds a root app's commands, with the root group's markup mode and suggestions.
    """
    defined = importlib.import_module(f"sharelog.cli.{module}")
    holder = typer.Typer(rich_markup_mode=rich_markup_mode, suggest_commands=suggest)
    if hasattr(defined, "register"):
        defined.register(holder)
    else:
        holder.add_typer(defined.app, name=name)
    return typer.main.get_group(holder).commands[name]


class LazyCommands(MutableMapping[str, click.Command]):
    """A group's commands by name, in the table's order: each built by ``load`` the first time it is read.

    Its keys are known without importing anything, so listing the commands and suggesting one for a typo
    (``Did you mean 'link'?``) import nothing.
    """

    def __init__(self, table: Mapping[str, LazyCommand], load: Callable[[str, str], click.Command]) -> None:
        self._table = table
        self._load = load
        self._names = list(table)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            if name not in self._names:
                raise KeyError(name)
            self._loaded[name] = self._load(name, self._table[name].module)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        if name not in self._names:
            self._names.append(name)
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def summary(self, name: str) -> click.Command | None:
        """The command if it is loaded, else a stand-in carrying only its name and summary (for a help listing)."""
        if name in self._loaded or name not in self._names:
            return self.get(name)
        return TyperCommand(name=name, help=self._table[name].summary)
