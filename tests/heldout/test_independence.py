"""sharelog_heldout stands apart from sharelog: it never imports it, so it cannot share its generator."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import sharelog_heldout

PACKAGE = Path(sharelog_heldout.__file__).parent


def _imported_modules(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if (
                name in ("import_module", "__import__")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append(str(node.args[0].value))
    return found


def _is_sharelog(module: str) -> bool:
    return module == "sharelog" or module.startswith("sharelog.")


def test_no_module_imports_sharelog() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) >= 8
    offenders = {
        str(f.relative_to(PACKAGE)): m for f in files for m in _imported_modules(f) if _is_sharelog(m)
    }
    assert offenders == {}


def test_the_scan_would_notice_an_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import sharelog.synth\nfrom sharelog import linkage\nimport sharelog_heldout\n", encoding="utf-8"
    )
    assert [m for m in _imported_modules(bad) if _is_sharelog(m)] == ["sharelog.synth", "sharelog"]


def test_a_run_loads_no_sharelog_module(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sharelog_heldout.generate import generate\n"
        f"generate('typical', 500, 50, 1000, Path({str(tmp_path)!r}))\n"
        "loaded = [m for m in sys.modules if m == 'sharelog' or m.startswith('sharelog.')]\n"
        "assert loaded == [], loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
