"""Candidates: the register rows a request batch can pair with, found without reading the whole register.

Splink pairs a request with a pupil when one of the model's blocking rules holds, and every rule sharelog uses is
a conjunction of equalities between a column of one record and a column of the other (``l.dob_str = r.dob_str
AND l.surname_sound = r.surname_sound``). A pupil no rule pairs with any request of the batch plays no part in
scoring it, so handing Splink only the pupils that share at least one rule's key with some request gives the
same scored pairs as handing it the whole register (term frequencies come from separate lookups of the whole
register, and the register size used in decisions is the whole register's, so neither changes).

A prepared register keeps, for each set of register columns a rule joins on, a key table: those columns and the
row number (``__rid``) of each pupil with none of them null, sorted by the key. Finding a batch's candidates then
joins the batch's keys with each key table; DuckDB pushes the batch's keys into the scan of the sorted table, so
only the blocks holding them are read, and the candidates' rows are read by row number.

A rule that is not such a conjunction (a function of a column, ``OR``, exploded arrays) cannot be served this
way: :func:`key_joins` then returns ``None`` and the session reads the whole register as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import expressions

__all__ = ["RID", "KeyJoin", "candidate_rows_sql", "key_joins", "key_table_name", "key_table_sql"]

RID = "__rid"
"""A prepared register's row number: the order of its linkage table (and of its key tables' pointers)."""


@dataclass(frozen=True, order=True)
class KeyJoin:
    """One way a blocking rule pairs a pupil with a request: these register columns equal these request columns
    (in the same order; ordered by register column, so one key table serves every rule on the same columns)."""

    register_columns: tuple[str, ...]
    request_columns: tuple[str, ...]


def _conjuncts(node: expressions.Expr) -> Iterable[expressions.Expr]:
    while isinstance(node, expressions.Paren):
        node = node.this
    if isinstance(node, expressions.And):
        yield from _conjuncts(node.left)
        yield from _conjuncts(node.right)
    else:
        yield node


def _unwrapped(node: expressions.Expr) -> expressions.Expr:
    while isinstance(node, expressions.Paren):
        node = node.this
    return node


def _equalities(rule_sql: str) -> list[tuple[str, str]] | None:
    """``(l column, r column)`` for each equality of a rule that is only a conjunction of such equalities."""
    try:
        tree = sqlglot.parse_one(rule_sql, read="duckdb")
    except sqlglot.errors.SqlglotError:
        return None
    pairs: list[tuple[str, str]] = []
    for term in _conjuncts(tree):
        if not isinstance(term, expressions.EQ):
            return None
        left, right = _unwrapped(term.left), _unwrapped(term.right)
        if not (isinstance(left, expressions.Column) and isinstance(right, expressions.Column)):
            return None
        sides = {left.table: left.name, right.table: right.name}
        if set(sides) != {"l", "r"}:
            return None
        pairs.append((sides["l"], sides["r"]))
    return pairs or None


def _joins(pairs: Sequence[tuple[str, str]]) -> set[KeyJoin]:
    """Both ways round: the register may be the rule's ``l`` or its ``r``."""
    joins = set()
    for register_side in (0, 1):
        ordered = sorted({(pair[register_side], pair[1 - register_side]) for pair in pairs})
        joins.add(KeyJoin(tuple(p[0] for p in ordered), tuple(p[1] for p in ordered)))
    return joins


def key_joins(settings: dict[str, Any]) -> list[KeyJoin] | None:
    """Every way the settings' blocking rules pair a pupil with a request, or ``None`` when a rule is not a
    conjunction of column equalities (its candidates cannot be found by keys)."""
    found: set[KeyJoin] = set()
    for rule in settings.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, str):
            rule_sql = rule
        elif isinstance(rule, dict) and isinstance(rule.get("blocking_rule"), str):
            if rule.get("arrays_to_explode"):
                return None
            rule_sql = rule["blocking_rule"]
        else:
            return None
        pairs = _equalities(rule_sql)
        if pairs is None:
            return None
        found |= _joins(pairs)
    return sorted(found)


def key_table_name(columns: Sequence[str]) -> str:
    """The key table of these register columns."""
    return "keys__" + "__".join(columns)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def key_table_sql(linkage: str, columns: Sequence[str]) -> str:
    """A key table's rows, sorted by the key: the columns and the row number of each pupil with no null key."""
    names = ", ".join(_quoted(c) for c in columns)
    not_null = " AND ".join(f"{_quoted(c)} IS NOT NULL" for c in columns)
    return f"SELECT {names}, {RID} FROM {linkage} WHERE {not_null} ORDER BY {names}"


def candidate_rows_sql(
    *, linkage: str, requests: str, joins: Sequence[KeyJoin], key_tables: dict[tuple[str, ...], str]
) -> str:
    """The row numbers of the pupils that share a key with some request, once each.

    ``key_tables``: register columns → the table of their key (sorted); a join without one is found in
    ``linkage`` itself (right, but it reads those columns of every pupil).
    """
    parts = []
    for join in joins:
        source = key_tables.get(join.register_columns, linkage)
        keys = ", ".join(f"{_quoted(q)} AS k{i}" for i, q in enumerate(join.request_columns))
        not_null = " AND ".join(f"{_quoted(q)} IS NOT NULL" for q in join.request_columns)
        on = " AND ".join(f"k.{_quoted(c)} = q.k{i}" for i, c in enumerate(join.register_columns))
        parts.append(
            f"SELECT k.{RID} FROM {source} AS k "
            f"JOIN (SELECT DISTINCT {keys} FROM {requests} WHERE {not_null}) AS q ON {on}"
        )
    return "\nUNION\n".join(parts)
