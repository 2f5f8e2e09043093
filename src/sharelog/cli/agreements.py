"""`sharelog agreements …` — list, show and validate the data-sharing agreements.

Each command calls one function of :mod:`sharelog.agreements` and formats what it returns; problems travel as
exceptions to the root group, which prints one ``Error: …`` line and exits 2.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from sharelog.agreements import (
    Agreement,
    Term,
    agreement_in_force,
    find_agreement,
    read_agreements_folder,
    validate_agreements,
)
from sharelog.cli._context import console, settings_of
from sharelog.errors import InputError

app = typer.Typer(
    help=(
        "Data-sharing agreements: list, show and validate them.\n\n"
        "Each agreement version is a YAML file, <agreements folder>/<agreement-id>/v<version>.yaml, stating who "
        "shares with whom, for which purposes, which fields may be sent and returned, the monthly cap and how "
        "long returned data may be kept. Every term says where it comes from: verified, reported, assumed "
        "(sharelog's working value where the real term is not public) or unknown.\n\n"
        "The folder is SHARELOG_AGREEMENTS_DIR, or the agreements shipped with sharelog."
    ),
    no_args_is_help=True,
)

# How each provenance status looks. Values whose status is flagged carry it beside them wherever they appear, so
# that no one reads sharelog's working assumptions as the terms of a real agreement.
_STATUS_STYLE = {"verified": "green", "reported": "cyan", "assumed": "yellow", "unknown": "red"}
_FLAGGED = frozenset({"assumed", "unknown"})


@app.command(
    "list",
    help=(
        "List every agreement version: id, version, period in force, number of purposes, fields the requester "
        "may send and the holder may return, and the monthly cap. Files with problems are named at the end: "
        "their agreements cannot be used until `sharelog agreements validate` finds nothing wrong.\n\n"
        'Values sharelog had to assume, because the real term is not public, are marked "(assumed)".'
    ),
)
def list_agreements(ctx: typer.Context) -> None:
    """List every agreement version."""
    folder = read_agreements_folder(settings_of(ctx).agreements_path())
    agreements = folder.agreements
    table = Table(title="Data-sharing agreements")
    table.add_column("ID", no_wrap=True)
    table.add_column("Version", no_wrap=True)
    table.add_column("In force", no_wrap=True)
    table.add_column("Purposes", justify="right")
    table.add_column("Fields in / out", justify="right")
    table.add_column("Monthly cap", justify="right", no_wrap=True)
    for agreement in agreements:
        table.add_row(
            Text(agreement.id),
            Text(agreement.version),
            Text(_period(agreement)),
            Text(str(len(agreement.purposes))),
            Text(f"{len(agreement.request_fields)} / {len(agreement.return_fields)}"),
            Text(_flagged(agreement, "monthly_cap", f"{agreement.monthly_cap:,}")),
        )
    out = console()
    out.print(table)
    out.print(f"{len(agreements)} agreement version(s). Details: sharelog agreements show ID")
    if folder.invalid_files:
        out.print(
            f"Not loaded, because a file has problems (see `sharelog agreements validate`): "
            f"{', '.join(folder.invalid_files)}",
            markup=False,
        )


@app.command(
    "show",
    help=(
        "Show every term of one agreement version and where each comes from.\n\n"
        "Without options, shows the version in force today, or the latest version if none is. Terms marked "
        '"assumed" are sharelog\'s working values where the real term is not public; "unknown" ones are not '
        "known.\n\n"
        "Example: sharelog agreements show ho-dfe-2015-mou --on 2016-10-07"
    ),
)
def show_agreement(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(help="The agreement's id, e.g. ho-dfe-2015-mou.")],
    version: Annotated[
        str | None, typer.Option("--version", help='Show this version, e.g. "2.1", whatever its dates.')
    ] = None,
    on: Annotated[
        datetime | None,
        typer.Option(
            "--on",
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="Show the version in force on this day; it is an error if none was.",
        ),
    ] = None,
) -> None:
    """Show one agreement version, term by term."""
    if on is not None and version is not None:
        raise InputError("use --version or --on, not both: a version has its own dates")
    directory = settings_of(ctx).agreements_path()
    if on is not None:
        agreement = agreement_in_force(agreement_id, on=on.date(), directory=directory)
    else:
        agreement = find_agreement(agreement_id, version=version, on=date.today(), directory=directory)
    out = console()
    out.print(Text(agreement.title, style="bold"))
    # markup=False: agreement text is printed as written, even where it holds [brackets].
    out.print(f"{agreement.id} version {agreement.version} — {_in_force_line(agreement)}", markup=False)
    out.print(f"File: {agreement.path} (sha256 {agreement.checksum})", markup=False)
    out.print(_terms_table(agreement))
    out.print("Sources:")
    for source in agreement.sources:
        out.print(f"  - {source}", markup=False)
    if agreement.notes:
        out.print(f"Notes: {agreement.notes}", markup=False)


@app.command(
    "validate",
    help=(
        "Check agreement files and report every problem at once, each with its file, line and term.\n\n"
        "Give one file (<agreement-id>/v<version>.yaml) or a whole folder; a folder is also checked as a whole, "
        "so that no two versions of one agreement are in force on the same day. Exits 0 when all is well, "
        "2 when anything is wrong.\n\n"
        "Example: sharelog agreements validate agreements/"
    ),
)
def validate(
    path: Annotated[
        Path,
        typer.Argument(
            help="An agreement file (<agreement-id>/v<version>.yaml) or a whole agreements folder."
        ),
    ],
) -> None:
    """Check an agreement file or folder."""
    agreements = validate_agreements(path)
    names = ", ".join(f"{agreement.id} v{agreement.version}" for agreement in agreements)
    count = len(agreements)
    console().print(
        f"OK: {path}: {count} agreement version{'s' if count != 1 else ''} valid"
        + (f" ({names})" if names else ""),
        markup=False,
    )


def _flagged(agreement: Agreement, term: Term, value: str) -> str:
    """The value, followed by "(assumed)" or "(unknown)" when that is its provenance."""
    status = agreement.provenance_of(term).status
    return f"{value} ({status})" if status in _FLAGGED else value


def _period(agreement: Agreement) -> str:
    """The period in force, each end flagged on its own when assumed or unknown."""
    start = _flagged(agreement, "valid_from", str(agreement.valid_from))
    if agreement.valid_to is None:
        return f"{start} to\n" + _flagged(agreement, "valid_to", "open-ended")
    return f"{start} to\n" + _flagged(agreement, "valid_to", str(agreement.valid_to))


def _in_force_line(agreement: Agreement) -> str:
    state = "in force today" if agreement.in_force_on(date.today()) else "not in force today"
    return f"{state} (valid {agreement.validity_text()})"


def _terms_table(agreement: Agreement) -> Table:
    table = Table(show_lines=True)
    table.add_column("Term", no_wrap=True)
    table.add_column("Value")
    table.add_column("Status", no_wrap=True)
    table.add_column("Where it comes from")
    for term in agreement.terms():
        provenance = agreement.provenance_of(term)
        style = _STATUS_STYLE[provenance.status]
        table.add_row(
            Text(term),
            Text(_value_text(agreement, term)),
            Text(provenance.status, style=style),
            Text(provenance.note),
        )
    return table


def _value_text(agreement: Agreement, term: Term) -> str:
    value = getattr(agreement, term)
    if value is None:
        return "open-ended" if term == "valid_to" else "unknown"
    if term == "parties":
        return "\n".join(
            f"{role}: {party.name} ({party.id})" + (f" — {party.detail}" if party.detail else "")
            for role, party in (("holder", value.holder), ("requester", value.requester))
        )
    if term == "purposes":
        return "\n".join(f"{purpose.code}: {purpose.text}" for purpose in value)
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
