"""Reading an agreement file as YAML, and finding the line that holds a given term.

The file is parsed twice: once into plain data for validation, once into PyYAML's node tree, which keeps line
numbers, so that every problem can say where in the file it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import yaml

__all__ = ["MAX_DEPTH", "Loc", "ParsedYaml", "YamlSyntaxError", "duplicate_keys", "line_of", "parse_yaml"]

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ParsedYaml:
    """A YAML document as plain data, with its node tree for line numbers."""

    data: object
    root: yaml.Node | None


class YamlSyntaxError(Exception):
    """The text is not YAML; ``line`` is 1-based where PyYAML knows it."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, except that an impossible date (2015-02-30) stays text for validation to report."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


MAX_DEPTH = 20
"""How deep an agreement file may nest (its terms nest four levels at most)."""


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document.

    Raises:
        YamlSyntaxError: the text is not valid YAML, holds more than one document, uses anchors and aliases,
            nests more than :data:`MAX_DEPTH` levels, or holds a number too long to read.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        _check_shape(root)  # before loading: an alias bomb or a cycle would cost minutes, or never end
        data = yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        # Only PyYAML's description of the problem, never its snippet of the offending text.
        description = error.problem or error.context or "unreadable"
        raise YamlSyntaxError(f"is not valid YAML: {description}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError:
        raise YamlSyntaxError("is not valid YAML", None) from None
    except RecursionError:  # PyYAML's composer recurses once per level of nesting
        raise YamlSyntaxError(f"nests more than {MAX_DEPTH} levels deep", None) from None
    except ValueError:  # an integer of thousands of digits (Python refuses to convert it)
        raise YamlSyntaxError("holds a number too long to read", None) from None
    return ParsedYaml(data=data, root=root)


def _check_shape(root: yaml.Node | None) -> None:
    """Refuse aliases (a node reached twice: ``*name``, including a cycle) and deep nesting, without recursing."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)] if root is not None else []
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise YamlSyntaxError(
                "uses an alias (*name): write every term out in full, without anchors (&name) and aliases",
                node.start_mark.line + 1,
            )
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise YamlSyntaxError(f"nests more than {MAX_DEPTH} levels deep", node.start_mark.line + 1)
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair)


def line_of(root: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the deepest node along ``loc`` that exists (None if not even the first step does)."""
    node, line = root, None
    for part in loc:
        node = _child(node, part)
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None


def duplicate_keys(root: yaml.Node | None) -> Iterator[tuple[Loc, int]]:
    """Keys written twice in the same mapping (YAML keeps only the last, silently): their path and line."""
    yield from _duplicates(root, ())


def _duplicates(node: yaml.Node | None, loc: Loc) -> Iterator[tuple[Loc, int]]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else "?"
            if name in seen:
                yield (*loc, name), key.start_mark.line + 1
            seen.add(name)
            yield from _duplicates(value, (*loc, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicates(item, (*loc, index))
