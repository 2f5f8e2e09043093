"""A prepared register: standardised once, persisted with its term frequencies and a model, so that each monthly
batch only reads what it needs.

Folder layout: ``manifest.json`` (what it holds and where from), ``register.duckdb`` (a DuckDB database that runs
open read-only, in place) and, once trained, ``model.json`` and ``relatives.json`` (how the register's brothers,
sisters and twins compare: see :mod:`sharelog.linkage._relatives`). The database holds:

- ``linkage``: the standardised linkage columns, numbered by ``__rid`` in the order of the blocking key with the
  most candidates per request (a batch's candidates under it lie together);
- ``keys__<column>__…``: for each set of columns a blocking rule joins on, those columns and ``__rid``, sorted by
  the key (see :mod:`sharelog.linkage._candidates`): a run reads only the rows that share a key with its batch;
- ``tf_<column>``: the term frequencies of the whole register;
- ``name_pairs``: how often the register holds each forename and surname pair (see
  :mod:`sharelog.linkage._decide`);
- ``raw``: the register as given, in pupil-id order, for the fields an agreement returns and the rows a reviewer
  compares (a few pupils' rows are read without reading the rest).

The folder is its owner's only (0700, files 0600), whatever the umask.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import splink

from sharelog import __version__
from sharelog.errors import InputError
from sharelog.linkage._candidates import RID, key_joins, key_table_name, key_table_sql
from sharelog.linkage._model import LinkageModel, blocking_rules, load_model, save_model
from sharelog.linkage._scoring import TF_COLUMNS
from sharelog.linkage._session import (
    IN_PLACE,
    LINKAGE_TABLE,
    NAME_PAIRS,
    PREPARED_DATABASE,
    PREPARED_FORMAT,
    RAW_TABLE,
    MatchingSession,
    Progress,
    attach_prepared,
    read_manifest,
    report_progress,
)
from sharelog.private_files import make_private, private_dir

__all__ = ["PreparedRegister", "prepare_register", "prepared_fingerprint", "prepared_model", "register_rows"]


@dataclass(frozen=True)
class PreparedRegister:
    """What :func:`prepare_register` wrote."""

    directory: Path
    rows: int
    model: LinkageModel | None


def check_prepare_arguments(out_dir: Path, model: Path | None, train_requests: Path | None) -> None:
    """Refuse what no backend can prepare: an output folder that cannot be one, or a model given and trained."""
    if not out_dir.parent.is_dir():
        raise InputError(f"the folder {out_dir.parent} does not exist", field="out")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} is a file, not a folder", field="out")
    if model is not None and train_requests is not None:
        raise InputError(
            "either a trained model or a batch to train one on, not both",
            cli_hint="give --model or --train-requests",
        )


@contextmanager
def staged_folder(out_dir: Path) -> Iterator[Path]:
    """A private folder beside ``out_dir`` to write a prepared register in, moved into place when the block ends
    without error (so a half-prepared register never exists) and removed in any case. Everything in it is made
    the owner's only before the move: DuckDB, Spark and the model writer create files with the process's umask."""
    staging = out_dir.with_name(f".{out_dir.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    private_dir(staging)
    try:
        yield staging
        make_private(staging)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.replace(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_manifest(
    folder: Path, *, register: Path, checksum: str, rows: int, model: LinkageModel | None, **storage: Any
) -> None:
    """The prepared register's ``manifest.json``: what it holds and where from (``storage``: how its tables are
    kept, when not in its DuckDB database)."""
    manifest = {
        "format": PREPARED_FORMAT,
        **storage,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "register_file": str(register),
        "register_checksum": checksum,
        "rows": rows,
        "sharelog_version": __version__,
        "splink_version": splink.__version__,
        "model_checksum": model.checksum if model else None,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def prepare_register(
    *,
    register: Path,
    out_dir: Path,
    model: Path | None = None,
    train_requests: Path | None = None,
    progress: Progress | None = None,
) -> PreparedRegister:
    """Standardise ``register`` once and write it, its term frequencies and a model to ``out_dir``.

    The folder is written beside its final place and moved in when complete, so a half-prepared register never
    exists. A model comes from ``model`` (a trained model JSON) or is trained on ``train_requests`` (a
    representative request batch); with neither, ``sharelog link --prepared`` trains on each batch.

    Raises:
        InputError: a bad path, or both ``model`` and ``train_requests``.
        ValidationFailed: the register (or the training batch) cannot be used.
    """
    check_prepare_arguments(out_dir, model, train_requests)
    with staged_folder(out_dir) as staging, MatchingSession() as session:
        info = session.load_register(register, progress=progress)
        trained = load_model(model) if model is not None else None
        if train_requests is not None:
            session.load_requests(train_requests)
            trained = session.train(progress=progress)
        _write_tables(session, staging, trained, progress=progress)
        if trained is not None:
            save_model(trained, staging / "model.json")
            session.use_model(trained)
            report_progress(progress, "relatives", 0, 1)
            session.relative_profile().save(staging / "relatives.json")
            report_progress(progress, "relatives", 1, 1)
        write_manifest(staging, register=register, checksum=info.checksum, rows=info.rows, model=trained)
    return PreparedRegister(directory=out_dir, rows=info.rows, model=trained)


def key_columns(model: LinkageModel | None) -> list[tuple[str, ...]]:
    """The register columns to keep a key table for: those the default blocking rules and the model's join on."""
    rules = [
        rule
        if isinstance(rule, dict)
        else {"blocking_rule": rule.get_blocking_rule("duckdb").blocking_rule_sql}
        for rule in blocking_rules()
    ]
    joins = key_joins({"blocking_rules_to_generate_predictions": rules}) or []
    if model is not None:
        joins += key_joins(model.settings) or []
    return sorted({join.register_columns for join in joins})


