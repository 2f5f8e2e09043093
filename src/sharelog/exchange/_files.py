"""An exchange's files: where they are, how they are written, read back and checksummed — one definition for the
exchange, its review and retention — written so that they exist if and only if the ledger records them.

Each exchange writes a return file (``returns/<reference>.csv``, sent to the requester) and, when some requests
fall in the review band, a review file (``review/<reference>.json``: what a reviewer compares; deleted once all
are decided); completing a review may write a supplementary return file. With a file key each is encrypted in
memory and written as ``<name>.enc`` (see :mod:`._encryption`). Each is first written as ``.<name>.partial``
beside its final place; the ledger transaction commits; then the files are renamed into place. A crash leaves
either nothing (the next run deletes the partials) or a committed exchange whose partials the next run renames
(:func:`sharelog.exchange.recover_exchange_files`).

Partial files of a run still going are not a crash's leftovers: from its first partial file until its files are
in place, a run (an exchange, a review's completion) holds a shared lock on ``<data dir>/.exchange-files.lock``
(:func:`files_in_flight`), and recovery runs only when it can take that lock exclusively
(:func:`files_exclusively`) — otherwise it leaves everything to a later run. A killed process's lock goes with
it, so its leftovers are recovered next time.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa

from sharelog.errors import InputError
from sharelog.exchange._encryption import (
    KEY_SETTING,
    decrypt_file_bytes,
    encrypt_file_bytes,
    file_key,
    is_encrypted,
)
from sharelog.linkage import write_csv_atomically, write_csv_rows
from sharelog.private_files import open_private, private_dir, write_private_bytes
from sharelog.settings import Settings

__all__ = [
    "ENCRYPTED_SUFFIX",
    "crash_point",
    "exchange_file_path",
    "file_checksum",
    "files_exclusively",
    "files_in_flight",
    "final_path",
    "partial_path",
    "plain_name",
    "read_exchange_file",
    "read_return_file",
    "review_file_path",
    "write_exchange_csv",
    "write_exchange_json",
]

ENCRYPTED_SUFFIX = ".enc"
LOCK_NAME = ".exchange-files.lock"


def exchange_file_path(folder: Path, name: str, *, key: bytes | None) -> Path:
    """Where an exchange file called ``name`` goes: with ``.enc`` added when it is to be encrypted."""
    return folder / (name + ENCRYPTED_SUFFIX if key is not None else name)


def review_file_path(review_dir: Path, reference: str) -> Path:
    """An exchange's review file, encrypted or not: the one on disk (or waiting as a partial), else the plain
    name. Encryption may have been switched on or off since the exchange ran, so both names are looked for."""
    plain = review_dir / f"{reference}.json"
    for candidate in (plain.with_name(plain.name + ENCRYPTED_SUFFIX), plain):
        if candidate.is_file() or partial_path(candidate).is_file():
            return candidate
    return plain


def partial_path(final: Path) -> Path:
    """Where a file is written before its exchange commits."""
    return final.with_name(f".{final.name}.partial")


def final_path(partial: Path) -> Path:
    """Where a partial file goes once its exchange has committed."""
    return partial.with_name(partial.name[1 : -len(".partial")])


def plain_name(path: Path | str) -> str:
    """The file's name without ``.enc``: what it is called once decrypted."""
    name = Path(path).name
    return name[: -len(ENCRYPTED_SUFFIX)] if name.endswith(ENCRYPTED_SUFFIX) else name


