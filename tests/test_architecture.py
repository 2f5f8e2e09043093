"""The package structure holds: no private import across packages, no import cycle between packages, and no
import of a higher layer (docs/architecture.md, "Who may call whom").

A *package* is a top-level part of ``sharelog``: a subpackage (``agreements``, ``linkage``, ``exchange``…) or a
module (``cli``'s package, ``demo.py``, ``settings.py``, ``errors.py``…). Inside a package anything goes. From
outside it, only its public face may be imported: no name in the imported path after the package may start with
an underscore (``sharelog.exchange._review``, ``from sharelog.foi import _views``), dunder names excepted.

Which imports count (docs/architecture.md):

- imports inside functions count for every rule: they run, and importing late is how a cycle hides;
- imports under ``if TYPE_CHECKING:`` count for the private rule (a private name is private in an annotation
  too) but not for cycles or layers: they never run, so they cannot make a circular import, and a type named in
  an annotation does not make the packages call each other.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARELOG = ROOT / "src" / "sharelog"


@dataclass(frozen=True)
class Import:
    """One imported path, where it was written and whether it ever runs."""

    source: Path
    line: int
    module: str  # the importing module, e.g. sharelog.cli.link
    target: str  # what it names, e.g. sharelog.linkage._explain.explain
    type_only: bool


def _module_name(path: Path, root: Path) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _statements(body: list[ast.stmt], type_only: bool) -> Iterator[tuple[ast.stmt, bool]]:
    """Every statement, at any depth (functions and classes included), with whether it is type-checking only."""
    for statement in body:
        yield statement, type_only
        if isinstance(statement, ast.If) and _is_type_checking(statement.test):
            yield from _statements(statement.body, True)
            yield from _statements(statement.orelse, type_only)
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(statement, field, []):
                if isinstance(child, ast.stmt):
                    yield from _statements([child], type_only)
                elif isinstance(child, ast.excepthandler | ast.match_case):
                    yield from _statements(child.body, type_only)


def _targets(statement: ast.stmt, module: str, is_package: bool) -> list[str]:
    if isinstance(statement, ast.Import):
        return [alias.name for alias in statement.names]
    if not isinstance(statement, ast.ImportFrom):
        return []
    base = statement.module or ""
    if statement.level:  # relative: from the module's own package, one level up per extra dot
        anchor = module.split(".")
        anchor = anchor if is_package else anchor[:-1]
        anchor = anchor[: len(anchor) - (statement.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    return [f"{base}.{alias.name}" for alias in statement.names if alias.name != "*"] or [base]


def imports_in(root: Path) -> list[Import]:
    """Every import of a ``root.name`` module written in the package at ``root``."""
    found: list[Import] = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for statement, type_only in _statements(tree.body, False):
            for target in _targets(statement, module, path.name == "__init__.py"):
                if target == root.name or target.startswith(root.name + "."):
                    found.append(Import(path, statement.lineno, module, target, type_only))
    return found


def package_of(name: str, packages: set[str]) -> str:
    """``sharelog.exchange._run`` → ``exchange``; the root itself and its own names are the package ``sharelog``."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in packages else parts[0]


def packages_in(root: Path) -> set[str]:
    """The top-level packages: subpackages and modules of ``root``."""
    return {p.name for p in root.iterdir() if (p / "__init__.py").is_file()} | {
        p.stem for p in root.glob("*.py") if p.name != "__init__.py"
    }


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def private_imports(imports: list[Import], packages: set[str], root: Path) -> list[str]:
    """Imports of another package's private modules or names, one line per import and private path:
    ``sharelog/cli/link.py:14: sharelog.cli.link imports sharelog.linkage._explain``."""
    problems: dict[str, None] = {}
    for item in imports:
        target = item.target.split(".")
        if package_of(item.module, packages) == package_of(item.target, packages):
            continue
        # `from sharelog import x` names the package x itself: only what is inside x is private to it
        first = next((n for n, part in enumerate(target) if n >= 2 and _private(part)), None)
        if first is not None:
            where = f"{item.source.relative_to(root.parent)}:{item.line}"
            problems[f"{where}: {item.module} imports {'.'.join(target[: first + 1])}"] = None
    return list(problems)


