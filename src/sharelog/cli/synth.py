"""`sharelog synth` — placeholder, filled in by the synthetic-data work."""

import typer


def register(app: typer.Typer) -> None:
    """Add the synth command to the root app."""
