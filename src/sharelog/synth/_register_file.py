"""Writing the register file in a random row order — ``register.csv`` or ``register.parquet``.

Row order must say nothing about households, so rows are written in a uniformly random order. A register drawn
in one piece is permuted in memory (:func:`write_permuted`). A register drawn in chunks is never whole in memory:
:class:`Shuffle` sends each row to one of a few bucket files at random as its chunk is drawn, then shuffles each
bucket in memory and appends it to the register file. Random buckets, each shuffled, give every order of the rows
the same chance — as if the whole register had been permuted at once.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sharelog.private_files import open_private, private_dir
from sharelog.synth._csv import CsvWriter

__all__ = ["FORMATS", "RowWriter", "Shuffle", "open_register_file", "write_permuted"]

#: The register's file formats (requests, truth and the error log are always CSV).
FORMATS = ("csv", "parquet")

_SLICE_ROWS = 250_000  # rows gathered and written at a time
_SPILL_FOLDER = ".register-parts"  # in the output folder, removed when the register file is complete


class RowWriter(Protocol):
    """Where rows go: a register file being written."""

    def write(self, columns: Mapping[str, pa.Array]) -> None:
        """Append rows in the order given."""

    def write_shuffled(
        self,
        columns: Mapping[str, pa.Array],
        order: np.ndarray,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Append the rows in ``order`` (a permutation of them), reporting rows written."""

    def close(self) -> None:
        """Finish the file."""


class _ParquetWriter:
    """``register.parquet``: the same columns, dates as dates and blanks as nulls, a row group per block."""

    def __init__(self, path: Path, names: Sequence[str]) -> None:
        self._names = tuple(names)
        self._writer: pq.ParquetWriter | None = None
        self._file = open_private(path, "wb")

    def write(self, columns: Mapping[str, pa.Array]) -> None:
        table = pa.table({name: columns[name] for name in self._names})
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._file, table.schema, compression="zstd")
        self._writer.write_table(table)

    def write_shuffled(
        self,
        columns: Mapping[str, pa.Array],
        order: np.ndarray,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        write_permuted(self, columns, order, progress=progress)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._file.close()


def open_register_file(path: Path, names: Sequence[str], register_format: str) -> RowWriter:
    """A writer for the register file at ``path`` (``csv`` or ``parquet``, one of :data:`FORMATS`)."""
    if register_format == "parquet":
        return _ParquetWriter(path, names)
    return CsvWriter(path, names)


def write_permuted(
    out: RowWriter,
    columns: Mapping[str, pa.Array],
    order: np.ndarray,
    *,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the rows ``order`` picks from ``columns``, a slice at a time (never a second copy of them all)."""
    for start in range(0, len(order), _SLICE_ROWS):
        picked = pa.array(order[start : start + _SLICE_ROWS])
        out.write({name: column.take(picked) for name, column in columns.items()})
        if progress is not None:
            progress(len(picked))


class Shuffle:
    """Rows added chunk by chunk, written out in a uniformly random order.

    Each row goes to one of ``buckets`` Arrow files in a private folder inside ``folder``, chosen at random;
    :meth:`write_to` then reads the buckets one at a time, shuffles each and writes it. Memory is one chunk
    while adding and one bucket while writing; the disk holds the register twice until the buckets are gone.
    """

    def __init__(self, rng: np.random.Generator, folder: Path, *, buckets: int) -> None:
        self._rng = rng
        self._folder = folder / _SPILL_FOLDER
        shutil.rmtree(self._folder, ignore_errors=True)  # left by a run that was stopped
        private_dir(self._folder)
        self._count = min(buckets, np.iinfo(np.int16).max)
        self._writers: list[pa.ipc.RecordBatchFileWriter] = []
        self._files: list[IO[bytes]] = []

    def _path(self, bucket: int) -> Path:
        return self._folder / f"bucket-{bucket:04d}.arrow"

    def add(self, columns: Mapping[str, pa.Array]) -> None:
        """Send each row of ``columns`` (a chunk, all columns the same length) to a random bucket."""
        batch = pa.record_batch(dict(columns))
        if not self._writers:
            for bucket in range(self._count):
                sink = open_private(self._path(bucket), "wb")
                self._files.append(sink)
                self._writers.append(pa.ipc.new_file(sink, batch.schema))
        for start in range(0, batch.num_rows, _SLICE_ROWS * 4):
            block = batch.slice(start, _SLICE_ROWS * 4)
            bucket = self._rng.integers(0, self._count, size=block.num_rows)
            # A counting sort (radix, on 16-bit keys) groups the rows by bucket without comparing them.
            grouped = block.take(pa.array(np.argsort(bucket.astype(np.int16), kind="stable")))
            ends = np.cumsum(np.bincount(bucket, minlength=self._count))
            for number, (first, last) in enumerate(zip(np.r_[0, ends[:-1]], ends, strict=True)):
                if last > first:
                    self._writers[number].write_batch(grouped.slice(int(first), int(last - first)))

    def write_to(self, out: RowWriter, *, progress: Callable[[int], None] | None = None) -> None:
        """Write every row to ``out``, bucket after bucket, each in a random order; then remove the buckets."""
        buckets = len(self._writers)
        self._close_buckets()
        for bucket in range(buckets):
            path = self._path(bucket)
            with pa.OSFile(str(path), "rb") as source:
                table = pa.ipc.open_file(source).read_all().combine_chunks()
            path.unlink()
            order = self._rng.permutation(table.num_rows)
            out.write_shuffled(
                {name: table.column(name) for name in table.column_names}, order, progress=progress
            )
            del table
        self.discard()

    def discard(self) -> None:
        """Remove the bucket files (after writing, or when the run fails)."""
        self._close_buckets()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _close_buckets(self) -> None:
        for writer, sink in zip(self._writers, self._files, strict=True):
            writer.close()
            sink.close()
        self._writers, self._files = [], []
