"""Which level of a comparison a request and a pupil meet, on the real standardisation and the model's own SQL:
the levels that read a one-line address whose parts could not be told apart, and a name found in the other field."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pytest

from sharelog.linkage._model import new_settings
from sharelog.linkage._standardise import standardise_table

PERSON = {
    "forename": "Ann",
    "middle_names": None,
    "surname": "Lee",
    "dob": "2010-01-01",
    "sex": "F",
    "postcode": None,
}


def _comparison(name: str) -> dict[str, Any]:
    settings = new_settings().create_settings_dict("duckdb")
    return next(c for c in settings["comparisons"] if c["output_column_name"] == name)


def level(name: str, request: dict[str, str | None], pupil: dict[str, str | None]) -> str:
    """The label of the first level of comparison ``name`` the two records meet, as Splink evaluates them."""
    con = duckdb.connect()
    rows = [{**PERSON, "address": None, **request}, {**PERSON, "address": None, **pupil}]
    con.register("source", pa.Table.from_pylist([{"pupil_id": str(i), **row} for i, row in enumerate(rows)]))
    standardise_table(con, source="source", id_column="pupil_id", target="standard")
    columns = [row[0] for row in con.sql("DESCRIBE standard").fetchall()]
    sides = ", ".join(f'{side}."{c}" AS "{c}_{side}"' for side in ("l", "r") for c in columns)
    con.execute(
        f"CREATE TABLE pair AS SELECT {sides} FROM standard AS l, standard AS r "
        "WHERE l.unique_id = '0' AND r.unique_id = '1'"
    )
    cases = " ".join(
        f"WHEN {lvl['sql_condition']} THEN '{lvl['label_for_charts'].replace(chr(39), chr(39) * 2)}'"
        for lvl in _comparison(name)["comparison_levels"]
        if lvl["sql_condition"] != "ELSE"
    )
    return str(con.sql(f"SELECT CASE {cases} ELSE 'else' END FROM pair").fetchall()[0][0])


@pytest.mark.parametrize(
    ("request_address", "pupil_address", "expected"),
    [
        # the street type misspelt: the line cannot be split, yet it is the same house
        (
            "112 fullagar vrescent keilor east",
            "112 Fullagar Crescent, Keilor East",
            "address: alike read as one line",
        ),
        # no street at all, only the number and the town on one line: the town still agrees
        ("4 east ryde", "4 Hodgkinson Street, East Ryde", "address: same town"),
        ("4 east ryde", "4 Hodgkinson Street, West Ryde", "else"),  # a town ending the line, not a word's end
        ("9 Mill Lane, Leeds", "31 Park Road, Bristol", "else"),
        ("15, naroomj", "15 Honyong Crescent, Narooma", "address: town with a slip"),
        ("20 Victoria Road Huddersfield", "20 Victoria Road, Huddersfield", "address: same house"),
    ],
)
def test_a_one_line_address_meets_the_same_address(
    request_address: str, pupil_address: str, expected: str
) -> None:
    assert level("address", {"address": request_address}, {"address": pupil_address}) == expected


@pytest.mark.parametrize(
    ("asked", "held", "forename_level", "surname_level"),
    [
        # surname given as the forename, the other name misspelt: counted once, in the forename comparison
        (("Mihal", "Hannsh"), ("Hannah", "Mihal"), "forename: found as the other's surname", "else"),
        (
            ("Lee", "Ann"),
            ("Ann", "Lee"),
            "forename: forename and surname swapped",
            "surname: forename and surname swapped",
        ),
        (("Ann", "Lee"), ("Ann", "Lee"), "forename: exact", "surname: exact"),
        (("Ruth", "Lee"), ("Ann", "Lee"), "else", "surname: exact"),
    ],
)
def test_a_name_found_in_the_other_field_counts_once(
    asked: tuple[str, str], held: tuple[str, str], forename_level: str, surname_level: str
) -> None:
    left = {"forename": asked[0], "surname": asked[1]}
    right = {"forename": held[0], "surname": held[1]}
    assert level("forename", left, right) == forename_level
    assert level("surname", left, right) == surname_level


@pytest.mark.parametrize(
    ("asked", "held", "expected"),
    [
        ("4068", "4067", "postcode: one character differs"),  # not in UK format: no sector or district
        ("LS1 4AP", "LS1 4AP", "postcode: same unit"),
        ("LS1 4AP", "LS1 4AB", "postcode: same sector"),
        ("4068", "5167", "else"),
    ],
)
def test_a_postcode_with_one_slip(asked: str, held: str, expected: str) -> None:
    assert level("postcode", {"postcode": asked}, {"postcode": held}) == expected
