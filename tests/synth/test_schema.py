"""The files follow docs/design.md §3: exact columns in order, unique ids, ISO dates, known codes, UK postcodes."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from sharelog.synth import (
    CENSUS_DATE,
    PERTURBATION_COLUMNS,
    REGISTER_COLUMNS,
    REQUEST_COLUMNS,
    TRUTH_COLUMNS,
)

from .conftest import PUPILS, REQUESTS, Dataset

UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}$")
UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _is_iso_date(value: str) -> bool:
    try:
        return dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def test_register_columns_are_exactly_the_schema(dataset: Dataset) -> None:
    assert tuple(dataset.register.columns) == REGISTER_COLUMNS
    assert REGISTER_COLUMNS[:8] == (
        "pupil_id",
        "forename",
        "middle_names",
        "surname",
        "dob",
        "sex",
        "postcode",
        "address",
    )
    assert len(dataset.register) == PUPILS


@pytest.mark.parametrize(
    ("frame", "columns"),
    [("requests", REQUEST_COLUMNS), ("truth", TRUTH_COLUMNS), ("perturbations", PERTURBATION_COLUMNS)],
)
def test_request_side_columns(dataset: Dataset, frame: str, columns: tuple[str, ...]) -> None:
    table: pd.DataFrame = getattr(dataset, frame)
    assert tuple(table.columns) == columns
    assert len(table) == REQUESTS


def test_request_columns_are_the_schema() -> None:
    assert REQUEST_COLUMNS == (
        "request_id",
        "forename",
        "middle_names",
        "surname",
        "dob",
        "sex",
        "postcode",
        "address",
        "case_reference",
    )
    assert TRUTH_COLUMNS == ("request_id", "pupil_id")


@pytest.mark.parametrize(
    ("frame", "column"),
    [
        ("register", "pupil_id"),
        ("requests", "request_id"),
        ("requests", "case_reference"),
        ("truth", "request_id"),
    ],
)
def test_ids_are_unique_and_present(dataset: Dataset, frame: str, column: str) -> None:
    values = getattr(dataset, frame)[column]
    assert values.ne("").all()
    assert values.is_unique


def test_pupil_ids_look_like_upns_with_a_valid_check_letter(dataset: Dataset) -> None:
    ids = dataset.register.pupil_id
    assert ids.str.fullmatch(r"[A-Z][0-9]{12}").all()
    for upn in ids.head(500):
        weighted = sum(int(d) * w for d, w in zip(upn[1:], range(2, 14), strict=True))
        assert upn[0] == UPN_CHECK[weighted % 23]
    assert (ids.str[1:4] == dataset.register.la_code).all()


@pytest.mark.parametrize("column", ["dob", "census_date", "first_attendance", "last_attendance"])
def test_register_dates_are_iso_and_parse(dataset: Dataset, column: str) -> None:
    assert dataset.register[column].map(_is_iso_date).all()


def test_request_dates_are_iso_and_parse(dataset: Dataset) -> None:
    assert dataset.requests.dob.map(_is_iso_date).all()


def test_pupils_are_of_school_age_at_the_census(dataset: Dataset) -> None:
    register = dataset.register
    assert (register.census_date == CENSUS_DATE).all()
    dob = pd.to_datetime(register.dob)
    census = pd.Timestamp(CENSUS_DATE)
    ages = (census - dob).dt.days / 365.25
    assert ages.min() >= 4.0
    assert ages.max() < 18.5


def test_attendance_dates_are_ordered(dataset: Dataset) -> None:
    register = dataset.register
    assert (register.first_attendance <= register.last_attendance).all()
    assert (register.last_attendance <= register.census_date).all()
    assert (register.first_attendance > register.dob).all()


def test_sex_codes(dataset: Dataset) -> None:
    register_sex = dataset.register.sex.value_counts(normalize=True)
    assert set(register_sex.index) <= {"M", "F", "U", ""}
    assert register_sex["M"] > 0.45 and register_sex["F"] > 0.45
    assert register_sex.get("U", 0) + register_sex.get("", 0) < 0.02
    assert set(dataset.requests.sex) <= {"M", "F", ""}


def test_register_postcodes_are_valid_uk_format(dataset: Dataset) -> None:
    assert dataset.register.postcode.str.match(UK_POSTCODE).all()


def test_most_request_postcodes_are_valid_but_some_are_messy_or_blank(dataset: Dataset) -> None:
    postcodes = dataset.requests.postcode
    valid = postcodes.str.match(UK_POSTCODE)
    assert valid.mean() > 0.9
    assert (postcodes == "").any()
    assert (~valid & (postcodes != "")).any()


@pytest.mark.parametrize(("column", "pattern"), [("school_urn", r"[0-9]{6}"), ("la_code", r"[0-9]{3}")])
def test_school_codes(dataset: Dataset, column: str, pattern: str) -> None:
    assert dataset.register[column].str.fullmatch(pattern).all()
    assert dataset.register.school_name.ne("").all()


def test_addresses_name_a_street_and_a_town(dataset: Dataset) -> None:
    address = dataset.register.address
    assert address.str.fullmatch(r"(Flat \d+, )?\d+ [A-Z][A-Za-z ]+, [A-Z][A-Za-z -]+").all()


def test_middle_names_are_often_blank_and_sometimes_two(dataset: Dataset) -> None:
    middle = dataset.register.middle_names
    blank = (middle == "").mean()
    assert 0.15 < blank < 0.6
    assert (middle.str.count(" ") >= 1).mean() > 0.03


def test_truth_refers_to_registered_pupils(dataset: Dataset) -> None:
    truth = dataset.truth
    assert list(truth.request_id) == list(dataset.requests.request_id)
    linked = truth.pupil_id[truth.pupil_id != ""]
    assert linked.isin(dataset.register.pupil_id).all()
    assert linked.is_unique


def test_request_ids_and_references(dataset: Dataset) -> None:
    assert dataset.requests.request_id.str.fullmatch(r"HO-\d{6}").all()
    assert dataset.requests.case_reference.str.fullmatch(r"CID-\d{9}").all()
