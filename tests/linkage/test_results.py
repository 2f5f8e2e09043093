"""What a matching session hands out once it has decided — decisions, the rows of a return file, the review band,
rows of a prepared register — and the scorer it is given doing the scoring."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sharelog.errors import InputError
from sharelog.linkage import (
    DuckDBScorer,
    MatchingSession,
    RequestDecision,
    ScoringFiles,
    ScoringJob,
    Thresholds,
    link,
    prepare_register,
    prepared_model,
    register_rows,
)

from .conftest import World, read_matches, write_requests

# in the request file's order, which is not the order of the ids
BATCH = [
    ("r3-twin-ambiguous", "C", "", "Okonkwo", "2012-06-15", "M", "B12 9QX"),
    ("r1-exact", "Amira", "", "Haddad", "2011-03-04", "F", "M14 5RT"),
    ("r4-stranger", "Ingrid", "", "Thorvaldsen", "2007-12-01", "F", "TR1 1AA"),
    ("r2-nickname", "Bill", "", "Harrington", "2010-05-23", "M", "LS8 2AB"),
]


@pytest.fixture(scope="module")
def prepared(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results") / "prepared"
    prepare_register(register=world.register, out_dir=out, model=world.model)
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_requests(tmp_path_factory.mktemp("results-batch") / "batch.csv", BATCH)


def _session(prepared: Path, batch: Path, **options: object) -> MatchingSession:
    session = MatchingSession(threads=2, **options)  # type: ignore[arg-type]
    session.load_prepared(prepared)
    session.load_requests(batch)
    model = prepared_model(prepared)
    assert model is not None
    session.use_model(model)
    return session


@pytest.fixture(scope="module")
def decided(prepared: Path, batch: Path) -> Iterator[MatchingSession]:
    with _session(prepared, batch) as session:
        session.score()
        session.decide(Thresholds())
        yield session


def test_decisions_are_one_per_request_in_the_order_of_their_ids(decided: MatchingSession) -> None:
    decisions = decided.decisions()
    assert [d.request_id for d in decisions] == sorted(row[0] for row in BATCH)
    by_id = {d.request_id: d for d in decisions}
    assert by_id["r1-exact"].decision == "match" and by_id["r3-twin-ambiguous"].decision == "review"
    assert by_id["r4-stranger"] == RequestDecision("r4-stranger", "no_match", None)  # no candidate at all
    assert decided.decision_counts() == {"match": 2, "review": 1, "no_match": 1}


def test_the_returned_rows_are_the_matches_in_file_order_with_the_fields_asked_for(
    decided: MatchingSession,
) -> None:
    returned = decided.returned_rows(["surname", "postcode"])
    assert returned.column_names == ["request_id", "pupil_id", "match_probability", "surname", "postcode"]
    rows = returned.to_pylist()
    assert [row["request_id"] for row in rows] == ["r1-exact", "r2-nickname"]  # the file's order
    assert [row["pupil_id"] for row in rows] == ["T-AMIRA", "T-WILLIAM"]
    assert [row["surname"] for row in rows] == [
        "Haddad",
        "Harrington",
    ]  # the register's values, not the batch's
    assert all(row["match_probability"] == round(row["match_probability"], 6) for row in rows)


def test_a_field_the_register_has_not_is_refused_never_dropped(decided: MatchingSession) -> None:
    # which fields to return is the exchange's decision (it names those the register lacks): none goes silently
    with pytest.raises(InputError, match="no column 'no_such_field'") as refused:
        decided.returned_rows(["surname", "no_such_field", "postcode"])
    assert refused.value.field == "no_such_field"


def test_the_review_rows_carry_the_requests_details_it_has(decided: MatchingSession) -> None:
    [row] = decided.review_rows(["forename", "surname", "address"])  # the batch has no address column
    assert (row.request_id, row.reason) == ("r3-twin-ambiguous", "runner-up too close")
    assert row.pupil_id in {"T-CHIDI", "T-CHINEDU"} and 0 < row.match_probability < 1
    assert row.details == {"forename": "C", "surname": "Okonkwo"}


def test_results_need_decisions_first(prepared: Path, batch: Path) -> None:
    with _session(prepared, batch) as session:
        with pytest.raises(InputError, match="decide first"):
            session.decisions()
        session.score()
        with pytest.raises(InputError, match="decide first"):
            session.returned_rows(["surname"])


def test_register_rows_are_the_register_as_given(prepared: Path, tmp_path: Path) -> None:
    rows = register_rows(prepared, ["T-AMIRA", "T-CHIDI", "T-NOBODY"])
    assert set(rows) == {"T-AMIRA", "T-CHIDI"}
    assert rows["T-CHIDI"]["middle_names"] == "Emeka" and rows["T-AMIRA"]["pupil_id"] == "T-AMIRA"
    assert register_rows(prepared, ["T-AMIRA"], ["surname"]) == {
        "T-AMIRA": {"pupil_id": "T-AMIRA", "surname": "Haddad"}
    }
    with pytest.raises(InputError, match="no prepared register"):
        register_rows(tmp_path, ["T-AMIRA"])


class _ThroughParquet:
    """A scorer that works as one elsewhere would: on the job's Parquet files, handing back Parquet files."""

    name = "through-parquet"

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.files: ScoringFiles | None = None

    def __call__(self, job: ScoringJob) -> None:
        self.files = job.parquet_files(self.scratch)
        predictions = job.linker().inference.predict(threshold_match_weight=job.floor)
        out = self.scratch / "predictions"
        out.mkdir()
        frame = predictions.as_pandas_dataframe()
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), out / "part-0.parquet")
        predictions.drop_table_from_database_and_remove_from_cache()
        job.take_predictions_from_parquet(out)


def test_the_session_scores_with_the_scorer_it_was_given(
    decided: MatchingSession, prepared: Path, batch: Path, tmp_path: Path
) -> None:
    scorer = _ThroughParquet(tmp_path)
    with _session(prepared, batch, scorer=scorer) as session:
        assert session.score() == "predictions"
        session.decide(Thresholds())
        assert [(d.request_id, d.decision) for d in session.decisions()] == [
            (d.request_id, d.decision) for d in decided.decisions()
        ]
    assert scorer.files is not None
    files = [scorer.files.register, scorer.files.requests, *scorer.files.term_frequencies.values()]
    assert all(path.parent == tmp_path and path.is_file() for path in files)
    # the register side is the batch's candidates, not the whole register; term frequencies are the register's
    pupils = json.loads((prepared / "manifest.json").read_text(encoding="utf-8"))["rows"]
    assert 0 < pq.read_metadata(scorer.files.register).num_rows < pupils / 100
    forenames = pq.read_table(scorer.files.term_frequencies["forename1"])
    assert forenames.num_rows > pq.read_metadata(scorer.files.register).num_rows


def test_link_says_which_scorer_scored(world: World, batch: Path, tmp_path: Path) -> None:
    result = link(requests=batch, register=world.register, model=world.model, out=tmp_path / "m.csv")
    assert result.backend == DuckDBScorer.name == "duckdb"
    assert read_matches(tmp_path / "m.csv")["r1-exact"]["decision"] == "match"
