"""linkage owns its DuckDB tables, and its core stands on its own.

Other packages get results from linkage (Arrow tables, rows, dataclasses), never a connection, a table name or
a prepared register's files: the exchange ran SQL on the matcher's tables and opened ``register.parquet`` itself,
so the two could only change together. And the matching session receives its scorer: the core of linkage never
imports the Spark backend, which imports only linkage's public face (the session imported Spark's scorer, and
Spark's scorer imported the session, in a circle).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARELOG = Path(__file__).resolve().parents[2] / "src" / "sharelog"
LINKAGE = SHARELOG / "linkage"
SPARK = LINKAGE / "spark"

TABLES = re.compile(r"\b(register_raw|requests_raw|register_std|requests_std|tf_[a-z0-9_]+)\b")
DECISIONS_TABLE = re.compile(r"\b(FROM|JOIN)\s+(decisions|predictions)\b", re.IGNORECASE)
PREPARED_FILES = {
    "register.duckdb",
    "register.parquet",
    "linkage.parquet",
    "model.json",
    "manifest.json",
    "relatives.json",
}


def _modules(root: Path, *, outside: Path | None = None) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if outside is None or outside not in path.parents:
            yield path


def _imported(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def reaches_into_linkage(source: str) -> list[str]:
    """What a module outside linkage does that only linkage may: import DuckDB, use a session's connection, name
    one of its tables or a prepared register's files. One line per finding, with its line number."""
    tree = ast.parse(source)
    found = [f"{line}: imports {name}" for line, name in _imported(tree) if name.split(".")[0] == "duckdb"]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "con":
            found.append(f"{node.lineno}: uses a connection (.con)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if TABLES.search(text) or DECISIONS_TABLE.search(text) or text in PREPARED_FILES:
                found.append(f"{node.lineno}: names linkage's {text.strip()[:40]!r}")
    return found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('available = matching.con.sql("DESCRIBE register_raw")', 2),  # the connection, and the table
        ('rows = cursor("SELECT request_id, decision FROM decisions ORDER BY 1")', 1),
        ("import duckdb", 1),
        ('source = folder / "register.parquet"', 1),
        ('returned = matching.returned_rows(["forename"])', 0),
        ('note = "the decisions of the review band"', 0),
    ],
)
def test_the_check_finds_what_it_looks_for(source: str, found: int) -> None:
    assert len(reaches_into_linkage(source)) == found


# agreements checks that an id pattern is one DuckDB's RE2 reads, on a connection of its own: no linkage table
ALLOWED_DUCKDB = {SHARELOG / "agreements" / "_model.py"}


def test_no_package_but_linkage_reaches_into_its_tables() -> None:
    problems = []
    for path in _modules(SHARELOG, outside=LINKAGE):
        found = reaches_into_linkage(path.read_text(encoding="utf-8"))
        if path in ALLOWED_DUCKDB:
            found = [f for f in found if not f.endswith("imports duckdb")]
        problems += [f"{path.relative_to(SHARELOG)}:{f}" for f in found]
    assert problems == []


def test_the_core_of_linkage_never_imports_its_spark_backend() -> None:
    problems = [
        f"{path.relative_to(SHARELOG)}:{line}: imports {name}"
        for path in _modules(LINKAGE, outside=SPARK)
        for line, name in _imported(ast.parse(path.read_text(encoding="utf-8")))
        if name.startswith("sharelog.linkage.spark")
    ]
    assert problems == []


# modules of linkage that import neither the session nor a backend: what a scorer receives, and the model whose
# comparisons Spark rewrites in its own SQL
NEUTRAL = {"_scoring", "_model"}
# Spark's preparer writes what `register prepare` writes, so it also reads the modules that define a prepared
# register's tables and the standardisation (one copy of each rule); it never opens a MatchingSession.
PREPARER = {SPARK / "_prepare.py", SPARK / "_train.py"}
PREPARED_REGISTER = {
    "_standardise",
    "_decide",
    "_relatives",
    "_candidates",
    "_inputs",
    "_prepared",
    "_session",
}


def test_the_spark_backend_imports_only_linkages_public_face_and_neutral_modules() -> None:
    problems = [
        f"{path.relative_to(SHARELOG)}:{line}: imports {name}"
        for path in _modules(SPARK)
        for line, name in _imported(ast.parse(path.read_text(encoding="utf-8")))
        if name.startswith("sharelog.linkage.")
        and not name.startswith("sharelog.linkage.spark")
        and name.split(".")[2].startswith("_")
        and name.split(".")[2] not in NEUTRAL | (PREPARED_REGISTER if path in PREPARER else set())
    ]
    assert problems == []
    for path in PREPARER:
        assert "MatchingSession" not in path.read_text(encoding="utf-8"), path
