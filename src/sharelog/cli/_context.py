"""What every command needs from its context: the settings and a console."""

from __future__ import annotations

import typer
from rich.console import Console

from sharelog.settings import Settings


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the root command built (or the test supplied)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def console() -> Console:
    """A console for normal output (stdout); errors go through the root group."""
    return Console(highlight=False, soft_wrap=True)
