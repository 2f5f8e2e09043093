"""An address on one line compares as the same address written with commas."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from sharelog.linkage._standardise import standardise_table

# address → (house number, street, town)
ADDRESSES = {
    "20 Victoria Road, Huddersfield": ("20", "VICTORIA ROAD", "HUDDERSFIELD"),
    "20 Victoria Road Huddersfield": ("20", "VICTORIA ROAD", "HUDDERSFIELD"),
    "8 stanley street winston hills": ("8", "STANLEY STREET", "WINSTON HILLS"),
    "10 St Johns Road Newham E16 0LN": ("10", "ST JOHNS ROAD", "NEWHAM"),  # ST first: a saint, not a street
    "10 St Johns Road, Newham, E16 0LN": ("10", "ST JOHNS ROAD", "NEWHAM"),  # the postcode is not the town
    "Flat 2 14 High St Leeds": ("14", "HIGH ST", "LEEDS"),
    "Flat 2, 14 High St, Leeds": ("14", "HIGH ST", "LEEDS"),
    "5 Park Road": ("5", "PARK ROAD", None),
}


@pytest.fixture(scope="module")
def parsed() -> dict[str, tuple[str | None, ...]]:
    addresses = list(ADDRESSES)
    n = len(addresses)
    con = duckdb.connect()
    con.register(
        "source",
        pa.table(
            {
                "pupil_id": [str(i) for i in range(n)],
                "forename": ["Ann"] * n,
                "middle_names": [None] * n,
                "surname": ["Lee"] * n,
                "dob": ["2010-01-01"] * n,
                "sex": ["F"] * n,
                "postcode": [None] * n,
                "address": addresses,
            }
        ),
    )
    standardise_table(con, source="source", id_column="pupil_id", target="standard")
    rows = con.sql(
        "SELECT unique_id, address_number, address_street, address_town FROM standard ORDER BY unique_id::INT"
    ).fetchall()
    return {addresses[int(row[0])]: tuple(row[1:]) for row in rows}


@pytest.mark.parametrize("address", list(ADDRESSES))
def test_house_street_and_town_whatever_the_commas(
    parsed: dict[str, tuple[str | None, ...]], address: str
) -> None:
    assert parsed[address] == ADDRESSES[address]
