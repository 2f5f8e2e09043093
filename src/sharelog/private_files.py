"""Files that hold personal data are created for their owner only: files 0600, folders 0700, whatever the umask.

Two layers, because neither is enough alone:

- **The entry points set the umask to 0077** (:func:`use_private_umask`: the ``sharelog`` command and the web app
  factory). Everything the process creates afterwards is private, including what libraries write themselves —
  DuckDB's Parquet, openpyxl's workbooks, matplotlib's charts, SQLite's ``-wal`` and ``-shm`` files.
- **sharelog's own files that hold personal data get their mode explicitly**, so that a service called from
  Python (a notebook, a test, another application) with the usual umask 022 creates them private too: the
  ledger's SQLite file, return and review files, the prepared register, ``sharelog link``'s matches, synthetic
  data. :func:`private_dir` makes a folder, :func:`open_private` and :func:`write_private_bytes` a file, and
  :func:`make_private` closes a tree a library has just written.

Modes are POSIX: on Windows these functions create the files and folders and leave access to the folder's ACL.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = [
    "PRIVATE_DIR_MODE",
    "PRIVATE_FILE_MODE",
    "PRIVATE_UMASK",
    "make_private",
    "open_private",
    "private_dir",
    "private_file_opener",
    "replace_private",
    "use_private_umask",
    "write_private_bytes",
]

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
PRIVATE_UMASK = 0o077

_POSIX = os.name == "posix"


def use_private_umask() -> int:
    """Make everything this process creates from now on private to its user; return the umask it replaces."""
    return os.umask(PRIVATE_UMASK)


def _tighten(path: Path, mode: int) -> None:
    """Drop group and other access from ``path`` if this user owns it (someone else's file is left as it is)."""
    if not _POSIX:
        return
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid():
        return
    if stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(mode)


def private_dir(path: Path) -> Path:
    """The folder ``path``, created (with any missing parents) for its owner only, and made private if it exists.

    Parents that already exist keep their mode: only the folders created here, and ``path`` itself, are 0700.
    """
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:  # made at the same moment by another process
            pass
        _tighten(folder, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask
    if not path.is_dir():
        raise NotADirectoryError(path)
    _tighten(path, PRIVATE_DIR_MODE)
    return path


def private_file_opener(path: str | os.PathLike[str], flags: int) -> int:
    """An ``opener`` for :func:`open`: the file is created 0600, and an existing one made 0600 before use."""
    descriptor = os.open(path, flags, PRIVATE_FILE_MODE)
    if _POSIX:
        try:
            os.fchmod(descriptor, PRIVATE_FILE_MODE)
        except PermissionError:  # another user's file, opened for reading: nothing to tighten
            pass
    return descriptor


def open_private(path: Path, mode: str = "w", **options: Any) -> IO[Any]:
    """``open(path, mode, ...)``, with the file private to its owner (see :func:`private_file_opener`)."""
    return open(path, mode, opener=private_file_opener, **options)


@contextmanager
def replace_private(path: Path, mode: str = "w", **options: Any) -> Iterator[IO[Any]]:
    """A private file to write ``path``'s new content into, beside it (``.<name>.partial``): synced and moved into
    place when the block ends, removed if it fails, so that ``path`` is never half-written."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open_private(partial, mode, **options) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def write_private_bytes(path: Path, data: bytes, *, sync: bool = True) -> Path:
    """Write ``data`` to ``path`` (created or replaced), readable by its owner only; synced to disk by default."""
    with open_private(path, "wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())
    return path


def make_private(path: Path) -> Path:
    """Make a file 0600, or a folder 0700 with everything in it (files 0600, folders 0700): for what a library
    wrote with the process's umask."""
    if path.is_dir() and not path.is_symlink():
        for root, folders, files in os.walk(path):
            here = Path(root)
            _tighten(here, PRIVATE_DIR_MODE)
            for name in files:
                _tighten(here / name, PRIVATE_FILE_MODE)
            for name in folders:
                _tighten(here / name, PRIVATE_DIR_MODE)
    elif path.exists():
        _tighten(path, PRIVATE_FILE_MODE)
    return path
