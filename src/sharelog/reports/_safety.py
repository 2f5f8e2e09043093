"""Spreadsheet safety for reports: every writer passes every text cell through :func:`neutralise`.

The functions live in :mod:`sharelog.spreadsheets`, shared with the return and review files of ``exchange`` and
the output of ``sharelog link``; this module keeps the reports' own import short.
"""

from __future__ import annotations

from sharelog.spreadsheets import FORMULA_STARTS, neutralise, safe_cell

__all__ = ["FORMULA_STARTS", "neutralise", "safe_cell"]
