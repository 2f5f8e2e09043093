"""A monthly table at the real volumes of the Home Office ⇄ DfE exchange, counted without a ledger.

DfE's published totals (6,883 people requested July 2015 – September 2022, 1,780 returned; see
docs/reports.md) make about 80 requests a month, about a quarter of them returned. What happened to each returned
record follows the demo's weights (``sharelog.demo``: weights, not data — no outcome figure has been published):
about 70% have outcomes recorded. Seeded, so a test sees the same table every run.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import numpy as np

from sharelog.demo import INTERVENTIONS, ONWARD, RESULTS, USE
from sharelog.reports import (
    MONTHLY_LABELS,
    PROFILES,
    MonthlyReport,
    MonthlyRow,
    MonthlyTable,
    month_range,
    protect_monthly_table,
)
from sharelog.reports._monthly import DEPARTURES, ONWARD_RECIPIENTS
from sharelog.reports._monthly import INTERVENTIONS as INTERVENTION_CODES
from sharelog.reports._monthly import RESULTS as RESULT_CODES
from sharelog.reports._report import report_columns

REQUESTS_PER_MONTH = 80
RETURNED_SHARE = 0.26
REVIEW_SHARE = 0.08
RECORDED_SHARE = 0.7
FOI_FIRST, FOI_LAST = "2015-07", "2020-08"


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    share = np.array([weights[k] for k in keys])
    return keys[int(rng.choice(len(keys), p=share / share.sum()))]


def real_volume_table(
    first: str = FOI_FIRST, last: str = FOI_LAST, *, seed: int = 2015, requests: int = REQUESTS_PER_MONTH
) -> MonthlyTable:
    """The exact monthly table of ``first`` to ``last`` at real volumes (records simulated one by one), or with
    ``requests`` a month on average."""
    rng = np.random.default_rng(seed)
    months = month_range(first, last)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(months))
    for i, _ in enumerate(months):
        received = int(rng.poisson(requests))
        review = int(rng.binomial(received, REVIEW_SHARE))
        returned = int(rng.binomial(received, RETURNED_SHARE))
        counts[("flow", "received")][i] = received
        counts[("flow", "review")][i] = review
        counts[("flow", "matched")][i] = max(returned - review // 2, 0)
        counts[("flow", "returned")][i] = returned
        for _record in range(returned):
            result = "outcome_unknown"
            if rng.random() < RECORDED_SHARE:
                use = _pick(rng, USE)
                if use != "not_used":
                    for recipient, share in ONWARD.items():
                        if rng.random() < share:
                            counts[("onward", recipient)][i] += 1
                    for intervention, share in INTERVENTIONS.items():
                        if rng.random() < share:
                            counts[("intervention", intervention)][i] += 1
                result = _pick(rng, RESULTS) if use != "not_used" else "no_further_action"
                if result in DEPARTURES:
                    counts[("people", "children")][i] += int(rng.integers(1, 4))
                    counts[("people", "family_members")][i] += int(rng.integers(0, 3))
            counts[("result", result)][i] += 1
    layout = [
        *(("flow", k) for k in ("received", "matched", "review", "returned")),
        *(("onward", k) for k in ONWARD_RECIPIENTS),
        *(("intervention", k) for k in INTERVENTION_CODES),
        *(("result", k) for k in (*RESULT_CODES, "outcome_unknown")),
        *(("people", k) for k in ("children", "family_members")),
    ]
    rows = tuple(MonthlyRow(s, k, MONTHLY_LABELS[k], tuple(counts[(s, k)])) for s, k in layout)
    return MonthlyTable(months=months, rows=rows)


def within(table: MonthlyTable, first: str, last: str) -> MonthlyTable:
    """The part of ``table`` from month ``first`` to ``last``."""
    i, j = table.months.index(first), table.months.index(last) + 1
    rows = tuple(MonthlyRow(r.section, r.key, r.label, r.values[i:j]) for r in table.rows)
    return MonthlyTable(months=table.months[i:j], rows=rows)


def published(table: MonthlyTable, profile: str) -> MonthlyReport:
    """``table`` as a publication shows it under ``profile`` (no ledger: no agreement versions)."""
    chosen = PROFILES[profile]
    protected = protect_monthly_table(table, profile=chosen)
    return MonthlyReport(
        table=table,
        columns=report_columns(table.months, chosen),
        values=protected.values,
        mode="publish",
        profile=chosen,
        agreement_id=None,
        versions=(),
        in_force={month: () for month in table.months},
        generated_at=datetime(2020, 9, 1, tzinfo=UTC),
        reasons=protected.reasons,
    )
