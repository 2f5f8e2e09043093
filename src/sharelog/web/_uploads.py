"""Uploaded files: saved under a private temporary folder for the service that reads them, then deleted.

The file keeps a cleaned version of its own name (the services tell CSV from XLSX by the suffix, and the person
who sent it recognises it in messages); the folder is never shown.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath

from fastapi import UploadFile

from sharelog.errors import InputError

__all__ = ["MAX_UPLOAD_BYTES", "saved_upload", "upload_name"]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_CHUNK = 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def upload_name(upload: UploadFile) -> str:
    """The upload's own file name without any folder, reduced to safe characters (``upload`` if none left)."""
    name = PurePath((upload.filename or "").replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned[:120] or "upload"


@contextmanager
def saved_upload(
    upload: UploadFile,
    *,
    name: str | None = None,
    folder: Path | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    label: str = "",
) -> Iterator[Path]:
    """The upload written to a temporary file, deleted afterwards.

    Args:
        name: the file's name (default: :func:`upload_name`).
        folder: where the private temporary folder goes (default: the system's temporary folder).
        max_bytes: the largest file taken.
        label: what messages start with (e.g. ``"batch: "``).

    Raises:
        InputError: the file is larger than ``max_bytes``.
    """
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sharelog-upload-", dir=folder) as private:
        path = Path(private) / (name or upload_name(upload))
        size = 0
        upload.file.seek(0)
        with path.open("wb") as handle:
            while chunk := upload.file.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(f"{label}the file is larger than {max_bytes // (1024 * 1024)} MB")
                handle.write(chunk)
        yield path
