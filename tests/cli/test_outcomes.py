"""`sharelog outcomes …` through the root command: exit codes, `Error:` lines and what a person reads."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.settings import Settings

from ..worlds import EXCHANGE_REFERENCE as EXCHANGE
from ..worlds import RETURNED, WorldFactory

runner = CliRunner(env={"COLUMNS": "200"})  # wide enough that table cells never wrap


@pytest.fixture
def cli_settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    """Settings on a SQLite ledger holding one exchange with two returned records (ids 1 and 2)."""
    return worlds.copy(RETURNED, tmp_path, actor="caseworker").settings


def test_record_then_correct_then_show(cli_settings: Settings) -> None:
    first = runner.invoke(
        app,
        ["outcomes", "record", "1", "--kind", "result", "--code", "not_located", "--date", "2019-05-01"],
        obj=cli_settings,
    )
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(
        f"Recorded outcome event 1 about disclosure 1 ({EXCHANGE} / HO-2019-03-00001): "
        "result not_located on 2019-05-01."
    )
    args = ["--kind", "result", "--code", "voluntary_departure", "--date", "2019-05-02", "--children", "2"]
    second = runner.invoke(
        app,
        ["outcomes", "record", "1", *args, "--family", "1", "--supersedes", "1", "--note", "Mrs H."],
        obj=cli_settings,
    )
    assert second.exit_code == 0, second.output
    assert "Recorded outcome event 2, correcting event 1" in second.stdout
    shown = runner.invoke(app, ["outcomes", "show", "1"], obj=cli_settings)
    assert shown.exit_code == 0, shown.output
    assert "Latest result: voluntary_departure on 2019-05-02 (children 2, family 1)" in shown.stdout
    assert "superseded by 2" in shown.stdout and "corrects 1" in shown.stdout
    assert "Mrs H." not in shown.stdout
    assert "Mrs H." in runner.invoke(app, ["outcomes", "show", "1", "--notes"], obj=cli_settings).stdout


def test_superseding_twice_is_an_error_line(cli_settings: Settings) -> None:
    base = ["outcomes", "record", "1", "--kind", "use", "--date", "2019-05-01"]
    assert runner.invoke(app, [*base, "--code", "contact_attempt"], obj=cli_settings).exit_code == 0
    assert (
        runner.invoke(app, [*base, "--code", "not_used", "--supersedes", "1"], obj=cli_settings).exit_code
        == 0
    )
    again = runner.invoke(app, [*base, "--code", "not_used", "--supersedes", "1"], obj=cli_settings)
    assert again.exit_code == 2
    assert again.stderr.strip() == (
        "Error: --supersedes: outcome event 1 was already corrected by event 2; to change it again, supersede event 2"
    )


@pytest.mark.parametrize(
    ("supersedes", "message"),
    [
        ("-1", "not an outcome event's id (a whole number)"),
        ("0", "not an outcome event's id (a whole number)"),
        ("1", "not one of this disclosure's outcome events; a correction is about the same disclosure"),
        ("9999", "not one of this disclosure's outcome events; a correction is about the same disclosure"),
    ],
)
def test_a_correction_of_no_event_of_the_disclosure_is_one_error_line(
    cli_settings: Settings, supersedes: str, message: str
) -> None:
    base = ["outcomes", "record", "--kind", "use", "--code", "not_used", "--date", "2019-05-01"]
    assert runner.invoke(app, [*base[:2], "1", *base[2:]], obj=cli_settings).exit_code == 0  # event 1
    refused = runner.invoke(app, [*base[:2], "2", *base[2:], "--supersedes", supersedes], obj=cli_settings)
    assert refused.exit_code == 2, refused.output
    # event 1 (about disclosure 1) is answered as event 9999, which does not exist: no disclosure is named
    assert refused.stderr.strip() == f"Error: disclosure 2, field 'supersedes': {message}"


def test_an_onward_share_outside_the_agreement_warns(cli_settings: Settings) -> None:
    result = runner.invoke(
        app,
        [
            "outcomes",
            "record",
            "2",
            "--kind",
            "onward_share",
            "--code",
            "overseas_authority",
            "--date",
            "2019-04-01",
        ],
        obj=cli_settings,
    )
    assert result.exit_code == 0, result.output
    assert (
        "Warning: ho-dfe-test v1.0 does not permit onward sharing with overseas_authority; the share is recorded "
        "and flagged outside_agreement." in result.stdout
    )


def test_an_unknown_code_is_exit_2_naming_the_codes(cli_settings: Settings) -> None:
    result = runner.invoke(
        app,
        ["outcomes", "record", "1", "--kind", "result", "--code", "deported", "--date", "2019-04-01"],
        obj=cli_settings,
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: disclosure 1, field 'code': not a code of 'result'; its codes are "
    )


def test_import_failure_lists_every_row_problem(cli_settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "outcomes.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["disclosure_id", "kind", "code", "date", "note"],
                ["1", "use", "not_used", "2019-04-01", "fine"],
                ["1", "use", "arrest", "2019-04-01", "Amira"],
                ["7", "result", "not_located", "2019-04-01", ""],
            ]
        )
    result = runner.invoke(app, ["outcomes", "import", str(path)], obj=cli_settings)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {path}, row 3, field 'code': not a code of 'use'; its codes are contact_attempt, not_used, "
        "safeguarding_referral (and 1 more problem)",
        f"  - {path}, row 3, field 'code': not a code of 'use'; its codes are contact_attempt, not_used, "
        "safeguarding_referral",
        f"  - {path}, row 4, field 'disclosure_id': no disclosure with this id in the ledger",
    ]
    assert "Amira" not in result.output


def test_import_then_due(cli_settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_text(
        f"request_id,exchange_id,kind,code,date\nHO-2019-03-00001,{EXCHANGE},result,leave_granted,2019-05-01\n",
        encoding="utf-8",
    )
    imported = runner.invoke(app, ["outcomes", "import", str(path)], obj=cli_settings)
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.strip() == f"Imported 1 outcome events from {path}: result 1."
    on_time = runner.invoke(app, ["outcomes", "due", "--today", "2019-06-02"], obj=cli_settings)
    assert on_time.exit_code == 0, on_time.output
    assert "HO-2019-03-00002" in on_time.stdout and "HO-2019-03-00001" not in on_time.stdout
    assert "due today" in on_time.stdout
    assert "1 with outcome unknown, 0 overdue." in on_time.stdout
    late = runner.invoke(app, ["outcomes", "due", "--today", "2019-06-03", "--overdue"], obj=cli_settings)
    assert "1 with outcome unknown, 1 overdue." in late.stdout
    assert runner.invoke(
        app, ["outcomes", "due", "--today", "2019-06-02", "--overdue"], obj=cli_settings
    ).stdout == ("No outcomes overdue on 2019-06-02.\n")


def test_codes_lists_the_taxonomy(cli_settings: Settings) -> None:
    result = runner.invoke(app, ["outcomes", "codes"], obj=cli_settings)
    assert result.exit_code == 0
    for code in ("contact_attempt", "overseas_authority", "removal_directions", "child_safeguarded"):
        assert code in result.stdout


def test_list_pages_and_filters_the_returned_records(cli_settings: Settings) -> None:
    listed = runner.invoke(
        app,
        ["outcomes", "list", "--org", "home-office", "--status", "all", "--today", "2019-06-03"],
        obj=cli_settings,
    )
    assert listed.exit_code == 0, listed.output
    assert "HO-2019-03-00001" in listed.stdout and "HO-2019-03-00002" in listed.stdout
    assert "2 records; this is page 1 of 1." in listed.stdout
    recorded = runner.invoke(
        app, ["outcomes", "list", "--org", "home-office", "--status", "recorded"], obj=cli_settings
    )
    assert recorded.exit_code == 0 and recorded.stdout.startswith("No records returned to home-office")


@pytest.mark.parametrize(("option", "value"), [("--status", "late"), ("--sort", "oldest"), ("--page", "0")])
def test_list_names_the_option_it_cannot_use(cli_settings: Settings, option: str, value: str) -> None:
    refused = runner.invoke(
        app, ["outcomes", "list", "--org", "home-office", option, value], obj=cli_settings
    )
    assert refused.exit_code == 2
    assert f"Error: {option}: " in refused.output
