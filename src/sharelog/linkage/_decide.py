"""Decisions a person can trust: from pairwise Bayes factors to one decision per request.

Splink scores each candidate pair with a Bayes factor ``BF`` (how much likelier the comparison pattern is for
the same person than for two different people). A request is about at most one pupil, so the candidates of one
request compete. With ``p`` the share of requests whose person is in the register and ``N`` the register's size,
each pupil starts with prior probability ``p / N``, and the posterior that candidate ``i`` is the person is::

    P(i) = (p/N)·BF(i) / ((1 − p) + (p/N)·Σ_j BF(j))

This calibrates for the register's size (a bigger register needs more evidence) and for ambiguity: twins with
equal evidence share the probability, so neither reaches the match threshold. ``p`` is estimated from the batch
(expectation-maximisation over the requests) unless it is given.

Relatives are the other hazard: a child who is not in the register often has a brother, sister or twin who is,
sharing the surname and the address, so the household fields cannot tell them apart. Where the register has
households (:mod:`sharelog.linkage._relatives`) and the candidate shares the request's surname, an automatic
match also needs the forename **and** the date of birth each to count for the candidate (a positive match
weight); with neither, the request is about a relative.

Four corrections are made to Splink's Bayes factor before the posterior:

- **Names that go together.** Splink's term-frequency adjustments treat the forename and the surname as
  independent: the chance that a stranger shares both is the product of their frequencies. Names are not
  independent (they go together by origin: MOHAMMED with KHAN), so for a common pair the product understates how
  many people share it and a namesake looks like the person. Where both names agree exactly, the pair's expected
  count is re-estimated from how often the register itself holds it (:func:`name_pair_table_sql`;
  :func:`pair_count_estimate`) and the Bayes factor follows it: reduced where the register holds the pair more
  often than independence says, raised where less often (names of two origins seldom go together). Both ways,
  not only down: with independent names the register's count scatters about the independence estimate, and a
  correction taken only downwards would take evidence off every request on average. This is what makes a
  request carrying only a name and a date of birth decide on how unique that combination is in this register.
- **No level counts against a pair more than disagreement does.** Expectation-maximisation can give a level it saw
  almost never among matches (a middle name with one letter wrong, a street spelt a little differently) a
  weight of −30 bits or worse, far below the level for *these differ*. Each comparison's weight is kept at or
  above its *else* level's (``weight_floors``).
- **A miscoded sex costs little when the forename agrees.** Where the forename agrees exactly, a sex that differs
  costs at most :data:`SEX_DISAGREEMENT_MAX_COST` bits: a child of the same forename and another sex is far likelier a
  sex miscoded (more common on real requests than the training batches show) than another child, and must not
  turn a clear match into a review; with a forename that only looks alike (OLIVIA, OLIVER) it keeps its cost.
- **A move counts once.** Another postcode and another address are one event, a family that moved; Splink, taking
  the comparisons as independent, would charge it once per field. Where every place comparison disagrees only the
  strongest disagreement counts (:func:`_place_sql`).

A request is a ``match`` when its best candidate's posterior reaches the match threshold, its Bayes factor beats
the runner-up's by the minimum gap, and it is not explained as well by a relative; ``review`` when the best
posterior reaches the review threshold, or it would have matched but for a close runner-up, a possible relative
or another request of the batch claiming the same pupil; ``no_match`` otherwise — and always when the person
fields say *a relative* more strongly than *this child* (a sibling: only the household agrees).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np

__all__ = [
    "NAME_PAIR_PRIOR_SHAPE",
    "SHARE_PRIOR",
    "SEX_DISAGREEMENT_MAX_COST",
    "Decisions",
    "Thresholds",
    "decide",
    "estimate_share_in_register",
    "name_pair_table_sql",
    "pair_count_estimate",
    "weight_floors",
]

NAME_PAIR_PRIOR_SHAPE = 1.0
"""How strongly the independence estimate of a name pair's count is believed before the register's own count of
the pair is seen (the shape of the gamma prior; 1: an exponential prior, one pseudo-observation)."""

SEX_DISAGREEMENT_MAX_COST = 2.0
"""The most (in bits) that a sex recorded differently may count against a candidate."""


@dataclass(frozen=True)
class Thresholds:
    """Where the decision bands lie (defaults in docs/matching.md).

    Attributes:
        match: posterior probability the best candidate needs for an automatic match.
        review: posterior probability at which a person reviews the best candidate.
        min_gap_bits: how far (log2 Bayes factor) the best candidate must beat the runner-up to match.
        share_in_register: prior share of requests whose person is in the register; ``None`` estimates it.
    """

    match: float = 0.99
    review: float = 0.20
    min_gap_bits: float = 5.0
    share_in_register: float | None = None

    def __post_init__(self) -> None:
        if not 0 < self.review <= self.match < 1:
            raise ValueError("thresholds need 0 < review <= match < 1")
        if self.share_in_register is not None and not 0 < self.share_in_register < 1:
            raise ValueError("share_in_register must be between 0 and 1")


@dataclass(frozen=True)
class Decisions:
    """The decision table's name and what went into it."""

    table: str
    share_in_register: float
    register_size: int


