"""`sharelog db …` — placeholder."""

import typer

app = typer.Typer(help="The ledger database: create, upgrade and inspect it.", no_args_is_help=True)
