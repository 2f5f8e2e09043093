"""Encoding: standardised identifiers → one Bloom filter and a few blocking values per record.

Each party runs this on its own machine with the shared key; only the encodings leave it. The work is done per
distinct value, not per record (a register of a million children holds some thousands of forenames and dates of
birth), and the bits are set with numpy a block of records at a time.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import jellyfish
import numpy as np
import pandas as pd

from sharelog.linkage import InputLimits, name_variant_groups, read_input_columns
from sharelog.pprl._key import LinkageKey
from sharelog.pprl._schema import BlockingPass, EncodingSchema, FieldEncoding

Kind = Literal["register", "requests"]
Progress = Callable[[str, int, int], None]
BLOCKING_SOURCES = ("forename", "surname", "dob", "postcode", "address")
"""The fields the blocking values are made from (read whether or not the schema encodes them)."""
"""``report(stage, done, total)``, as every sharelog service reports progress."""
MISSING_BLOCK = -1
_CHUNK = 65_536
_NOT_LETTERS = re.compile(r"[^A-Z ]+")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


@dataclass(frozen=True)
class Encodings:
    """One party's encoded records: ids; packed filters (``uint64``, shape records × variants × ``bits / 64``:
    variant ``v`` leaves out the schema's optional fields whose bit in ``v`` is clear); which optional fields each
    record has (``presence``, the same bits); and blocking values (``int64``, one column per blocking pass;
    :data:`MISSING_BLOCK` where a part is blank)."""

    kind: Kind
    ids: np.ndarray
    filters: np.ndarray
    presence: np.ndarray
    blocks: np.ndarray
    schema: EncodingSchema
    key_check: str

    def __len__(self) -> int:
        return len(self.ids)


# --- standardisation: the same on both sides, so that equal identifiers encode equally -----------------------


def _ascii_upper(value: str) -> str:
    if value.isascii():
        return value.upper()
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def clean_name(value: str) -> str:
    """Upper-case letters and single spaces: accents dropped, hyphens and apostrophes as spaces."""
    letters = _NOT_LETTERS.sub(" ", _ascii_upper(value).replace("-", " ").replace("'", ""))
    return " ".join(letters.split())


def clean_postcode(value: str) -> str:
    return _NOT_ALNUM.sub("", _ascii_upper(value))


def clean_date(value: str) -> str:
    """An ISO date, or blank when the value is not one."""
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return ""


def clean_sex(value: str) -> str:
    first = value.strip()[:1].upper()
    return first if first in {"M", "F"} else ""


def clean_address(value: str) -> str:
    return _NOT_ALNUM.sub("", _ascii_upper(value))


_CLEANERS: dict[str, Callable[[str], str]] = {
    "forename": clean_name,
    "middle_names": clean_name,
    "surname": clean_name,
    "dob": clean_date,
    "sex": clean_sex,
    "postcode": clean_postcode,
    "address": clean_address,
}


# --- tokens --------------------------------------------------------------------------------------------------


def _bigrams(text: str) -> set[str]:
    padded = f"_{text}_"
    return {padded[i : i + 2] for i in range(len(padded) - 1)} if text else set()


def tokens(encoding: FieldEncoding, value: str) -> set[str]:
    """The tokens of one cleaned value, each prefixed by its space (so equal text in two spaces differs)."""
    if not value:
        return set()
    kind = encoding.tokens
    if kind == "name":
        return {f"name:{gram}" for part in value.split() for gram in _bigrams(part)}
    if kind == "name_variants":
        groups = name_variant_groups()
        return {f"nv:{group}" for part in value.split() for group in groups.get(part, ())}
    if kind == "date":
        year, month, day = value[:4], value[5:7], value[8:10]
        return {f"dob:y{year}", f"dob:m{month}", f"dob:d{day}", f"dob:md{month}{day}", f"dob:ym{year}{month}"}
    if kind == "date_unordered":
        month, day = value[5:7], value[8:10]
        return {f"dob:u{min(month, day)}{max(month, day)}"}
    if kind == "postcode":
        found = {f"pc:{value}"} | {f"pc:{i}{c}" for i, c in enumerate(value)}
        if len(value) >= 5:
            outward = value[:-3]
            found |= {f"pc:o{outward}", f"pc:s{outward}{value[-3]}"}
        return found
    if kind == "bigrams":
        return {f"{encoding.source}:{gram}" for gram in _bigrams(value)}
    return {f"{encoding.source}:{value}"}


def _keyed_hash(key: bytes, message: str) -> bytes:
    """A 64-byte keyed hash (BLAKE2b in its keyed mode, a MAC: RFC 7693 §2.9)."""
    return hashlib.blake2b(message.encode(), key=key, digest_size=64).digest()


def _positions(key: bytes, token: str, hashes: int, bits: int) -> np.ndarray:
    """The ``hashes`` bit positions of ``token``: 16-bit words of its keyed hash, mod ``bits`` (a power of two
    divides 65,536, so no position is favoured)."""
    return np.frombuffer(_keyed_hash(key, token), dtype=">u2")[:hashes].astype(np.int64) % bits


# --- blocking values -----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65_536)
def _sound(name: str) -> str:
    first = name.split()[0] if name else ""
    return jellyfish.metaphone(first) if first else ""


def _group(name: str) -> str:
    """The primary name-variant group of the first name (WILLIAM for BILL), blank for a name in none."""
    first = name.split()[0] if name else ""
    groups = name_variant_groups().get(first, ())
    return groups[0] if groups else ""


def _mapped(values: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """``function`` applied once per distinct value (a register repeats its names and dates many times); a
    missing value is blank."""
    codes, uniques = pd.factorize(values.fillna("").astype(str), sort=False)
    done = np.array([function(str(value)) for value in uniques] or [""], dtype=object)
    return pd.Series(done[codes] if len(codes) else [], dtype=object)


def _block_parts(cleaned: Mapping[str, pd.Series]) -> dict[str, pd.Series]:
    """Every blocking part, for every record (blank where the fields it needs are)."""
    dob = cleaned["dob"].reset_index(drop=True)
    forename = _mapped(cleaned["forename"].reset_index(drop=True), _sound)
    surname = _mapped(cleaned["surname"].reset_index(drop=True).str.replace(" ", ""), _sound)
    both = (forename != "") & (surname != "")
    ordered = forename <= surname
    names = (forename.where(ordered, surname) + "/" + surname.where(ordered, forename)).where(both, "")
    return {
        "dob": dob,
        "year_of_birth": dob.str.slice(0, 4),
        "forename_sound": forename,
        "forename_group": _mapped(cleaned["forename"].reset_index(drop=True), _group),
        "surname_sound": surname,
        "names_sound": names,
        "postcode": cleaned["postcode"].reset_index(drop=True),
        "address": cleaned["address"].reset_index(drop=True),
    }


def _block_value(key: bytes, name: str, parts: str) -> int:
    """A blocking value: the keyed hash of the pass's name and its parts, 63 bits (never negative, never
    :data:`MISSING_BLOCK`)."""
    digest = hashlib.blake2b(f"{name}\x1f{parts}".encode(), key=key, digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


# --- the whole table -----------------------------------------------------------------------------------------


def encode_table(
    table: pd.DataFrame,
    *,
    id_column: str,
    kind: Kind,
    schema: EncodingSchema,
    key: LinkageKey,
    progress: Progress | None = None,
) -> Encodings:
    """Encode every row of ``table`` (text columns in the register or batch schema; blank for missing)."""
    encode_key, block_key = key.derived("encode"), key.derived("block")
    n = len(table)
    cleaned = {
        source: _mapped(table[source], _CLEANERS[source]) if source in table.columns else pd.Series([""] * n)
        for source in {*schema.sources(), *BLOCKING_SOURCES}
    }
    words, variants = schema.bits // 64, schema.variants()
    filters = np.zeros((n, variants, words), dtype=np.uint64)
    presence = np.zeros(n, dtype=np.int64)
    for bit, source in enumerate(schema.optional):
        presence |= (cleaned[source].to_numpy() != "").astype(np.int64) << bit
    per_field = [
        _field_positions(encoding, cleaned[encoding.source], encode_key, schema.bits)
        for encoding in schema.fields
    ]
    # the variants each field's bits go into: every one, unless the field is optional and the variant leaves it out
    into = [
        [
            v
            for v in range(variants)
            if e.source not in schema.optional or v >> schema.optional.index(e.source) & 1
        ]
        for e in schema.fields
    ]
    for start in range(0, n, _CHUNK):
        stop = min(n, start + _CHUNK)
        for (codes, flat, offsets, lengths), targets in zip(per_field, into, strict=True):
            chunk = np.zeros((stop - start, schema.bits), dtype=bool)
            rows, cols = _expand(codes[start:stop], flat, offsets, lengths)
            chunk[rows, cols] = True
            packed = np.packbits(chunk, axis=1, bitorder="little").view(np.uint64)
            for v in targets:
                filters[start:stop, v] |= packed
        if progress is not None:
            progress("encoding", stop, n)
    if schema.diffusion:
        filters = diffuse(filters, taps=diffusion_taps(key.derived("diffuse"), schema.bits, schema.diffusion))
    blocks = _blocks(cleaned, schema.blocking, block_key, n)
    return Encodings(
        kind=kind,
        ids=table[id_column].astype(str).to_numpy(dtype=object),
        filters=filters,
        presence=presence,
        blocks=blocks,
        schema=schema,
        key_check=key.check(),
    )


@dataclass(frozen=True)
class DiffusionTaps:
    """Where each bit of a stored filter takes its inputs from: ``taps`` keyed permutations of the filter's bits,
    each a permutation of its bytes (``byte_order``: output byte → input byte) and, within each byte, of its bits
    (``luts``: per output byte, input byte value → output byte value). Output bit ``j`` is the XOR of input bit
    ``perm_i(j)`` over the permutations, and no two permutations send ``j`` to the same input bit."""

    byte_order: np.ndarray  # taps × bytes
    luts: np.ndarray  # taps × bytes × 256, uint8
    positions: np.ndarray  # taps × bits: the input bit of each output bit, per permutation


def diffusion_taps(key: bytes, bits: int, taps: int) -> DiffusionTaps:
    """The diffusion layer's taps, drawn from ``key`` (both parties draw the same)."""
    seed = np.frombuffer(_keyed_hash(key, "diffusion taps"), dtype=np.uint64)
    rng = np.random.Generator(np.random.PCG64(seed))
    n_bytes = bits // 8
    values = np.arange(256)
    while True:
        byte_order = np.stack([rng.permutation(n_bytes) for _ in range(taps)])
        within = rng.permuted(np.tile(np.arange(8), (taps, n_bytes, 1)), axis=2)
        positions = (byte_order[:, :, None] * 8 + within).reshape(taps, bits)
        if all(len(set(column)) == taps for column in positions.T.tolist()):
            break
    luts = np.zeros((taps, n_bytes, 256), dtype=np.uint8)
    for k in range(8):  # output bit k of each byte is input bit within[..., k] of its source byte
        luts |= (((values[None, None, :] >> within[:, :, k, None]) & 1) << k).astype(np.uint8)
    return DiffusionTaps(byte_order=byte_order, luts=luts, positions=positions)