SHARE_PRIOR = 0.2
"""What the share of requests in the register is taken to be before a batch says otherwise: about one request in
five was returned in the published figures (531 of 2,461, July 2015 – September 2016)."""
SHARE_PRIOR_REQUESTS = 50
"""How many requests the prior counts as: a batch of thousands outweighs it, one request alone cannot."""


def estimate_share_in_register(evidence: np.ndarray, *, register_size: int, requests: int) -> float:
    """EM estimate of the share of requests whose person is in the register.

    The estimate starts from :data:`SHARE_PRIOR`, counted as :data:`SHARE_PRIOR_REQUESTS` requests (the posterior
    mode with a beta prior), so that a small batch cannot talk itself into a high share: a single request with a
    strong candidate would otherwise estimate that nearly every request is held, and raise its own probability.

    Args:
        evidence: per request with any candidate, the sum of its candidates' Bayes factors.
        register_size: pupils in the register.
        requests: all requests, including those without any candidate.
    """
    share = SHARE_PRIOR
    prior = SHARE_PRIOR * SHARE_PRIOR_REQUESTS
    for _ in range(200):
        weight = share * evidence / register_size
        in_register = weight / ((1 - share) + weight)
        estimate = (in_register.sum() + prior) / (max(requests, 0) + SHARE_PRIOR_REQUESTS)
        updated = float(np.clip(estimate, 0.01, 0.99))
        if abs(updated - share) < 1e-6:
            return updated
        share = updated
    return share


def name_pair_table_sql(source: str) -> str:
    """How many pupils of the register ``source`` hold each (``forename1``, ``surname_std``) pair, with the pair's
    expected count were the two names independent (``expected``: pupils with both names × the forename's share ×
    the surname's share, each share among the pupils with that name given)."""
    return f"""
    WITH named AS (SELECT forename1, surname_std FROM {source}),
         totals AS (
            SELECT count(forename1)::DOUBLE AS forenames, count(surname_std)::DOUBLE AS surnames,
                   count(*) FILTER (WHERE forename1 IS NOT NULL AND surname_std IS NOT NULL)::DOUBLE AS both_names
            FROM named
         ),
         forenames AS (SELECT forename1, count(*) AS n FROM named WHERE forename1 IS NOT NULL GROUP BY 1),
         surnames AS (SELECT surname_std, count(*) AS n FROM named WHERE surname_std IS NOT NULL GROUP BY 1),
         pairs AS (
            SELECT forename1, surname_std, count(*) AS pupils FROM named
            WHERE forename1 IS NOT NULL AND surname_std IS NOT NULL GROUP BY 1, 2
         )
    SELECT p.forename1, p.surname_std, p.pupils,
           t.both_names * (f.n / t.forenames) * (s.n / t.surnames) AS expected
    FROM pairs AS p
    JOIN forenames AS f USING (forename1)
    JOIN surnames AS s USING (surname_std)
    CROSS JOIN totals AS t
    """


def pair_count_estimate(pupils: float, expected: float, *, shape: float = NAME_PAIR_PRIOR_SHAPE) -> float:
    """The expected number of pupils holding a name pair, from independence and the register's own count.

    The register holds the pair ``pupils`` times, one of them the candidate; the others are a Poisson count
    whose rate, before they are seen, is believed to be about ``expected`` (a gamma prior of shape ``shape`` and
    mean ``expected``). The estimate is the rate's posterior mean, ``(shape + pupils − 1) / (shape / expected +
    1)``: about ``expected`` for a pair the register holds once, about ``pupils`` for a pair it holds often.
    (The SQL in :func:`decide` computes the same.)
    """
    return (shape + pupils - 1) / (shape / expected + 1)


