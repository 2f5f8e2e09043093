"""What the `sharelog foi` commands share: their options, reading a request's text from a file, and how a list of
cases is printed."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sharelog.cli._context import console
from sharelog.errors import InputError
from sharelog.foi import MAX_REQUEST_TEXT, MAX_REQUEST_TEXT_BYTES, CaseView

DATE_FORMATS = ["%Y-%m-%d"]
CaseArgument = Annotated[str, typer.Argument(metavar="CASE", help="The case reference, e.g. FOI-2020-0001.")]
TodayOption = Annotated[
    datetime | None,
    typer.Option("--today", formats=DATE_FORMATS, help="Judge deadlines as of this day (YYYY-MM-DD)."),
]
OnOption = Annotated[
    datetime | None,
    typer.Option("--on", formats=DATE_FORMATS, help="The day it happened (YYYY-MM-DD); default today."),
]
OrgOption = Annotated[
    str | None,
    typer.Option(
        "--org",
        metavar="ORG",
        help="Only the cases of this organisation (its id in the ledger, e.g. home-office). Each organisation "
        "numbers its own cases: a reference two organisations use needs --org.",
    ),
]
RegimeOption = Annotated[
    str,
    typer.Option(
        "--regime",
        metavar="foia|foisa",
        help="foia: bank holidays anywhere in the UK; foisa: Scotland's only.",
    ),
]


def read_request_text(path: Path) -> str:
    """The request text in the file ``path``: UTF-8, a leading byte-order mark dropped, read with a bounded read —
    at most :data:`MAX_REQUEST_TEXT_BYTES` bytes and one more, so that a huge file (or ``/dev/zero``) is refused at
    once instead of filling memory.

    Raises:
        InputError: the file cannot be read, is larger than the limit or is not UTF-8 (the message names the file,
            never its folder or its content).
    """
    name = path.name or str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_REQUEST_TEXT_BYTES + 1)
    except OSError as error:
        raise InputError(f"cannot read {name} ({type(error).__name__})", field="request_text") from None
    if len(data) > MAX_REQUEST_TEXT_BYTES:
        raise InputError(
            f"{name} is larger than {MAX_REQUEST_TEXT_BYTES:,} bytes; a request is at most "
            f"{MAX_REQUEST_TEXT:,} characters",
            field="request_text",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name} is not UTF-8 text (byte {error.start + 1} is not); save it as UTF-8",
            field="request_text",
        ) from None


def day_of(value: datetime | None) -> date:
    return value.date() if value is not None else date.today()


def date_text(day: date | None) -> str:
    return day.isoformat() if day is not None else "paused"


def due_text(case: CaseView) -> str:
    if case.state == "waiting_clarification":
        return "on clarification"
    return date_text(case.due_on) if case.is_open else ""


def case_tag(case: CaseView) -> str:
    if case.status == "waiting_response_paused":
        return "paused (fee unpaid)"
    lateness = case.lateness
    if lateness == "long_overdue":
        return "LONG OVERDUE"
    return "OVERDUE" if lateness == "overdue" else ""


def print_cases(cases: list[CaseView], *, title: str, empty: str) -> None:
    out = console()
    if not cases:
        out.print(empty)
        return
    table = Table(title=title)
    for column in ("case", "received", "title", "state", "due", ""):
        table.add_column(column)
    for case in cases:
        shown = case.title if len(case.title) <= 48 else case.title[:47] + "…"
        table.add_row(
            escape(case.reference),
            str(case.received_on),
            escape(shown),
            case.state,
            due_text(case),
            case_tag(case),
        )
    out.print(table)
