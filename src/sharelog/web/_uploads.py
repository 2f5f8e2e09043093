"""Uploaded files: saved under a private temporary folder for the service that reads them, then deleted.

The file keeps a cleaned version of its own name (the services tell CSV from XLSX by the suffix, and the person
who sent it recognises it in messages); the folder is never shown.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any

from fastapi import HTTPException, Request, Response, UploadFile
from fastapi.routing import APIRoute
from starlette.types import Message

from sharelog.errors import InputError

__all__ = [
    "BATCH_SUFFIXES",
    "MAX_BATCH_BYTES",
    "MAX_UPLOAD_BYTES",
    "saved_batch",
    "saved_upload",
    "upload_name",
]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
BATCH_SUFFIXES = (".csv", ".parquet", ".pq")
MAX_BATCH_BYTES = 50 * 1024 * 1024  # a monthly batch is a few thousand rows at most
MAX_BATCH_BODY_BYTES = MAX_BATCH_BYTES + 1024 * 1024  # the batch, and room for the form's other fields
_CHUNK = 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_UNSAFE_BATCH_NAME = re.compile(r"[^A-Za-z0-9._-]+")


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
    field: str | None = None,
) -> Iterator[Path]:
    """The upload written to a temporary file, deleted afterwards.

    Args:
        name: the file's name (default: :func:`upload_name`).
        folder: where the private temporary folder goes (default: the system's temporary folder).
        max_bytes: the largest file taken.
        label: what messages start with (e.g. ``"file: "``).
        field: the field the upload is, named on the error (a form puts the message against it).

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
                    raise InputError(
                        f"{label}the file is larger than {max_bytes // (1024 * 1024)} MB", field=field
                    )
                handle.write(chunk)
        yield path


@contextmanager
def saved_batch(upload: UploadFile, *, folder: Path) -> Iterator[Path]:
    """A request batch upload in a private folder under ``folder`` (the data folder, not /tmp), deleted afterwards.

    The one way a batch enters from the web, for the API and the page alike. The file keeps its own name, reduced
    to safe characters: the matcher tells CSV from Parquet by the suffix, and messages name the file as its sender
    knows it.

    Raises:
        InputError: (field ``batch``) not a .csv or .parquet file, or larger than :data:`MAX_BATCH_BYTES`.
    """
    name = _UNSAFE_BATCH_NAME.sub("_", PurePath((upload.filename or "").replace("\\", "/")).name)
    name = name.strip("._")[:120]
    if not name.lower().endswith(BATCH_SUFFIXES):
        raise InputError("send the request batch as a .csv or .parquet file", field="batch")
    with saved_upload(upload, name=name, folder=folder, max_bytes=MAX_BATCH_BYTES, field="batch") as path:
        yield path


def _too_large() -> HTTPException:
    return HTTPException(413, f"the request body is larger than {MAX_BATCH_BODY_BYTES:,} bytes")


class BatchBodyLimitRoute(APIRoute):
    """A route that reads at most :data:`MAX_BATCH_BODY_BYTES` of body — refused (413) at once when the
    Content-Length says more, else as soon as the bytes received pass it — so that no larger upload is spooled to
    disk before :func:`saved_batch` could refuse it. (The FOI routes do the same with their own limit.)"""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_BATCH_BODY_BYTES:
                raise _too_large()
            received = 0

            async def receive() -> Message:
                nonlocal received
                message = await request.receive()
                received += len(message.get("body", b""))
                if received > MAX_BATCH_BODY_BYTES:
                    raise _too_large()
                return message

            return await handler(Request(request.scope, receive))

        return limited
