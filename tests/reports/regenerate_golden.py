"""Rewrite the golden files of tests/reports/golden from the golden ledger, after a deliberate change to a report.

``make golden`` (``python -m tests.reports.regenerate_golden`` from the repository's root). It builds the ledger
tests/reports/test_golden.py reads — the worlds' GOLDEN (tests/worlds/_golden.py), on SQLite in a temporary
folder — writes every mode's workbook, and rewrites each sheet's file; then it lists the files it changed. Review
``git diff tests/reports/golden`` before committing: the test only compares, and compares on PostgreSQL too.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ..worlds import GOLDEN as GOLDEN_LEDGER
from ..worlds import WorldFactory
from ._golden_tables import GOLDEN, GOLDEN_CASES, SHEETS, golden_path, golden_text, workbook_tables


def regenerate(scratch: Path) -> list[Path]:
    """Rewrite every golden file from a golden ledger built under ``scratch``; the files whose text changed."""
    (scratch / "worlds").mkdir()
    worlds = WorldFactory(scratch / "worlds")
    changed = []
    with worlds.copy(GOLDEN_LEDGER, scratch / "golden").engine() as engine:
        for mode, profile, prefix in GOLDEN_CASES:
            folder = scratch / prefix
            folder.mkdir()
            tables = workbook_tables(engine, mode, profile, folder)
            if tuple(tables) != SHEETS:
                raise SystemExit(
                    f"{prefix}: the workbook's sheets are {', '.join(tables)}, not {', '.join(SHEETS)}"
                )
            for sheet in SHEETS:
                path, text = golden_path(prefix, sheet), golden_text(tables[sheet])
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    path.write_text(text, encoding="utf-8")
                    changed.append(path)
    return changed


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="sharelog-golden-") as scratch:
        changed = regenerate(Path(scratch))
    root = GOLDEN.parents[2]
    for path in changed:
        print(f"rewritten: {path.relative_to(root)}")
    files = len(GOLDEN_CASES) * len(SHEETS)
    print(
        f"{len(changed)} of {files} golden files changed"
        + ("; review `git diff` before committing" * bool(changed))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
