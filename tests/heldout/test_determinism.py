"""The same seed, profile and sizes give byte-identical files; another seed gives other data."""

from __future__ import annotations

from pathlib import Path

from sharelog_heldout.generate import FILES, generate


def _bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    generate("hostile-mix", 3000, 600, 1234, tmp_path / "a")
    generate("hostile-mix", 3000, 600, 1234, tmp_path / "b")
    first, second = _bytes(tmp_path / "a"), _bytes(tmp_path / "b")
    assert first == second
    assert all(len(content) > 0 for content in first.values())


def test_another_seed_other_data(tmp_path: Path) -> None:
    generate("typical", 3000, 300, 1001, tmp_path / "a")
    generate("typical", 3000, 300, 1002, tmp_path / "b")
    assert (tmp_path / "a" / "register.csv").read_bytes() != (tmp_path / "b" / "register.csv").read_bytes()
    assert (tmp_path / "a" / "requests.csv").read_bytes() != (tmp_path / "b" / "requests.csv").read_bytes()


def test_the_register_does_not_depend_on_the_error_profile(tmp_path: Path) -> None:
    """Profiles that share population settings share the register: only the requests differ."""
    generate("typical", 2000, 200, 1003, tmp_path / "a")
    generate("sex-noise", 2000, 200, 1003, tmp_path / "b")
    assert (tmp_path / "a" / "register.csv").read_bytes() == (tmp_path / "b" / "register.csv").read_bytes()


def test_a_second_batch_about_the_same_register(tmp_path: Path) -> None:
    """``requests_seed`` keeps the register of ``seed`` byte for byte and draws another batch about it."""
    first = generate("hostile-mix", 3000, 400, 1004, tmp_path / "a")
    second = generate("hostile-mix", 3000, 400, 1004, tmp_path / "b", requests_seed=1005)
    a, b = _bytes(tmp_path / "a"), _bytes(tmp_path / "b")
    assert a["register.csv"] == b["register.csv"]
    assert a["requests.csv"] != b["requests.csv"] and a["truth.csv"] != b["truth.csv"]
    assert (first["seed"], first["requests_seed"]) == (1004, 1004)
    assert (second["seed"], second["requests_seed"], second["evaluation_seed"]) == (1004, 1005, True)
    # the second batch is about the register as written: its held people are pupils of it
    register_ids = {line.split(",", 1)[0] for line in b["register.csv"].decode().splitlines()[1:]}
    truth = [line.split(",")[1] for line in b["truth.csv"].decode().splitlines()[1:]]
    held = [pupil for pupil in truth if pupil]
    assert len(held) == second["counts"]["in_register"] > 0
    assert set(held) <= register_ids
    # and it adds no school slips of its own to the register
    assert second["counts_by_kind"]["register_name_typo"] == 0
    assert first["counts_by_kind"]["register_name_typo"] > 0
