"""Namesakes: how unique a request's name and date of birth are in *this* register decides whether they are enough.

A register is the world's (tests/worlds) plus hand-made pupils: one of 200 children called Mohammed Ahmed, a child
whose name pair is held by nobody else, two records that nothing in a request of name and date of birth can tell
apart, and an Oliver Jones whose sex a request gets wrong. The share of requests about registered pupils is given (0.5):
a batch of a few hand-made requests is too small to estimate it from.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import duckdb
import pytest

from sharelog.linkage import link
from sharelog.linkage._decide import (
    SEX_DISAGREEMENT_MAX_COST,
    Thresholds,
    decide,
    pair_count_estimate,
    weight_floors,
)

from .conftest import World, read_matches, write_requests

COMMON_PAIR = ("Mohammed", "Ahmed")
NAMESAKES = 200  # pupils holding the common pair, one of them born on NAMESAKE_DOB
NAMESAKE_DOB = dt.date(2010, 4, 12)

# (pupil_id, forename, middle, surname, dob, sex, postcode)
EXTRA_PUPILS = [
    ("T-OTTOLINE", "Ottoline", "", "Quarrington", "2011-10-02", "F", "YO1 7HH"),
    ("T-KEZIAH-1", "Keziah", "", "Ablewhite", "2012-02-02", "F", "SW9 8QA"),
    ("T-KEZIAH-2", "Keziah", "", "Ablewhite", "2012-02-02", "F", "CF10 1AA"),
    ("T-OLIVER", "Oliver", "", "Jones", "2012-01-25", "M", "EX4 4QF"),
]

# (request_id, forename, middle, surname, dob, sex, postcode) → (expected decision, expected pupil)
CASES = {
    # a child not in the register who shares name and birthday with one of 200 Mohammed Ahmeds: nothing but the
    # register's own count of the pair says how likely such a namesake is
    "common-pair-namesake": (
        ("Mohammed", "", "Ahmed", NAMESAKE_DOB.isoformat(), "M", ""),
        "review",
        "T-MA-000",
    ),
    "rare-pair": (("Ottoline", "", "Quarrington", "2011-10-02", "F", ""), "match", "T-OTTOLINE"),
    "indistinguishable": (("Keziah", "", "Ablewhite", "2012-02-02", "F", ""), "review", None),
    # a common forename and surname, no postcode, and the sex recorded wrongly: the same forename says it is the
    # sex that is wrong, not the child
    "sex-miscoded": (("Oliver", "", "Jones", "2012-01-25", "F", ""), "match", "T-OLIVER"),
}


def _namesakes() -> list[tuple[str, ...]]:
    """200 Mohammed Ahmeds, born a week apart around NAMESAKE_DOB (the first on it), at different addresses."""
    rows = []
    for index in range(NAMESAKES):
        born = NAMESAKE_DOB + dt.timedelta(days=7 * index)
        rows.append(
            (
                f"T-MA-{index:03d}",
                *COMMON_PAIR[:1],
                "",
                COMMON_PAIR[1],
                born.isoformat(),
                "M",
                f"M{index % 40 + 1} 1AA",
            )
        )
    return rows


@pytest.fixture(scope="module")
def register(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("namesakes") / "register.csv"
    with world.register.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
        handle.seek(0)
        text = handle.read()
    with target.open("w", encoding="utf-8", newline="") as out:
        out.write(text)
        writer = csv.writer(out)
        for pupil in [*EXTRA_PUPILS, *_namesakes()]:
            row = dict(
                zip(
                    ("pupil_id", "forename", "middle_names", "surname", "dob", "sex", "postcode"),
                    pupil,
                    strict=True,
                )
            )
            writer.writerow([row.get(column, "") for column in header])
    return target


@pytest.fixture(scope="module")
def decisions(
    world: World, register: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, str]]:
    folder = tmp_path_factory.mktemp("namesake-requests")
    batch = write_requests(folder / "batch.csv", [(case, *row) for case, (row, _, _) in CASES.items()])
    out = folder / "matches.csv"
    link(
        requests=batch,
        register=register,
        model=world.model,
        out=out,
        thresholds=Thresholds(share_in_register=0.5),
    )
    return read_matches(out)


# decide()'s arguments for hand-made tables ``predictions`` and ``requests``: an even prior, a register of 1,000
HAND_MADE = {
    "predictions": "predictions",
    "requests": "requests",
    "prior_weight": 0.0,
    "register_size": 1000,
    "thresholds": Thresholds(share_in_register=0.5),
    "households": False,
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_namesake_case_gets_the_right_decision(decisions: dict[str, dict[str, str]], case: str) -> None:
    _, expected_decision, expected_pupil = CASES[case]
    row = decisions[case]
    assert row["decision"] == expected_decision, row
    if expected_pupil is not None:
        assert row["pupil_id"] == expected_pupil, row


def test_the_pair_count_estimate_moves_from_independence_to_the_register_count() -> None:
    assert pair_count_estimate(1, 0.01) == pytest.approx(0.01, rel=0.02)  # held once: independence stands
    assert pair_count_estimate(200, 2.0) == pytest.approx((1 + 199) / (1 / 2.0 + 1))  # held often: the count
    assert pair_count_estimate(200, 2.0) > 100


def _settings(else_m: float, else_u: float, similar_m: float) -> dict[str, object]:
    return {
        "comparisons": [
            {
                "output_column_name": "middle_name",
                "comparison_levels": [
                    {"is_null_level": True, "sql_condition": "middle1_l IS NULL"},
                    {"sql_condition": "exact", "m_probability": 0.9, "u_probability": 0.01},
                    {"sql_condition": "similar", "m_probability": similar_m, "u_probability": 0.001},
                    {"sql_condition": "ELSE", "m_probability": else_m, "u_probability": else_u},
                ],
            }
        ]
    }


def test_no_level_counts_against_a_pair_more_than_disagreement() -> None:
    floors = weight_floors(_settings(else_m=0.05, else_u=0.95, similar_m=1e-12))
    assert floors == {"middle_name": pytest.approx(math.log2(0.05 / 0.95))}
    con = duckdb.connect()
    con.execute("CREATE TABLE requests AS SELECT 'r1' AS unique_id")
    # one candidate whose middle name is 'similar' with a weight of -33 bits; everything else +40 bits
    con.execute(
        "CREATE TABLE predictions AS SELECT 'requests' AS source_dataset_l, 'register' AS source_dataset_r, "
        "'r1' AS unique_id_l, 'p1' AS unique_id_r, 40.0 - 33.0 AS match_weight, 40.0 AS mw_forename, "
        "-33.0 AS mw_middle_name, 0.0 AS mw_surname, 0.0 AS mw_dob"
    )
    plain = decide(con, **HAND_MADE, target="plain")
    floored = decide(con, **HAND_MADE, floors=floors, target="floored")
    assert plain.table != floored.table
    weight = {t: con.sql(f"SELECT match_weight FROM {t}").fetchall()[0][0] for t in ("plain", "floored")}
    assert weight["floored"] - weight["plain"] > 25  # the -33 became about -4.2
    assert con.sql("SELECT decision FROM floored").fetchall()[0][0] == "match"
    assert con.sql("SELECT decision FROM plain").fetchall()[0][0] == "no_match"


def _decided_odds(weights: str, rows: str, columns: str) -> dict[str, float]:
    """Decide hand-made pairs, one request each (``rows``: request id, pupil id, then ``columns``; ``weights``: the
    match weight and each comparison's, as SQL over them): each request's posterior odds for its candidate."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE predictions AS SELECT 'requests' AS source_dataset_l, 'register' AS source_dataset_r, "
        f"unique_id_l, unique_id_r, {weights} FROM (VALUES {rows}) AS t(unique_id_l, unique_id_r, {columns})"
    )
    con.execute("CREATE TABLE requests AS SELECT unique_id_l AS unique_id FROM predictions")
    decide(con, **HAND_MADE)
    weights_by_request = dict(con.sql("SELECT request_id, match_weight FROM decisions").fetchall())
    return {request: 2.0**weight for request, weight in weights_by_request.items()}