def package_graph(imports: list[Import], packages: set[str]) -> dict[str, dict[str, Import]]:
    """Package → the packages it imports at run time, each with the first import that does it."""
    graph: dict[str, dict[str, Import]] = defaultdict(dict)
    for item in imports:
        source, target = package_of(item.module, packages), package_of(item.target, packages)
        if source != target and not item.type_only:
            graph[source].setdefault(target, item)
    return graph


def cycles(graph: dict[str, dict[str, Import]]) -> list[list[str]]:
    """One cycle (its packages in import order, the first again at the end) per group of packages that import
    each other, found by walking the graph depth first from each package in name order."""
    found: list[list[str]] = []
    seen: set[str] = set()

    def walk(node: str, path: list[str]) -> None:
        if node in path:
            cycle = path[path.index(node) :] + [node]
            if not any(set(cycle) <= set(known) for known in found):
                found.append(cycle)
            return
        if node in seen:
            return
        for target in sorted(graph.get(node, {})):
            walk(target, [*path, node])
        seen.add(node)

    for start in sorted(graph):
        walk(start, [])
    return found


def describe(cycle: list[str], graph: dict[str, dict[str, Import]], root: Path) -> str:
    steps = [
        f"{a} -> {b} ({graph[a][b].source.relative_to(root.parent)}:{graph[a][b].line})"
        for a, b in zip(cycle, cycle[1:], strict=False)
    ]
    return " -> ".join(cycle) + ": " + "; ".join(steps)


def check(root: Path) -> tuple[list[str], list[str]]:
    """The private imports across packages and the cycles between packages under ``root``."""
    imports, packages = imports_in(root), packages_in(root)
    graph = package_graph(imports, packages)
    return private_imports(imports, packages, root), [describe(c, graph, root) for c in cycles(graph)]


LAYERS: list[set[str]] = [
    # the front ends and the demo: each calls services and formats their results
    {"__main__", "cli", "web", "demo"},
    # what combines several services' figures
    {"dashboard"},
    # the services
    {"exchange", "outcomes", "reports", "foi", "retention", "subjects", "accounts"},
    # what the services stand on
    {"linkage", "pprl", "agreements", "ledger", "synth"},
    # shared by everything (``sharelog`` is the root's own ``__init__``: ``__version__``)
    {"settings", "errors", "schemas", "private_files", "spreadsheets", "sharelog"},
]
"""Who may call whom (docs/architecture.md), top to bottom: a package imports only its own layer or lower ones."""


def upward_imports(graph: dict[str, dict[str, Import]], layers: list[set[str]], root: Path) -> list[str]:
    """Imports of a package in a higher layer than the importer's, and packages in no layer."""
    layer_of = {package: number for number, layer in enumerate(layers) for package in layer}
    problems = [f"{package} is in no layer" for package in sorted(graph) if package not in layer_of]
    for source in sorted(graph):
        for target, item in sorted(graph[source].items()):
            if target not in layer_of:
                problems.append(f"{target} is in no layer")
            elif source in layer_of and layer_of[target] < layer_of[source]:
                where = f"{item.source.relative_to(root.parent)}:{item.line}"
                problems.append(f"{source} imports {target}, a layer above it ({where})")
    return sorted(set(problems))


# --- the checker catches what it should (so the real-tree tests cannot pass for want of looking) ---------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "sharelog"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


CLEAN = {
    "errors.py": "class SharelogError(Exception): ...\n",
    "low/__init__.py": "from sharelog.low._impl import helper\n__all__ = ['helper']\n",
    "low/_impl.py": "from sharelog.errors import SharelogError\nfrom . import _more\nimport sharelog.low.sub._deep\n",
    "low/_more.py": "",
    "low/sub/__init__.py": "",
    "low/sub/_deep.py": "",
    "high/__init__.py": "",
    "high/_use.py": "from sharelog.low import helper\nfrom sharelog import errors, __version__\n",
    "top.py": "import sharelog.high\nfrom sharelog.low.sub import __doc__\n",
}


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    assert check(_tree(tmp_path, CLEAN)) == ([], [])


