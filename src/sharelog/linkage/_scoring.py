"""Scoring candidate pairs: what a matching session hands a scorer, and the scorer it uses by default.

A session scores through the :class:`Scorer` it was given: :class:`DuckDBScorer` unless told otherwise, which runs
Splink's predict on the session's own DuckDB connection; the Spark backend's scorer
(:class:`sharelog.linkage.spark.SparkScorer`) when whoever chose ``--backend spark`` gives that one instead. A
scorer receives a :class:`ScoringJob`, not the session: the model's settings, the floor below which scored pairs
are dropped, the input tables (where they are, or as Parquet files) and the way to hand the scored pairs back. So
this module imports neither the session nor a backend, and a backend imports only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb
from splink import DuckDBAPI, Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from sharelog.linkage._candidates import KeyJoin

__all__ = [
    "PREDICTIONS",
    "TF_COLUMNS",
    "DuckDBScorer",
    "Scorer",
    "ScoringFiles",
    "ScoringJob",
    "KeptLinker",
    "PreparedParquet",
    "duckdb_linker",
]

TF_COLUMNS = ("forename1", "surname_std", "postcode_std")
"""The columns with term-frequency adjustments: each has a lookup table ``tf_<column>``, from the register alone."""
PREDICTIONS = "predictions"
"""The session's table of scored pairs, whichever scorer made it."""
REQUESTS = "requests_std"
"""The session's standardised request batch (Splink's dataset ``requests``)."""


def copy_to_parquet_sql(table: str, path: Path) -> str:
    """DuckDB: write ``table`` to one Parquet file."""
    return f"COPY {table} TO '{path}' (FORMAT parquet, COMPRESSION zstd)"


def predictions_from_sql(source: str) -> str:
    """DuckDB: the predictions table from ``source`` (a table, or a ``read_parquet(…)`` of a scorer's files)."""
    return f"CREATE OR REPLACE TABLE {PREDICTIONS} AS FROM {source}"


def parquet_folder_sql(folder: Path) -> str:
    """DuckDB: every Parquet file in ``folder``, as one relation."""
    return f"read_parquet('{folder / '*.parquet'}')"


def duckdb_linker(con: duckdb.DuckDBPyConnection, settings: Any, *, register: str = "register_std") -> Linker:
    """A Splink linker on the session's standardised tables and term-frequency lookups, in its DuckDB.

    ``register``: the session's table Splink gets as the dataset ``register`` (the whole standardised register,
    or a prepared register's candidates for the batch).
    """
    return KeptLinker.build(con, settings, register=register).linker


