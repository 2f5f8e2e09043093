"""`sharelog foi …` — FOI cases: deadlines, states, exemptions, internal review, responses from the ledger.

The commands live by what they do: opening and reading cases (``_cases.py``), recording on a case
(``_actions.py``), and the calculator, statistics, catalogues and purge (``_reference.py``); `--help` lists them in
the order of :data:`COMMAND_ORDER`.
"""

from __future__ import annotations

import typer

from sharelog.cli.foi import _actions, _cases, _reference

__all__ = ["COMMAND_ORDER", "app"]

app = typer.Typer(
    help=(
        "FOI cases about the exchange: statutory deadlines in working days, Alaveteli's states, exemptions, "
        "internal review — and responses answered from the ledger with the monthly outcomes report.\n\n"
        "FOIA s.10: the response is due on the 20th working day after receipt; Saturdays, Sundays, Christmas Day, "
        "Good Friday and bank holidays in any part of the UK do not count (FOISA: Scottish bank holidays only). "
        "Overdue and long overdue are worked out when read, never stored.\n\n"
        "Start with `sharelog foi deadline 2020-08-12` (prints 2020-09-10), then `sharelog foi new`."
    ),
    no_args_is_help=True,
)


COMMAND_ORDER = (
    "deadline",
    "new",
    "list",
    "show",
    "clarify",
    "fees",
    "extend",
    "respond",
    "review",
    "withdraw",
    "due",
    "stats",
    "exemptions",
    "states",
    "purge",
)
"""The order `sharelog foi --help` lists the commands in: the calculator first, then a case's life, then the rest."""

app.registered_commands = sorted(
    (command for module in (_cases, _actions, _reference) for command in module.app.registered_commands),
    key=lambda command: COMMAND_ORDER.index(command.name or ""),  # a command not in the order fails here
)
