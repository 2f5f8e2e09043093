"""Writing a whole report in the format asked for (by ``--format`` or the file's suffix).

Every report file is created for its owner only (0600), whatever the umask: an internal report holds exact small
counts, and even a published one is the operator's to publish, not the host's other users'.
"""

from __future__ import annotations

from pathlib import Path

from sharelog.private_files import make_private
from sharelog.reports._formats import format_of, monthly_json, write_csv, write_html, write_json
from sharelog.reports._layout import monthly_sheets
from sharelog.reports._report import MonthlyReport
from sharelog.reports._shares import SharesRegister, shares_json, shares_sheets
from sharelog.reports._workbook import write_workbook

__all__ = ["write_monthly_report", "write_shares_register"]


def write_monthly_report(report: MonthlyReport, path: Path, *, format: str | None = None) -> Path:
    """Write the monthly report: XLSX (Monthly, Data and Notes sheets), CSV (the Monthly sheet), HTML (the
    Monthly and Notes tables) or JSON (the tidy rows with their context).

    Raises:
        InputError: the format is unknown or cannot be told from the file name.
    """
    chosen = format_of(path, format)
    path.parent.mkdir(parents=True, exist_ok=True)
    sheets = monthly_sheets(report)
    if chosen == "xlsx":
        written = write_workbook(sheets, path, title=report.title(), created=report.generated_at)
    elif chosen == "csv":
        written = write_csv(sheets[0], path)
    elif chosen == "html":
        written = write_html([sheets[0], sheets[2]], path, title=report.title())
    else:
        written = write_json(monthly_json(report), path)
    return make_private(written)


def write_shares_register(register: SharesRegister, path: Path, *, format: str | None = None) -> Path:
    """Write the register of data shares: XLSX (Data shares and Notes sheets), CSV, HTML or JSON.

    Raises:
        InputError: the format is unknown or cannot be told from the file name.
    """
    chosen = format_of(path, format)
    path.parent.mkdir(parents=True, exist_ok=True)
    sheets = shares_sheets(register)
    if chosen == "xlsx":
        written = write_workbook(sheets, path, title=register.title(), created=register.generated_at)
    elif chosen == "csv":
        written = write_csv(sheets[0], path)
    elif chosen == "html":
        written = write_html(sheets, path, title=register.title())
    else:
        written = write_json(shares_json(register), path)
    return make_private(written)
