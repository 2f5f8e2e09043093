"""The linkage secret: 32 random bytes the requester and the holder share, and sharelog's ledger never holds.

Each party keeps the same key file; neither the linkage unit nor the ledger ever sees it. Two keys are derived
from it with HKDF (RFC 5869), one for each use, so that a blocking value and a Bloom-filter token never hash
alike: ``encode`` keys the Bloom-filter positions, ``block`` the blocking values. ``check`` is a value both
parties' files carry so that the linkage unit can tell two files were encoded with the same secret without
learning anything of it (an HMAC of a fixed label).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sharelog.errors import InputError
from sharelog.private_files import write_private_bytes

KEY_BYTES = 32
_KEY_FILE_HEADER = "sharelog-pprl-key v1"
_MAX_KEY_FILE_BYTES = 1024


@dataclass(frozen=True)
class LinkageKey:
    """The shared secret, with the keys derived from it for each use."""

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) != KEY_BYTES:
            raise InputError(f"a linkage key is {KEY_BYTES} bytes; this one is {len(self.secret)}")

    def derived(self, use: str) -> bytes:
        """The key for ``use`` (``encode`` or ``block``): HKDF-SHA256 of the secret, labelled by the use."""
        return HKDF(
            algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=f"sharelog-pprl {use}".encode()
        ).derive(self.secret)

    def check(self) -> str:
        """What both parties' encodings carry to show they share this key; says nothing about the key."""
        return hmac.digest(self.derived("check"), b"sharelog-pprl key check", "sha256").hex()[:32]

    def __repr__(self) -> str:  # never the secret, even in a traceback
        return "LinkageKey(<secret>)"


def generate_key() -> LinkageKey:
    """A fresh random key (the operating system's CSPRNG)."""
    return LinkageKey(secrets.token_bytes(KEY_BYTES))


def write_key(key: LinkageKey, path: Path) -> Path:
    """Write ``key`` to a new file readable by its owner only; never overwrites an existing key."""
    if path.exists():
        raise InputError(f"{path.name}: a file of that name exists; a linkage key is never overwritten")
    text = f"{_KEY_FILE_HEADER}\n{key.secret.hex()}\n"
    return write_private_bytes(path, text.encode("ascii"))


def read_key(path: Path) -> LinkageKey:
    """The key in ``path`` (written by :func:`write_key`), or a clear error that never shows the file's text."""
    if not path.is_file():
        raise InputError(f"{path.name}: no such linkage key file")
    if path.stat().st_size > _MAX_KEY_FILE_BYTES:
        raise InputError(f"{path.name}: not a linkage key file (too large)")
    lines = path.read_bytes().decode("ascii", errors="replace").split()
    if len(lines) != 3 or " ".join(lines[:2]) != _KEY_FILE_HEADER:
        raise InputError(
            f"{path.name}: not a linkage key file", cli_hint="write one with `sharelog pprl keygen`"
        )
    try:
        secret = bytes.fromhex(lines[2])
    except ValueError:
        raise InputError(f"{path.name}: the key is not hexadecimal") from None
    return LinkageKey(secret)
