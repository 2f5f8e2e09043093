"""`sharelog report monthly|shares` through the root command: files written, what a person reads, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.reports import CHART_FILES, parse_period
from sharelog.settings import Settings

from ..worlds import GOLDEN, WorldFactory

runner = CliRunner(env={"COLUMNS": "200"})
MONTHLY = ["report", "monthly", "--from", "2019-01", "--to", "2019-03"]


@pytest.fixture
def cli_settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    return worlds.copy(GOLDEN, tmp_path).settings


def test_monthly_writes_the_workbook_and_the_charts(cli_settings: Settings, tmp_path: Path) -> None:
    out, charts = tmp_path / "out" / "monthly.xlsx", tmp_path / "charts"
    result = runner.invoke(app, [*MONTHLY, "--out", str(out), "--charts", str(charts)], obj=cli_settings)
    assert result.exit_code == 0, result.output
    assert out.is_file() and out.read_bytes().startswith(b"PK")
    for name in CHART_FILES.values():
        assert (charts / name).read_bytes().startswith(b"\x89PNG")
        assert str(charts / name) in result.stdout
    assert f"Wrote {out}" in result.stdout
    assert "published with disclosure control (series)" in result.stdout  # the default
    assert "No data" not in result.stdout  # every month of the period had an exchange


def test_monthly_over_a_period_without_data_says_so(cli_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "2015.csv"
    args = ["report", "monthly", "--from", "2015-07", "--to", "2015-12", "--out", str(out)]
    result = runner.invoke(app, args, obj=cli_settings)
    assert result.exit_code == 0, result.output
    assert "No data: the ledger holds no exchange for July to December 2015" in result.stdout
    assert "shown as [x] (not available), not as 0" in result.stdout


@pytest.mark.parametrize(
    ("args", "suffix", "phrase"),
    [
        (["--sdc", "internal"], ".xlsx", "NOT FOR PUBLICATION"),
        (["--profile", "1-4"], ".html", "disclosure control (1-4)"),
        (["--format", "json", "--agreement", "ho-dfe-test"], ".data", "ho-dfe-test v1.0, ho-dfe-test v2.0"),
        ([], ".csv", "cells suppressed"),
    ],
)
def test_monthly_options(
    cli_settings: Settings, tmp_path: Path, args: list[str], suffix: str, phrase: str
) -> None:
    out = tmp_path / f"monthly{suffix}"
    result = runner.invoke(app, [*MONTHLY, "--out", str(out), *args], obj=cli_settings)
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert phrase in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["report", "monthly", "--from", "2019-13", "--to", "2019-03", "--out", "x.xlsx"],
            "--from: '2019-13'",
        ),
        (["report", "monthly", "--from", "2019-03", "--to", "2019-01", "--out", "x.xlsx"], "ends (2019-01)"),
        ([*MONTHLY, "--out", "x.txt"], "cannot tell the format"),
        ([*MONTHLY, "--out", "x.xlsx", "--format", "ods"], "--format: 'ods'"),
        ([*MONTHLY, "--out", "x.xlsx", "--sdc", "public"], "--sdc: 'public'"),
        ([*MONTHLY, "--out", "x.xlsx", "--profile", "2-3"], "--profile: '2-3'"),
        ([*MONTHLY, "--out", "x.xlsx", "--agreement", "nope"], "no agreement 'nope' in the ledger"),
        (["report", "shares", "--period", "2019-1"], "--period: '2019-1'"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(
    cli_settings: Settings, tmp_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, args, obj=cli_settings)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and message in result.stderr


# February under v2.0: 31 requested, 5 returned — under the series rule (the default) 5 is not a small count;
# under 10-5 it is [c]
@pytest.mark.parametrize(("args", "february"), [([], "5"), (["--profile", "10-5"], "[c]")])
def test_shares_prints_the_register(cli_settings: Settings, args: list[str], february: str) -> None:
    result = runner.invoke(app, ["report", "shares", "--period", "2019-01..2019-03", *args], obj=cli_settings)
    assert result.exit_code == 0, result.output
    assert "Register of data shares: January to March 2019" in result.stdout
    rows = [
        [cell.strip() for cell in line.split("│") if cell.strip()]
        for line in result.stdout.splitlines()
        if "ho-dfe-test" in line
    ]
    assert rows == [
        ["January 2019", "ho-dfe-test v1.0", "40", "15"],
        ["February 2019", "ho-dfe-test v1.0", "[x]", "[x]"],  # in force, no batch under it: not 0
        ["February 2019", "ho-dfe-test v2.0", "30", february],
        ["March 2019", "ho-dfe-test v2.0", "60", "20"],
    ]


def test_shares_writes_a_file(cli_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "shares.csv"
    result = runner.invoke(app, ["report", "shares", "--period", "2019", "--out", str(out)], obj=cli_settings)
    assert result.exit_code == 0, result.output
    assert "(13 rows)" in result.stdout  # v1.0 in January and February, v2.0 from February to December
    assert "Individuals requested" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "first", "last", "count"),
    [
        ("2019", "2019-01", "2019-12", 12),
        ("2019-03", "2019-03", "2019-03", 1),
        ("2019-11..2020-02", "2019-11", "2020-02", 4),
    ],
)
def test_periods(text: str, first: str, last: str, count: int) -> None:
    months = parse_period(text)
    assert (months[0], months[-1], len(months)) == (first, last, count)
