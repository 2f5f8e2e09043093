"""Writing report sheets as an XLSX workbook (openpyxl): frozen headers, readable widths, number formats.

Every text cell goes through :func:`~sharelog.reports._safety.neutralise` — openpyxl itself stores any text
starting with ``=`` as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sharelog.reports._layout import Sheet
from sharelog.reports._safety import neutralise

__all__ = ["write_workbook"]

COUNT_FORMAT = "#,##0"
_MAX_LABEL_WIDTH = 70


def write_workbook(sheets: Sequence[Sheet], path: Path, *, title: str, created: datetime) -> Path:
    """Write ``sheets`` (in order) to ``path`` as XLSX.

    Args:
        sheets: the sheets, first one active.
        path: the file to write (its folder must exist).
        title: the workbook's document title (file properties).
        created: the generation time, recorded as the workbook's creation time.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _write_sheet(workbook.create_sheet(sheet.name), sheet)
    workbook.properties.title = neutralise(title)
    workbook.properties.creator = "sharelog"
    workbook.properties.created = created.replace(tzinfo=None)
    workbook.save(path)
    return path


def _write_sheet(worksheet: Any, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    row = 1
    if sheet.title is not None:
        worksheet.cell(row, 1, neutralise(sheet.title)).font = Font(bold=True, size=14)
        for line in sheet.subtitle:
            row += 1
            worksheet.cell(row, 1, neutralise(line)).font = Font(italic=True)
        row += 2  # a blank row before the header
    header_row = row
    fill = PatternFill("solid", fgColor="DDE4EE")
    rule = Border(bottom=Side(style="thin"))
    for column, text in enumerate(sheet.header, start=1):
        cell = worksheet.cell(header_row, column, neutralise(text))
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = rule
        right = sheet.is_count(column - 1)
        cell.alignment = Alignment(horizontal="right" if right else "left", vertical="bottom", wrap_text=True)
    for entry in sheet.rows:
        row += 1
        if entry.heading:
            worksheet.cell(row, 1, neutralise(str(entry.cells[0]))).font = Font(bold=True, italic=True)
            continue
        for column, value in enumerate(entry.cells, start=1):
            if value is None:
                continue
            cell = worksheet.cell(row, column, neutralise(value) if isinstance(value, str) else value)
            if sheet.is_count(column - 1):
                cell.alignment = Alignment(horizontal="right", vertical="top")
                if isinstance(value, int):
                    cell.number_format = COUNT_FORMAT
            else:
                indent = entry.indent if column == 1 else 0
                cell.alignment = Alignment(indent=indent, wrap_text=sheet.widths is not None, vertical="top")
    # the header always stays in view; the label column too where a wide table of counts scrolls sideways
    counts_table = sheet.title is not None and any(sheet.is_count(i) for i in range(len(sheet.header)))
    worksheet.freeze_panes = worksheet.cell(header_row + 1, sheet.label_columns + 1 if counts_table else 1)
    if sheet.title is None and len(sheet.rows):
        last = worksheet.cell(row, len(sheet.header)).coordinate
        worksheet.auto_filter.ref = f"A{header_row}:{last}"
    _set_widths(worksheet, sheet)
    worksheet.page_setup.orientation = "landscape"
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.page_setup.fitToHeight = 0


def _set_widths(worksheet: Any, sheet: Sheet) -> None:
    from openpyxl.utils import get_column_letter

    for index, header in enumerate(sheet.header):
        if sheet.widths is not None and index < len(sheet.widths):
            width = sheet.widths[index]
        else:
            texts = [str(r.cells[index]) for r in sheet.rows if not r.heading and index < len(r.cells)]
            longest = max([len(header), *(len(t) for t in texts)], default=8)
            width = max(longest, 7) + 3 if sheet.is_count(index) else min(longest + 3, _MAX_LABEL_WIDTH)
        worksheet.column_dimensions[get_column_letter(index + 1)].width = width
