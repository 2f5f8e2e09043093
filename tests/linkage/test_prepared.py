"""A prepared register gives the same decisions as the register file, without re-reading it."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.errors import InputError
from sharelog.linkage import link, prepare_register
from sharelog.settings import Settings

from .conftest import World, read_matches

runner = CliRunner()


@pytest.fixture(scope="module")
def prepared(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("prepared") / "register"
    prepare_register(register=world.register, out_dir=out, model=world.model)
    return out


def test_prepared_folder_holds_what_link_needs(prepared: Path) -> None:
    names = sorted(p.name for p in prepared.iterdir())
    assert names == ["manifest.json", "model.json", "register.duckdb", "relatives.json"]


def test_prepared_and_plain_give_the_same_decisions(world: World, prepared: Path, tmp_path: Path) -> None:
    plain, warm = tmp_path / "plain.csv", tmp_path / "warm.csv"
    link(requests=world.requests, register=world.register, model=world.model, out=plain)
    result = link(requests=world.requests, prepared=prepared, out=warm)
    assert not result.trained
    cold_rows, warm_rows = read_matches(plain), read_matches(warm)
    assert cold_rows.keys() == warm_rows.keys()
    for request_id, row in cold_rows.items():
        other = warm_rows[request_id]
        assert (row["decision"], row["pupil_id"]) == (other["decision"], other["pupil_id"])
        if row["match_probability"]:
            assert float(row["match_probability"]) == pytest.approx(
                float(other["match_probability"]), abs=1e-6
            )


def test_a_folder_prepared_before_name_pairs_decides_alike(
    world: World, prepared: Path, tmp_path: Path
) -> None:
    """A prepared register without the name-pair counts gets them counted when opened."""
    older = tmp_path / "older"
    shutil.copytree(prepared, older)
    with duckdb.connect(str(older / "register.duckdb")) as con:
        con.execute("DROP TABLE name_pairs")
    current, old = tmp_path / "current.csv", tmp_path / "old.csv"
    link(requests=world.requests, prepared=prepared, out=current)
    link(requests=world.requests, prepared=older, out=old)
    current_rows, old_rows = read_matches(current), read_matches(old)
    assert current_rows.keys() == old_rows.keys()
    for request_id, row in current_rows.items():
        other = old_rows[request_id]
        assert (row["decision"], row["pupil_id"]) == (other["decision"], other["pupil_id"])
        if row["match_probability"]:
            assert float(row["match_probability"]) == pytest.approx(
                float(other["match_probability"]), abs=1e-9
            )


def test_not_a_prepared_folder(world: World, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a prepared register"):
        link(requests=world.requests, prepared=tmp_path, out=tmp_path / "m.csv")


def test_cli_prepare_link_explain(world: World, settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "prep"
    done = runner.invoke(
        app,
        [
            "register",
            "prepare",
            "--register",
            str(world.register),
            "--model",
            str(world.model),
            "--out",
            str(folder),
        ],
        obj=settings,
    )
    assert done.exit_code == 0, done.output
    assert "Prepared 20,009 pupils" in done.stdout

    out = tmp_path / "matches.csv"
    linked = runner.invoke(
        app,
        ["link", "--prepared", str(folder), "--requests", str(world.requests), "--out", str(out)],
        obj=settings,
    )
    assert linked.exit_code == 0, linked.output
    assert "match" in linked.stdout and out.is_file()

    chart = tmp_path / "why.html"
    explained = runner.invoke(
        app,
        ["link", "explain", "T-OKONKWO-NONE", "--prepared", str(folder), "--requests", str(world.requests)],
        obj=settings,
    )
    assert explained.exit_code == 2
    assert "no request with request_id 'T-OKONKWO-NONE'" in explained.stderr

    first = next(row for row in read_matches(out).values() if row["decision"] == "match")
    explained = runner.invoke(
        app,
        [
            "link",
            "explain",
            first["request_id"],
            "--prepared",
            str(folder),
            "--requests",
            str(world.requests),
            "--chart",
            str(chart),
        ],
        obj=settings,
    )
    assert explained.exit_code == 0, explained.output
    assert f"Request {first['request_id']}: match — clear match." in explained.stdout
    assert "date of birth" in explained.stdout
    assert chart.is_file() and "<html" in chart.read_text(encoding="utf-8").lower()


def test_cli_model_train_and_show(world: World, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    trained = runner.invoke(
        app,
        [
            "model",
            "train",
            "--register",
            str(world.register),
            "--requests",
            str(world.requests),
            "--out",
            str(out),
        ],
        obj=settings,
    )
    assert trained.exit_code == 0, trained.output
    shown = runner.invoke(app, ["model", "show", str(out)], obj=settings, env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "forename: nickname or spelling variant" in shown.stdout
    assert "date of birth: day and month swapped" in shown.stdout
