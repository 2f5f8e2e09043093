"""`sharelog foi …` through the root command: exit codes, `Error:` lines and what a person reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.settings import Settings

from ..worlds import CONTACT, GOLDEN, REQUESTER, SEED_TITLE, WorldFactory

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture
def cli_settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    """Settings on a SQLite ledger holding the reports' golden ledger (January to March 2019)."""
    return worlds.copy(GOLDEN, tmp_path, actor="caseworker").settings


def _run(settings: Settings, *args: str) -> str:
    result = runner.invoke(app, ["foi", *args], obj=settings)
    assert result.exit_code == 0, result.output
    return result.stdout


def _fails(settings: Settings, *args: str) -> str:
    result = runner.invoke(app, ["foi", *args], obj=settings)
    assert result.exit_code == 2, result.output
    return result.stderr


# --- deadline: no ledger needed --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "printed"),
    [
        (["2020-08-12"], "2020-09-10\n"),
        (["2020-07-27"], "2020-08-25\n"),
        (["2020-08-12", "--regime", "foisa"], "2020-09-09\n"),
        (["2020-08-12", "--days", "40"], "2020-10-08\n"),
        (["2020-08-15"], "2020-09-14\n"),
    ],
)
def test_deadline_prints_the_date_alone(settings: Settings, args: list[str], printed: str) -> None:
    assert _run(settings, "deadline", *args) == printed


def test_deadline_explains_on_request(settings: Settings) -> None:
    lines = _run(settings, "deadline", "2020-07-27", "--explain").splitlines()
    assert lines[0] == "2020-08-25"
    assert "  2020-08-03 Mon  Summer Bank Holiday (Scotland)" in lines


def test_deadline_takes_newly_proclaimed_days_from_settings(settings: Settings) -> None:
    proclaimed = settings.model_copy(update={"extra_bank_holidays": "2020-09-07"})
    assert _run(proclaimed, "deadline", "2020-08-12") == "2020-09-11\n"
    broken = settings.model_copy(update={"extra_bank_holidays": "7 Sept"})
    assert _fails(broken, "deadline", "2020-08-12").splitlines()[-1] == (
        "Error: SHARELOG_EXTRA_BANK_HOLIDAYS: '7 Sept' is not a date written YYYY-MM-DD (optionally followed by "
        ":ENG, :WLS, :SCT or :NIR, joined with +)"
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["2020-08-12", "--regime", "eir"], "Error: --regime: 'eir' is not one of foia, foisa"),
        (["2020-13-01"], "Invalid value for 'DATE'"),
    ],
)
def test_deadline_refuses_bad_input(settings: Settings, args: list[str], error: str) -> None:
    assert error in _fails(settings, "deadline", *args)


# --- a case from start to finish -------------------------------------------------------------------------------


def _open_seed(settings: Settings, request: Path) -> str:
    return _run(
        settings,
        "new",
        "--org",
        "home-office",
        "--received",
        "2020-08-12",
        "--reference",
        "59907",
        "--authority",
        "Home Office",
        "--title",
        SEED_TITLE,
        "--text-file",
        str(request),
        "--about",
        "2015-07..2020-08",
        "--requester",
        REQUESTER,
        "--contact",
        CONTACT,
    )