@dataclass(frozen=True)
class KeptLinker:
    """A linker and its term-frequency lookups, which Splink forgets with its cache: kept to register them again,
    and the SQL of its predict, kept to run again.

    Splink builds a predict's SQL in Python (sqlglot) every time, which costs more than running it for a small
    batch. The SQL depends only on the settings, the floor and the tables' names, never on their rows (the
    session's tables keep their names and columns from batch to batch), so the statements the first predict ran
    are run again for the next batch, unchanged (tests/linkage/test_scoring_replay.py checks the pairs are the
    same).
    """

    linker: Linker
    lookups: dict[str, SplinkDataFrame]
    db_api: DuckDBAPI
    replays: dict[float, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    """Floor → the statements a predict ran (tables created and dropped, in order) and its predictions table."""

    @classmethod
    def build(cls, con: duckdb.DuckDBPyConnection, settings: Any, *, register: str) -> KeptLinker:
        db_api = DuckDBAPI(con)
        frames = [
            db_api.register(table, dataset_display_name=name, table_name=f"__{name}_input")
            for name, table in {"register": register, "requests": REQUESTS}.items()
        ]
        # Splink's settings check only logs (sharelog's settings and tables always have the same columns); it
        # parses every comparison's SQL, which cost more than scoring one request.
        linker = Linker(frames, settings, log_level=None, validate_settings=False)
        lookups = {c: db_api.register(f"tf_{c}", table_name=f"__tf_{c}_input") for c in TF_COLUMNS}
        kept = cls(linker, lookups, db_api)
        kept.use_lookups()
        return kept

    def use_lookups(self) -> None:
        for column, lookup in self.lookups.items():
            self.linker.table_management.register_term_frequency_lookup(lookup, column)

    def again(self) -> Linker:
        """The linker, to score tables that have new rows: its cached tables are dropped (the term-frequency
        lookups with them, so they are registered again)."""
        self.linker.table_management.invalidate_cache()
        self.use_lookups()
        return self.linker

    def predict(self, con: duckdb.DuckDBPyConnection, *, floor: float) -> str:
        """Score the session's tables as they are now; return the predictions table's name (the caller drops it).

        The first time for a floor, Splink's predict runs and its statements are kept; then they are run again.
        """
        kept = self.replays.get(floor)
        if kept is not None:
            statements, table = kept
            for statement in statements:
                con.execute(statement)
            return table
        ran: list[str] = []
        original = self.db_api._execute_sql_against_backend

        def recording(sql: str, *args: Any, **kwargs: Any) -> Any:
            if sql.lstrip()[:12].upper() in ("CREATE TABLE", "DROP TABLE I"):
                ran.append(sql)
            return original(sql, *args, **kwargs)

        self.db_api._execute_sql_against_backend = recording  # type: ignore[method-assign,assignment]
        try:
            predictions = self.again().inference.predict(threshold_match_weight=floor)
        finally:
            del self.db_api._execute_sql_against_backend
        table = predictions.physical_name
        # kept only when the predictions table is the last one created, as Splink 5 does it
        creates = [sql for sql in ran if sql.lstrip().upper().startswith("CREATE TABLE")]
        if creates and creates[-1].split()[2] == table:
            self.replays[floor] = (tuple(ran), table)
        return table


@dataclass(frozen=True)
class PreparedParquet:
    """A prepared register kept as folders of Parquet files (written on Spark), for a scorer that finds a batch's
    candidates in it itself: the linkage table, the key table of each set of register columns (key columns and
    ``unique_id``, sorted by the key), the ways the model's rules join, and the term-frequency lookups."""

    linkage: Path
    key_tables: dict[tuple[str, ...], Path]
    joins: tuple[KeyJoin, ...]
    term_frequencies: dict[str, Path]


@dataclass(frozen=True)
class ScoringFiles:
    """The inputs of a scoring run as Parquet files: the two datasets and each term-frequency lookup."""

    register: Path
    requests: Path
    term_frequencies: dict[str, Path]
    """Column (one of :data:`TF_COLUMNS`) → its lookup."""
    candidates_of: PreparedParquet | None = None
    """Set when ``register`` is a whole prepared register's linkage table, of which only the batch's candidates
    are to be scored (the scorer selects them by the key tables)."""


class ScoringJob:
    """One scoring run as a session hands it to a scorer.

    Attributes:
        settings: the model's Splink settings (DuckDB SQL), with ``retain_matching_columns`` as asked.
        floor: the match weight below which scored pairs are dropped.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        settings: dict[str, Any],
        floor: float,
        register: str = "register_std",
        kept: dict[str, KeptLinker] | None = None,
        kept_as: str = "",
        prepared: PreparedParquet | None = None,
    ) -> None:
        self._con = con
        self.prepared = prepared
        """A Parquet prepared register whose candidates for the batch the scorer selects itself (see
        :class:`PreparedParquet`); ``None``: the session's ``register`` table is the register side."""
        self.candidates: int | None = None
        """How many register rows were scored, when the scorer selected them (it sets this)."""
        self._register = register
        self._kept = kept
        self._kept_as = kept_as
        self.settings = settings
        self.floor = floor

    def linker(self) -> Linker:
        """A Splink linker on the session's own tables (scoring in the session's DuckDB).

        A session that scores request after request on the same tables keeps its linker in ``kept`` (under
        ``kept_as``: the model, the columns kept and the register table): building one parses every comparison's
        SQL, which costs more than scoring one request. A kept linker's cached tables are dropped before it is
        used again, since the tables it reads have new rows.
        """
        if self._kept is None:
            return duckdb_linker(self._con, self.settings, register=self._register)
        return self._kept_linker().again()

    def _kept_linker(self) -> KeptLinker:
        assert self._kept is not None
        kept = self._kept.get(self._kept_as)
        if kept is None:
            kept = self._kept[self._kept_as] = KeptLinker.build(
                self._con, self.settings, register=self._register
            )
        return kept

    def predict(self) -> None:
        """Score every candidate pair in the session's DuckDB with Splink's predict, and keep the pairs as the
        session's predictions (a kept linker runs its first predict's SQL again: :meth:`KeptLinker.predict`)."""
        if self._kept is None:
            predictions = self.linker().inference.predict(threshold_match_weight=self.floor)
            self.take_predictions(predictions.physical_name)
            predictions.drop_table_from_database_and_remove_from_cache()
            return
        table = self._kept_linker().predict(self._con, floor=self.floor)
        try:
            self.take_predictions(table)
        finally:
            self._con.execute(f"DROP TABLE IF EXISTS {table}")

    def parquet_files(self, scratch: Path) -> ScoringFiles:
        """The inputs as Parquet files written to ``scratch`` (scoring elsewhere): the register side is what the
        session scores against (a prepared register's candidates for the batch, not the whole register), the
        term-frequency lookups are the whole register's. With :attr:`prepared`, only the batch is written: the
        register side and the lookups are the prepared register's own files."""
        if self.prepared is not None:
            requests = scratch / "requests.parquet"
            self._con.execute(copy_to_parquet_sql(REQUESTS, requests))
            return ScoringFiles(
                register=self.prepared.linkage,
                requests=requests,
                term_frequencies=self.prepared.term_frequencies,
                candidates_of=self.prepared,
            )
        files = {
            self._register: scratch / "register.parquet",
            REQUESTS: scratch / "requests.parquet",
            **{f"tf_{c}": scratch / f"tf_{c}.parquet" for c in TF_COLUMNS},
        }
        for table, path in files.items():
            self._con.execute(copy_to_parquet_sql(table, path))
        return ScoringFiles(
            register=files[self._register],
            requests=files[REQUESTS],
            term_frequencies={c: files[f"tf_{c}"] for c in TF_COLUMNS},
        )

    def take_predictions(self, table: str) -> None:
        """The scored pairs are the session's table ``table``: keep them as its predictions."""
        self._con.execute(predictions_from_sql(table))

    def take_predictions_from_parquet(self, folder: Path) -> None:
        """The scored pairs are the Parquet files in ``folder``: read them into the session's predictions."""
        self._con.execute(predictions_from_sql(parquet_folder_sql(folder)))


class Scorer(Protocol):
    """Scores every candidate pair of a :class:`ScoringJob` and hands them back with ``take_predictions…``."""

    @property
    def name(self) -> str:
        """What the CLI and results call this backend (``duckdb``, ``spark``)."""
        ...

    @property
    def reads_prepared_parquet(self) -> bool:
        """Whether it selects a batch's candidates from a Parquet prepared register itself (:class:`PreparedParquet`)
        rather than being handed them."""
        ...

    def __call__(self, job: ScoringJob) -> None: ...


class DuckDBScorer:
    """Splink's predict on the session's own DuckDB connection (the default)."""

    name = "duckdb"
    reads_prepared_parquet = False

    def __call__(self, job: ScoringJob) -> None:
        job.predict()
