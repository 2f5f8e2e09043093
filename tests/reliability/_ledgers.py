"""A fresh ledger and data folder for every kill: a SQLite file copied from a template, or a PostgreSQL database
created from a template database (tests/worlds makes both), beside a copy of the template's data folder (return
and review files)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..worlds import Ledgers


@dataclass(frozen=True)
class Template:
    """A ledger and its data folder as they stand before the command under test runs."""

    ledger_url: str
    data_dir: Path


@dataclass(frozen=True)
class Case:
    """One copy of a template that one command runs against, is killed in, and is rerun against."""

    folder: Path
    data_dir: Path
    ledger_url: str
    ledgers: Ledgers

    def wait_until_idle(self) -> None:
        self.ledgers.wait_until_idle(self.ledger_url)

    def discard(self) -> None:
        """Drop the database and the folder once the case has passed (a failing case keeps both for a look)."""
        self.ledgers.drop(self.ledger_url)
        shutil.rmtree(self.folder, ignore_errors=True)


def case_factory(ledgers: Ledgers, template: Template, root: Path) -> Callable[[str], Case]:
    """Make cases named as asked, each in its own folder under ``root`` with its own copy of ``template``."""
    numbers = itertools.count(1)

    def new_case(name: str) -> Case:
        folder = root / f"{next(numbers):03d}-{name}"
        folder.mkdir(parents=True)
        data_dir = folder / "data"
        shutil.copytree(template.data_dir, data_dir)
        return Case(folder, data_dir, ledgers.copy(template.ledger_url, folder=folder), ledgers)

    return new_case
