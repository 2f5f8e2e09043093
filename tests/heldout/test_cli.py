"""``python -m sharelog_heldout``: the profiles listing and a run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sharelog_heldout.__main__ import main
from sharelog_heldout.generate import FILES
from sharelog_heldout.profiles import PROFILES


def test_profiles_lists_the_grid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(PROFILES)
    assert all(len(line.split(maxsplit=1)[1]) > 20 for line in lines)


def test_a_run_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "set"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sharelog_heldout",
            "--profile",
            "moved",
            "--pupils",
            "800",
            "--requests",
            "60",
            "--seed",
            "1000",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "moved" in done.stdout and done.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["profile"] == "moved" and manifest["seed"] == 1000 and manifest["evaluation_seed"] is True
    assert manifest["name_source"]["package"] == "Faker"


def test_the_files_are_their_owner_s_only(tmp_path: Path) -> None:
    """Made-up people, shaped like real ones: written 0600 in a 0700 folder whatever the umask, and a file left
    by an earlier run is made private too."""
    out = tmp_path / "set"
    out.mkdir(mode=0o755)
    (out / "register.csv").write_text("stale\n")
    (out / "register.csv").chmod(0o644)
    umask = os.umask(0o022)
    try:
        args = [
            "--profile",
            "typical",
            "--pupils",
            "200",
            "--requests",
            "20",
            "--seed",
            "1000",
            "--out",
            str(out),
        ]
        assert main(args) == 0
    finally:
        os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o700
    assert {p.name: p.stat().st_mode & 0o777 for p in out.glob("*.csv")} == {
        name: 0o600 for name in FILES if name.endswith(".csv")
    }


def test_a_development_seed_is_flagged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "--profile",
                "clean",
                "--pupils",
                "300",
                "--requests",
                "20",
                "--seed",
                "7",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert "development seed" in capsys.readouterr().err
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["evaluation_seed"] is False


def test_an_unknown_profile_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(
            [
                "--profile",
                "nope",
                "--pupils",
                "10",
                "--requests",
                "1",
                "--seed",
                "1000",
                "--out",
                str(tmp_path),
            ]
        )
    assert stopped.value.code == 2


def test_a_second_batch_from_the_command_line(tmp_path: Path) -> None:
    common = ["--profile", "typical", "--pupils", "500", "--requests", "40", "--seed", "1000"]
    assert main([*common, "--out", str(tmp_path / "a")]) == 0
    assert main([*common, "--requests-seed", "1001", "--out", str(tmp_path / "b")]) == 0
    a, b = tmp_path / "a", tmp_path / "b"
    assert (a / "register.csv").read_bytes() == (b / "register.csv").read_bytes()
    assert (a / "requests.csv").read_bytes() != (b / "requests.csv").read_bytes()
    assert json.loads((b / "manifest.json").read_text(encoding="utf-8"))["requests_seed"] == 1001
