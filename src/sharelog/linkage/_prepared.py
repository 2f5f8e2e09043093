"""A prepared register: standardised once, persisted with its term frequencies and a model, so that each monthly
batch only reads what it needs.

Folder layout: ``manifest.json`` (what it holds and where from), ``linkage.parquet`` (the linkage columns),
``register.parquet`` (the register as given, for the fields an agreement returns), ``tf_<column>.parquet``
(term frequencies from the register), ``name_pairs.parquet`` (how often the register holds each forename and
surname pair: see :mod:`sharelog.linkage._decide`; optional, counted on opening where missing) and, once
trained, ``model.json`` and ``relatives.json`` (how the register's brothers, sisters and twins compare: see
:mod:`sharelog.linkage._relatives`). The folder is its owner's only (0700, files 0600), whatever the umask.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import splink

from sharelog import __version__
from sharelog.errors import InputError
from sharelog.linkage._model import LinkageModel, load_model, save_model
from sharelog.linkage._scoring import TF_COLUMNS
from sharelog.linkage._session import NAME_PAIRS, PREPARED_FORMAT, MatchingSession, Progress
from sharelog.private_files import make_private, private_dir

__all__ = ["PreparedRegister", "prepare_register", "prepared_model", "register_rows"]


@dataclass(frozen=True)
class PreparedRegister:
    """What :func:`prepare_register` wrote."""

    directory: Path
    rows: int
    model: LinkageModel | None


def _check_out_dir(out_dir: Path) -> None:
    if not out_dir.parent.is_dir():
        raise InputError(f"the folder {out_dir.parent} does not exist", field="out")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} is a file, not a folder", field="out")


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
    _check_out_dir(out_dir)
    if model is not None and train_requests is not None:
        raise InputError(
            "either a trained model or a batch to train one on, not both",
            cli_hint="give --model or --train-requests",
        )
    staging = out_dir.with_name(f".{out_dir.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    private_dir(staging)  # personal data: the folder and every file in it are the owner's only
    try:
        with MatchingSession() as session:
            info = session.load_register(register, progress=progress)
            trained = load_model(model) if model is not None else None
            if train_requests is not None:
                session.load_requests(train_requests)
                trained = session.train(progress=progress)
            _write_tables(session, staging)
            if trained is not None:
                save_model(trained, staging / "model.json")
                session.use_model(trained)
                session.relative_profile().save(staging / "relatives.json")
            manifest = {
                "format": PREPARED_FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "register_file": str(register),
                "register_checksum": info.checksum,
                "rows": info.rows,
                "sharelog_version": __version__,
                "splink_version": splink.__version__,
                "model_checksum": trained.checksum if trained else None,
            }
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        make_private(staging)  # DuckDB and the model writer create their files with the process's umask
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.replace(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return PreparedRegister(directory=out_dir, rows=info.rows, model=trained)


def _write_tables(session: MatchingSession, folder: Path) -> None:
    copy = "COPY ({query}) TO '{path}' (FORMAT parquet, COMPRESSION zstd)"
    session.con.execute(copy.format(query="FROM register_std", path=folder / "linkage.parquet"))
    session.con.execute(
        copy.format(query="SELECT * EXCLUDE (__row) FROM register_raw", path=folder / "register.parquet")
    )
    for column in TF_COLUMNS:
        session.con.execute(copy.format(query=f"FROM tf_{column}", path=folder / f"tf_{column}.parquet"))
    session.con.execute(copy.format(query=f"FROM {NAME_PAIRS}", path=folder / f"{NAME_PAIRS}.parquet"))


def prepared_model(directory: Path) -> LinkageModel | None:
    """The model a prepared register was given or trained with, or None when it has none."""
    path = directory / "model.json"
    return load_model(path) if path.is_file() else None


def register_rows_sql(source: Path, fields: Sequence[str] | None) -> str:
    """The rows of the register file ``source`` whose pupil is in table ``wanted`` (every column, or
    ``pupil_id`` and ``fields``)."""
    selected = "*" if fields is None else ", ".join(f'"{c}"' for c in ["pupil_id", *fields])
    return f"SELECT {selected} FROM read_parquet('{source}') WHERE pupil_id IN (SELECT pupil_id FROM wanted)"


def register_rows(
    prepared: Path, pupil_ids: Sequence[str], fields: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """The prepared register's rows of these pupils, by pupil id: the register as given (every column, or
    ``pupil_id`` and ``fields``), for a reviewer to compare and a supplementary return file to hold.

    Raises:
        InputError: ``prepared`` holds no prepared register.
    """
    source = prepared / "register.parquet"
    if not source.is_file():
        raise InputError("no prepared register", cli_hint="run `sharelog register prepare`")
    with duckdb.connect() as con:
        con.register("wanted", pa.table({"pupil_id": list(pupil_ids)}))
        cursor = con.execute(register_rows_sql(source, fields))
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
