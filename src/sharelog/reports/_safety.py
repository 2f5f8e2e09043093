"""Spreadsheet safety: text that a spreadsheet would run as a formula is written as plain text.

Excel, LibreOffice and Google Sheets treat a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return can hide one), so an agreement title such as ``=HYPERLINK("http://…","Click")``
would become a live link, or worse, in a published report. Every writer passes every text cell through
:func:`neutralise`, which prefixes such text with an apostrophe — the usual defence (OWASP, "CSV Injection"):
the text stays readable and is never evaluated. Numbers are written as numbers and never touched.
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "neutralise", "safe_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text``, with an apostrophe in front if a spreadsheet could read it as a formula (leading spaces are
    looked past, since some spreadsheets trim them on import)."""
    return f"'{text}" if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def safe_cell(value: object) -> object:
    """A cell's value ready for any writer: text neutralised, numbers and empty cells unchanged."""
    return neutralise(value) if isinstance(value, str) else value