def _write_tables(
    session: MatchingSession, folder: Path, model: LinkageModel | None, *, progress: Progress | None
) -> None:
    database = str(folder / PREPARED_DATABASE).replace("'", "''")
    session.con.execute(f"ATTACH '{database}' AS prepared_out")
    try:
        write_database(
            session.con,
            "prepared_out",
            standardised="register_std",
            raw="SELECT * EXCLUDE (__row) FROM register_raw",
            term_frequencies={column: f"tf_{column}" for column in TF_COLUMNS},
            name_pairs=NAME_PAIRS,
            keys=key_columns(model),
            progress=progress,
        )
    finally:
        session.con.execute("DETACH prepared_out")


def clustering_key(
    con: duckdb.DuckDBPyConnection, standardised: str, keys: Sequence[tuple[str, ...]]
) -> list[str]:
    """The key whose candidates are the most per request: the linkage table is ordered by it, so that a batch's
    candidates under it (most of its candidates) lie together and are read in few blocks.

    Measured as the number of pupils sharing a pupil's key, on average over pupils (Σ n² / Σ n over keys).
    """

    return choose_clustering_key(
        keys, lambda columns: float(con.execute(key_share_sql(standardised, columns)).fetchall()[0][0] or 0)
    )


def key_share_sql(standardised: str, columns: tuple[str, ...], *, quote: str = '"') -> str:
    """How many pupils share a pupil's key ``columns``, on average over pupils (Σ n² / Σ n over keys); ``quote``
    quotes a column name (DuckDB ``"``, Spark `````)."""
    names = ", ".join(f"{quote}{c}{quote}" for c in columns)
    not_null = " AND ".join(f"{quote}{c}{quote} IS NOT NULL" for c in columns)
    return (
        f"SELECT sum(n * n) / greatest(sum(n), 1) FROM "
        f"(SELECT CAST(count(*) AS DOUBLE) AS n FROM {standardised} WHERE {not_null} GROUP BY {names})"
    )


def choose_clustering_key(
    keys: Sequence[tuple[str, ...]], shared: Callable[[tuple[str, ...]], float]
) -> list[str]:
    """The key of ``keys`` with the most pupils sharing it (``shared``, :func:`key_share_sql`'s figure)."""
    scored = [(shared(columns), columns) for columns in keys]
    return list(max(scored)[1]) if scored else []


