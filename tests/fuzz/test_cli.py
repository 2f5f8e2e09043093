"""The same hostile input through the command line: exit 0, or exit 2 with one ``Error:`` line (and the list of
problems under it) — never exit 1, ``internal error`` or a traceback, never a value from the file.

Commands: `agreements validate`, `outcomes import` (CSV and XLSX), `foi new` (its dates, its --text-file in any
encoding, its fields) and `report monthly` (its months).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.settings import Settings

from ..worlds import RETURNED, WorldFactory
from ._hostile import (
    ENCODINGS,
    HOSTILE_DATES,
    MARKER,
    check_cli_refusal,
    csv_files,
    damaged,
    encode,
    fuzz_settings,
    marked_values,
    tally,
    xlsx_files,
)
from .test_agreements_yaml import agreement_texts
from .test_outcomes_import import COLUMNS, GOOD_ROWS
from .test_periods import months_text

runner = CliRunner()


@pytest.fixture
def cli_settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    """Settings on a migrated SQLite ledger holding one exchange with two returned records."""
    return worlds.copy(RETURNED, tmp_path, actor="fuzz").settings


def _invoke(settings: Settings, args: list[str]) -> None:
    result = runner.invoke(app, args, obj=settings)
    if result.exit_code == 0:
        tally("exit 0")
        assert "Traceback" not in result.output and MARKER not in result.output
        return
    tally(f"exit {result.exit_code}")
    check_cli_refusal(result.exit_code, result.output)


def _file(settings: Settings, name: str, data: bytes) -> str:
    folder = settings.data_dir.parent / f"in-{len(list(settings.data_dir.parent.iterdir()))}"
    folder.mkdir()
    path = folder / name
    path.write_bytes(data)
    return str(path)


@fuzz_settings(0.5)
@given(data=agreement_texts())
def test_agreements_validate(cli_settings: Settings, data: bytes) -> None:
    folder = cli_settings.data_dir.parent / f"agreements-{len(list(cli_settings.data_dir.parent.iterdir()))}"
    path = folder / "ho-dfe-2019-update" / "v1.0.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    _invoke(cli_settings, ["agreements", "validate", str(path)])


@fuzz_settings(0.5)
@given(
    data=st.one_of(
        csv_files(COLUMNS, GOOD_ROWS, ("note",), renumber=False).map(lambda d: ("outcomes.csv", d)),
        xlsx_files(COLUMNS, GOOD_ROWS, ("note",)).map(lambda d: ("outcomes.xlsx", d)),
    )
)
def test_outcomes_import(cli_settings: Settings, data: tuple[str, bytes]) -> None:
    name, content = data
    _invoke(cli_settings, ["outcomes", "import", _file(cli_settings, name, content)])


@fuzz_settings(0.5)
@given(
    received=st.one_of(st.sampled_from(HOSTILE_DATES), st.dates().map(str), st.text(max_size=10)),
    title=marked_values(),
    text=st.one_of(marked_values(), st.binary(max_size=200).map(lambda b: MARKER.encode() + b)),
    encoding=st.sampled_from(ENCODINGS),
    about=st.one_of(st.none(), months_text()),
    data=st.data(),
)
def test_foi_new(
    cli_settings: Settings,
    received: str,
    title: str,
    text: str | bytes,
    encoding: str,
    about: str | None,
    data: st.DataObject,
) -> None:
    content = text if isinstance(text, bytes) else data.draw(damaged(encode(text, encoding)))
    # --option=value: a value that starts with "-" (a formula, a negative date) stays a value
    args = ["foi", "new", "--org=home-office", f"--received={received}", f"--title={title}"]
    args += [f"--requester={MARKER} Smith"]
    args += [f"--text-file={_file(cli_settings, 'request.txt', content)}"]
    if about is not None:
        args += [f"--about={about}"]
    _invoke(cli_settings, args)


@fuzz_settings(0.5)
@given(first=months_text(), last=months_text())
def test_report_monthly(cli_settings: Settings, first: str, last: str) -> None:
    out = cli_settings.data_dir.parent / "report.csv"
    _invoke(cli_settings, ["report", "monthly", f"--from={first}", f"--to={last}", f"--out={out}"])
