"""Exchange files encrypted at rest (return files and review files, when ``return_file_key_file`` is set): the
cipher, the layout of an encrypted file, and the keys.

They are encrypted in memory and only the encrypted bytes are written (as partial files, like plain ones: see
:mod:`._files`), so the plain bytes never touch the disk. The checksum the ledger records is that of the bytes
on disk — the encrypted ones — which is what retention and recovery read back.

An encrypted file has ``.enc`` after its usual name (``returns/EX-2019-03-1a2b3c4d.csv.enc``) and this layout:

    sharelog-encrypted-v1\\n   the magic line: what the file is (``head -1`` shows it)
    8 bytes                    the key id: the first 8 bytes of sha256 of the key, so a wrong key is named
    12 bytes                   the nonce, random for every file
    the rest                   AES-256-GCM ciphertext with its 16-byte tag

The header is the cipher's associated data, so a change to any byte of the file makes decryption fail. A file
is encrypted whole, in memory: a return file of 10,000 rows is about 2 MB. Why AES-256-GCM and not Fernet: a
256-bit key (Fernet's AES key is 128 bits), authenticated encryption in one primitive, and no base64 expansion;
random 96-bit nonces are safe for far more files than one key will ever encrypt (NIST's bound is 2^32).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sharelog.errors import Conflict, InputError
from sharelog.settings import Settings

__all__ = [
    "decrypt_file_bytes",
    "encrypt_file_bytes",
    "file_key",
    "file_key_id",
    "generate_file_key",
    "is_encrypted",
    "read_file_key",
    "write_new_private_file",
]

MAGIC = b"sharelog-encrypted-v1\n"
KEY_BYTES = 32
KEY_ID_BYTES = 8
NONCE_BYTES = 12
KEY_SETTING = "SHARELOG_RETURN_FILE_KEY_FILE"
_HEADER = len(MAGIC) + KEY_ID_BYTES + NONCE_BYTES


def file_key_id(key: bytes) -> str:
    """The key's id, as the files it encrypts record it: 16 hex digits of sha256 of the key."""
    return hashlib.sha256(key).digest()[:KEY_ID_BYTES].hex()


def generate_file_key(path: Path) -> str:
    """Write a new random key to ``path`` (one line of base64, mode 0600) and return its id.

    Raises:
        Conflict: ``path`` exists (a key is never overwritten: files encrypted with it would be lost).
    """
    key = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_new_private_file(path, base64.urlsafe_b64encode(key) + b"\n", field="out", what="a key")
    return file_key_id(key)


def write_new_private_file(path: Path, data: bytes, *, field: str, what: str = "a file") -> None:
    """Write ``data`` to a new file that only its owner can read (mode 0600), synced to disk.

    Raises:
        InputError: the folder does not exist (about ``field``, the input that named ``path``).
        Conflict: the file exists (it is never overwritten).
    """
    if not path.parent.is_dir():
        raise InputError(f"the folder {path.parent} does not exist", field=field)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise Conflict(
            f"{path} exists; {what} is never overwritten (move it away first)", field=field
        ) from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def read_file_key(path: Path, *, field: str | None = None) -> bytes:
    """The 32-byte key in ``path`` (base64, as `sharelog exchange keygen` writes it).

    Args:
        field: the input that named ``path``; without one, the setting ``SHARELOG_RETURN_FILE_KEY_FILE`` did,
            and the messages name it.

    Raises:
        InputError: the file cannot be read, others may read it, or it holds no 32-byte key.
    """

    def refused(message: str, cli_hint: str | None = None) -> InputError:
        return InputError(message if field else f"{KEY_SETTING}: {message}", field=field, cli_hint=cli_hint)

    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not a key file"
        raise refused(f"cannot read {path} ({reason})") from None
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise refused(f"{path} can be read by others; make it private (chmod 600 {path})")
    try:
        key = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise refused(
            f"{path} does not hold a 32-byte key in base64",
            cli_hint="make one with `sharelog exchange keygen`",
        )
    return key


def file_key(settings: Settings) -> bytes | None:
    """The key exchange files are encrypted with, or None when they are written in the clear."""
    if settings.return_file_key_file is None:
        return None
    return read_file_key(settings.return_file_key_file)


def is_encrypted(data: bytes) -> bool:
    """Whether ``data`` is an encrypted sharelog file (by its magic line, not its name)."""
    return data.startswith(MAGIC)


def encrypt_file_bytes(plain: bytes, *, key: bytes) -> bytes:
    """``plain`` encrypted under ``key`` with a fresh nonce, in the layout this module describes."""
    header = MAGIC + hashlib.sha256(key).digest()[:KEY_ID_BYTES] + secrets.token_bytes(NONCE_BYTES)
    return header + AESGCM(key).encrypt(header[-NONCE_BYTES:], plain, header)


def decrypt_file_bytes(data: bytes, *, key: bytes, name: str) -> bytes:
    """The plain bytes of an encrypted file. ``name`` is what messages call the file.

    Raises:
        InputError: not an encrypted sharelog file, encrypted with another key, or changed since it was written.
    """
    if not is_encrypted(data) or len(data) < _HEADER + 16:
        raise InputError(f"{name}: not an encrypted sharelog file (no `sharelog-encrypted-v1` header)")
    header = data[:_HEADER]
    file_id = header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES].hex()
    if file_id != file_key_id(key):
        raise InputError(f"{name}: encrypted with key {file_id}, not with this key ({file_key_id(key)})")
    try:
        return AESGCM(key).decrypt(header[-NONCE_BYTES:], data[_HEADER:], header)
    except InvalidTag:
        raise InputError(f"{name}: cannot be decrypted: the file was changed or damaged") from None
