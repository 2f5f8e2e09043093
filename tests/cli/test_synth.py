"""`sharelog synth` through the CLI: what it writes, what it prints, and how it fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.settings import Settings

runner = CliRunner()


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


def test_synth_writes_the_files_and_reports_them(tmp_path: Path) -> None:
    out = tmp_path / "synth-data"
    result = runner.invoke(
        app,
        ["synth", "--pupils", "2000", "--requests", "300", "--seed", "3", "--out", str(out)],
        obj=Settings(data_dir=tmp_path),
    )
    assert result.exit_code == 0, result.output
    for name in ("register.csv", "requests.csv", "truth.csv", "perturbations.csv"):
        assert (out / name).is_file()
        assert name in result.stdout
    assert "2,000" in result.stdout
    assert "60.0%" in result.stdout
    assert str(out) in result.stdout.replace("\n", "")


def test_synth_with_months(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(
        app,
        ["synth", "--pupils", "2000", "--requests", "240", "--months", "2019-01..2019-12", "--out", str(out)],
        obj=Settings(data_dir=tmp_path),
    )
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("requests-2019-*.csv"))) == 12
    assert "requests-2019-12.csv" in result.stdout


def test_synth_defaults_to_the_data_folder(settings: Settings) -> None:
    result = runner.invoke(app, ["synth", "--pupils", "100", "--requests", "10"], obj=settings)
    assert result.exit_code == 0, result.output
    assert (settings.data_dir / "synth" / "register.csv").is_file()


def test_synth_is_the_same_through_the_cli_and_the_function(tmp_path: Path) -> None:
    from sharelog.synth import generate

    runner.invoke(
        app,
        ["synth", "--pupils", "500", "--requests", "50", "--out", str(tmp_path / "a")],
        obj=Settings(data_dir=tmp_path),
    )
    generate(pupils=500, requests=50, seed=1, out_dir=tmp_path / "b")
    for name in ("register.csv", "requests.csv", "truth.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_synth_can_write_the_register_as_parquet(tmp_path: Path) -> None:
    out = tmp_path / "synth-data"
    result = runner.invoke(
        app,
        ["synth", "--pupils", "800", "--requests", "80", "--format", "parquet", "--out", str(out)],
        obj=Settings(data_dir=tmp_path),
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "perturbations.csv",
        "register.parquet",
        "requests.csv",
        "truth.csv",
    ]
    assert "register.parquet" in result.stdout
    assert "register.csv" not in result.stdout


def test_a_missing_parent_folder_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "out"
    result = runner.invoke(
        app,
        ["synth", "--pupils", "10", "--requests", "5", "--out", str(out)],
        obj=Settings(data_dir=tmp_path),
    )
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == _errors(result.stderr)
    assert len(_errors(result.stderr)) == 1
    assert "no-such-folder" in _errors(result.stderr)[0]
    assert not out.parent.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--months", "2019-13"], "Error: --months: '2019-13' is not a month"),
        (
            ["--months", "2019-12..2019-01"],
            "Error: --months: the range '2019-12..2019-01' ends before it starts",
        ),
        (["--requests", "50"], "Error: --requests: 50 requests is more than the 10 pupils"),
        (["--pupils", "0"], "Error: --pupils: must be at least 1 (got 0)"),
        (["--format", "xlsx"], "Error: --format: must be csv or parquet (got 'xlsx')"),
    ],
)
def test_bad_options_are_one_error_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    base = {"--pupils": "10", "--requests": "5", "--out": str(tmp_path / "out")}
    for option, value in zip(args[::2], args[1::2], strict=True):
        base[option] = value
    argv = ["synth", *[part for pair in base.items() for part in pair]]
    result = runner.invoke(app, argv, obj=Settings(data_dir=tmp_path))
    assert result.exit_code == 2
    errors = _errors(result.stderr)
    assert len(errors) == 1
    assert errors[0].startswith(message)


def test_help_explains_the_command_with_an_example() -> None:
    result = runner.invoke(app, ["synth", "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    for text in (
        "--pupils",
        "--requests",
        "--seed",
        "--out",
        "--months",
        "--format",
        "truth.csv",
        "sharelog synth --pupils",
    ):
        assert text in result.stdout


def test_synth_with_a_volume_profile(tmp_path: Path) -> None:
    out = tmp_path / "foi"
    result = runner.invoke(
        app,
        [
            "synth",
            "--pupils",
            "3000",
            "--volume",
            "published",
            "--months",
            "2016-11..2017-02",
            "--out",
            str(out),
        ],
        obj=Settings(data_dir=tmp_path),
        env={"COLUMNS": "120"},
    )
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("requests-*.csv"))) == 4
    assert "about registered pupils" in result.stdout and "Volume profile: published" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--volume", "published"], "--volume: --volume needs --months"),
        (["--months", "2019-01"], "--requests: give --requests, or --volume with --months"),
        (
            ["--volume", "huge", "--months", "2019-01"],
            "no volume profile 'huge'; the profiles: published, load",
        ),
    ],
)
def test_synth_volume_mistakes_are_named(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["synth", "--pupils", "100", *args], obj=Settings(data_dir=tmp_path))
    assert result.exit_code != 0
    assert any(message in line for line in _errors(result.output)), result.output
    assert not (tmp_path / "synth").exists()
