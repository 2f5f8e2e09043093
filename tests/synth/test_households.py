"""Households: siblings share surname, address and postcode; twins; realistic names and neighbourhoods."""

from __future__ import annotations

import pandas as pd

from sharelog.synth._names import CULTURES

from .conftest import PUPILS, Dataset


def _homes(register: pd.DataFrame) -> pd.core.groupby.DataFrameGroupBy:
    return register.groupby(["postcode", "address"])


def test_children_of_one_address_share_a_surname(dataset: Dataset) -> None:
    homes = _homes(dataset.register)
    size = homes.size()
    assert set(size.unique()) <= {1, 2, 3, 4, 5}
    assert (size >= 2).mean() > 0.4
    surnames = homes.surname.nunique()[size >= 2]
    # The rest are families with gendered surnames (Kowalski / Kowalska).
    assert (surnames == 1).mean() > 0.95


def test_twins_share_birth_date_surname_and_address(dataset: Dataset) -> None:
    register = dataset.register
    births = register.groupby(["postcode", "address", "dob"])
    twin_children = births.size()[births.size() >= 2].sum()
    assert 0.02 < twin_children / PUPILS < 0.04
    assert dataset.result.twins == twin_children
    surnames = births.surname.nunique()[births.size() >= 2]
    assert (surnames == 1).mean() > 0.95  # the others: a Kowalski and a Kowalska


def test_siblings_are_spaced_like_siblings(dataset: Dataset) -> None:
    register = dataset.register.assign(dob=pd.to_datetime(dataset.register.dob))
    gaps = register.sort_values("dob").groupby(["postcode", "address"]).dob.diff().dropna().dt.days
    not_twins = gaps[gaps > 0]
    assert not_twins.median() > 365
    assert (not_twins > 270).mean() > 0.95


def test_neighbours_share_a_postcode_unit(dataset: Dataset) -> None:
    register = dataset.register
    households_per_unit = register.drop_duplicates(["postcode", "address"]).groupby("postcode").size()
    assert households_per_unit.max() > 5
    sector = register.postcode.str[:-2]
    district = register.postcode.str.split(" ").str[0]
    assert register.postcode.nunique() > sector.nunique() > district.nunique() > 100


def test_hyphenated_surnames_exist(dataset: Dataset) -> None:
    hyphenated = dataset.register.surname.str.fullmatch(r"[^-]{3,}-[^-]{3,}").mean()
    assert 0.02 < hyphenated < 0.1


def test_names_are_skewed_so_common_names_are_common(dataset: Dataset) -> None:
    forenames = dataset.register.forename.value_counts(normalize=True)
    assert 0.005 < forenames.iloc[0] < 0.04
    assert forenames.size > 500
    surnames = dataset.register.surname.value_counts()
    assert (surnames == 1).sum() > 100  # a long tail of rare surnames


def test_every_naming_culture_is_present_and_english_names_are_the_majority(dataset: Dataset) -> None:
    cultures = dataset.result.cultures
    assert set(cultures) == {c.key for c in CULTURES}
    assert all(count > 0 for count in cultures.values())
    assert 0.6 < cultures["english"] / PUPILS < 0.75


def test_names_from_many_traditions(dataset: Dataset) -> None:
    names = set(dataset.register.forename) | set(dataset.register.surname)
    for expected in ("Oliver", "Muhammad", "Patel", "Kowalski", "Adeyemi", "Nowak", "Chan", "Silva"):
        assert expected in names, expected


def test_children_of_one_household_go_to_nearby_schools(dataset: Dataset) -> None:
    register = dataset.register
    homes = _homes(register)
    size = homes.size()
    authorities = homes.la_code.nunique()[size >= 2]
    assert (authorities == 1).all()
