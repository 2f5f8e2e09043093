"""The evidence for one pair, comparison by comparison: the level each comparison reached and its weight in bits.

One reading of a scored pair (a row of Splink's predictions, with its ``mw_<comparison>`` columns) for whoever
explains a decision: ``sharelog link explain`` and the review band's side-by-side view. Level labels and weights
only, never the compared values.

Splink gives a pair's level of each comparison (``gamma_<comparison>``) only when the compared columns are kept
(``retain_matching_columns``, as ``explain`` scores). An exchange scores without them, so the level is read back
from the weight: each level of a comparison has its own weight, ``log2(m / u)`` as Splink computes it, and the
missing level none (0). Where levels weigh the same, the label names each of them and whether the values agree is
left open.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from typing import Any

from splink.internals.settings_creator import SettingsCreator

from sharelog.linkage._model import level_gammas

__all__ = [
    "ComparisonEvidence",
    "EvidenceReader",
    "comparison_evidence",
    "level_labels",
    "level_weights",
    "pair_weight",
]


@dataclass(frozen=True)
class ComparisonEvidence:
    """One comparison for the best candidate and the runner-up: the level reached and its weight in bits.

    ``*_agrees``: the comparison reached its strongest level (the values agree after standardising), did not
    (``False``: they differ, more or less), or one side has no value or the level cannot be told (``None``).
    """

    comparison: str
    best_level: str
    best_weight: float
    runner_up_level: str | None
    runner_up_weight: float | None
    best_agrees: bool | None = None
    runner_up_agrees: bool | None = None


def level_labels(settings: dict[str, Any]) -> dict[str, dict[int, str]]:
    """gamma value → level label for each comparison."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in settings["comparisons"]:
        mapping = {
            gamma: (
                "missing on one side"
                if gamma < 0
                else level.get("label_for_charts", level.get("sql_condition", ""))
            )
            for gamma, level in level_gammas(comparison)
        }
        labels[comparison["output_column_name"]] = mapping
    return labels


def pair_weight(pair: dict[str, Any], comparison: str) -> float:
    """A comparison's weight for a pair, with its term-frequency adjustment."""
    return float(pair.get(f"mw_{comparison}") or 0) + float(pair.get(f"mw_tf_adj_{comparison}") or 0)


def level_weights(settings: dict[str, Any]) -> dict[str, list[tuple[int, float]]]:
    """Each comparison's levels as (gamma, weight in bits), strongest first, as Splink weighs them when it scores
    (with its default m and u for a level training left without, and 0 for the missing level)."""
    return _level_weights(json.dumps(settings, sort_keys=True))


@functools.lru_cache(maxsize=8)
def _level_weights(settings: str) -> dict[str, list[tuple[int, float]]]:
    built = SettingsCreator.from_path_or_dict(json.loads(settings)).get_settings("duckdb")
    weights: dict[str, list[tuple[int, float]]] = {}
    for comparison in built.comparisons:
        levels = []
        for level in comparison.comparison_levels:
            try:
                weight = float(level._log2_bayes_factor)
            except (
                TypeError,
                ValueError,
            ):  # no m or u at all, or an m of 0: no level of this weight is scored
                continue
            levels.append((int(level.comparison_vector_value), weight))
        weights[comparison.output_column_name] = sorted(levels, reverse=True)
    return weights


def _gammas(pair: dict[str, Any], name: str, weights: list[tuple[int, float]]) -> list[int]:
    """The level ``pair`` reached in comparison ``name``: Splink's gamma, or every level of its weight (more than
    one where levels weigh the same, such as a level trained to no evidence, 0, like a missing value)."""
    if f"gamma_{name}" in pair:
        return [int(pair[f"gamma_{name}"])]
    weight = float(pair.get(f"mw_{name}") or 0)
    return [g for g, w in weights if math.isclose(w, weight, rel_tol=1e-9, abs_tol=1e-9)]


def _agrees(gammas: list[int], strongest: int) -> bool | None:
    """The values agree (the strongest level), differ (a level below it, none missing), or it cannot be told."""
    if gammas and all(g == strongest for g in gammas):
        return True
    if gammas and all(0 <= g < strongest for g in gammas):
        return False
    return None


def _label(mapping: dict[int, str], gammas: list[int]) -> str:
    return " or ".join(mapping.get(g, "?") for g in gammas) or "?"


class EvidenceReader:
    """Reads pairs scored with one model: its level labels and weights worked out once, for a batch's review band."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self._labels = level_labels(settings)
        self._weights = level_weights(settings)

    def __call__(self, best: dict[str, Any], runner_up: dict[str, Any] | None) -> list[ComparisonEvidence]:
        """The evidence of each comparison for the ``best`` pair and the ``runner_up``."""
        rows = []
        for name, mapping in self._labels.items():
            strongest = max(mapping)
            best_gammas = _gammas(best, name, self._weights[name])
            second = _gammas(runner_up, name, self._weights[name]) if runner_up else None
            rows.append(
                ComparisonEvidence(
                    comparison=name,
                    best_level=_label(mapping, best_gammas),
                    best_weight=pair_weight(best, name),
                    runner_up_level=_label(mapping, second) if second is not None else None,
                    runner_up_weight=pair_weight(runner_up, name) if runner_up else None,
                    best_agrees=_agrees(best_gammas, strongest),
                    runner_up_agrees=_agrees(second, strongest) if second is not None else None,
                )
            )
        return rows


def comparison_evidence(
    settings: dict[str, Any], best: dict[str, Any], runner_up: dict[str, Any] | None
) -> list[ComparisonEvidence]:
    """The evidence of each comparison of the model ``settings`` for the ``best`` pair and the ``runner_up``."""
    return EvidenceReader(settings)(best, runner_up)