def test_a_sex_that_differs_costs_little_only_with_the_same_forename() -> None:
    # r1's candidate has the same forename (its exact level: a term-frequency adjustment), r2's a similar one
    odds = _decided_odds(
        "30.0 AS match_weight, -6.0 AS mw_sex, 5.0 AS mw_forename, tf_adj AS mw_tf_adj_forename, 0.0 AS mw_surname, "
        "0.0 AS mw_dob",
        "('r1', 'p1', -1.5), ('r2', 'p2', 0.0)",
        "tf_adj",
    )
    # same forename: the -6 bits of a differing sex count as -SEX_DISAGREEMENT_MAX_COST; a similar one: all -6
    assert math.log2(odds["r1"] / odds["r2"]) == pytest.approx(6.0 - SEX_DISAGREEMENT_MAX_COST, abs=0.01)


@pytest.mark.parametrize(("pupils", "expected"), [(1, 5.0), (40, 2.0)])
def test_an_exact_name_pair_counts_as_the_register_holds_it(pupils: int, expected: float) -> None:
    """Rarer than independence says (two origins): more evidence; commoner (one origin): less."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE requests AS SELECT 'r1' AS unique_id, 'AMIR' AS forename1, 'SMITH' AS surname_std"
    )
    con.execute(
        "CREATE TABLE register AS SELECT 'p1' AS unique_id, 'AMIR' AS forename1, 'SMITH' AS surname_std"
    )
    con.execute(
        f"CREATE TABLE name_pairs AS SELECT 'AMIR' AS forename1, 'SMITH' AS surname_std, {pupils} AS pupils, "
        f"{expected} AS expected"
    )
    con.execute(
        "CREATE TABLE predictions AS SELECT 'requests' AS source_dataset_l, 'register' AS source_dataset_r, "
        "'r1' AS unique_id_l, 'p1' AS unique_id_r, 20.0 AS match_weight, 0.0 AS mw_forename, "
        "0.0 AS mw_surname, 0.0 AS mw_dob, 1.0 AS mw_tf_adj_forename, -2.0 AS mw_tf_adj_surname"
    )
    decide(con, **HAND_MADE, target="plain")
    decide(con, **HAND_MADE, name_pairs="name_pairs", target="counted")
    weight = {t: con.sql(f"SELECT match_weight FROM {t}").fetchall()[0][0] for t in ("plain", "counted")}
    odds_bits = math.log2(2.0 ** weight["counted"]) - math.log2(2.0 ** weight["plain"])
    # the posterior's odds move by the Bayes factor's change (small posterior: odds ≈ Bayes factor × prior)
    assert odds_bits == pytest.approx(math.log2(expected / pair_count_estimate(pupils, expected)), abs=0.05)


def test_a_move_counts_against_a_pair_once() -> None:
    """Another postcode and another address are one move: only the stronger disagreement counts; one of them
    agreeing (moved within the town) keeps both weights."""
    odds = _decided_odds(
        "30.0 + postcode + address AS match_weight, postcode AS mw_postcode, address AS mw_address, "
        "0.0 AS mw_forename, 0.0 AS mw_surname, 0.0 AS mw_dob",
        "('r1', 'p1', -4.0, -5.5), ('r2', 'p2', 0.0, 0.0), ('r3', 'p3', -4.0, 3.0)",
        "postcode, address",
    )
    assert math.log2(odds["r2"] / odds["r1"]) == pytest.approx(5.5, abs=0.01)  # not 9.5
    assert math.log2(odds["r2"] / odds["r3"]) == pytest.approx(1.0, abs=0.01)  # -4 + 3: both count
