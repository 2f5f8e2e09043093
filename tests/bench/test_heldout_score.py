"""The held-out grid's scorer (``bench/_heldout_score.py``) on a hand-made register, batch and matches file:
every figure it reports, counted by hand."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_heldout_score", BENCH / "_heldout_score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


S = _scorer()

REGISTER = [  # pupil_id, forename, surname, dob, address
    ("P1", "Amir", "Khan", "2015-01-01", "1 Alder Road, Ashbury"),
    ("P2", "Aisha", "Khan", "2015-01-01", "1 Alder Road, Ashbury"),  # P1's twin
    ("P3", "Jack", "Smith", "2014-05-05", "2 Beech Road, Ashbury"),
    ("P4", "Jack", "Smith", "2014-05-05", "9 Elm Road, Northfield"),  # P3's namesake elsewhere
    ("P5", "Ola", "Ade", "2013-03-03", "3 Oak Road, Ashbury"),
    ("P6", "Ben", "Ade", "2016-06-06", "3 Oak Road, Ashbury"),  # P5's brother
    ("P7", "Zoe", "Lee", "2012-02-02", "4 Ash Road, Ashbury"),
    ("P8", "Tom", "Ward", "2012-12-12", ""),  # no address
]
# request_id, true pupil, forename, surname, dob, postcode, address, kinds, decision, proposed pupil, probability
BATCH = [
    ("R1", "P1", "Amir", "Khan", "2015-01-01", "AB1 1AA", "", "in_register", "match", "P1", "0.999"),
    (
        "R2",
        "P2",
        "Aisha",
        "Khan",
        "2015-01-01",
        "AB1 1AA",
        "",
        "in_register;sex_wrong",
        "match",
        "P1",
        "0.999",
    ),
    (
        "R3",
        "P3",
        "Jack",
        "Smith",
        "2014-05-05",
        "",
        "",
        "in_register;register_has_namesake;address_missing",
        "review",
        "P3",
        "0.95",
    ),
    (
        "R4",
        "",
        "JACK",
        " smith ",
        "2014-05-05",
        "ZZ9 9ZZ",
        "",
        "not_held;doppelganger;exact_register_namesake",
        "match",
        "P4",
        "0.999",
    ),
    (
        "R5",
        "",
        "Kemi",
        "Ade",
        "2014-08-08",
        "AB3 3AA",
        "",
        "not_held;not_held_sibling",
        "match",
        "P5",
        "0.993",
    ),
    ("R6", "", "Zara", "Lee", "2012-02-03", "AB4 4AA", "", "not_held;fresh_person", "match", "P7", "0.991"),
    (
        "R7",
        "P6",
        "Ade",
        "Ben",
        "2016-06-06",
        "",
        "",
        "in_register;name_swap;postcode_missing;address_line_missing",
        "no_match",
        "",
        "",
    ),
    ("R8", "P7", "Zo", "Lee", "2012-02-02", "", "4 Ash Road", "in_register;nickname", "review", "P8", "0.5"),
    (
        "R9",
        "P8",
        "Tam",
        "Ward",
        "2012-12-12",
        "AB8 8AA",
        "",
        "in_register;forename_typo",
        "match",
        "P7",
        "0.995",
    ),
    ("R10", "", "Ian", "Ray", "2011-01-01", "AB9 9AA", "", "not_held;fresh_person", "review", "P3", "0.3"),
    (
        "R11",
        "P5",
        "Ola",
        "Ade",
        "2013-03-03",
        "AB3 3AA",
        "",
        "in_register;sex_wrong",
        "review",
        "P5",
        "0.995",
    ),
    ("R12", "P4", "Jack", "Smith", "2014-05-05", "AB2 2AA", "", "in_register", None, None, None),  # no row
    (
        "R13",
        "P3",
        "Jack",
        "Smith",
        "2014-05-05",
        "AB2 2AA",
        "",
        "in_register;register_has_namesake",
        "match",
        "P4",
        "0.999",
    ),
    (
        "R14",
        "P7",
        "Zoe",
        "Lee",
        "2012-02-02",
        "AB7 7AA",
        "",
        "in_register;address_stale",
        "review",
        "P7",
        "0.2",
    ),
    (
        "R15",
        "P2",
        "Aysha",
        "Khan",
        "2015-01-01",
        "AB1 1AA",
        "",
        "in_register;nickname",
        "review",
        "P2",
        "0.6",
    ),
]


def _write(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def score(tmp_path: Path) -> Any:
    _write(
        tmp_path / "register.csv",
        ["pupil_id", "forename", "surname", "dob", "address", "sex"],
        [(*r, "M") for r in REGISTER],
    )
    _write(tmp_path / "truth.csv", ["request_id", "pupil_id"], [(b[0], b[1]) for b in BATCH])
    _write(tmp_path / "perturbations.csv", ["request_id", "kinds"], [(b[0], b[7]) for b in BATCH])
    _write(
        tmp_path / "requests.csv",
        ["request_id", "forename", "middle_names", "surname", "dob", "sex", "postcode", "address"],
        [(b[0], b[2], "", b[3], b[4], "", b[5], b[6]) for b in BATCH],
    )
    matches = [
        {
            "request_id": b[0],
            "pupil_id": b[9],
            "match_probability": b[10],
            "match_weight": "",
            "decision": b[8],
        }
        for b in BATCH
        if b[8] is not None
    ]
    batch = S.read_batch(tmp_path)
    wanted = {m["pupil_id"] for m in matches if m["pupil_id"]} | {p for p in batch.truth.values() if p}
    register = S.read_register_pupils(tmp_path / "register.csv", wanted)
    assert set(register) == wanted and "P6" in register  # a true pupil named by no match is read too
    return S.score_heldout(
        matches, truth=batch.truth, kinds=batch.kinds, requests=batch.requests, register=register
    )


def test_the_headline_figures(score: Any) -> None:
    assert (score.requests, score.held, score.matched, score.correct) == (15, 11, 7, 1)
    assert (score.review, score.review_true, score.no_match, score.missing_rows) == (6, 4, 2, 1)
    assert score.false_match_count == 6
    assert score.precision == pytest.approx(1 / 7)
    assert score.precision_without_doppelgangers == pytest.approx(1 / 5)  # R4 and R13 not made
    assert score.recall == pytest.approx(1 / 11)
    assert score.review_share == pytest.approx(6 / 15)
    assert score.recall_if_reviewed == pytest.approx(5 / 11)
    assert score.review_true_by_probability == {"≥ 0.99": 1, "0.90–0.99": 1, "0.50–0.90": 1, "< 0.50": 1}


def test_each_false_match_has_its_kind(score: Any) -> None:
    assert score.false_by_kind == {"twin or sibling": 2, "doppelganger": 2, "other": 2}
    kinds = {f.request_id: (f.pupil_id, f.true_pupil_id, f.kind) for f in score.false_matches}
    assert kinds == {
        "R2": ("P1", "P2", "twin or sibling"),  # the true pupil's twin: same surname and address
        "R4": ("P4", "", "doppelganger"),  # not held; same forename, surname, dob (case and spaces aside)
        "R5": ("P5", "", "twin or sibling"),  # a brother not held, matched to his sister
        "R6": ("P7", "", "other"),
        "R9": ("P7", "P8", "other"),  # the true pupil has no address: no household to share
        "R13": ("P4", "P3", "doppelganger"),  # held, but matched to a namesake elsewhere
    }
    assert next(f for f in score.false_matches if f.request_id == "R9").probability == pytest.approx(0.995)


def _counts(c: Any) -> tuple[int, ...]:
    return (c.requests, c.match, c.review_true, c.review_other, c.no_match, c.wrong_match)


def test_held_requests_by_kind(score: Any) -> None:
    #                      requests, match, review_true, review_other, no_match, wrong_match
    expected = {
        "all held requests": (11, 1, 4, 1, 2, 3),
        "(no difference)": (3, 1, 0, 0, 1, 1),  # R1, R12, R13 (a namesake is who, not a difference)
        "no postcode, no address": (2, 0, 1, 0, 1, 0),  # R3, R7
        "register_has_namesake": (2, 0, 1, 0, 0, 1),
        "sex_wrong": (2, 0, 1, 0, 0, 1),
        "nickname": (2, 0, 1, 1, 0, 0),
        "address_missing": (1, 0, 1, 0, 0, 0),
        "address_stale": (1, 0, 1, 0, 0, 0),
        "name_swap": (1, 0, 0, 0, 1, 0),
        "postcode_missing": (1, 0, 0, 0, 1, 0),
        "address_line_missing": (1, 0, 0, 0, 1, 0),
        "forename_typo": (1, 0, 0, 0, 0, 1),
    }
    assert {k: _counts(c) for k, c in score.by_kind.items()} == expected
    assert score.by_kind["all held requests"].recall == pytest.approx(1 / 11)
    assert score.by_kind["all held requests"].recall_if_reviewed == pytest.approx(5 / 11)
    assert score.by_kind["no postcode, no address"].recall_if_reviewed == pytest.approx(0.5)


def test_not_held_requests_by_who_they_are(score: Any) -> None:
    got = {k: (c.requests, c.match, c.review, c.no_match) for k, c in score.not_held_by_kind.items()}
    assert got == {
        "all not held": (4, 3, 1, 0),
        "doppelganger": (1, 1, 0, 0),
        "exact_register_namesake": (1, 1, 0, 0),
        "not_held_sibling": (1, 1, 0, 0),
        "fresh_person": (2, 1, 1, 0),
    }


def test_the_json_form_carries_every_figure(score: Any) -> None:
    data = score.as_dict()
    assert data["precision"] == pytest.approx(1 / 7) and data["false_matches"] == 6
    assert data["held_by_kind"]["nickname"]["recall_if_reviewed"] == pytest.approx(0.5)
    assert len(data["false_match_list"]) == 6


def test_a_match_for_an_unknown_request_is_refused() -> None:
    with pytest.raises(ValueError, match="not in the truth"):
        S.score_heldout(
            [{"request_id": "X", "pupil_id": "P1", "match_probability": "1", "decision": "match"}],
            truth={"R1": "P1"},
            kinds={},
            requests={},
            register={},
        )
