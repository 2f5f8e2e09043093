"""What every command needs from its context: the settings, a console and progress bars."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from sharelog.settings import Settings

ProgressReport = Callable[[str, int, int], None]
"""``report(stage, done, total)``: how far a long-running service has got with one stage."""


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the root command built (or the test supplied)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def console() -> Console:
    """A console for normal output (stdout); errors go through the root group."""
    return Console(highlight=False, soft_wrap=True)


@contextmanager
def progress_bars(labels: Mapping[str, str]) -> Iterator[ProgressReport]:
    """A Rich progress bar per stage on stderr; nothing when stderr is not a terminal (logs and tests).

    Args:
        labels: a readable label for each stage name the service reports; unknown stages show their name.
    """
    err = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bars:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(labels.get(stage, stage), total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield report
