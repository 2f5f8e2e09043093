"""Same seed → byte-identical files; another seed → other files; the register ignores the request count."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharelog.synth import generate

FILES = ("register.csv", "requests.csv", "truth.csv", "perturbations.csv")


def _run(out: Path, *, seed: int, requests: int = 400, months: list[str] | None = None) -> dict[str, bytes]:
    result = generate(pupils=3_000, requests=requests, seed=seed, out_dir=out, months=months)
    return {path.name: path.read_bytes() for path in result.files}


@pytest.mark.parametrize("months", [None, ["2019-01", "2019-02", "2019-03"]])
def test_the_same_seed_gives_byte_identical_files(tmp_path: Path, months: list[str] | None) -> None:
    first = _run(tmp_path / "a", seed=11, months=months)
    second = _run(tmp_path / "b", seed=11, months=months)
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name


def test_running_again_into_the_same_folder_rewrites_the_same_bytes(tmp_path: Path) -> None:
    first = _run(tmp_path / "a", seed=3)
    second = _run(tmp_path / "a", seed=3)
    assert first == second


def test_another_seed_gives_other_files(tmp_path: Path) -> None:
    first = _run(tmp_path / "a", seed=1)
    second = _run(tmp_path / "b", seed=2)
    for name in FILES:
        assert first[name] != second[name], name


def test_the_register_does_not_depend_on_the_number_of_requests(tmp_path: Path) -> None:
    few = _run(tmp_path / "a", seed=5, requests=100)
    many = _run(tmp_path / "b", seed=5, requests=900)
    assert few["register.csv"] == many["register.csv"]


def test_files_are_utf8_with_unix_line_ends(tmp_path: Path) -> None:
    for name, content in _run(tmp_path / "a", seed=1).items():
        text = content.decode("utf-8")
        assert "\r" not in text, name
        assert text.endswith("\n"), name
        assert not text.startswith("\ufeff"), name
