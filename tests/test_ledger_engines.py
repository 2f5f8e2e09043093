"""One ledger engine per process: services take the engine or session they are given and never build one.

Running an exchange, deciding a review and applying retention each built an engine of their own from the
settings — from the web app, a second engine per request, outside its budget of connections. Only the entry points
build one: the CLI's ledger helper, ``db`` (it works on a ledger not yet at the current revision) and ``serve
--demo`` (the demo accounts, before the app starts), the web app, the demo.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SHARELOG = Path(__file__).resolve().parents[1] / "src" / "sharelog"
BUILDERS = {
    "cli/_ledger.py",
    "cli/db.py",
    "cli/serve.py",
    "web/_app.py",
    "demo.py",
}


def builds_an_engine(source: str) -> list[int]:
    """The lines of ``source`` that call ``create_ledger_engine``."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "create_ledger_engine")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "create_ledger_engine")
        )
    ]


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("engine = create_ledger_engine(settings.ledger_url())", [1]),
        ("engine = ledger.create_ledger_engine(url)", [1]),
        ("with ledger_session(engine) as session:\n    pass", []),
    ],
)
def test_the_check_finds_an_engine_being_built(source: str, lines: list[int]) -> None:
    assert builds_an_engine(source) == lines


def test_only_the_entry_points_build_a_ledger_engine() -> None:
    found = [
        f"{relative}:{line}"
        for path in sorted(SHARELOG.rglob("*.py"))
        if (relative := path.relative_to(SHARELOG).as_posix()) not in BUILDERS
        and not relative.startswith("ledger/")
        for line in builds_an_engine(path.read_text(encoding="utf-8"))
    ]
    assert found == []
