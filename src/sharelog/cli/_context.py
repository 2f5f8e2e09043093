"""What every command needs from its context: the settings, a console and progress bars."""

from __future__ import annotations

import threading
import time
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


class PlainProgress:
    """Progress as plain lines for a log, when no terminal shows bars: each stage when it starts and when it is
    done, and in between how far it has got — at most one line every ``every`` seconds, and at least one (``still
    working``) while a stage runs without reporting, as long as :meth:`beat` is called (:func:`progress_bars` runs
    a thread that does)."""

    def __init__(
        self,
        labels: Mapping[str, str],
        write: Callable[[str], None],
        *,
        every: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._labels, self._write, self._every, self._clock = labels, write, every, clock
        self._began = self._last = clock()
        self._lock = threading.Lock()
        self._stage: str | None = None  # the stage running now (None when the last one reported is done)
        self._where = ""
        self._started: set[str] = set()
        self._finished: set[str] = set()

    def _line(self, text: str, now: float) -> None:
        minutes, seconds = divmod(int(now - self._began), 60)
        self._write(f"[{minutes}:{seconds:02d}] {text}")
        self._last = now

    def __call__(self, stage: str, done: int, total: int) -> None:
        with self._lock:
            now = self._clock()
            label = self._labels.get(stage, stage)
            self._stage, self._where = stage, f"{done:,} of {total:,}" if total > 1 and done < total else ""
            if stage not in self._started:
                self._started.add(stage)
                self._line(f"{label} …", now)
            if total and done >= total:
                self._stage = None
                if stage not in self._finished:
                    self._finished.add(stage)
                    self._line(f"{label}: done", now)
            elif total and now - self._last >= self._every:
                self._line(f"{label}: {done:,} of {total:,} ({100 * done // total}%)", now)

    def beat(self) -> None:
        """Say the running stage is still working if nothing was written for ``every`` seconds."""
        with self._lock:
            now = self._clock()
            if self._stage is not None and now - self._last >= self._every:
                label = self._labels.get(self._stage, self._stage)
                self._line(f"{label}: still working" + (f" ({self._where})" if self._where else ""), now)


@contextmanager
def progress_bars(labels: Mapping[str, str], *, log_every: float | None = None) -> Iterator[ProgressReport]:
    """A Rich progress bar per stage on stderr; when stderr is not a terminal (a log, a pipe, tests) nothing, or
    with ``log_every`` plain lines (:class:`PlainProgress`), so a long run without a terminal still shows it moves.

    Args:
        labels: a readable label for each stage name the service reports; unknown stages show their name.
        log_every: without a terminal, write a plain line of progress at most this often (seconds).
    """
    err = Console(stderr=True)
    if not err.is_terminal and log_every is not None:
        plain = PlainProgress(labels, lambda line: typer.echo(line, err=True), every=log_every)
        stop = threading.Event()

        def heartbeat() -> None:
            while not stop.wait(log_every / 2):
                plain.beat()

        beating = threading.Thread(target=heartbeat, name="progress-heartbeat", daemon=True)
        beating.start()
        try:
            yield plain
        finally:
            stop.set()
            beating.join()
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bars:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(labels.get(stage, stage), total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield report
