"""A matching session: one DuckDB connection holding a register, a request batch, a model and the decisions.

The CLI's ``link``, ``model train``, ``register prepare`` and ``link explain`` and the exchange all work through
a session, so the steps — read, standardise, train or load a model, score pairs, decide — are written once.
Pairs are scored by the :class:`~sharelog.linkage._scoring.Scorer` the session is given: DuckDB in the session by
default, or Spark (:class:`sharelog.linkage.spark.SparkScorer`) with the results brought back. The session runs
every query on its tables; other packages get results (:mod:`sharelog.linkage._results`), never the tables.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa
from splink import Linker

from sharelog.errors import InputError, Problem, ValidationFailed
from sharelog.linkage._candidates import RID, candidate_rows_sql, key_joins, key_table_name
from sharelog.linkage._decide import Decisions, Thresholds, decide, name_pair_table_sql, weight_floors
from sharelog.linkage._evidence import ComparisonEvidence, EvidenceReader
from sharelog.linkage._inputs import ROW, InputFile, InputLimits, read_input
from sharelog.linkage._model import EM_MAX_PAIRS, LinkageModel, new_settings, train_model
from sharelog.linkage._relatives import RelativeProfile, household_profile
from sharelog.linkage._results import (
    RequestDecision,
    ReviewRow,
    columns_sql,
    decision_counts_sql,
    decisions_sql,
    matches_sql,
    returned_rows_sql,
    review_pairs_sql,
    review_rows_sql,
)
from sharelog.linkage._scoring import (
    PREDICTIONS,
    TF_COLUMNS,
    DuckDBScorer,
    KeptLinker,
    PreparedParquet,
    Scorer,
    ScoringJob,
    duckdb_linker,
)
from sharelog.linkage._standardise import standardise_table

__all__ = ["MatchingSession", "Progress", "RegisterInfo"]

Progress = Callable[[str, int, int], None]
PREPARED_FORMAT = "sharelog-prepared-register/3"
"""Format 3 holds the linkage columns, their key tables and the term frequencies in one DuckDB file opened in
place (``register.duckdb``); format 2 held them as Parquet files loaded whole on every run."""
_FORMAT_FAMILY = "sharelog-prepared-register/"
PREPARED_DATABASE = "register.duckdb"
PARQUET_STORAGE = "parquet"
"""A prepared register written on Spark (``"storage": "parquet"`` in its manifest): each table a folder of Parquet
files (listed under ``"tables"``), read in place through views; the key tables point to rows by ``unique_id``."""
RAW_TABLE = "raw"
"""The register as given, in pupil-id order, in the prepared register's database."""
IN_PLACE = "prepared_register"
"""What a session calls the prepared register's database, attached read-only."""
LINKAGE_TABLE = "linkage"
"""The prepared register's standardised table (the linkage columns and :data:`RID`), in its database."""
KEY_LIST_LIMIT = 1000
CANDIDATES = "register_candidates"
"""The session's table of the register rows that share a blocking key with some request of the batch."""
NAME_PAIRS = "name_pairs"
"""The register's (forename, surname) pair counts (:func:`sharelog.linkage._decide.name_pair_table_sql`): a table
of the session, or of the prepared register's database."""
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegisterInfo:
    """The register a session holds: how many pupils and where it came from."""

    rows: int
    source: str
    checksum: str
    prepared_dir: Path | None = None


def tf_table_sql(source: str, column: str) -> str:
    """A term-frequency lookup in Splink's shape (``column``, ``tf_column``), from the register alone."""
    return f"""
    SELECT {column}, count(*)::DOUBLE / (SELECT count({column}) FROM {source}) AS tf_{column}
    FROM {source} WHERE {column} IS NOT NULL GROUP BY {column}
    """


