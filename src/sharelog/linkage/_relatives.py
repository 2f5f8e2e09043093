"""Relatives: how brothers, sisters and twins compare with each other in this register.

A child who is not in the register often has a brother or sister who is. They share a surname and an address, so
a request about the one looks, on those fields, exactly like the other. What tells them apart is the forename,
the middle name, the date of birth and sex — and how often those agree *between relatives* can be read off the
register itself, without labels: pairs of pupils with the same surname and postcode unit are (nearly all)
siblings, and never the same person (a register holds each pupil once).

The profile says whether the register has households at all (at least ``MIN_HOUSEHOLD_PAIRS`` such pairs): where
it has none — a register of unrelated people — no request can be about a relative, and the decision rule's
relatives check is off. It also records how often each level of the person comparisons occurs between
relatives (for instance how many household pairs share a date of birth: twins), which `sharelog model show`
and the docs report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker

__all__ = [
    "MIN_HOUSEHOLD_PAIRS",
    "PERSON_COMPARISONS",
    "RelativeProfile",
    "household_profile",
    "household_settings",
    "profile_from_counts",
]

PERSON_COMPARISONS = ("forename", "middle_name", "dob", "sex")
MIN_HOUSEHOLD_PAIRS = 200
HOUSEHOLD_RULE = "l.surname_std = r.surname_std AND l.postcode_std = r.postcode_std"


@dataclass(frozen=True)
class RelativeProfile:
    """How often each level of the person comparisons occurs among the register's household pairs."""

    pairs: int
    counts: dict[str, dict[int, int]]

    @property
    def active(self) -> bool:
        return self.pairs >= MIN_HOUSEHOLD_PAIRS

    def share(self, comparison: str, gamma: int, levels: int) -> float:
        """The smoothed share of household pairs at a level (add-one: no level is ever impossible)."""
        counts = self.counts.get(comparison, {})
        total = sum(counts.values())
        return (counts.get(gamma, 0) + 1) / (total + levels)

    def to_json(self) -> str:
        return json.dumps({"pairs": self.pairs, "counts": self.counts}, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RelativeProfile:
        document = json.loads(text)
        counts = {
            name: {int(g): int(n) for g, n in levels.items()} for name, levels in document["counts"].items()
        }
        return cls(pairs=int(document["pairs"]), counts=counts)

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> RelativeProfile:
        return cls.from_json(path.read_text(encoding="utf-8"))


def household_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The model's settings for comparing the register's household pairs with each other (DuckDB SQL)."""
    return {
        **settings,
        "link_type": "dedupe_only",
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": HOUSEHOLD_RULE, "sql_dialect": "duckdb"}
        ],
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": True,  # the gamma (level) columns come only with the matching columns
    }


def profile_from_counts(counts: dict[str, dict[int, int]]) -> RelativeProfile:
    """The profile of these level counts (comparison → gamma → household pairs)."""
    pairs = sum(counts[PERSON_COMPARISONS[-1]].values()) if counts else 0
    return RelativeProfile(pairs=pairs, counts=counts)


def household_profile(
    con: duckdb.DuckDBPyConnection, *, register: str, settings: dict[str, Any]
) -> RelativeProfile:
    """Compare every pair of pupils sharing a surname and postcode unit, and count the person-field levels."""
    db_api = DuckDBAPI(con)
    frame = db_api.register(register, dataset_display_name="register", table_name="__household_pairs_input")
    linker = Linker([frame], household_settings(settings), log_level=None)
    predictions = linker.inference.predict()
    counts: dict[str, dict[int, int]] = {}
    for comparison in PERSON_COMPARISONS:
        rows = con.sql(
            f"SELECT gamma_{comparison}, count(*) FROM {predictions.physical_name} GROUP BY 1"
        ).fetchall()
        counts[comparison] = {int(gamma): int(n) for gamma, n in rows}
    predictions.drop_table_from_database_and_remove_from_cache()
    return profile_from_counts(counts)