def test_the_seed_request_from_new_to_review(cli_settings: Settings, tmp_path: Path) -> None:
    request = tmp_path / "request.txt"
    request.write_text("Dear Home Office, please provide the outcomes per month…", encoding="utf-8")
    assert _open_seed(cli_settings, request) == (
        "Opened FOI case 59907: received 2020-08-12, response due 2020-09-10 (20 working days, FOIA).\n"
    )

    listed = _run(cli_settings, "list", "--today", "2020-09-11")
    assert "59907" in listed and "2020-09-10" in listed and "OVERDUE" in listed
    assert "OVERDUE" not in _run(cli_settings, "list", "--today", "2020-09-10")
    assert "LONG OVERDUE" in _run(cli_settings, "due", "--overdue", "--today", "2020-10-09")

    shown = _run(cli_settings, "show", "59907", "--today", "2020-09-11")
    assert "State: waiting_response — Delayed (on 2020-09-11)" in shown
    assert "Response due: 2020-09-10" in shown and "Long overdue after: 2020-10-08" in shown
    assert REQUESTER not in shown and CONTACT not in shown
    assert REQUESTER in _run(cli_settings, "show", "59907", "--requester")

    refused = _fails(cli_settings, "respond", "59907", "--outcome", "not_held", "--on", "2020-09-09")
    assert "the ledger holds 4 exchange(s) in those months: the information is held" in refused

    answered = _run(
        cli_settings,
        "respond",
        "59907",
        "--outcome",
        "partially_successful",
        "--on",
        "2020-09-09",
        "--with-report",
        "2019",
    )
    folder = cli_settings.data_dir / "foi" / "home-office" / "59907"
    assert answered.splitlines()[0] == "Case 59907: responded 2020-09-09, partially_successful (in time)."
    for name in (
        "59907-response.md",
        "59907-response.docx",
        "59907-monthly-outcomes-2019-01-to-2019-12.xlsx",
    ):
        assert (folder / name).is_file() and str(folder / name) in answered
    assert "Total 2019: received 130, returned 40, outcome unknown " in answered
    assert "Internal review can be asked for until 2020-11-04." in answered

    reviewed = _run(cli_settings, "review", "59907", "--on", "2020-10-01")
    assert reviewed == (
        "Case 59907: internal review asked for on 2020-10-01; due 2020-10-29, long overdue after 2020-11-26.\n"
    )
    assert "OVERDUE" in _run(cli_settings, "due", "--today", "2020-10-30")
    assert "No FOI case overdue on 2020-10-29." in _run(
        cli_settings, "due", "--overdue", "--today", "2020-10-29"
    )

    stats = _run(cli_settings, "stats", "--year", "2020", "--today", "2020-10-30")
    assert "Received: 1" in stats and "in time (by the due date, with any extension): 1 (100%)" in stats
    assert "Internal reviews: 1 asked for, 0 answered" in stats


def test_qualified_refusal_without_a_statement_exits_2(cli_settings: Settings, tmp_path: Path) -> None:
    request = tmp_path / "request.txt"
    request.write_text("Please provide…", encoding="utf-8")
    _open_seed(cli_settings, request)
    error = _fails(cli_settings, "respond", "59907", "--outcome", "rejected", "--exemption", "31(1)(e)")
    assert error.splitlines()[-1].startswith(
        "Error: case 59907, field 'public_interest': s.31(1)(e) is a qualified exemption"
    )
    done = _run(
        cli_settings,
        "respond",
        "59907",
        "--outcome",
        "rejected",
        "--exemption",
        "s.31(1)(e)",
        "--public-interest",
        "Prejudice to the operation of the immigration controls outweighs the interest in disclosure.",
        "--on",
        "2020-09-09",
        "--out",
        str(tmp_path / "letters"),
    )
    assert "rejected (in time)" in done and (tmp_path / "letters" / "59907-response.docx").is_file()


