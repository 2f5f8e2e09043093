"""The encodings file: a Parquet file of ``id``, ``filter`` (the packed Bloom filter) and one column per blocking
pass, with what the linkage unit needs to check it in the file's metadata: the kind (register or batch), the
schema and its checksum, and the key check. It holds no clear identifier; it is still personal data (an
encoding can be attacked), so it is its owner's only, like every sharelog file of people.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError

from sharelog.errors import InputError, Problem, ValidationFailed
from sharelog.pprl._encode import MISSING_BLOCK, Encodings
from sharelog.pprl._schema import EncodingSchema
from sharelog.private_files import replace_private

FORMAT = 1
_METADATA_KEY = b"sharelog.pprl"
MAX_ENCODINGS_BYTES = 4 * 1024**3
"""The largest encodings file read: a register of 20 million at 1,024 bits is about 3 GB."""


def write_encodings(encodings: Encodings, out: Path) -> Path:
    """Write ``encodings`` to ``out`` (owner-only), whole or not at all."""
    width = encodings.schema.bits // 8 * encodings.schema.variants()
    columns: dict[str, pa.Array] = {
        "id": pa.array(encodings.ids.astype(str), type=pa.string()),
        "filter": pa.FixedSizeBinaryArray.from_buffers(
            pa.binary(width),
            len(encodings),
            [None, pa.py_buffer(np.ascontiguousarray(encodings.filters).tobytes())],
        ),
        "presence": pa.array(encodings.presence, type=pa.int8()),
    }
    for column, blocking in enumerate(encodings.schema.blocking):
        values = encodings.blocks[:, column]
        columns[f"block_{blocking.name}"] = pa.array(values, mask=values == MISSING_BLOCK, type=pa.int64())
    metadata = {
        "format": FORMAT,
        "kind": encodings.kind,
        "schema": encodings.schema.model_dump(mode="json"),
        "schema_checksum": encodings.schema.checksum(),
        "key_check": encodings.key_check,
        "records": len(encodings),
    }
    table = pa.table(columns).replace_schema_metadata({_METADATA_KEY: json.dumps(metadata).encode()})
    with replace_private(out, "wb") as handle:
        pq.write_table(table, handle, compression="zstd")
    return out


def read_encodings(path: Path) -> Encodings:
    """The encodings in ``path``, checked: a clear error naming the file (and the record) when it is not one."""
    if not path.is_file():
        raise InputError(f"{path.name}: no such encodings file")
    if path.stat().st_size > MAX_ENCODINGS_BYTES:
        raise ValidationFailed(
            [Problem(path.name, "the file is larger than 4 GB, the most an encodings file may be")]
        )
    try:
        parquet = pq.ParquetFile(path)
        raw = (parquet.schema_arrow.metadata or {}).get(_METADATA_KEY)
    except (pa.ArrowException, OSError):
        raise ValidationFailed([Problem(path.name, "not an encodings file (not Parquet)")]) from None
    if raw is None:
        raise ValidationFailed(
            [
                Problem(
                    path.name, "not an encodings file (the linkage unit reads only what the encoder writes)"
                )
            ]
        )
    metadata = _metadata(path, raw)
    schema = _schema(path, metadata)
    expected = {"id", "filter", "presence", *(f"block_{b.name}" for b in schema.blocking)}
    if set(parquet.schema_arrow.names) != expected:
        raise ValidationFailed([Problem(path.name, "its columns are not those its schema names")])
    table = parquet.read()
    words, variants = schema.bits // 64, schema.variants()
    width = words * 8 * variants
    if table.schema.field("filter").type != pa.binary(width):
        raise ValidationFailed([Problem(path.name, f"filters are not {schema.bits} bits", field="filter")])
    ids = np.asarray(table.column("id").to_pylist(), dtype=object)
    problems = [
        Problem(path.name, "an id is blank", row=int(i) + 1, field="id")
        for i in np.flatnonzero(ids == None)[:5]  # noqa: E711
    ]
    values, counts = np.unique(ids[ids != None].astype(str), return_counts=True)  # noqa: E711
    problems += [
        Problem(path.name, "an id appears more than once", field="id") for _ in values[counts > 1][:1]
    ]
    if len(ids) != metadata.get("records"):
        problems.append(Problem(path.name, "it holds another number of records than its metadata says"))
    if problems:
        raise ValidationFailed(problems)
    buffer = table.column("filter").combine_chunks().buffers()[1]
    filters = np.frombuffer(buffer, dtype=np.uint64, count=len(ids) * variants * words).reshape(
        len(ids), variants, words
    )
    presence = table.column("presence").fill_null(0).to_numpy().astype(np.int64)
    if ((presence < 0) | (presence >= variants)).any():
        raise ValidationFailed([Problem(path.name, "a presence mask names no variant", field="presence")])
    blocks = (
        np.column_stack(
            [
                table.column(f"block_{b.name}").fill_null(MISSING_BLOCK).to_numpy().astype(np.int64)
                for b in schema.blocking
            ]
        )
        if len(ids)
        else np.empty((0, len(schema.blocking)), dtype=np.int64)
    )
    return Encodings(
        kind=metadata["kind"],
        ids=ids,
        filters=filters.copy(),
        presence=presence,
        blocks=blocks,
        schema=schema,
        key_check=str(metadata["key_check"]),
    )


def _metadata(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        metadata = json.loads(raw)
    except ValueError:
        raise ValidationFailed([Problem(path.name, "its metadata is not JSON")]) from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ValidationFailed([Problem(path.name, f"not an encodings file of format {FORMAT}")])
    if metadata.get("kind") not in {"register", "requests"} or not isinstance(metadata.get("key_check"), str):
        raise ValidationFailed([Problem(path.name, "its metadata names no kind or no key check")])
    return metadata


def _schema(path: Path, metadata: dict[str, Any]) -> EncodingSchema:
    try:
        schema = EncodingSchema.model_validate(metadata.get("schema"))
    except ValidationError:
        raise ValidationFailed([Problem(path.name, "its encoding schema is not valid")]) from None
    if schema.checksum() != metadata.get("schema_checksum"):
        raise ValidationFailed([Problem(path.name, "its schema does not match the schema's checksum")])
    return schema
