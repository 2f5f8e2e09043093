"""Which constraint refused a row: a test that expects the database to refuse a row checks the refusal came from
the rule it is about, not from another integrity error (a NULL, a duplicate key) its row happened to break.

PostgreSQL names the constraint (psycopg's ``diag.constraint_name``). SQLite names a CHECK constraint, gives the
table and columns of a UNIQUE one — turned here into the name the ledger's naming convention gives it
(``uq_<table>_<columns>``, sharelog.ledger.models.NAMING_CONVENTION) — and does not say which FOREIGN KEY failed.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import IntegrityError

_SQLITE_UNIQUE = re.compile(r"^UNIQUE constraint failed: (?P<columns>[\w.]+(?:, [\w.]+)*)$")
_SQLITE_CHECK = re.compile(r"^CHECK constraint failed: (?P<name>\w+)$")
SQLITE_FOREIGN_KEY = "FOREIGN KEY constraint failed"


def violated_constraint(error: IntegrityError) -> str:
    """The name of the constraint ``error`` reports; ``fk_?`` for a foreign key on SQLite, which does not say.

    Raises:
        AssertionError: the error is not a constraint's refusal the ledger names (a NOT NULL, say).
    """
    diag = getattr(error.orig, "diag", None)
    if diag is not None:
        assert diag.constraint_name, f"not a named constraint: {error.orig}"
        return str(diag.constraint_name)
    message = str(error.orig)
    if unique := _SQLITE_UNIQUE.match(message):
        qualified = unique["columns"].split(", ")
        table = qualified[0].split(".")[0]
        return "uq_" + "_".join([table, *(column.split(".")[1] for column in qualified)])
    if check := _SQLITE_CHECK.match(message):
        return check["name"]
    if message == SQLITE_FOREIGN_KEY:
        return "fk_?"
    raise AssertionError(f"not a constraint the ledger names: {message}")


def assert_refused_by(raised: pytest.ExceptionInfo[IntegrityError], constraint: str) -> None:
    """The database refused the row for ``constraint`` (on SQLite, any foreign key when it is one)."""
    found = violated_constraint(raised.value)
    if found == "fk_?":
        assert constraint.startswith("fk_"), f"a foreign key refused the row, not {constraint}"
    else:
        assert found == constraint
