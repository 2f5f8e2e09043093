"""A prepared register opened in place: scoring only the rows that share a blocking key with the batch decides
exactly as scoring the whole register does, and one request can be matched at a time."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from sharelog.errors import InputError, ValidationFailed
from sharelog.linkage import MatchingSession, RequestMatcher, Thresholds, link, prepared_model
from sharelog.linkage._candidates import KeyJoin, key_joins

from ..worlds import SMALL, WorldFactory
from ..worlds._register import RegisterWorld

# The decisions table's columns that are sums over a request's candidates: DuckDB adds floating-point numbers in
# whatever order its threads finish, so these may differ in the last bits between two runs of the same path.
SUMMED = {"match_probability", "match_weight", "runner_up_posterior", "gap_bits"}


@pytest.fixture(scope="module")
def small(worlds: WorldFactory) -> RegisterWorld:
    world = worlds.register(SMALL)
    assert world.prepared is not None
    return world


def _scored(
    prepared: Path, batch: Path, *, candidates_only: bool
) -> tuple[list[tuple[Any, ...]], list[dict[str, Any]], int | None]:
    """The scored pairs (sorted), the decisions (by request) and how many register rows were scored."""
    model = prepared_model(prepared)
    assert model is not None
    with MatchingSession() as session:
        session.load_prepared(prepared, candidates_only=candidates_only)
        session.load_requests(batch)
        session.use_model(model)
        session.score()
        session.decide(Thresholds())
        pairs = session.con.sql("SELECT * FROM predictions ORDER BY ALL").fetchall()
        cursor = session.con.execute("SELECT * FROM decisions ORDER BY request_id")
        names = [d[0] for d in cursor.description]
        decisions = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return pairs, decisions, session.candidates


def _assert_same_decisions(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> None:
    assert [d["request_id"] for d in ours] == [d["request_id"] for d in theirs]
    for mine, other in zip(ours, theirs, strict=True):
        for column, value in mine.items():
            if column in SUMMED and value is not None and other[column] is not None:
                assert value == pytest.approx(other[column], rel=1e-9, abs=1e-9), (mine["request_id"], column)
            else:
                assert value == other[column], (mine["request_id"], column)


def test_candidates_decide_as_the_whole_register(small: RegisterWorld) -> None:
    assert small.prepared is not None
    rows = json.loads((small.prepared / "manifest.json").read_text(encoding="utf-8"))["rows"]
    for month, batch in sorted(small.batches.items()):
        pairs, decisions, candidates = _scored(small.prepared, batch, candidates_only=True)
        whole_pairs, whole_decisions, whole = _scored(small.prepared, batch, candidates_only=False)
        assert whole is None
        assert candidates is not None and 0 < candidates < rows, month  # only part of the register was read
        assert pairs == whole_pairs, month  # the same scored pairs, every column
        _assert_same_decisions(decisions, whole_decisions)
        assert {d["decision"] for d in decisions} >= {"match", "no_match"}


def test_link_reports_the_whole_register_not_the_candidates(small: RegisterWorld, tmp_path: Path) -> None:
    assert small.prepared is not None
    stages: list[str] = []
    result = link(
        requests=small.batches[small.review_month],
        prepared=small.prepared,
        out=tmp_path / "m.csv",
        progress=lambda stage, done, total: stages.append(stage),
    )
    rows = json.loads((small.prepared / "manifest.json").read_text(encoding="utf-8"))["rows"]
    assert result.register_rows == rows
    assert [s for s in dict.fromkeys(stages)] == ["requests", "candidates", "scoring", "deciding"]


def test_another_format_asks_to_prepare_again(small: RegisterWorld, tmp_path: Path) -> None:
    assert small.prepared is not None
    old = tmp_path / "old"
    old.mkdir()
    manifest = json.loads((small.prepared / "manifest.json").read_text(encoding="utf-8"))
    (old / "manifest.json").write_text(json.dumps({**manifest, "format": "sharelog-prepared-register/2"}))
    with pytest.raises(InputError, match="another version of sharelog") as raised:
        link(requests=small.requests, prepared=old, out=tmp_path / "m.csv")
    assert "sharelog register prepare" in (raised.value.cli_hint or "")


def _requests(batch: Path) -> list[dict[str, str]]:
    with batch.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _alone(request: dict[str, str], folder: Path) -> Path:
    path = folder / f"{request['request_id']}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(request))
        writer.writeheader()
        writer.writerow(request)
    return path


def test_one_request_at_a_time_decides_as_a_batch_of_one(small: RegisterWorld, tmp_path: Path) -> None:
    """Each request matched by a warm matcher gets the decision the whole register gives it alone: the matcher
    keeps its linker from request to request, and nothing of one request is left for the next."""
    assert small.prepared is not None
    requests = _requests(small.batches[small.review_month])[:12]
    with RequestMatcher(small.prepared) as matcher:
        matched = [matcher.match(request) for request in requests]
    assert {m.decision for m in matched} >= {"match", "no_match"}
    for request, got in zip(requests, matched, strict=True):
        _, decisions, _ = _scored(small.prepared, _alone(request, tmp_path), candidates_only=False)
        (alone,) = decisions
        assert (got.request_id, got.decision, got.reason, got.pupil_id) == (
            alone["request_id"],
            alone["decision"],
            alone["reason"],
            alone["pupil_id"],
        )
        if got.match_probability is not None:
            assert got.match_probability == pytest.approx(alone["match_probability"], rel=1e-9)


def test_a_request_that_breaks_the_schema_is_refused_by_name(small: RegisterWorld) -> None:
    assert small.prepared is not None
    request = {**_requests(small.batches[small.review_month])[0], "dob": "31/02/2011"}
    with RequestMatcher(small.prepared) as matcher:
        with pytest.raises(ValidationFailed) as refused:
            matcher.match(request)
        assert {p.file for p in refused.value.problems} == {"the request"}
        assert {p.field for p in refused.value.problems} == {"dob"}
        assert matcher.match(_requests(small.batches[small.review_month])[0]).decision  # still usable


def test_a_matcher_needs_a_model(small: RegisterWorld, tmp_path: Path) -> None:
    assert small.prepared is not None
    bare = tmp_path / "bare"
    bare.mkdir()
    for path in small.prepared.iterdir():
        if path.name != "model.json":
            (bare / path.name).symlink_to(path)
    with pytest.raises(InputError, match="has no model"):
        RequestMatcher(bare)


def _rules(*sql: str) -> dict[str, Any]:
    return {
        "blocking_rules_to_generate_predictions": [{"blocking_rule": s, "sql_dialect": "duckdb"} for s in sql]
    }


def test_key_joins_take_both_sides_of_a_rule_across_columns() -> None:
    joins = key_joins(_rules('(l."dob_str" = r."dob_str") AND (l."surname_sound" = r."surname_sound")'))
    assert joins == [KeyJoin(("dob_str", "surname_sound"), ("dob_str", "surname_sound"))]
    swapped = key_joins(_rules("l.dob_str = r.dob_str AND l.surname_sound = r.forename_sound"))
    assert swapped == [
        KeyJoin(("dob_str", "forename_sound"), ("dob_str", "surname_sound")),
        KeyJoin(("dob_str", "surname_sound"), ("dob_str", "forename_sound")),
    ]


@pytest.mark.parametrize(
    "rule",
    [
        "l.dob_str = r.dob_str OR l.surname_std = r.surname_std",
        "substr(l.postcode_std, 1, 3) = substr(r.postcode_std, 1, 3)",
        "l.dob_str = r.dob_str AND levenshtein(l.surname_std, r.surname_std) <= 1",
        "l.dob_str = l.dob_str",
        "not sql (",
    ],
)
def test_a_rule_keys_cannot_serve_reads_the_whole_register(rule: str) -> None:
    assert key_joins(_rules("l.dob_str = r.dob_str", rule)) is None


def test_exploded_arrays_read_the_whole_register() -> None:
    settings = {
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": "l.surname_parts = r.surname_parts", "arrays_to_explode": ["surname_parts"]}
        ]
    }
    assert key_joins(settings) is None