class MatchingSession:
    """Holds the tables of one matching run. Use as a context manager; the connection closes at the end.

    Args:
        memory_limit: DuckDB's memory ceiling (e.g. ``"3GB"``): large registers spill to disk instead.
        threads: DuckDB worker threads (default: all cores).
        scorer: what scores the candidate pairs (default: :class:`~sharelog.linkage._scoring.DuckDBScorer`, in
            this session's connection; :class:`sharelog.linkage.spark.SparkScorer` scores them on Spark).
        keep_linker: keep the Splink linker from one scoring to the next (a session that scores one request
            after another: building a linker costs more than scoring one request).
    """

    def __init__(
        self,
        *,
        memory_limit: str = "3GB",
        threads: int | None = None,
        scorer: Scorer | None = None,
        keep_linker: bool = False,
    ) -> None:
        self._spill = tempfile.TemporaryDirectory(prefix="sharelog-duckdb-")
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": memory_limit,
            "temp_directory": self._spill.name,
        }
        if threads:
            config["threads"] = str(threads)
        self.con = duckdb.connect(config=config)
        self.scorer: Scorer = scorer if scorer is not None else DuckDBScorer()
        self.register_info: RegisterInfo | None = None
        self.requests: InputFile | None = None
        self.model: LinkageModel | None = None
        self._decided: Decisions | None = None
        self._predictions: str | None = None
        self._relatives: RelativeProfile | None = None
        self.candidates: int | None = None
        """How many register rows the last scoring handed Splink (``None``: the whole register)."""
        self._candidates_only = False
        self._prepared_tables: set[str] = set()
        self._parquet: Path | None = None
        """The folder of a prepared register kept as Parquet (:data:`PARQUET_STORAGE`), when one is loaded."""
        self._linkers: dict[str, KeptLinker] | None = {} if keep_linker else None

    def __enter__(self) -> MatchingSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection and remove DuckDB's spill files."""
        self.con.close()
        self._spill.cleanup()

    # --- inputs -------------------------------------------------------------------------------------------

    def load_register(self, path: Path, *, progress: Progress | None = None) -> RegisterInfo:
        """Read, validate and standardise a register file (CSV or Parquet)."""
        report_progress(progress, "register", 0, 2)
        info = read_input(self.con, path, kind="register", table="register_raw")
        report_progress(progress, "register", 1, 2)
        standardise_table(self.con, source="register_raw", id_column="pupil_id", target="register_std")
        for column in TF_COLUMNS:
            self.con.execute(f"CREATE OR REPLACE TABLE tf_{column} AS {tf_table_sql('register_std', column)}")
        self._count_name_pairs()
        self._parquet = None
        report_progress(progress, "register", 2, 2)
        self.register_info = RegisterInfo(rows=info.rows, source=str(path), checksum=info.checksum)
        return self.register_info

    def load_prepared(
        self, directory: Path, *, name: str | None = None, candidates_only: bool = True
    ) -> RegisterInfo:
        """Open a register prepared by :func:`sharelog.linkage.prepare_register` in place: nothing is read yet.

        Its database is attached read-only; ``register_std`` is a view of the whole standardised register (for
        training and relatives), and scoring reads only the rows that share a blocking key with the batch (see
        :mod:`sharelog.linkage._candidates`).

        ``name``: what messages call the folder (default: its path; a service whose caller did not name the
        folder passes a name, so that no message shows where the server keeps it). ``candidates_only=False``:
        score against the whole register (slower, the same decisions: what the tests compare with).
        """
        manifest = _read_manifest(directory, name or str(directory))
        self._candidates_only = candidates_only
        attach_prepared(self.con, directory, manifest)
        self._parquet = directory if manifest.get("storage") == PARQUET_STORAGE else None
        self.con.execute(
            f"CREATE OR REPLACE VIEW register_std AS SELECT * EXCLUDE ({RID}) FROM {IN_PLACE}.{LINKAGE_TABLE}"
        )
        self.con.execute(f"CREATE OR REPLACE VIEW register_raw AS FROM {IN_PLACE}.{RAW_TABLE}")
        for column in TF_COLUMNS:
            self.con.execute(f"CREATE OR REPLACE VIEW tf_{column} AS FROM {IN_PLACE}.tf_{column}")
        self._prepared_tables = {
            str(row[0])
            for row in self.con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = $1 "
                "UNION SELECT view_name FROM duckdb_views() WHERE database_name = $1",
                [IN_PLACE],
            ).fetchall()
        }
        self._count_name_pairs(in_place=True)
        self.register_info = RegisterInfo(
            rows=int(manifest["rows"]),
            source=str(manifest["register_file"]),
            checksum=str(manifest["register_checksum"]),
            prepared_dir=directory,
        )
        return self.register_info

    def _count_name_pairs(self, *, in_place: bool = False) -> None:
        """The name-pair table: the prepared register's (``in_place``, a view: a batch looks up only its own
        candidates' pairs), else counted from ``register_std``."""
        for kind in ("VIEW", "TABLE"):  # whichever a register loaded before left
            try:
                self.con.execute(f"DROP {kind} IF EXISTS {NAME_PAIRS}")
            except duckdb.CatalogException:
                pass
        if in_place and NAME_PAIRS in self._prepared_tables:
            self.con.execute(f"CREATE VIEW {NAME_PAIRS} AS FROM {IN_PLACE}.{NAME_PAIRS}")
        else:
            self.con.execute(f"CREATE TABLE {NAME_PAIRS} AS {name_pair_table_sql('register_std')}")

    def load_requests(self, path: Path, *, limits: InputLimits | None = None) -> InputFile:
        """Read, validate and standardise a request batch (no bigger than ``limits``, when given)."""
        self.requests = read_input(self.con, path, kind="requests", table="requests_raw", limits=limits)
        standardise_table(self.con, source="requests_raw", id_column="request_id", target="requests_std")
        return self.requests

    def requests_not_matching(self, pattern: str) -> list[int]:
        """The rows of the batch whose ``request_id`` does not match ``pattern`` whole (RE2 syntax: linear time,
        whatever the id), in order.

        Raises:
            InputError: ``pattern`` is not a regular expression RE2 reads.
        """
        if self.requests is None:
            raise InputError("load the request batch first")
        try:
            rows = self.con.execute(
                f"SELECT {ROW} FROM requests_raw WHERE NOT regexp_full_match(request_id, ?) ORDER BY 1",
                [pattern],
            ).fetchall()
        except duckdb.Error:
            raise InputError("request_id_pattern is not a regular expression sharelog can use") from None
        return [int(row[0]) for row in rows]

    # --- model --------------------------------------------------------------------------------------------

    def use_model(self, model: LinkageModel) -> None:
        """Score with an already-trained model."""
        self.model = model

    def _linker(self, settings: Any, *, retain_matching_columns: bool = False) -> Linker:
        if isinstance(settings, dict):
            settings = {**settings, "retain_matching_columns": retain_matching_columns}
        return duckdb_linker(self.con, settings)

    def train(
        self, *, progress: Progress | None = None, em_max_pairs: int | None = EM_MAX_PAIRS
    ) -> LinkageModel:
        """Train a model, without labels, on the session's register and request batch (each EM session on at most
        about ``em_max_pairs`` pairs; ``None``: on every pair, however long it takes)."""
        self._require_inputs()
        assert self.register_info is not None and self.requests is not None
        linker = self._linker(new_settings())
        settings = train_model(
            linker,
            progress=progress,
            con=self.con,
            em_max_pairs=em_max_pairs,
            requests_name=str(self.requests.path),
        )
        self.model = LinkageModel.trained(
            settings,
            trained_on={
                "register_rows": self.register_info.rows,
                "register_checksum": self.register_info.checksum,
                "requests_rows": self.requests.rows,
                "requests_checksum": self.requests.checksum,
            },
        )
        return self.model

    # --- scoring and deciding -----------------------------------------------------------------------------

    def score(self, *, retain_matching_columns: bool = False, progress: Progress | None = None) -> str:
        """Score every candidate pair with the model, by the session's scorer; return the predictions table's name.

        Args:
            retain_matching_columns: keep each compared column (``<column>_l``, ``<column>_r``) in the output.
            progress: called as ``progress(stage, done, total)`` for ``candidates`` and ``scoring``.
        """
        self._require_inputs()
        if self.model is None:
            raise InputError("no linkage model: train one or give one", cli_hint="give --model FILE")
        assert self.register_info is not None
        report_progress(progress, "candidates", 0, 1)
        prepared = self._prepared_parquet()
        register = "register_std" if prepared is not None else self._register_to_score()
        report_progress(progress, "candidates", 1, 1)
        report_progress(progress, "scoring", 0, 1)
        job = ScoringJob(
            self.con,
            settings={**self.model.settings, "retain_matching_columns": retain_matching_columns},
            floor=self.score_floor(),
            register=register,
            kept=self._linkers,
            kept_as=f"{self.model.checksum}:{retain_matching_columns}:{register}",
            prepared=prepared,
        )
        self.scorer(job)
        if prepared is not None:
            self.candidates = job.candidates
        report_progress(progress, "scoring", 1, 1)
        self._predictions = PREDICTIONS
        return self._predictions

    def _prepared_parquet(self) -> PreparedParquet | None:
        """A Parquet prepared register's tables, for a scorer that finds the batch's candidates in them itself
        (Spark: the register is never read here); ``None`` when the session selects them, as for every other
        register."""
        assert self.model is not None
        if self._parquet is None or not self._candidates_only or not self.scorer.reads_prepared_parquet:
            return None
        joins = key_joins(self.model.settings)
        if joins is None:
            return None
        folder = self._parquet
        return PreparedParquet(
            linkage=folder / LINKAGE_TABLE,
            key_tables={
                join.register_columns: folder / key_table_name(join.register_columns)
                for join in joins
                if key_table_name(join.register_columns) in self._prepared_tables
            },
            joins=tuple(joins),
            term_frequencies={column: folder / f"tf_{column}" for column in TF_COLUMNS},
        )

    def _register_to_score(self) -> str:
        """The table Splink gets as the register: a prepared register's candidates for this batch (the rows that
        share a blocking key with some request), else the whole register."""
        assert self.model is not None and self.register_info is not None
        self.candidates = None
        if self.register_info.prepared_dir is None or not self._candidates_only:
            return "register_std"
        joins = key_joins(self.model.settings)
        if joins is None:
            log.info("a blocking rule is not a conjunction of equalities: scoring against the whole register")
            return "register_std"
        key_tables = {
            join.register_columns: f"{IN_PLACE}.{key_table_name(join.register_columns)}"
            for join in joins
            if key_table_name(join.register_columns) in self._prepared_tables
        }
        linkage = f"{IN_PLACE}.{LINKAGE_TABLE}"
        rows = candidate_rows_sql(
            linkage=linkage, requests="requests_std", joins=joins, key_tables=key_tables
        )
        # A batch of up to KEY_LIST_LIMIT distinct keys is pushed into the scan of each sorted key table as a list
        # of keys, not as their range, so only the blocks holding them are read (DuckDB's default is 50).
        self.con.execute(f"SET dynamic_or_filter_threshold = {KEY_LIST_LIMIT}")
        try:
            self.con.execute(
                f"CREATE OR REPLACE TABLE {CANDIDATES} AS SELECT * EXCLUDE ({RID}) FROM {linkage} "
                f"WHERE {RID} IN ({rows}) ORDER BY {RID}"
            )
        finally:
            self.con.execute("RESET dynamic_or_filter_threshold")
        self.candidates = int(self.con.execute(f"SELECT count(*) FROM {CANDIDATES}").fetchall()[0][0])
        return CANDIDATES

    def score_floor(self) -> float:
        """The match weight below which scored pairs are dropped (both backends): 32 times less likely than the
        prior, far below any decision band."""
        return self.prior_weight() - 5

    def prior_weight(self) -> float:
        """The model's prior match weight, log2(λ/(1−λ)), which decisions take off to leave Bayes factors."""
        assert self.model is not None
        lam = float(self.model.settings["probability_two_random_records_match"])
        return math.log2(lam / (1 - lam))

    def relative_profile(self) -> RelativeProfile:
        """How relatives compare in this register: from the prepared register, or counted now (and kept)."""
        if self._relatives is None:
            assert self.model is not None and self.register_info is not None
            prepared = self.register_info.prepared_dir
            if prepared is not None and (prepared / "relatives.json").is_file():
                self._relatives = RelativeProfile.load(prepared / "relatives.json")
            else:
                self._relatives = household_profile(
                    self.con, register="register_std", settings=self.model.settings
                )
        return self._relatives

    def decide(self, thresholds: Thresholds) -> Decisions:
        """One decision per request (see :mod:`sharelog.linkage._decide`)."""
        assert self._predictions is not None and self.register_info is not None and self.model is not None
        self._decided = decide(
            self.con,
            predictions=self._predictions,
            requests="requests_std",
            prior_weight=self.prior_weight(),
            register_size=self.register_info.rows,
            thresholds=thresholds,
            households=self.relative_profile().active,
            floors=weight_floors(self.model.settings),
            name_pairs=NAME_PAIRS,
        )
        return self._decided

    # --- results, once decided: what other packages receive instead of the tables --------------------------

    def matches(self) -> pa.Table:
        """The matches table in the order of the request file: one row per request."""
        self._require_decisions()
        return self.con.sql(matches_sql()).arrow().read_all()

    def decisions(self) -> list[RequestDecision]:
        """Every request's decision and its best candidate's probability, by request id."""
        self._require_decisions()
        return [RequestDecision(*row) for row in self.con.sql(decisions_sql()).fetchall()]

    def decision_counts(self, by: Literal["decision", "reason"] = "decision") -> dict[str, int]:
        """How many requests got each decision (``by="reason"``: each reason for one)."""
        self._require_decisions()
        return {str(value): int(count) for value, count in self.con.sql(decision_counts_sql(by)).fetchall()}

    def register_columns(self) -> tuple[str, ...]:
        """The columns of the register as given (its extra columns included), in the register's order."""
        if self.register_info is None:
            raise InputError("load a register first")
        names = (str(row[0]) for row in self.con.sql(columns_sql("register_raw")).fetchall())
        return tuple(name for name in names if name != ROW)

    def returned_rows(self, fields: Sequence[str]) -> pa.Table:
        """The matches as a return file holds them, in the order of the request file: ``request_id``,
        ``pupil_id``, ``match_probability`` (rounded to six places), then ``fields``, in that order.

        Raises:
            InputError: the register has no column of one of ``fields`` (which fields to return is the
                caller's decision: none is dropped here without a word).
        """
        self._require_decisions()
        held = self.register_columns()
        missing = [f for f in fields if f not in held]
        if missing:
            raise InputError(f"the register has no column {missing[0]!r} to return", field=missing[0])
        return self.con.sql(returned_rows_sql(fields)).arrow().read_all()

    def review_rows(self, fields: Sequence[str]) -> list[ReviewRow]:
        """The review band in the order of the request file, each with those of the request's ``fields`` the
        batch has (for a reviewer to compare with the candidate), its runner-up, and the evidence of each
        comparison for both (as ``sharelog link explain`` gives it)."""
        self._require_decisions()
        available = self._columns("requests_raw")
        details = [f for f in fields if f in available]
        rows = self.con.sql(review_rows_sql(details)).fetchall()
        pairs = self._review_pairs() if rows else {}
        assert self.model is not None
        reader = EvidenceReader(self.model.settings) if rows else None
        return [
            ReviewRow(
                request_id=row[0],
                pupil_id=row[1],
                match_probability=row[2],
                reason=row[3],
                runner_up_id=row[4],
                runner_up_probability=row[5],
                gap_bits=row[6],
                details=dict(zip(details, row[7:], strict=True)),
                evidence=_evidence(reader, pairs.get(row[0], {}), best=row[1], runner_up=row[4]),
            )
            for row in rows
        ]

    def _review_pairs(self) -> dict[str, dict[str, dict[str, Any]]]:
        """request → pupil → the scored pair, for each request of the review band and its two best candidates."""
        assert self._predictions is not None
        cursor = self.con.execute(review_pairs_sql(self._predictions))
        names = [d[0] for d in cursor.description]
        pairs: dict[str, dict[str, dict[str, Any]]] = {}
        for values in cursor.fetchall():
            pair = dict(zip(names, values, strict=True))
            pairs.setdefault(pair["__request_id"], {})[pair["__pupil_id"]] = pair
        return pairs

    def _columns(self, table: str) -> set[str]:
        return {str(row[0]) for row in self.con.sql(columns_sql(table)).fetchall()}

    def _require_decisions(self) -> None:
        if self._decided is None:
            raise InputError("decide first: the session has no decisions yet")

    def _require_inputs(self) -> None:
        if self.register_info is None or self.requests is None:
            raise InputError("a register and a request batch are needed first")


