"""The files have sharelog's columns (design.md §3), unique ids, valid dates and plain UTF-8 with \\n lines."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

from sharelog_heldout.generate import FILES, REGISTER_COLUMNS, REQUEST_COLUMNS
from sharelog_heldout.population import pupil_id, school_year_window

from .conftest import Run

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}$")


def _date(text: str) -> dt.date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), text
    return dt.date.fromisoformat(text)


def test_columns(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run()
    assert run.header("register.csv") == list(REGISTER_COLUMNS)
    assert run.header("requests.csv") == list(REQUEST_COLUMNS)
    assert run.header("truth.csv") == ["request_id", "pupil_id"]
    assert run.header("perturbations.csv") == ["request_id", "kinds"]
    assert sorted(p.name for p in run.folder.iterdir()) == sorted(FILES)


def test_files_are_utf8_with_newline_line_ends(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run("hostile-mix")
    for name in FILES:
        data = (run.folder / name).read_bytes()
        data.decode("utf-8")
        assert b"\r" not in data
        assert data.endswith(b"\n")


def test_register_rows(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run()
    rows = run.rows("register.csv")
    assert len(rows) == run.manifest["pupils"]
    ids = [r["pupil_id"] for r in rows]
    assert len(set(ids)) == len(ids)
    lo, hi = school_year_window(dt.date.fromisoformat(run.manifest["census_date"]))
    first_dob, last_dob = dt.date(1970, 1, 1) + dt.timedelta(lo), dt.date(1970, 1, 1) + dt.timedelta(hi)
    for r in rows:
        assert re.fullmatch(r"[1-9][0-9]{11}[A-Z]", r["pupil_id"])
        assert pupil_id(int(r["pupil_id"][:12])) == r["pupil_id"]  # the check letter holds
        assert r["forename"] and r["surname"]
        assert first_dob <= _date(r["dob"]) <= last_dob
        assert r["sex"] in {"M", "F", "U", ""}
        assert r["postcode"] == "" or POSTCODE.match(r["postcode"]), r["postcode"]
        assert r["address"] and r["school_name"] and re.fullmatch(r"1[0-9]{5}", r["school_urn"])
        assert re.fullmatch(r"[2-9][0-9]{2}", r["la_code"])
        assert _date(r["first_attendance"]) <= _date(r["last_attendance"]) <= _date(r["census_date"])
        assert r["forename"] == r["forename"].strip() and "  " not in r["surname"]


@pytest.mark.parametrize("profile", ["typical", "hostile-mix"])
def test_request_rows(heldout_run: Callable[..., Run], profile: str) -> None:
    run = heldout_run(profile)
    rows = run.rows("requests.csv")
    assert len(rows) == run.manifest["requests"]
    ids = [r["request_id"] for r in rows]
    assert len(set(ids)) == len(ids)
    for r in rows:
        assert re.fullmatch(r"HO[0-9]{8}", r["request_id"])
        assert r["forename"].strip() and r["surname"].strip()
        if r["dob"]:
            _date(r["dob"])
        assert r["sex"] in {"M", "F", "U", ""}


def test_request_ids_are_not_pupil_ids(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run()
    pupils = {r["pupil_id"] for r in run.rows("register.csv")}
    assert not pupils & {r["request_id"] for r in run.rows("requests.csv")}