def weight_floors(settings: dict[str, Any]) -> dict[str, float]:
    """The least weight (bits) each comparison of a trained model's settings may give a pair: its *else* level's
    weight, so that no level counts against more than disagreement."""
    floors: dict[str, float] = {}
    for comparison in settings.get("comparisons", []):
        name = comparison.get("output_column_name")
        levels = [
            level for level in comparison.get("comparison_levels", []) if not level.get("is_null_level")
        ]
        if not name or not levels:
            continue
        last = levels[-1]
        m, u = last.get("m_probability"), last.get("u_probability")
        if not m or not u:
            continue
        floors[str(name)] = math.log2(m / u)
    return floors


def _counts_sql(comparison: str, columns: set[str]) -> str:
    """Whether a comparison counts for the pair: a positive match weight, term-frequency adjustment included."""
    weight = f"coalesce(mw_{comparison}, 0)"
    if f"mw_tf_adj_{comparison}" in columns:
        weight += f" + coalesce(mw_tf_adj_{comparison}, 0)"
    return f"(({weight}) > 0)"


def _floors_sql(floors: Mapping[str, float], columns: set[str]) -> str:
    """What raising each comparison's weight to its floor adds to the match weight (bits)."""
    terms = [
        f"(greatest(coalesce(mw_{name}, 0), {floor!r}) - coalesce(mw_{name}, 0))"
        for name, floor in sorted(floors.items())
        if f"mw_{name}" in columns
    ]
    return " + ".join(terms) if terms else "0"


def _exact_sql(comparison: str, columns: set[str]) -> str:
    """Whether a pair's ``comparison`` is at its exact level: the only level with a term-frequency adjustment, and
    an adjustment is never exactly zero (the name's frequency would have to equal the level's u to the last bit).
    So the names are known to agree without reading the register's records."""
    column = f"mw_tf_adj_{comparison}"
    return f"(coalesce({column}, 0) <> 0)" if column in columns else "FALSE"


def _sex_sql(columns: set[str]) -> str:
    """Where the forename agrees exactly, what a differing sex costs above :data:`SEX_DISAGREEMENT_MAX_COST` is
    given back (a child of the same forename and another sex is a miscoded sex, seldom another child; a similar
    forename and another sex — OLIVIA, OLIVER — is another child, and keeps its cost)."""
    if "mw_sex" not in columns:
        return "0.0"
    return (
        f"(CASE WHEN {_exact_sql('forename', columns)} "
        f"THEN greatest(coalesce(mw_sex, 0), {-SEX_DISAGREEMENT_MAX_COST!r}) - coalesce(mw_sex, 0) ELSE 0.0 END)"
    )


PLACE_COMPARISONS = ("postcode", "address")
"""The comparisons that say where a child lives: a family that moved disagrees on all of them at once."""


def _place_sql(floors: Mapping[str, float], columns: set[str]) -> str:
    """Where every place comparison disagrees, what counts the move more than once is given back: only the
    strongest disagreement counts. A child who moved has another postcode *and* another address — one event,
    which Splink, taking the comparisons as independent, would charge once per field."""
    names = [name for name in PLACE_COMPARISONS if f"mw_{name}" in columns]
    if len(names) < 2:
        return "0.0"
    weights = [f"greatest(coalesce(mw_{name}, 0), {floors.get(name, -1e9)!r})" for name in names]
    all_negative = " AND ".join(f"({weight}) < 0" for weight in weights)
    return (
        f"(CASE WHEN {all_negative} THEN ({' + '.join(weights)}) - least({', '.join(weights)}) ELSE 0.0 END)"
    )


def _name_pairs_sql(requests: str, name_pairs: str) -> str:
    """Per request, what the register's own count of its (forename, surname) pair changes in the evidence of a
    candidate with both names exact (see :func:`pair_count_estimate`): the request's names are the candidate's."""
    k = NAME_PAIR_PRIOR_SHAPE
    estimate = f"(({k!r} + n.pupils - 1) / ({k!r} / n.expected + 1))"
    return f"""
    SELECT q.unique_id AS request_id, log2(n.expected) - log2({estimate}) AS name_pair_bits
    FROM {requests} AS q
    JOIN {name_pairs} AS n ON n.forename1 = q.forename1 AND n.surname_std = q.surname_std
    WHERE n.expected > 0
    """