def write_database(
    con: duckdb.DuckDBPyConnection,
    database: str,
    *,
    standardised: str,
    raw: str,
    term_frequencies: dict[str, str],
    name_pairs: str,
    keys: Sequence[tuple[str, ...]],
    progress: Progress | None = None,
) -> None:
    """Write a prepared register's tables into the attached ``database``: the register as given (``raw``, a
    query), its ``standardised`` table numbered in the order of its :func:`clustering_key`, a sorted key table
    for each of ``keys``, the term-frequency tables and the ``name_pairs`` counts."""
    steps = 4 + len(keys) + len(term_frequencies)
    report_progress(progress, "writing", 0, steps)
    con.execute(f"CREATE TABLE {database}.{RAW_TABLE} AS {raw} ORDER BY pupil_id")
    report_progress(progress, "writing", 1, steps)
    order = ", ".join(f'"{c}"' for c in [*clustering_key(con, standardised, keys), "unique_id"])
    report_progress(progress, "writing", 2, steps)
    con.execute(
        f"CREATE TABLE {database}.{LINKAGE_TABLE} AS SELECT *, "
        f"(row_number() OVER (ORDER BY {order}) - 1)::UINTEGER AS {RID} FROM {standardised} ORDER BY {RID}"
    )
    report_progress(progress, "writing", 3, steps)
    for done, columns in enumerate(keys, start=4):
        source = f"{database}.{LINKAGE_TABLE}"
        con.execute(f"CREATE TABLE {database}.{key_table_name(columns)} AS {key_table_sql(source, columns)}")
        report_progress(progress, "writing", done, steps)
    for done, (column, table) in enumerate(term_frequencies.items(), start=4 + len(keys)):
        con.execute(f"CREATE TABLE {database}.tf_{column} AS FROM {table} ORDER BY {column}")
        report_progress(progress, "writing", done, steps)
    con.execute(f"CREATE TABLE {database}.{NAME_PAIRS} AS FROM {name_pairs} ORDER BY ALL")
    report_progress(progress, "writing", steps, steps)


def prepared_model(directory: Path) -> LinkageModel | None:
    """The model a prepared register was given or trained with, or None when it has none."""
    path = directory / "model.json"
    return load_model(path) if path.is_file() else None


def prepared_fingerprint(directory: Path) -> tuple[bytes, bytes]:
    """What identifies one preparation of a register folder: its manifest and its model, as written (empty when
    absent). A caller that holds the register open compares it to know when the folder was prepared again."""

    def read(name: str) -> bytes:
        path = directory / name
        return path.read_bytes() if path.is_file() else b""

    return read("manifest.json"), read("model.json")


def register_rows_sql(database: str, fields: Sequence[str] | None) -> str:
    """The rows of the prepared register's ``database`` whose pupil is in table ``wanted`` (every column, or
    ``pupil_id`` and ``fields``)."""
    selected = "*" if fields is None else ", ".join(f'"{c}"' for c in ["pupil_id", *fields])
    return f"SELECT {selected} FROM {database}.{RAW_TABLE} WHERE pupil_id IN (SELECT pupil_id FROM wanted)"


def register_rows(
    prepared: Path, pupil_ids: Sequence[str], fields: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """The prepared register's rows of these pupils, by pupil id: the register as given (every column, or
    ``pupil_id`` and ``fields``), for a reviewer to compare and a supplementary return file to hold. Only their
    rows are read (the register is kept in pupil-id order).

    Raises:
        InputError: ``prepared`` holds no prepared register (of this format).
    """
    if not (prepared / "manifest.json").is_file():
        raise InputError("no prepared register", cli_hint="run `sharelog register prepare`")
    manifest = read_manifest(prepared)
    with duckdb.connect() as con:
        attach_prepared(con, prepared, manifest)
        con.register(
            "wanted", pa.table({"pupil_id": list(pupil_ids)}, schema=pa.schema({"pupil_id": pa.string()}))
        )
        cursor = con.execute(register_rows_sql(IN_PLACE, fields))
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