def _evidence(
    reader: EvidenceReader | None, scored: dict[str, dict[str, Any]], *, best: str, runner_up: str | None
) -> list[ComparisonEvidence]:
    """The evidence for a request of the review band, from its scored pairs with its best two candidates."""
    if reader is None or best not in scored:
        return []
    return reader(scored[best], scored.get(runner_up) if runner_up is not None else None)


def attach_prepared(con: duckdb.DuckDBPyConnection, directory: Path, manifest: dict[str, Any]) -> None:
    """Attach a prepared register's tables to ``con`` as database :data:`IN_PLACE`, read in place: its DuckDB
    file read-only, or (:data:`PARQUET_STORAGE`) a view of each folder of Parquet files, the linkage and key tables
    with ``unique_id`` as their row pointer :data:`RID`."""
    con.execute(f"DETACH DATABASE IF EXISTS {IN_PLACE}")
    if manifest.get("storage") != PARQUET_STORAGE:
        database = str(directory / PREPARED_DATABASE).replace("'", "''")
        con.execute(f"ATTACH '{database}' AS {IN_PLACE} (READ_ONLY)")
        return
    con.execute(f"ATTACH ':memory:' AS {IN_PLACE}")
    for table in manifest["tables"]:
        files = str(directory / table / "*.parquet").replace("'", "''")
        pointer = f", unique_id AS {RID}" if table == LINKAGE_TABLE or table.startswith("keys__") else ""
        con.execute(f"CREATE VIEW {IN_PLACE}.{table} AS SELECT *{pointer} FROM read_parquet('{files}')")