def _pairs_sql(
    predictions: str,
    *,
    prior_weight: float,
    households: bool,
    columns: set[str],
    floors: Mapping[str, float],
    name_pairs: tuple[str, str] | None,
) -> str:
    """Orient each pair as (request, pupil), turn its match weight into a log2 Bayes factor (with the corrections
    of the module's docstring), and — where the register has households and the surnames agree — say whether the
    forename and the date of birth tell this child from a brother, sister or twin."""
    forename, surname, dob = (_counts_sql(c, columns) for c in ("forename", "surname", "dob"))
    relative_possible = f"({surname})" if households else "FALSE"
    names_exact = f"{_exact_sql('forename', columns)} AND {_exact_sql('surname', columns)}"
    if name_pairs is not None:
        joined = f"LEFT JOIN ({_name_pairs_sql(*name_pairs)}) AS c ON c.request_id = o.request_id AND o.names_exact"
        name_pair_bits = "coalesce(c.name_pair_bits, 0.0)"
    else:
        joined, name_pair_bits = "", "0.0"
    return f"""
    WITH oriented AS (
        SELECT
            CASE WHEN source_dataset_l = 'requests' THEN unique_id_l ELSE unique_id_r END AS request_id,
            CASE WHEN source_dataset_l = 'requests' THEN unique_id_r ELSE unique_id_l END AS pupil_id,
            match_weight - {prior_weight!r} + {_floors_sql(floors, columns)} + {_sex_sql(columns)}
                - {_place_sql(floors, columns)} AS corrected_bf,
            {names_exact} AS names_exact,
            {relative_possible} AND NOT ({forename} AND {dob}) AS could_be_relative,
            {relative_possible} AND NOT ({forename} OR {dob}) AS looks_like_relative
        FROM {predictions}
    )
    SELECT o.request_id, o.pupil_id, o.corrected_bf + {name_pair_bits} AS log2_bf,
           {name_pair_bits} AS name_pair_bits, o.could_be_relative, o.looks_like_relative
    FROM oriented AS o {joined}
    """


def _ranked_sql(pairs: str, *, log2_k: float, share: float) -> str:
    """Posterior of every candidate, ranked within its request (ties broken by pupil id, deterministically)."""
    return f"""
    WITH totals AS (
        SELECT request_id, sum(pow(2.0, log2_bf + {log2_k!r})) AS weight_sum FROM {pairs} GROUP BY request_id
    )
    SELECT p.request_id, p.pupil_id, p.log2_bf, p.could_be_relative, p.looks_like_relative,
           pow(2.0, p.log2_bf + {log2_k!r}) / ({1 - share!r} + t.weight_sum) AS posterior,
           row_number() OVER (PARTITION BY p.request_id ORDER BY p.log2_bf DESC, p.pupil_id) AS rank
    FROM {pairs} AS p JOIN totals AS t USING (request_id)
    """


