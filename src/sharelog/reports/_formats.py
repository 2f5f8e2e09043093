"""Writing reports as CSV, HTML and JSON (and choosing the format); XLSX is in ``_workbook.py``.

CSV holds the report's main sheet as a grid (title, legend, header, rows), as the spreadsheet shows it. HTML is
a plain accessible table (caption, ``th`` with ``scope``), ready for a public web page. JSON holds the tidy rows
with what a reader needs to interpret them. Text cells are neutralised in every format.
"""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sharelog.errors import InputError
from sharelog.reports._layout import DATA_HEADER, Sheet, sheet_values, tidy_cells
from sharelog.reports._marks import MissingFigure
from sharelog.reports._report import MonthlyReport
from sharelog.reports._safety import neutralise, safe_cell
from sharelog.reports._sdc import GSS_SYMBOLS

__all__ = [
    "FORMATS",
    "format_of",
    "html_document",
    "html_table",
    "monthly_json",
    "write_csv",
    "write_html",
    "write_json",
]

FORMATS = ("xlsx", "csv", "html", "json")


def format_of(path: Path, given: str | None) -> str:
    """The output format: ``given``, else the file's suffix.

    Raises:
        InputError: an unknown format, or none given and the suffix names none.
    """
    chosen = (given or path.suffix.lstrip(".")).lower()
    if chosen == "htm":
        chosen = "html"
    if chosen not in FORMATS:
        if given is None:
            raise InputError(
                f"cannot tell the format from '{path.name}'",
                field="out",
                cli_hint=f"add --format ({', '.join(FORMATS)})",
            )
        raise InputError(f"'{given}' is not one of {', '.join(FORMATS)}", field="format")
    return chosen


def write_csv(sheet: Sheet, path: Path) -> Path:
    """One sheet as CSV (UTF-8), laid out as in the workbook."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in sheet_values(sheet):
            writer.writerow([safe_cell(value) for value in row])
    return path


def _count_text(value: object) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, str) and value in GSS_SYMBOLS:
        return f'<abbr title="{html.escape(GSS_SYMBOLS[value])}">{html.escape(value)}</abbr>'
    return "" if value is None else html.escape(neutralise(str(value)))


def _text(value: object) -> str:
    return "" if value is None else html.escape(neutralise(str(value)))


def html_table(sheet: Sheet, *, table_id: str = "report") -> str:
    """One sheet as an accessible HTML table: the title as its caption, the subtitle as its description."""
    described = f"{table_id}-legend"
    lines = [f'<table id="{table_id}"' + (f' aria-describedby="{described}">' if sheet.subtitle else ">")]
    if sheet.title is not None:
        lines.append(f"<caption>{_text(sheet.title)}</caption>")
    lines.append(
        "<thead><tr>" + "".join(f'<th scope="col">{_text(h)}</th>' for h in sheet.header) + "</tr></thead>"
    )
    lines.append("<tbody>")
    for row in sheet.rows:
        if row.heading:
            lines.append("</tbody><tbody>")
            span = len(sheet.header)
            lines.append(f'<tr><th scope="rowgroup" colspan="{span}">{_text(row.cells[0])}</th></tr>')
            continue
        cells = []
        for index, value in enumerate(row.cells):
            if index == 0:
                cells.append(f'<th scope="row">{_text(value)}</th>')
            elif sheet.is_count(index):
                cells.append(f'<td class="count">{_count_text(value)}</td>')
            else:
                cells.append(f"<td>{_text(value)}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody>")
    lines.append("</table>")
    for line in sheet.subtitle:
        lines.append(f'<p id="{described}">{_text(line)}</p>')
    return "\n".join(lines)


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; }
table { border-collapse: collapse; margin-bottom: 1rem; }
caption { text-align: left; font-weight: bold; font-size: 1.2rem; padding-bottom: 0.5rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ccc; vertical-align: top; }
thead th { background: #dde4ee; }
th[scope="row"] { text-align: left; font-weight: normal; }
th[scope="rowgroup"] { text-align: left; font-style: italic; padding-top: 0.8rem; }
td.count, thead th:not(:first-child) { text-align: right; }
"""


def html_document(sheets: Sequence[Sheet], *, title: str) -> str:
    """A whole HTML page holding one table per sheet."""
    tables = "\n".join(html_table(sheet, table_id=sheet.name.lower().replace(" ", "-")) for sheet in sheets)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_text(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{tables}\n</body>\n</html>\n"
    )


def write_html(sheets: Sequence[Sheet], path: Path, *, title: str) -> Path:
    path.write_text(html_document(sheets, title=title), encoding="utf-8")
    return path


def _safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(item) for item in value]
    return safe_cell(value)


def write_json(payload: dict[str, Any], path: Path) -> Path:
    """A report as JSON (UTF-8, indented), its text neutralised like every other format's."""
    path.write_text(json.dumps(_safe(payload), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


SMALL_COUNT = "small_count"
"""The JSON reason of a count shown with the small-number mark (a range: 1 to 4 under the series rule)."""


def monthly_json(report: MonthlyReport) -> dict[str, Any]:
    """The monthly report as JSON: what it covers, the rule applied, and the tidy rows of the Data sheet."""
    small = report.profile.small_mark if report.profile is not None else None
    return {
        "title": report.title(),
        "period": {"from": report.table.months[0], "to": report.table.months[-1]},
        "agreement": report.agreement_id,
        "agreement_versions": [
            {
                "id": v.agreement_id,
                "version": v.version,
                "title": v.title,
                "valid_from": v.valid_from.isoformat(),
                "valid_to": v.valid_to.isoformat() if v.valid_to else None,
            }
            for v in report.versions
        ],
        "agreement_versions_in_force": {month: list(labels) for month, labels in report.in_force.items()},
        "disclosure_control": {
            "mode": report.mode,
            "profile": report.profile.name if report.profile else None,
            "rule": report.rule_text(),
        },
        "missing_figures": {
            "about": (
                "A figure the report cannot give exactly has value null, with its symbol and the reason for it."
            ),
            "no_data": report.no_data_text(),
            "reasons": {
                **{
                    mark.value: {"symbol": mark.symbol, "meaning": mark.explanation} for mark in MissingFigure
                },
                **(
                    {SMALL_COUNT: {"symbol": small, "meaning": report.profile.small_meaning()}}
                    if report.profile is not None and small
                    else {}
                ),
            },
            "symbols": {
                symbol: GSS_SYMBOLS[symbol]
                for symbol in sorted({m.symbol for m in MissingFigure} | ({small} if small else set()))
            },
        },
        "not_for_publication": not report.for_publication,
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "rows": [
            _json_row(report.missing_reason(row, column), tidy, small=small)
            for row, column, tidy in tidy_cells(report)
        ],
    }


def _json_row(
    reason: MissingFigure | None, tidy: tuple[str, str, str, str, int | str], *, small: str | None
) -> dict[str, Any]:
    """A tidy row as JSON: a figure as a number; a missing one as null, with its symbol and reason (a small count
    under the series rule: :data:`SMALL_COUNT`)."""
    entry: dict[str, Any] = dict(zip(DATA_HEADER, tidy, strict=True))
    if isinstance(entry["value"], int):
        entry.update(symbol=None, reason=None)
    else:
        why = reason.value if reason else SMALL_COUNT if entry["value"] == small else None
        entry.update(value=None, symbol=entry["value"], reason=why)
    return entry
