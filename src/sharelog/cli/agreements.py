"""`sharelog agreements …` — placeholder, filled in by the agreements work."""

import typer

app = typer.Typer(help="Data-sharing agreements: list, show and validate them.", no_args_is_help=True)
