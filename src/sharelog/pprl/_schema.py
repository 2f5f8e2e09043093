"""The encoding schema: which fields go into a record's Bloom filter, how each is cut into tokens and how much
each weighs; which blocking values each record carries; and the hardening. Both parties must encode with the
same schema; its checksum travels in every encodings file, and the linkage unit refuses two files whose schemas
differ.

One record-level filter (a cryptographic long-term key, CLK: Schnell, Bachteler and Reiher 2011) of ``bits``
bits. A token sets ``hashes`` positions, each drawn from a keyed hash (BLAKE2b in keyed mode) of the token under
the encoding key (random hashing: no double hashing, whose structure the attacks of Niedermeyer et al. 2014 and
Kroll and Steinmetzer 2015 exploit). Every token is prefixed by its space, so ``AN`` in a name and ``AN`` in an
address set different bits. Forenames and surnames share one space, ``name``: a request with the two names
swapped (common on forms) encodes almost as the record does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TokenKind = Literal["name", "name_variants", "date", "date_unordered", "value", "postcode", "bigrams"]
Source = Literal["forename", "middle_names", "surname", "dob", "sex", "postcode", "address"]
BlockPart = Literal[
    "dob",
    "year_of_birth",
    "forename_sound",
    "forename_group",
    "surname_sound",
    "names_sound",
    "postcode",
    "address",
]


class FieldEncoding(BaseModel):
    """One field's tokens and weight: ``hashes`` bit positions per token."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Source
    tokens: TokenKind
    hashes: int = Field(ge=1, le=32)


class BlockingPass(BaseModel):
    """A blocking value: records whose values agree on every part are compared (one pass of several)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z_]{1,30}$")
    parts: tuple[BlockPart, ...] = Field(min_length=1, max_length=4)


class EncodingSchema(BaseModel):
    """What both parties encode, and how; :meth:`checksum` identifies it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9-]{1,60}$")
    bits: int = Field(ge=256, le=4096, multiple_of=64)
    """The filter's length; a power of two keeps every position equally likely."""
    fields: tuple[FieldEncoding, ...] = Field(min_length=1, max_length=20)
    blocking: tuple[BlockingPass, ...] = Field(min_length=1, max_length=10)
    optional: tuple[Source, ...] = Field(default=(), max_length=3)
    """Fields a request often lacks. Each record is also encoded without each combination of them (a variant),
    and a pair is compared on the variant that leaves out what either record lacks: a missing address then
    costs nothing, instead of the address bits of the other record."""

    diffusion: int = Field(default=0, ge=0, le=8)
    """Hardening: each bit of the stored filter is the XOR of this many bits of the Bloom filter, at positions
    drawn from the key (a linear diffusion layer: Armknecht, Heng and Schnell 2023); 0: the Bloom filter as is."""

    def variants(self) -> int:
        """How many filters each record carries: one for each combination of the optional fields."""
        return 1 << len(self.optional)

    def checksum(self) -> str:
        """SHA-256 of the schema's canonical JSON: two parties with the same checksum encode alike."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def sources(self) -> tuple[str, ...]:
        """The fields the schema reads, each once, in the schema's order."""
        return tuple(dict.fromkeys(f.source for f in self.fields))


DEFAULT_SCHEMA = EncodingSchema(
    name="sharelog-clk-2",
    bits=1024,
    fields=(
        FieldEncoding(source="forename", tokens="name", hashes=10),
        FieldEncoding(source="forename", tokens="name_variants", hashes=10),
        FieldEncoding(source="surname", tokens="name", hashes=10),
        FieldEncoding(source="middle_names", tokens="name", hashes=6),
        FieldEncoding(source="dob", tokens="date", hashes=20),
        FieldEncoding(source="dob", tokens="date_unordered", hashes=20),
        FieldEncoding(source="sex", tokens="value", hashes=4),
        FieldEncoding(source="postcode", tokens="postcode", hashes=12),
        FieldEncoding(source="address", tokens="bigrams", hashes=8),
    ),
    blocking=(
        BlockingPass(name="dob", parts=("dob",)),
        BlockingPass(name="names", parts=("names_sound",)),
        BlockingPass(name="surname_year", parts=("surname_sound", "year_of_birth")),
        BlockingPass(name="forename_year", parts=("forename_sound", "year_of_birth")),
        BlockingPass(name="forename_group_year", parts=("forename_group", "year_of_birth")),
        BlockingPass(name="postcode", parts=("postcode",)),
        BlockingPass(name="address", parts=("address",)),
    ),
    optional=("postcode", "address"),
    diffusion=3,
)
"""sharelog's schema, chosen on FEBRL3 and the synthetic generator's tuning seeds; evaluated on FEBRL4 and the
held-out set (docs/pprl.md)."""