def diffuse(filters: np.ndarray, *, taps: DiffusionTaps) -> np.ndarray:
    """The diffusion layer over packed filters (records × variants × words): each output bit the XOR of its
    taps' bits (Armknecht, Heng and Schnell 2023). Linear: records that differ in few Bloom-filter bits still
    differ in few output bits (up to ``taps`` times as many), while an output bit no longer belongs to one token,
    which is what pattern-mining attacks look for."""
    n, variants, words = filters.shape
    out = np.empty_like(filters)
    n_bytes = taps.byte_order.shape[1]
    wide = np.uint16 if n_bytes <= 256 else np.uint32
    offsets = (np.arange(n_bytes, dtype=wide) * 256)[None, :]
    flat = taps.luts.reshape(len(taps.luts), -1)
    step = max(1, _CHUNK // (16 * variants))
    for start in range(0, n, step):
        part = np.ascontiguousarray(filters[start : start + step]).reshape(-1, words).view(np.uint8)
        mixed = np.zeros_like(part)
        for order, table in zip(taps.byte_order, flat, strict=True):
            mixed ^= table[np.add(part[:, order], offsets, dtype=wide)]
        out[start : start + step] = mixed.view(np.uint64).reshape(-1, variants, words)
    return out


def _field_positions(
    encoding: FieldEncoding, values: pd.Series, key: bytes, bits: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct value, its bit positions (flat, with offsets and lengths); per record, its value's code.

    Each distinct token is hashed once (a table of its positions); a value is the list of its tokens' rows."""
    codes, uniques = pd.factorize(values, sort=False)
    token_rows: dict[str, int] = {}
    per_value = [
        [token_rows.setdefault(token, len(token_rows)) for token in tokens(encoding, str(value))]
        for value in uniques
    ]
    table = np.zeros((max(len(token_rows), 1), encoding.hashes), dtype=np.int64)
    for token, row in token_rows.items():
        table[row] = _positions(key, token, encoding.hashes, bits)
    lengths = np.array([len(rows) for rows in per_value], dtype=np.int64) * encoding.hashes
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(lengths) else np.empty(0, dtype=np.int64)
    rows = np.fromiter(itertools.chain.from_iterable(per_value), dtype=np.int64)
    return codes.astype(np.int64), table[rows].ravel(), offsets.astype(np.int64), lengths


def _expand(
    codes: np.ndarray, flat: np.ndarray, offsets: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of every bit the records of ``codes`` set for one field."""
    counts = lengths[codes]
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    rows = np.repeat(np.arange(len(codes)), counts)
    starts = np.repeat(offsets[codes] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return rows, flat[starts + np.arange(total)]


def _blocks(
    cleaned: Mapping[str, pd.Series], passes: Sequence[BlockingPass], key: bytes, n: int
) -> np.ndarray:
    parts = _block_parts(cleaned)
    blocks = np.full((n, len(passes)), MISSING_BLOCK, dtype=np.int64)
    for column, blocking in enumerate(passes):
        series = [parts[part] for part in blocking.parts]
        joined = series[0].str.cat(series[1:], sep="|") if len(series) > 1 else series[0]
        blank = np.logical_or.reduce([(part == "").to_numpy() for part in series])
        codes, uniques = pd.factorize(joined, sort=False)
        values = np.fromiter(
            (_block_value(key, blocking.name, str(u)) for u in uniques), dtype=np.int64, count=len(uniques)
        )
        if len(codes):
            blocks[:, column] = np.where(blank, MISSING_BLOCK, values[codes])
    return blocks


def encode_file(
    path: Path,
    *,
    kind: Kind,
    schema: EncodingSchema,
    key: LinkageKey,
    limits: InputLimits | None = None,
    progress: Progress | None = None,
) -> Encodings:
    """Read a register or a batch (validated as ``sharelog link`` reads it: linkage.read_input) and encode it.
    Only the fields the schema names are read; every other column stays where it is."""
    if progress is not None:
        progress("reading", 0, 1)
    id_column = "pupil_id" if kind == "register" else "request_id"
    needed = (id_column, *schema.sources(), *BLOCKING_SOURCES)
    table = read_input_columns(
        path, kind=kind, columns=list(dict.fromkeys(needed)), limits=limits
    ).to_pandas()
    if progress is not None:
        progress("reading", 1, 1)
    return encode_table(table, id_column=id_column, kind=kind, schema=schema, key=key, progress=progress)