def _decisions_sql(requests: str, ranked: str, thresholds: Thresholds) -> str:
    """One row per request: best candidate, runner-up, decision and the reason for it."""
    return f"""
    WITH best AS (SELECT * FROM {ranked} WHERE rank = 1),
         second AS (SELECT * FROM {ranked} WHERE rank = 2),
         joined AS (
            SELECT r.unique_id AS request_id, b.pupil_id, b.posterior, b.log2_bf, b.could_be_relative,
                   b.looks_like_relative,
                   s.pupil_id AS runner_up_id, s.posterior AS runner_up_posterior,
                   b.log2_bf - s.log2_bf AS gap_bits
            FROM {requests} AS r
            LEFT JOIN best AS b ON b.request_id = r.unique_id
            LEFT JOIN second AS s ON s.request_id = r.unique_id
         ),
         provisional AS (
            SELECT *,
                CASE
                    WHEN pupil_id IS NULL THEN 'no candidate'
                    WHEN looks_like_relative THEN 'a relative, not this child'
                    WHEN posterior >= {thresholds.match!r} AND could_be_relative
                        THEN 'could be a relative of this child'
                    WHEN posterior >= {thresholds.match!r} AND coalesce(gap_bits, 1e9) >= {thresholds.min_gap_bits!r}
                        THEN 'clear match'
                    WHEN posterior >= {thresholds.match!r} THEN 'runner-up too close'
                    WHEN posterior >= {thresholds.review!r} AND runner_up_posterior >= 0.05
                        THEN 'runner-up too close'
                    WHEN posterior >= {thresholds.review!r} THEN 'below the match threshold'
                    ELSE 'below the review threshold'
                END AS reason
            FROM joined
         ),
         claimed AS (
            SELECT pupil_id, count(*) AS claims FROM provisional WHERE reason = 'clear match' GROUP BY pupil_id
         )
    SELECT p.request_id, p.pupil_id, p.posterior AS match_probability,
           CASE WHEN p.posterior IS NULL THEN NULL
                ELSE log2(greatest(p.posterior, 1e-300) / greatest(1 - p.posterior, 1e-300)) END AS match_weight,
           CASE
               WHEN p.reason = 'clear match' AND c.claims > 1 THEN 'review'
               WHEN p.reason = 'clear match' THEN 'match'
               WHEN p.reason NOT IN ('below the review threshold', 'no candidate', 'a relative, not this child')
                   THEN 'review'
               ELSE 'no_match'
           END AS decision,
           CASE WHEN p.reason = 'clear match' AND c.claims > 1 THEN 'another request in the batch claims this pupil'
                ELSE p.reason END AS reason,
           p.runner_up_id, p.runner_up_posterior, p.gap_bits
    FROM provisional AS p LEFT JOIN claimed AS c ON c.pupil_id = p.pupil_id AND p.reason = 'clear match'
    """


def decide(
    con: duckdb.DuckDBPyConnection,
    *,
    predictions: str,
    requests: str,
    prior_weight: float,
    register_size: int,
    thresholds: Thresholds,
    households: bool = True,
    floors: Mapping[str, float] | None = None,
    name_pairs: str | None = None,
    target: str = "decisions",
) -> Decisions:
    """Create table ``target``: one row per request of table ``requests`` with its decision.

    Args:
        con: the connection holding the tables.
        predictions: Splink's scored pairs (``unique_id_l/r``, ``source_dataset_l/r``, ``match_weight``).
        requests: the standardised requests (``unique_id``), so that requests without candidates appear too.
        prior_weight: the model's prior match weight, ``log2(λ / (1 − λ))``, taken off to leave Bayes factors.
        register_size: pupils in the register.
        thresholds: the decision bands.
        households: whether the register has households (brothers, sisters, twins) a request could be about.
        floors: comparison → the least weight (bits) it may give a pair (:func:`weight_floors`); none: Splink's.
        name_pairs: the register's name-pair counts (:func:`name_pair_table_sql`): an exact forename and surname
            count only as much as the register's own count of the pair allows; none: as Splink counts them.
        target: the table to create.
    """
    columns = {row[0] for row in con.sql(f"DESCRIBE {predictions}").fetchall()}
    pairs_sql = _pairs_sql(
        predictions,
        prior_weight=prior_weight,
        households=households,
        columns=columns,
        floors=floors or {},
        name_pairs=(requests, name_pairs) if name_pairs is not None else None,
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {target}__pairs AS {pairs_sql}")
    share = thresholds.share_in_register
    if share is None:
        # a candidate the relatives check calls a brother or sister is no evidence that the person is registered
        sums = con.sql(
            f"SELECT sum(pow(2.0, log2_bf)) FROM {target}__pairs WHERE NOT looks_like_relative GROUP BY request_id"
        ).fetchnumpy()
        evidence = np.asarray(next(iter(sums.values())), dtype=float)
        total = int(con.sql(f"SELECT count(*) FROM {requests}").fetchall()[0][0])
        share = estimate_share_in_register(evidence, register_size=register_size, requests=total)
    log2_k = math.log2(share / register_size)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {target}__ranked AS "
        f"{_ranked_sql(f'{target}__pairs', log2_k=log2_k, share=share)}"
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {target} AS {_decisions_sql(requests, f'{target}__ranked', thresholds)}"
    )
    con.execute(f"DROP TABLE {target}__pairs; DROP TABLE {target}__ranked")
    return Decisions(table=target, share_in_register=share, register_size=register_size)
