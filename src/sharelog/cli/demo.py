"""`sharelog demo` — placeholder."""

import typer


def register(app: typer.Typer) -> None:
    """Add the demo command to the root app."""
