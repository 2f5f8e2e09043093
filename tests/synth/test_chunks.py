"""Large registers: drawn in chunks of households and shuffled through bucket files, at a size a test affords.

Above ``_CHUNK_PUPILS`` pupils (5 million) the register is drawn chunk by chunk, so the draws differ from a
register drawn in one piece; the contract is then the same seed → the same bytes, a register that ignores the
request count, and a row order that says nothing about households. Up to it, nothing changed.
"""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq
import pytest

from sharelog.synth import REGISTER_COLUMNS, generate
from sharelog.synth._csv import CsvWriter, write_csv
from sharelog.synth._households import plan_register, unique_serials
from sharelog.synth._names import _draw_by_group, name_book
from sharelog.synth._postcodes import build_geography
from sharelog.synth._requests import _smallest

from .conftest import drawn_in_chunks, read_csv

PUPILS = 6_000
CHUNK = 2_200  # three chunks
BUCKET_ROWS = 1_000  # six buckets


def _files(out: Path, **kwargs: object) -> dict[str, bytes]:
    result = generate(pupils=PUPILS, requests=kwargs.pop("requests", 500), seed=3, out_dir=out, **kwargs)  # type: ignore[arg-type]
    return {path.name: path.read_bytes() for path in result.files}


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    with drawn_in_chunks(CHUNK, BUCKET_ROWS):
        return _files(tmp_path_factory.mktemp("chunked") / "out")


def test_a_chunked_register_is_byte_identical_run_after_run(
    chunked: dict[str, bytes], tmp_path: Path
) -> None:
    with drawn_in_chunks(CHUNK, BUCKET_ROWS):
        again = _files(tmp_path / "again")
    assert again == chunked


def test_a_chunked_register_does_not_depend_on_the_number_of_requests(
    chunked: dict[str, bytes], tmp_path: Path
) -> None:
    with drawn_in_chunks(CHUNK, BUCKET_ROWS):
        more = _files(tmp_path / "more", requests=2_000)
    assert more["register.csv"] == chunked["register.csv"]
    assert more["requests.csv"] != chunked["requests.csv"]


def test_a_register_up_to_one_chunk_is_drawn_in_one_piece_as_before(
    chunked: dict[str, bytes], tmp_path: Path
) -> None:
    one_piece = _files(tmp_path / "default")
    with drawn_in_chunks(PUPILS, BUCKET_ROWS):  # exactly one chunk: the one-piece path
        assert _files(tmp_path / "exactly")["register.csv"] == one_piece["register.csv"]
    with drawn_in_chunks(PUPILS - 1, BUCKET_ROWS):  # two chunks: other draws
        assert _files(tmp_path / "two")["register.csv"] != one_piece["register.csv"]
    assert chunked["register.csv"] != one_piece["register.csv"]


def test_the_bucket_files_are_gone_and_the_progress_reaches_every_total(tmp_path: Path) -> None:
    seen: dict[str, tuple[int, int]] = {}
    with drawn_in_chunks(CHUNK, BUCKET_ROWS):
        generate(
            pupils=PUPILS,
            requests=300,
            seed=3,
            out_dir=tmp_path / "out",
            progress=lambda stage, done, total: seen.__setitem__(stage, (done, total)),
        )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "perturbations.csv",
        "register.csv",
        "requests.csv",
        "truth.csv",
    ]
    assert seen["pupils"] == (PUPILS, PUPILS)
    assert seen["register"] == (PUPILS, PUPILS)


