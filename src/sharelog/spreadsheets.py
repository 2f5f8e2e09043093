"""Spreadsheet safety, both ways: text written for a spreadsheet is never run as a formula, and a workbook read
from someone else cannot unpack into more than sharelog agreed to read.

Writing. Excel, LibreOffice and Google Sheets treat a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula
(and a leading tab or carriage return can hide one), so an agreement title or a request id such as
``=HYPERLINK("http://…","Click")`` would become a live link, or worse, in a report or a return file. Every writer
passes every text cell through :func:`neutralise`, which prefixes such text with an apostrophe — the usual defence
(OWASP, "CSV Injection"): the text stays readable and is never evaluated. Numbers are never touched.

Reading. An ``.xlsx`` workbook is a zip of XML parts; a few kilobytes can unpack to gigabytes (a "zip bomb").
:func:`check_xlsx_bounds` reads only the zip's directory and refuses a workbook whose parts together declare
more than a given size, before openpyxl opens it. The declared sizes are a real bound, not a claim to trust:
Python's :mod:`zipfile`, which openpyxl reads through, stops each part at its declared size (and then fails the
part's checksum), so a part that lies about its size cannot unpack further.

Both sides live here, above ``reports``, ``exchange``, ``linkage`` and ``outcomes``, so that each can import
them without importing another.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from sharelog.errors import Problem, ValidationFailed

__all__ = [
    "FORMULA_STARTS",
    "MAX_XLSX_PARTS",
    "MAX_XLSX_RATIO",
    "check_xlsx_bounds",
    "neutralise",
    "safe_cell",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A workbook of one sheet has about ten parts; thousands mean something else (and a long directory to read).
MAX_XLSX_PARTS = 1000
# Sheet XML deflates 5 to 40 times; a bomb's padding, hundreds or thousands of times. Parts under a megabyte are
# not held to it (tiny parts compress oddly, and cannot cost much).
MAX_XLSX_RATIO = 200
_RATIO_FROM_BYTES = 1_000_000


def neutralise(text: str) -> str:
    """``text``, with an apostrophe in front if a spreadsheet could read it as a formula (leading spaces are
    looked past, since some spreadsheets trim them on import)."""
    return f"'{text}" if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def safe_cell(value: object) -> object:
    """A cell's value ready for any writer: text neutralised, numbers and empty cells unchanged."""
    return neutralise(value) if isinstance(value, str) else value


def check_xlsx_bounds(
    path: Path, *, max_uncompressed: int, label: str, max_parts: int = MAX_XLSX_PARTS
) -> None:
    """Refuse a workbook that is not a zip, or whose parts would unpack to more than ``max_uncompressed`` bytes.

    Call it before ``openpyxl.load_workbook``; it reads the zip's central directory only.

    Args:
        path: the ``.xlsx`` (or ``.xlsm``) file.
        max_uncompressed: the most bytes all its parts together may unpack to.
        label: how problems name the file (a file name the user knows, never a server path).
        max_parts: the most parts (zip members) the workbook may hold.

    Raises:
        ValidationFailed: the file is not a zip, has too many parts, or unpacks to too much (in all, or one
            part of over a megabyte unpacking to more than :data:`MAX_XLSX_RATIO` times its packed size).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ValidationFailed([Problem(label, "not readable as an XLSX workbook")]) from None
    if len(parts) > max_parts:
        raise ValidationFailed(
            [Problem(label, f"the workbook holds more than {max_parts:,} parts; send the data as CSV")]
        )
    total = sum(part.file_size for part in parts)
    if total > max_uncompressed:
        limit = _size_text(max_uncompressed)
        raise ValidationFailed(
            [Problem(label, f"the workbook unpacks to more than {limit}; send fewer rows or the data as CSV")]
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_FROM_BYTES and ratio > MAX_XLSX_RATIO:
            message = f"a part of the workbook unpacks to over {MAX_XLSX_RATIO} times its packed size"
            raise ValidationFailed([Problem(label, message)])


def _size_text(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB" if size >= 1_000_000 else f"{size:,} bytes"
