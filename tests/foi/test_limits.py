"""The limits of what an FOI case takes (issue 12): no receipt before FOIA came into force or after today, months
asked about from 2000-01 to this month, a request text of at most MAX_REQUEST_TEXT characters without NUL — and,
from `sharelog foi new --text-file`, a bounded read of UTF-8 with any byte-order mark dropped."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.errors import ValidationFailed
from sharelog.foi import FOIA_IN_FORCE, MAX_REQUEST_TEXT, MAX_REQUEST_TEXT_BYTES
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import FoiCase
from sharelog.settings import Settings

from ..worlds import EMPTY, TODAY, WorldFactory, add_organisation, open_seed_case

ONE_ORGANISATION = EMPTY.in_session("the FOI organisation", add_organisation)

runner = CliRunner(env={"COLUMNS": "200"})


def _problems(engine: Engine, **changes: Any) -> list[str]:
    with pytest.raises(ValidationFailed) as failed, ledger_session(engine) as session:
        open_seed_case(session, **changes)
    return [str(problem) for problem in failed.value.problems]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"received_on": date(1, 1, 1)},
            "field 'received_on': 0001-01-01 is before FOIA came into force (2005-01-01)",
        ),
        (
            {"received_on": date(2004, 12, 31)},
            "field 'received_on': 2004-12-31 is before FOIA came into force",
        ),
        ({"received_on": date(2021, 6, 2)}, "field 'received_on': 2021-06-02 is after today (2021-06-01)"),
        ({"about": ["9999-01", "9999-12"]}, "field 'about': ends in 9999-12, after this month (2021-06)"),
        ({"about": ["1999-12", "2000-02"]}, "field 'about': starts in 1999-12, before 2000-01"),
        ({"about": ["2000-01", "2010-01"]}, "field 'about': spans more than 120 months"),
        ({"about": ["2019-13"]}, "field 'about': months are written YYYY-MM"),
        (
            {"request_text": "x" * (MAX_REQUEST_TEXT + 1)},
            "field 'request_text': is 100,001 characters long; at most 100,000",
        ),
        ({"request_text": "Please\x00provide"}, "field 'request_text': holds a NUL character"),
    ],
)
def test_a_case_out_of_bounds_is_refused(
    sqlite_ledger: Engine, changes: dict[str, Any], problem: str
) -> None:
    problems = _problems(sqlite_ledger, **changes)
    assert len(problems) == 1 and problem in problems[0], problems
    assert "xxxxxxxx" not in problems[0]  # the text itself is never echoed


@pytest.mark.parametrize(
    "changes",
    [
        {"received_on": FOIA_IN_FORCE},
        {"received_on": TODAY},
        {"about": ["2000-01", "2009-12"]},
        {"about": ["2021-06"]},
        {"request_text": "x" * MAX_REQUEST_TEXT},
    ],
)
def test_a_case_at_the_bounds_is_opened(sqlite_ledger: Engine, changes: dict[str, Any]) -> None:
    with ledger_session(sqlite_ledger) as session:
        assert open_seed_case(session, **changes).state == "waiting_response"


def test_a_leading_byte_order_mark_is_not_part_of_the_request(sqlite_ledger: Engine) -> None:
    with ledger_session(sqlite_ledger) as session:
        case = open_seed_case(session, request_text="\ufeffDear Home Office, \ufeffplease…")
    assert case.request_text == "Dear Home Office, \ufeffplease…"


# --- sharelog foi new --text-file --------------------------------------------------------------------------------


@pytest.fixture
def cli_settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    """Settings on a SQLite ledger holding one organisation (so --org may be left out)."""
    return worlds.copy(ONE_ORGANISATION, tmp_path, actor="foi").settings


def _new(settings: Settings, *args: str) -> Any:
    return runner.invoke(
        app, ["foi", "new", "--received", "2020-08-12", "--title", "Outcomes", *args], obj=settings
    )


def _stored_text(settings: Settings) -> list[str]:
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        texts = list(session.execute(select(FoiCase.request_text)).scalars())
    engine.dispose()
    return texts


def test_the_text_file_loses_its_byte_order_mark(cli_settings: Settings, tmp_path: Path) -> None:
    request = tmp_path / "request.txt"
    request.write_bytes("\ufeffDear Home Office,\nplease…".encode())
    result = _new(cli_settings, "--text-file", str(request))
    assert result.exit_code == 0, result.output
    assert "Received by home-office, the ledger's only organisation." in result.stdout
    assert _stored_text(cli_settings) == ["Dear Home Office,\nplease…"]


def test_a_text_file_that_is_not_utf8_is_refused_by_its_name(cli_settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "private-folder"
    folder.mkdir()
    request = folder / "request.txt"
    request.write_bytes("Dear Home Office, café".encode("latin-1"))
    result = _new(cli_settings, "--text-file", str(request))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --text-file: request.txt is not UTF-8 text (byte 22 is not); save it as UTF-8"
    ]
    assert _stored_text(cli_settings) == []


def test_dev_zero_is_refused_at_once(cli_settings: Settings) -> None:
    started = time.monotonic()
    result = _new(cli_settings, "--text-file", "/dev/zero")
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: --text-file: zero is larger than {MAX_REQUEST_TEXT_BYTES:,} bytes; a request is at most "
        f"{MAX_REQUEST_TEXT:,} characters"
    ]


def test_a_text_too_long_or_with_nul_is_refused_without_its_content(
    cli_settings: Settings, tmp_path: Path
) -> None:
    long = tmp_path / "long.txt"
    # 2 bytes a character: within the bytes read, over the characters taken
    long.write_text("é" * (MAX_REQUEST_TEXT + 1), encoding="utf-8")
    refused = _new(cli_settings, "--text-file", str(long))
    assert (
        refused.exit_code == 2
        and "field 'request_text': is 100,001 characters long; at most 100,000" in refused.stderr
    )
    assert "éé" not in refused.stderr
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"Please\x00provide")
    refused = _new(cli_settings, "--text-file", str(nul))
    assert refused.exit_code == 2 and "field 'request_text': holds a NUL character" in refused.stderr
    assert _stored_text(cli_settings) == []


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (
            ["--received", "0001-01-01"],
            "field 'received_on': 0001-01-01 is before FOIA came into force (2005-01-01)",
        ),
        (["--about", "9999-01..9999-12"], "field 'about': ends in 9999-12, after this month"),
    ],
)
def test_the_command_line_keeps_the_same_bounds(
    cli_settings: Settings, args: list[str], problem: str
) -> None:
    result = _new(cli_settings, "--text", "Please…", *args)
    assert result.exit_code == 2 and problem in result.stderr, result.output


def test_the_help_teaches_org_and_the_limits(cli_settings: Settings) -> None:
    shown = runner.invoke(app, ["foi", "new", "--help"], obj=cli_settings).stdout
    assert "--org" in shown and "only when the ledger holds a single organisation" in " ".join(shown.split())
    assert "100,000 characters" in shown