def file_checksum(path: Path) -> str:
    """sha256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_partial_csv(table: pa.Table, final: Path) -> tuple[Path, str]:
    """Write ``table`` to the partial path of ``final`` (synced to disk); return it with its checksum."""
    private_dir(final.parent)
    partial = partial_path(final)
    write_csv_atomically(table, partial)  # 0600, its text cells neutralised for spreadsheets
    return partial, file_checksum(partial)


def _write_partial_json(document: Any, final: Path) -> Path:
    """Write ``document`` as JSON to the partial path of ``final`` (synced to disk)."""
    private_dir(final.parent)
    partial = partial_path(final)
    with open_private(partial, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1, default=str)
        handle.flush()
        os.fsync(handle.fileno())
    return partial


def _write_partial_bytes(data: bytes, final: Path) -> Path:
    private_dir(final.parent)
    return write_private_bytes(partial_path(final), data)


def write_exchange_csv(table: pa.Table, final: Path, *, key: bytes | None) -> tuple[Path, str]:
    """Write ``table`` as CSV to the partial path of ``final`` — encrypted in memory first when there is a key —
    and return the partial with the checksum of its bytes on disk."""
    if key is None:
        return _write_partial_csv(table, final)
    text = io.StringIO(newline="")
    write_csv_rows(table, text)
    partial = _write_partial_bytes(encrypt_file_bytes(text.getvalue().encode("utf-8"), key=key), final)
    return partial, file_checksum(partial)


def write_exchange_json(document: Any, final: Path, *, key: bytes | None) -> Path:
    """Write ``document`` as JSON to the partial path of ``final``, encrypted in memory first when there is a
    key (the same JSON as a plain review file)."""
    if key is None:
        return _write_partial_json(document, final)
    text = json.dumps(document, ensure_ascii=False, indent=1, default=str)
    return _write_partial_bytes(encrypt_file_bytes(text.encode("utf-8"), key=key), final)


def read_exchange_file(settings: Settings, path: Path) -> bytes:
    """The plain bytes of a return file or review file: decrypted when it is encrypted, as it is otherwise.

    Whether a file is encrypted is read from the file itself, so files written before encryption was switched
    on (or after it was switched off) stay readable.

    Raises:
        InputError: the file cannot be read, or it is encrypted and no key, or another key, is configured.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path.name}: cannot read the file ({error.strerror})") from None
    if not is_encrypted(data):
        return data
    key = file_key(settings)
    if key is None:
        raise InputError(f"{path.name} is encrypted: set {KEY_SETTING} to the key it was encrypted with")
    return decrypt_file_bytes(data, key=key, name=path.name)


def read_return_file(settings: Settings, path: Path) -> bytes:
    """A return file's plain bytes, to hand to an entitled reader (the API's download): decrypted with the
    configured key when the file is encrypted at rest. Serve them as :func:`plain_name` (without ``.enc``).

    Raises:
        InputError: the file cannot be read, or it is encrypted and no key, or another key, is configured.
    """
    return read_exchange_file(settings, path)


@contextmanager
def _files_lock(data_dir: Path, *, exclusive: bool) -> Iterator[bool]:
    """Hold the data folder's files lock (``flock``): shared waits for it; exclusive does not, and yields
    whether it got it. Closing the descriptor — or the process dying — releases it."""
    if sys.platform == "win32":  # no flock: runs there must not overlap
        yield True
        return
    import fcntl

    data_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH)
            held = True
        except BlockingIOError:
            held = False
        yield held
    finally:
        os.close(descriptor)


@contextmanager
def files_in_flight(data_dir: Path) -> Iterator[None]:
    """Held by a run from writing its first partial file until its files are in place (or it failed), so that
    recovery by another run at the same time never takes them for a crash's leftovers."""
    with _files_lock(data_dir, exclusive=False):
        yield


@contextmanager
def files_exclusively(data_dir: Path) -> Iterator[bool]:
    """Take the data folder's files lock alone if no run has files in flight; yields whether it was taken (held
    until the block ends). Recovery uses it: while another run has partial files, they are not leftovers."""
    with _files_lock(data_dir, exclusive=True) as alone:
        yield alone


def crash_point(name: str) -> None:
    """Fault injection for the crash-safety tests: SIGKILL this process at ``name`` when asked to.

    Set ``SHARELOG_CRASH_AT=<name>`` to kill the process there; unset, this does nothing.
    """
    if os.environ.get("SHARELOG_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
