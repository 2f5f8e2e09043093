"""The test tree mirrors the source tree, and no test skips because of its data.

- Each package of ``src/sharelog`` is tested in the folder of its name (``sharelog.foi`` in ``tests/foi``); a
  front end's tests live in its own folder (the pages and the API in ``tests/web``, the commands in
  ``tests/cli``), as its code does.
- Every other folder of ``tests`` is a suite that crosses all the packages (fuzzing, load, privacy, crash
  safety), the fixture factory (``tests/worlds``), or the tests of another source tree of the repository
  (``src/sharelog_x`` → ``tests/x``; ``bench``).
- A test skips only for what the machine lacks — a PostgreSQL server, pyspark and Java, a git checkout, a POSIX
  file system. A test of the review band fails, never skips, when the data gives it nothing to review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
CROSS_CUTTING = {"fuzz", "load", "privacy", "reliability"}
FACTORY = "worlds"
# the only reasons a test may skip: what the machine running it lacks (the start of the reason given)
MACHINE_REASONS = (
    "PostgreSQL tests skipped",
    "Spark tests skipped",
    "pyspark is not installed",
    "not a git checkout",
    "file modes are POSIX",
)


def source_packages(root: Path = ROOT) -> set[str]:
    """The packages of ``src/sharelog``."""
    return {path.parent.name for path in (root / "src" / "sharelog").glob("*/__init__.py")}


def allowed_test_folders(root: Path = ROOT) -> set[str]:
    """The folders ``tests`` may have: the packages, the suites across them, the factory, other source trees."""
    others = {
        path.name.removeprefix("sharelog_") for path in (root / "src").glob("sharelog_*") if path.is_dir()
    }
    top_level = {path.name for path in root.iterdir() if path.is_dir() and not path.name.startswith(".")}
    return source_packages(root) | CROSS_CUTTING | {FACTORY} | others | (top_level & {"bench"})


def folders_of_tests(tests: Path = TESTS) -> set[str]:
    return {path.parent.name for path in tests.glob("*/__init__.py")}


def untested_packages(root: Path = ROOT) -> list[str]:
    """Packages of ``src/sharelog`` without a test module in the folder of their name."""
    return sorted(
        name for name in source_packages(root) if not any((root / "tests" / name).glob("test_*.py"))
    )


def stray_folders(root: Path = ROOT) -> list[str]:
    """Folders of ``tests`` that mirror nothing."""
    return sorted(folders_of_tests(root / "tests") - allowed_test_folders(root))


def _text(node: ast.expr) -> str:
    """A string literal, or the literal parts of an f-string; '' for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    return ""


def _reason(call: ast.Call) -> str:
    """The reason a skip gives: its ``reason=`` (or ``msg=``), else its first argument if that is text."""
    for keyword in call.keywords:
        if keyword.arg in ("reason", "msg"):
            return _text(keyword.value)
    return _text(call.args[0]) if call.args else ""


def skips_for_data(source: str) -> list[str]:
    """Each ``pytest.skip`` / ``skipif`` / ``importorskip`` in ``source`` whose reason is not the machine's."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr not in ("skip", "skipif", "importorskip"):
            continue
        reason = _reason(node)
        if not reason.startswith(MACHINE_REASONS):
            found.append(f"line {node.lineno}: {reason or 'no reason given'}")
    return found


def test_every_package_is_tested_in_the_folder_of_its_name() -> None:
    assert untested_packages() == []


def test_every_test_folder_mirrors_a_package_or_crosses_them() -> None:
    assert stray_folders() == []


def test_no_test_skips_because_of_its_data() -> None:
    found = {
        str(path.relative_to(ROOT)): skips
        for path in sorted(TESTS.rglob("*.py"))
        if (skips := skips_for_data(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_layout_rules_catch_a_break(tmp_path: Path) -> None:
    (tmp_path / "src" / "sharelog" / "billing").mkdir(parents=True)
    (tmp_path / "src" / "sharelog" / "billing" / "__init__.py").touch()
    (tmp_path / "tests" / "misc").mkdir(parents=True)
    (tmp_path / "tests" / "misc" / "__init__.py").touch()
    assert untested_packages(tmp_path) == ["billing"]
    assert stray_folders(tmp_path) == ["misc"]
    (tmp_path / "tests" / "billing").mkdir()
    (tmp_path / "tests" / "billing" / "__init__.py").touch()
    (tmp_path / "tests" / "billing" / "test_invoices.py").touch()
    assert untested_packages(tmp_path) == [] and stray_folders(tmp_path) == ["misc"]


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('pytest.skip("no exchange with two review items in this world")', ["line 1: no exchange with two"]),
        ("pytest.skip()", ["line 1: no reason given"]),
        ('pytestmark = pytest.mark.skipif(True, reason="flaky")', ["line 1: flaky"]),
        ('pytest.skip(f"PostgreSQL tests skipped: {reason}")', []),
        ('pytest.importorskip("pyspark", reason="pyspark is not installed")', []),
        ('pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")', []),
    ],
)
def test_the_skip_rule_tells_the_machine_from_the_data(source: str, found: list[str]) -> None:
    assert [
        line[: len(expected)] for line, expected in zip(skips_for_data(source), found, strict=True)
    ] == found
