"""The README's profile table is the grid in profiles.py, and it says the data are for evaluation only."""

from __future__ import annotations

from pathlib import Path

import sharelog_heldout
from sharelog_heldout.profiles import ERROR_KINDS, PROFILES

README = Path(sharelog_heldout.__file__).parent / "README.md"
POPULATION = (
    "in_register_share",
    "doppelganger_share",
    "sibling_share",
    "out_of_age_share",
    "namesake_rate",
    "name_concentration",
    "origin_tilt",
)


def _table() -> tuple[list[str], dict[str, list[str]]]:
    lines = README.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if line.startswith("| parameter |"))
    profiles = [cell.strip().strip("`") for cell in header.strip("|").split("|")[1:]]
    rows = {}
    for line in lines:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells and cells[0].startswith("`") and len(cells) == len(profiles) + 1:
            rows[cells[0].strip("`")] = cells[1:]
    return profiles, rows


def test_the_table_is_the_grid() -> None:
    profiles, rows = _table()
    assert profiles == list(PROFILES)
    assert set(rows) >= set(POPULATION) | set(ERROR_KINDS)
    for name, column in zip(
        profiles, zip(*(rows[k] for k in POPULATION + ERROR_KINDS), strict=True), strict=True
    ):
        profile = PROFILES[name]
        expected = [getattr(profile, k) for k in POPULATION] + [profile.rate(k) for k in ERROR_KINDS]
        for cell, value in zip(column, expected, strict=True):
            assert cell == (value if isinstance(value, str) else f"{value:g}"), (name, cell, value)


def test_it_says_evaluation_only_and_the_seed_rule() -> None:
    text = README.read_text(encoding="utf-8")
    assert "For EVALUATION only" in text
    assert "seeds 1000 and above are evaluation seeds" in text
    for name, profile in PROFILES.items():
        assert f"| `{name}` | {profile.description} |" in text
