"""Requests: who they are about, and the errors they carry — exactly those ``perturbations.csv`` lists."""

from __future__ import annotations

import pandas as pd
import pytest

from sharelog.synth import ERROR_PROFILE, IN_REGISTER_SHARE, NOT_IN_REGISTER_MIX
from sharelog.synth._tables import nickname_table, transliteration_table

from .conftest import REQUESTS, Dataset

FIELDS = ["forename", "middle_names", "surname", "dob", "postcode", "address"]


def _with_pupils(dataset: Dataset) -> pd.DataFrame:
    """Requests about registered pupils, with the pupil's register fields suffixed ``_reg``."""
    joined = dataset.joined()
    registered = joined[joined.pupil_id != ""]
    return registered.merge(dataset.register, on="pupil_id", suffixes=("", "_reg"))


def test_about_forty_percent_are_not_in_the_register(dataset: Dataset) -> None:
    missing = (dataset.truth.pupil_id == "").mean()
    assert missing == pytest.approx(1 - IN_REGISTER_SHARE, abs=0.01)
    assert dataset.result.in_register_share == pytest.approx(IN_REGISTER_SHARE, abs=0.01)


def test_origins_follow_the_mix(dataset: Dataset) -> None:
    origins = dataset.result.origins
    assert sum(origins.values()) == REQUESTS
    outside = REQUESTS - origins["register"]
    for origin, share in NOT_IN_REGISTER_MIX.items():
        assert origins[origin] == pytest.approx(share * outside, abs=2)


def test_unperturbed_requests_about_pupils_match_the_register_exactly(dataset: Dataset) -> None:
    clean = _with_pupils(dataset).query("errors == ''")
    assert len(clean) > 0.3 * REQUESTS * IN_REGISTER_SHARE
    for field in FIELDS:
        assert (clean[field] == clean[f"{field}_reg"]).all(), field
    recorded = clean.sex_reg.isin(["M", "F"])
    assert (clean.sex[recorded] == clean.sex_reg[recorded]).all()


def test_some_requests_not_in_the_register_are_siblings_of_pupils(dataset: Dataset) -> None:
    joined = dataset.joined()
    outside = joined[(joined.pupil_id == "") & (joined.errors == "")]
    homes = dataset.register[["surname", "postcode", "address"]].drop_duplicates()
    siblings = outside.merge(homes, on=["surname", "postcode", "address"])
    assert len(siblings) > 0.25 * len(outside)
    same_person = siblings.merge(dataset.register, on=["forename", "surname", "dob", "postcode"])
    assert same_person.empty


@pytest.mark.parametrize("kind", [kind.name for kind in ERROR_PROFILE])
def test_every_error_kind_appears(dataset: Dataset, kind: str) -> None:
    listed = dataset.perturbations.errors.str.split(";").explode()
    assert (listed == kind).sum() > 0
    assert dataset.result.errors[kind] == (listed == kind).sum()


def test_most_requests_carry_no_error_or_one(dataset: Dataset) -> None:
    per_request = dataset.result.errors_per_request
    assert sum(per_request.values()) == REQUESTS
    assert (per_request.get(0, 0) + per_request.get(1, 0)) / REQUESTS > 0.7
    assert per_request.get(0, 0) / REQUESTS > 0.3


def _only(dataset: Dataset, kind: str) -> pd.DataFrame:
    rows = _with_pupils(dataset)
    return rows[rows.errors == kind]


def test_a_day_month_swap_swaps_day_and_month(dataset: Dataset) -> None:
    rows = _only(dataset, "dob_day_month_swap")
    assert len(rows) > 0
    year, month, day = rows.dob_reg.str[:4], rows.dob_reg.str[5:7], rows.dob_reg.str[8:10]
    assert (rows.dob == year + "-" + day + "-" + month).all()


def test_a_missing_postcode_blanks_postcode_and_address(dataset: Dataset) -> None:
    rows = _only(dataset, "missing_postcode")
    assert ((rows.postcode == "") & (rows.address == "")).all()


def test_a_moved_house_is_a_different_address(dataset: Dataset) -> None:
    rows = _only(dataset, "moved_house")
    assert (rows.address != rows.address_reg).all()
    same_district = rows.postcode.str.split(" ").str[0] == rows.postcode_reg.str.split(" ").str[0]
    assert 0.2 < same_district.mean() < 0.8


def test_a_nickname_comes_from_the_table(dataset: Dataset) -> None:
    rows = _only(dataset, "nickname")
    table = nickname_table()
    assert all(new in table.get(old, ()) for old, new in zip(rows.forename_reg, rows.forename, strict=True))


def test_a_transliteration_changes_one_name_to_another_spelling(dataset: Dataset) -> None:
    rows = _only(dataset, "transliteration")
    table = transliteration_table()
    for _, row in rows.iterrows():
        changed = [f for f in ("forename", "surname") if row[f] != row[f"{f}_reg"]]
        assert len(changed) == 1
        field = changed[0]
        assert row[field] in table.get(row[f"{field}_reg"], ()) or row[field].isascii()


def test_a_shortened_surname_is_one_part_of_the_hyphenated_one(dataset: Dataset) -> None:
    rows = _only(dataset, "surname_shortened")
    assert all(short in full.split("-") for short, full in zip(rows.surname, rows.surname_reg, strict=True))


def test_a_swap_exchanges_forename_and_surname(dataset: Dataset) -> None:
    rows = _only(dataset, "name_swap")
    assert ((rows.forename == rows.surname_reg) & (rows.surname == rows.forename_reg)).all()


def test_the_middle_name_used_as_forename(dataset: Dataset) -> None:
    rows = _only(dataset, "middle_as_forename")
    assert (rows.forename == rows.middle_names_reg.str.split(" ").str[0]).all()


@pytest.mark.parametrize("kind", ["forename_typo", "surname_typo"])
def test_a_typo_changes_one_name_by_one_edit(dataset: Dataset, kind: str) -> None:
    rows = _only(dataset, kind)
    field = kind.split("_")[0]
    for typed, true in zip(rows[field], rows[f"{field}_reg"], strict=True):
        assert typed != true
        assert abs(len(typed) - len(true)) <= 1


def test_case_changes_are_all_capitals_or_all_lower(dataset: Dataset) -> None:
    rows = _only(dataset, "case_change")
    assert (rows.forename.str.isupper() | rows.forename.str.islower()).all()
    assert (rows.forename.str.lower() == rows.forename_reg.str.lower()).all()