def test_row_order_says_nothing_about_households_across_chunks(chunked: dict[str, bytes]) -> None:
    """Households never straddle chunks; shuffling only within each chunk would keep siblings in one third
    of the file. A uniform shuffle puts a pair of siblings in the same third a third of the time."""
    register = pd.read_csv(io.BytesIO(chunked["register.csv"]), dtype=str, keep_default_na=False)
    third = pd.Series(np.arange(len(register)) * 3 // len(register), index=register.index)
    homes = register.assign(third=third).groupby(["postcode", "address"]).third
    first, last = homes.transform("first"), homes.transform("last")
    siblings = homes.transform("size") >= 2
    same_third = (first[siblings] == last[siblings]).mean()
    assert 0.2 < same_third < 0.5


@pytest.mark.parametrize("chunks", [False, True], ids=["one piece", "in chunks"])
def test_register_parquet_holds_the_csv_rows_in_the_same_order(tmp_path: Path, chunks: bool) -> None:
    with drawn_in_chunks(CHUNK, BUCKET_ROWS) if chunks else drawn_in_chunks(10**9, 10**9):
        generate(pupils=PUPILS, requests=200, seed=4, out_dir=tmp_path / "csv")
        as_parquet = generate(
            pupils=PUPILS, requests=200, seed=4, out_dir=tmp_path / "pq", register_format="parquet"
        )
    assert [p.name for p in as_parquet.files][:2] == ["register.parquet", "requests.csv"]
    for name in ("requests.csv", "truth.csv", "perturbations.csv"):
        assert (tmp_path / "csv" / name).read_bytes() == (tmp_path / "pq" / name).read_bytes()
    parquet = pq.read_table(tmp_path / "pq" / "register.parquet")
    assert parquet.column_names == list(REGISTER_COLUMNS)
    assert pa.types.is_date32(parquet.schema.field("dob").type)
    text = pa.table(  # as sharelog's reader sees it: dates as ISO text, blanks as nulls
        {
            name: pc.strftime(column, format="%Y-%m-%d") if pa.types.is_date(column.type) else column
            for name, column in zip(parquet.column_names, parquet.columns, strict=True)
        }
    )
    options = pv.ConvertOptions(
        column_types={name: pa.string() for name in REGISTER_COLUMNS},
        null_values=[""],
        strings_can_be_null=True,
    )
    assert text.equals(pv.read_csv(tmp_path / "csv" / "register.csv", convert_options=options))
    assert stat.S_IMODE((tmp_path / "pq" / "register.parquet").stat().st_mode) == 0o600


def test_a_register_format_that_is_not_known(tmp_path: Path) -> None:
    from sharelog.errors import InputError

    with pytest.raises(InputError, match="must be csv or parquet") as raised:
        generate(pupils=10, requests=2, seed=1, out_dir=tmp_path / "out", register_format="xlsx")
    assert raised.value.field == "format"
    assert not (tmp_path / "out").exists()


# --- the pieces ------------------------------------------------------------------------------------------------


def test_chunks_cover_every_household_once_with_about_as_many_pupils_each() -> None:
    rng = np.random.default_rng(5)
    register = plan_register(rng, build_geography(rng), name_book(), 10_001)
    for count in (1, 2, 3, 7):
        spans = register.chunks(count)
        assert len(spans) == count
        assert spans[0][0] == 0 and spans[-1][1] == len(register.households)
        assert all(last == first for (_, last), (first, _) in zip(spans, spans[1:], strict=False))
        pupils = [int(register.households.children[a:b].sum()) for a, b in spans]
        assert sum(pupils) == 10_001
        assert max(pupils) - min(pupils) <= 10  # whole households of up to five children


def test_unique_serials_are_distinct_nine_digit_numbers_in_random_order() -> None:
    serials = unique_serials(np.random.default_rng(1), 200_000)
    assert len(serials) == 200_000 == len(np.unique(serials))
    assert serials.min() >= 0 and serials.max() < 10**9
    assert not (np.diff(serials) > 0).all()
    assert not np.array_equal(serials, unique_serials(np.random.default_rng(2), 200_000))


def test_the_k_smallest_keys_are_a_stable_sorts_first_k() -> None:
    keys = np.random.default_rng(3).integers(0, 50, size=2_000).astype(float)  # many ties
    for k in (0, 1, 7, 50, 1_999, 2_000, 5_000):
        assert np.array_equal(_smallest(keys, k), np.argsort(keys, kind="stable")[:k])


def test_drawing_by_group_is_drawing_with_one_mask_per_group() -> None:
    rng = np.random.default_rng(4)
    book = name_book()
    culture, sex = rng.integers(0, 11, size=5_000), rng.integers(0, 2, size=5_000)
    u = rng.random(5_000)
    masked = np.full(5_000, -1)
    for (c, s), table in book.middle_only.items():
        mask = (culture == c) & (sex == s)
        masked[mask] = table.draw(u[mask])
    grouped = _draw_by_group(u, culture * 2 + sex, {c * 2 + s: t for (c, s), t in book.middle_only.items()})
    assert np.array_equal(grouped, masked)
    assert (grouped == -1).any() and (grouped >= 0).any()


TRICKY = ["plain", "comma, inside", 'a "quote"', "line\nbreak", "carriage\rreturn", "", None, "Łukasz"]


def test_csv_quotes_exactly_where_python_s_csv_module_does(tmp_path: Path) -> None:
    values = TRICKY * 3
    dates = pa.array(np.datetime64("2001-02-03") + np.arange(len(values)), pa.date32())
    write_csv(
        tmp_path / "x.csv", {"a": pa.array(values, pa.string()), "b": dates, "c": pa.array(values[::-1])}
    )
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\r\n")  # so that it quotes a lone \r, as sharelog does
    writer.writerow(["a", "b", "c"])
    for a, b, c in zip(values, dates.to_pylist(), values[::-1], strict=True):
        writer.writerow([a or "", b.isoformat(), c or ""])
    assert (tmp_path / "x.csv").read_bytes() == expected.getvalue().replace("\r\n", "\n").encode("utf-8")


def test_writing_shuffled_lines_is_writing_the_shuffled_rows(tmp_path: Path) -> None:
    columns = {"a": pa.array(TRICKY * 50, pa.string()), "b": pa.array(range(len(TRICKY) * 50))}
    order = np.random.default_rng(6).permutation(len(TRICKY) * 50)
    with CsvWriter(tmp_path / "lines.csv", ["a", "b"]) as out:
        out.write_shuffled(columns, order)
    picked = pa.array(order)
    write_csv(tmp_path / "rows.csv", {name: column.take(picked) for name, column in columns.items()})
    assert (tmp_path / "lines.csv").read_bytes() == (tmp_path / "rows.csv").read_bytes()
    assert len(read_csv(tmp_path / "lines.csv")) == len(order)
