"""Privacy-preserving record linkage: the holder never sees the identities of people it does not hold.

Three parties, as in Data61's anonlink protocol. The requester and the holder share a linkage key
(:func:`generate_key`; never in the ledger). Each encodes its own records locally (:func:`encode_file`: one
keyed Bloom filter and a few keyed blocking values per record) and sends only the encodings to a **linkage
unit**, which has no key and no clear data. The linkage unit compares the encodings (:func:`link_encodings`)
and tells the holder which of its pupils matched which request id; the holder then runs the exchange as usual —
the minimal return, the ledger, outcomes and reports unchanged. See docs/pprl.md for the threat model.
"""

from sharelog.pprl._encode import Encodings, Kind, encode_file, encode_table
from sharelog.pprl._key import LinkageKey, generate_key, read_key, write_key
from sharelog.pprl._link import (
    LINKS_COLUMNS,
    LinkedRequest,
    LinkOutcome,
    LinkThresholds,
    check_compatible,
    estimate_thresholds,
    link_encodings,
    read_links,
    write_links,
)
from sharelog.pprl._schema import DEFAULT_SCHEMA, BlockingPass, EncodingSchema, FieldEncoding
from sharelog.pprl._store import read_encodings, write_encodings

__all__ = [
    "LINKS_COLUMNS",
    "DEFAULT_SCHEMA",
    "BlockingPass",
    "EncodingSchema",
    "Encodings",
    "Kind",
    "FieldEncoding",
    "LinkOutcome",
    "LinkThresholds",
    "LinkageKey",
    "LinkedRequest",
    "check_compatible",
    "encode_file",
    "encode_table",
    "estimate_thresholds",
    "generate_key",
    "link_encodings",
    "read_encodings",
    "read_key",
    "read_links",
    "write_encodings",
    "write_key",
    "write_links",
]