def read_manifest(directory: Path, shown: str | None = None) -> dict[str, Any]:
    """A prepared register's manifest, checked (``shown``: what messages call the folder; default its path)."""
    return _read_manifest(directory, shown or str(directory))


def report_progress(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def _read_manifest(directory: Path, shown: str) -> dict[str, Any]:
    path = directory / "manifest.json"
    if not path.is_file():
        raise InputError(
            f"{shown}: not a prepared register (no manifest.json)", cli_hint="run `sharelog register prepare`"
        )
    where = f"{shown}: manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        raise ValidationFailed([Problem(where, "not valid JSON")]) from None
    found = manifest.get("format") if isinstance(manifest, dict) else None
    if isinstance(found, str) and found.startswith(_FORMAT_FAMILY) and found != PREPARED_FORMAT:
        raise InputError(
            f"{shown}: prepared by another version of sharelog ({found}); this one reads {PREPARED_FORMAT}",
            cli_hint="prepare it again: run `sharelog register prepare`",
        )
    if not isinstance(manifest, dict) or found != PREPARED_FORMAT:
        raise ValidationFailed([Problem(where, f"not a {PREPARED_FORMAT} manifest", field="format")])
    if manifest.get("storage") == PARQUET_STORAGE:
        tables = manifest.get("tables")
        if not isinstance(tables, list) or not all(isinstance(t, str) and t.isidentifier() for t in tables):
            raise ValidationFailed([Problem(where, "not a list of table names", field="tables")])
        missing = [name for name in tables if not (directory / name).is_dir()]
    else:
        missing = [name for name in (PREPARED_DATABASE,) if not (directory / name).is_file()]
    if missing:
        raise ValidationFailed(
            [Problem(f"{shown}: {m}", "missing from the prepared register") for m in missing]
        )
    return manifest
