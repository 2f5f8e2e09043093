"""Write a CSV file the way people expect one: UTF-8, ``\\n`` line ends, quotes only where a value needs them.

Arrow's CSV writer quotes every string (or refuses values with commas), so rows are built with Arrow compute
instead: each column rendered as text, quoted where it holds a comma, a quote or a line break, joined with
commas, and the rows' bytes written straight from Arrow's buffer — fast enough for millions of rows, and
byte-for-byte the same output for the same input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sharelog.private_files import open_private

__all__ = ["CsvWriter", "write_csv"]

_CHUNK_ROWS = 250_000
_NEEDS_QUOTES = r'[,"\r\n]'


def _dates_as_text(column: pa.Array) -> pa.Array | None:
    """Dates as ``YYYY-MM-DD``, each distinct day formatted once (a register's days span a few thousand);
    None when the column has nulls or spans too many days for that to pay."""
    if column.null_count or len(column) == 0:
        return None
    days = np.asarray(pc.cast(column, pa.int32()).to_numpy(zero_copy_only=False))
    first, last = int(days.min()), int(days.max())
    if last - first > len(column):
        return None
    every_day = pc.cast(pa.array(np.arange(first, last + 1, dtype=np.int32)).cast(pa.date32()), pa.string())
    return every_day.take(pa.array(days - first))


def _value_bytes(text: pa.Array) -> np.ndarray:
    """The bytes of every value of a string array, back to back (a view, no copy)."""
    _, offsets_buffer, data = text.buffers()
    width = np.dtype(np.int64 if pa.types.is_large_string(text.type) else np.int32)
    offsets = np.frombuffer(
        offsets_buffer, dtype=width, count=len(text) + 1, offset=width.itemsize * text.offset
    )
    if data is None:
        return np.zeros(0, dtype=np.uint8)
    return np.frombuffer(data, dtype=np.uint8, count=int(offsets[-1] - offsets[0]), offset=int(offsets[0]))


def _as_text(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A column's CSV fields, quoted where needed (nulls stay null: the row join writes them as nothing)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_date32(column.type):
        dates = _dates_as_text(column)
        if dates is not None:
            return dates  # an ISO date never needs quotes
    text = column if pa.types.is_string(column.type) else pc.cast(column, pa.string())
    # One look at all the bytes first: most columns hold no comma, quote or line break at all.
    data = _value_bytes(text)
    quotes = bool((data == ord('"')).any())
    if not quotes and not ((data == ord(",")) | (data == ord("\n")) | (data == ord("\r"))).any():
        return text
    needs = pc.match_substring_regex(text, _NEEDS_QUOTES)
    inner = pc.replace_substring(text, '"', '""') if quotes else text
    return pc.if_else(needs, pc.binary_join_element_wise('"', inner, '"', ""), text)


def _lines(columns: list[pa.Array]) -> pa.Array:
    """One CSV line per row, each ending in ``\\n``."""
    texts = [_as_text(column) for column in columns]
    lines = pc.binary_join_element_wise(*texts, ",", null_handling="replace", null_replacement="")
    lines = pc.binary_join_element_wise(lines, "", "\n")
    return lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines


def _lines_bytes(lines: pa.Array) -> bytes:
    """The lines' bytes, back to back, straight from Arrow's buffer."""
    return _value_bytes(lines).tobytes()


def _rows_bytes(columns: list[pa.Array]) -> bytes:
    return _lines_bytes(_lines(columns))


class CsvWriter:
    """A CSV file written a block of rows at a time (the header first, when it is opened).

    Use as a context manager; :meth:`write` may be called any number of times with columns in header order.
    """

    def __init__(self, path: Path, names: Sequence[str]) -> None:
        self.names = tuple(names)
        self.rows = 0
        self._out = open_private(path, "wb")
        self._out.write((",".join(self.names) + "\n").encode("utf-8"))

    def write(self, columns: Mapping[str, pa.Array]) -> None:
        """Append rows: ``columns`` holds every column of the header, all the same length."""
        arrays = [columns[name] for name in self.names]
        total = len(arrays[0]) if arrays else 0
        for start in range(0, total, _CHUNK_ROWS):
            self._out.write(_rows_bytes([array.slice(start, _CHUNK_ROWS) for array in arrays]))
        self.rows += total

    def write_shuffled(
        self,
        columns: Mapping[str, pa.Array],
        order: np.ndarray,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Append the rows of ``columns`` in ``order`` (a permutation of them), reporting rows written.

        The rows are made into lines first, in their own order, and the lines are then picked in ``order``: one
        column to gather instead of every column (what a shuffled bucket of a large register needs).
        """
        arrays = [columns[name] for name in self.names]
        total = len(arrays[0]) if arrays else 0
        lines = pa.chunked_array(
            [
                _lines([array.slice(start, _CHUNK_ROWS) for array in arrays])
                for start in range(0, total, _CHUNK_ROWS)
            ],
            pa.string(),
        ).combine_chunks()
        for start in range(0, total, _CHUNK_ROWS):
            picked = lines.take(pa.array(order[start : start + _CHUNK_ROWS]))
            self._out.write(_lines_bytes(picked))
            self.rows += len(picked)
            if progress is not None:
                progress(len(picked))

    def close(self) -> None:
        self._out.close()

    def __enter__(self) -> CsvWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_csv(
    path: Path,
    columns: Mapping[str, pa.Array],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write ``columns`` (all the same length) to ``path``; return the number of data rows.

    Args:
        path: the file to create or overwrite (readable by its owner only).
        columns: column name → values, in output order. Nulls are written as empty fields; dates as
            ``YYYY-MM-DD``.
        progress: called with (rows written, total rows) after each chunk.
    """
    arrays = list(columns.values())
    total = len(arrays[0]) if arrays else 0
    with CsvWriter(path, list(columns)) as out:
        for start in range(0, total, _CHUNK_ROWS):
            out.write({name: array.slice(start, _CHUNK_ROWS) for name, array in columns.items()})
            if progress is not None:
                progress(min(start + _CHUNK_ROWS, total), total)
    return total