def test_clock_commands(cli_settings: Settings) -> None:
    _run(
        cli_settings,
        "new",
        "--org",
        "dfe",
        "--received",
        "2020-08-12",
        "--title",
        "Outcomes",
        "--text",
        "Please…",
    )
    case = "FOI-2020-0001"
    assert "waits for clarification (sought 2020-08-13)" in _run(
        cli_settings, "clarify", case, "--sought", "2020-08-13"
    )
    assert "the clock restarts, response due 2020-09-18" in _run(
        cli_settings, "clarify", case, "--received", "2020-08-20"
    )
    assert "the clock is paused until payment" in _run(
        cli_settings, "fees", case, "--notice", "2020-08-21", "--amount", "35"
    )
    assert "paused (fee unpaid)" in _run(cli_settings, "list", "--open", "--today", "2021-01-01")
    assert "fee paid 2020-08-24; response due 2020-09-22" in _run(
        cli_settings, "fees", case, "--paid", "2020-08-24"
    )
    assert "response now due 2020-10-06" in _run(
        cli_settings, "extend", case, "--days", "10", "--exemption", "43(2)", "--on", "2020-09-01"
    )
    error = _fails(cli_settings, "extend", case, "--days", "11", "--exemption", "43(2)", "--on", "2020-09-02")
    assert "the ICO expects at most 20 more (40 in all)" in error
    shown = _run(cli_settings, "show", case, "--today", "2020-09-02")
    assert "Clock restarted by the clarification received on 2020-08-20" in shown
    assert "Clock paused: fees notice 2020-08-21, paid 2020-08-24" in shown
    assert "Response due: 2020-10-06 (20 working days: 2020-09-22; extended by 10)" in shown
    assert "Case FOI-2020-0001 withdrawn on 2020-09-03." in _run(
        cli_settings, "withdraw", case, "--on", "2020-09-03"
    )
    refused = _fails(cli_settings, "clarify", case, "--sought", "2020-09-04")
    assert "Error: case FOI-2020-0001 is user_withdrawn (Withdrawn), which is final" in refused


def test_a_refusal_names_the_option_that_gave_the_value(cli_settings: Settings) -> None:
    """The services name the field (the day of an action is ``on``); the command line names its own option."""
    new = ["new", "--org", "dfe", "--received", "2020-08-12", "--title", "Outcomes", "--text", "Please…"]
    _run(cli_settings, *new)
    case = "FOI-2020-0001"
    before = "2020-08-11 is before case FOI-2020-0001 was received (2020-08-12)"
    for args, line in [
        (["clarify", case, "--sought", "2020-08-11"], f"Error: --sought: {before}"),
        (["fees", case, "--notice", "2020-08-11"], f"Error: --notice: {before}"),
        (["withdraw", case, "--on", "2020-08-11"], f"Error: --on: {before}"),
        (["respond", case, "--outcome", "s14", "--on", "2020-08-11"], f"Error: --on: {before}"),
        (
            ["extend", case, "--days", "5", "--exemption", "99", "--on", "2020-08-20"],
            "Error: --exemption: s.99 ",
        ),
        (["fees", case, "--notice", "2020-08-20", "--amount", "-1"], "Error: --amount: -1.0 is negative"),
        (
            [*new, "--reference", case],
            f"Error: --reference: case {case} already exists; `sharelog foi show {case}`",
        ),
    ]:
        assert _fails(cli_settings, *args).splitlines()[-1].startswith(line), args


def test_usage_errors(cli_settings: Settings) -> None:
    assert "give the request as --text or --text-file" in _fails(
        cli_settings, "new", "--received", "2020-08-12", "--title", "x"
    )
    assert "give one of --sought DATE or --received DATE" in _fails(cli_settings, "clarify", "X")
    assert "no FOI case 'X' in the ledger" in _fails(cli_settings, "clarify", "X", "--sought", "2020-08-13")
    assert "--state: 'open' is not one of waiting_response" in _fails(cli_settings, "list", "--state", "open")


def test_catalogue_states_and_purge(cli_settings: Settings) -> None:
    catalogue = _run(cli_settings, "exemptions")
    assert "s.31(1)(e)" in catalogue and "s.31(3)" in catalogue and "absolute" in catalogue
    states = _run(cli_settings, "states")
    assert "waiting_clarification" in states and "(final)" in states
    assert _run(cli_settings, "purge").startswith("No requester details past retention on ")
    _run(
        cli_settings,
        "new",
        "--org",
        "home-office",
        "--received",
        "2020-08-12",
        "--title",
        "t",
        "--text",
        "x",
        "--requester",
        REQUESTER,
    )
    _run(cli_settings, "withdraw", "FOI-2020-0001", "--on", "2020-08-13")
    purged = _run(cli_settings, "purge", "--today", "2024-01-01")
    assert purged == "Erased the requester's details from 1 case(s): FOI-2020-0001.\n"
    assert "Requester: details erased on" in _run(cli_settings, "show", "FOI-2020-0001", "--requester")
