"""Bad input is refused whole, every problem named by file, row and field — never by value — and no output is
left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.settings import Settings

from .conftest import World

runner = CliRunner()
HEADER = "request_id,forename,middle_names,surname,dob,sex,postcode\n"
GOOD = "R1,Amira,,Haddad,2011-03-04,F,M14 5RT\n"


def _run(settings: Settings, *args: str) -> tuple[int, list[str], str]:
    result = runner.invoke(app, list(args), obj=settings)
    return result.exit_code, result.stderr.splitlines(), result.stdout


@pytest.mark.parametrize(
    ("content", "first_error", "more"),
    [
        (
            "request_id,forename,surname,dob,sex,postcode\nR1,Amira,Haddad,2011-03-04,F,M14 5RT\n",
            "requests.csv, field 'middle_names': required column is missing",
            0,
        ),
        (HEADER + GOOD + GOOD, "requests.csv, row 3, field 'request_id': repeats the id of row 2", 0),
        (
            HEADER + "R1,Amira,,Haddad,2011-02-30,F,M14 5RT\n",
            "requests.csv, row 2, field 'dob': not a real date",
            0,
        ),
        (
            HEADER + "R1,Amira,,Haddad,04/03/2011,F,M14 5RT\n",
            "requests.csv, row 2, field 'dob': not a real date",
            0,
        ),
        ("", "requests.csv: the file is empty", 0),
        (HEADER, "requests.csv: the file has a header but no rows", 0),
        (
            HEADER + GOOD + "R2,Amira,,Haddad,2011-03-04,F,M14 5RT,extra\nR2,Omar,,Haddad,2011-13-01,M,\n",
            "requests.csv, row 3: wrong number of fields for the header",
            1,
        ),
    ],
    ids=[
        "missing-column",
        "duplicate-id",
        "impossible-date",
        "not-iso-date",
        "empty",
        "header-only",
        "ragged",
    ],
)
def test_bad_batches_are_refused_with_row_and_field(
    world: World, settings: Settings, tmp_path: Path, content: str, first_error: str, more: int
) -> None:
    batch = tmp_path / "requests.csv"
    batch.write_text(content, encoding="utf-8")
    out = tmp_path / "matches.csv"
    code, errors, _ = _run(
        settings,
        "link",
        "--register",
        str(world.register),
        "--requests",
        str(batch),
        "--out",
        str(out),
        "--model",
        str(world.model),
    )
    assert code == 2
    assert errors[0].startswith("Error: ") and first_error in errors[0]
    assert len(errors) == (1 if more == 0 else 2 + more)
    assert "Haddad" not in "\n".join(errors) and "Amira" not in "\n".join(errors)
    assert not out.exists()
    assert list(tmp_path.glob(".*partial*")) == []


def test_not_utf8_names_the_row(world: World, settings: Settings, tmp_path: Path) -> None:
    batch = tmp_path / "requests.csv"
    batch.write_bytes((HEADER + GOOD).encode() + "R2,Zoë,,Smith,2011-03-04,F,\n".encode("latin-1"))
    code, errors, _ = _run(
        settings,
        "link",
        "--register",
        str(world.register),
        "--requests",
        str(batch),
        "--out",
        str(tmp_path / "m.csv"),
    )
    assert code == 2
    assert errors == [f"Error: {batch}, row 3: not UTF-8 text (save the file as UTF-8)"]


def test_register_without_pupil_id(world: World, settings: Settings, tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text("id,forename,middle_names,surname,dob,sex,postcode\nX1,Amira,,Haddad,2011-03-04,F,\n")
    batch = tmp_path / "requests.csv"
    batch.write_text(HEADER + GOOD)
    code, errors, _ = _run(
        settings,
        "link",
        "--register",
        str(register),
        "--requests",
        str(batch),
        "--out",
        str(tmp_path / "m.csv"),
    )
    assert code == 2
    assert errors == [f"Error: {register}, field 'pupil_id': required column is missing"]


def test_every_problem_is_listed(world: World, settings: Settings, tmp_path: Path) -> None:
    batch = tmp_path / "requests.csv"
    batch.write_text(HEADER + GOOD + GOOD + "R3,Omar,,Haddad,2011-13-01,M,\n,Omar,,Haddad,2011-01-01,M,\n")
    code, errors, _ = _run(
        settings,
        "link",
        "--register",
        str(world.register),
        "--requests",
        str(batch),
        "--out",
        str(tmp_path / "m.csv"),
        "--model",
        str(world.model),
    )
    assert code == 2
    assert errors[0].endswith("(and 2 more problems)")
    assert errors[1:] == [
        f"  - {batch}, row 3, field 'request_id': repeats the id of row 2",
        f"  - {batch}, row 4, field 'dob': not a real date in YYYY-MM-DD form",
        f"  - {batch}, row 5, field 'request_id': missing",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--requests", "X", "--out", "m.csv"],
            "Error: needs a register or a prepared register (one of them); give either --register or --prepared",
        ),
        (["--register", "r.csv", "--out", "m.csv"], "Error: Invalid value for --requests: required"),
        (
            ["--register", "r.csv", "--requests", "q.csv", "--out", "/no/such/dir/m.csv"],
            "Error: --out: the folder",
        ),
        (
            ["--register", "r.csv", "--requests", "q.csv", "--out", "m.csv", "--backend", "oracle"],
            "--backend",
        ),
    ],
    ids=["no-register", "no-requests", "out-parent-missing", "unknown-backend"],
)
def test_usage_errors(settings: Settings, args: list[str], message: str) -> None:
    code, errors, _ = _run(settings, "link", *args)
    assert code == 2
    assert len([line for line in errors if line.startswith("Error:")]) == 1
    assert any(message in line for line in errors)