@pytest.mark.parametrize(
    "text",
    [
        "from sharelog.low._impl import helper\n",
        "import sharelog.low._impl\n",
        "from sharelog.low import _impl\n",
        "from sharelog.low import helper, _secret\n",
        "from sharelog.low.sub._deep import thing\n",
        "def later():\n    from sharelog.low._impl import helper\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sharelog.low._impl import helper\n",
        "try:\n    from sharelog.low._impl import helper\nexcept ImportError:\n    pass\n",
    ],
    ids=[
        "from-module",
        "import",
        "from-package",
        "private-name",
        "below-a-subpackage",
        "in-function",
        "type-checking",
        "in-try",
    ],
)
def test_a_private_import_across_packages_is_caught(tmp_path: Path, text: str) -> None:
    root = _tree(tmp_path, {**CLEAN, "high/_use.py": text})
    private, _ = check(root)
    assert len(private) == 1
    assert "sharelog.high._use imports sharelog.low." in private[0]
    assert private[0].startswith("sharelog/high/_use.py:")


def test_a_relative_import_is_resolved(tmp_path: Path) -> None:
    root = _tree(tmp_path, {**CLEAN, "high/_use.py": "from ..low._impl import helper\n"})
    assert check(root)[0] == ["sharelog/high/_use.py:1: sharelog.high._use imports sharelog.low._impl"]


@pytest.mark.parametrize(
    ("back", "cycle"),
    [
        ("import sharelog.high\n", "high -> low -> high"),
        ("def later():\n    from sharelog.high import thing\n", "high -> low -> high"),
        ("from sharelog import top\n", "high -> low -> top -> high"),
    ],
    ids=["module-level", "in-function", "three-packages"],
)
def test_a_cycle_between_packages_is_caught_with_its_path(tmp_path: Path, back: str, cycle: str) -> None:
    _, found = check(_tree(tmp_path, {**CLEAN, "low/_more.py": back}))
    assert len(found) == 1
    assert found[0].startswith(cycle + ": ")
    assert "low -> " in found[0] and "(sharelog/low/_more.py:" in found[0]


def test_a_type_checking_import_makes_no_cycle(tmp_path: Path) -> None:
    back = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sharelog.high import Thing\n"
    assert check(_tree(tmp_path, {**CLEAN, "low/_more.py": back})) == ([], [])


def test_an_import_in_the_else_of_type_checking_runs(tmp_path: Path) -> None:
    back = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    pass\nelse:\n    import sharelog.high\n"
    assert check(_tree(tmp_path, {**CLEAN, "low/_more.py": back}))[1] != []


SMALL_LAYERS = [{"top"}, {"high"}, {"low"}, {"errors", "sharelog"}]


def _graph(root: Path) -> dict[str, dict[str, Import]]:
    return package_graph(imports_in(root), packages_in(root))


def test_layers_hold_in_a_clean_tree(tmp_path: Path) -> None:
    root = _tree(tmp_path, CLEAN)
    assert upward_imports(_graph(root), SMALL_LAYERS, root) == []


def test_an_import_of_a_higher_layer_is_caught(tmp_path: Path) -> None:
    root = _tree(tmp_path, {**CLEAN, "errors.py": "def later():\n    import sharelog.high\n"})
    assert upward_imports(_graph(root), SMALL_LAYERS, root) == [
        "errors imports high, a layer above it (sharelog/errors.py:2)"
    ]


def test_a_package_in_no_layer_is_caught(tmp_path: Path) -> None:
    root = _tree(tmp_path, {**CLEAN, "extra.py": "import sharelog.low\n"})
    assert upward_imports(_graph(root), SMALL_LAYERS, root) == ["extra is in no layer"]


# --- the real tree ------------------------------------------------------------------------------------------


def test_the_real_tree_is_read() -> None:
    imports = imports_in(SHARELOG)
    graph = package_graph(imports, packages_in(SHARELOG))
    assert len(imports) > 500
    assert {"cli", "web", "linkage", "exchange", "ledger", "settings"} <= set(graph)
    assert {"errors", "settings", "ledger"} <= set(graph["exchange"])


def test_no_private_import_across_packages() -> None:
    private, _ = check(SHARELOG)
    assert private == [], "import the package's public names (its __init__), not its private modules"


def test_no_import_cycle_between_packages() -> None:
    _, found = check(SHARELOG)
    assert found == [], "what combines two packages belongs in a package above both"


def test_every_package_imports_only_its_layer_or_lower() -> None:
    graph = package_graph(imports_in(SHARELOG), packages_in(SHARELOG))
    assert upward_imports(graph, LAYERS, SHARELOG) == [], "see docs/architecture.md: who may call whom"
    assert set().union(*LAYERS) == packages_in(SHARELOG) | {"sharelog"}
