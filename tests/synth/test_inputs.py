"""Bad counts and unusable folders are ``InputError``s that name their field (the CLI's option) or the path."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharelog.errors import InputError
from sharelog.synth import MAX_PUPILS, generate


@pytest.mark.parametrize(
    ("pupils", "requests", "seed", "field", "message"),
    [
        (0, 1, 1, "pupils", "must be at least 1"),
        (-5, 1, 1, "pupils", "must be at least 1"),
        (MAX_PUPILS + 1, 1, 1, "pupils", "must be at most"),
        (10, 0, 1, "requests", "must be at least 1"),
        (10, 11, 1, "requests", "11 requests is more than the 10 pupils"),
        (10, 5, -1, "seed", "must be zero or more"),
    ],
)
def test_counts_out_of_range(
    tmp_path: Path, pupils: int, requests: int, seed: int, field: str, message: str
) -> None:
    with pytest.raises(InputError, match=message) as raised:
        generate(pupils=pupils, requests=requests, seed=seed, out_dir=tmp_path / "out")
    assert raised.value.field == field
    assert not (tmp_path / "out").exists()


def test_a_missing_parent_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the folder .*missing does not exist") as raised:
        generate(pupils=10, requests=5, seed=1, out_dir=tmp_path / "missing" / "out")
    assert str(tmp_path / "missing") in raised.value.message
    assert raised.value.field == "out"


def test_out_must_not_be_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file.csv"
    target.write_text("x")
    with pytest.raises(InputError, match="exists and is not a folder") as raised:
        generate(pupils=10, requests=5, seed=1, out_dir=target)
    assert raised.value.field == "out"


def test_the_out_folder_is_created_when_only_it_is_missing(tmp_path: Path) -> None:
    result = generate(pupils=10, requests=5, seed=1, out_dir=tmp_path / "new")
    assert (tmp_path / "new" / "register.csv").is_file()
    assert result.files[0] == tmp_path / "new" / "register.csv"


@pytest.mark.parametrize("months", [[], ["2019-13"]])
def test_bad_months_list(tmp_path: Path, months: list[str]) -> None:
    with pytest.raises(InputError) as raised:
        generate(pupils=10, requests=5, seed=1, out_dir=tmp_path / "out", months=months)
    assert raised.value.field == "months"


@pytest.mark.parametrize(("pupils", "requests"), [(1, 1), (2, 2), (7, 3), (40, 40)])
def test_tiny_registers_still_work(tmp_path: Path, pupils: int, requests: int) -> None:
    result = generate(pupils=pupils, requests=requests, seed=2, out_dir=tmp_path / "out")
    assert (result.pupils, result.requests) == (pupils, requests)
