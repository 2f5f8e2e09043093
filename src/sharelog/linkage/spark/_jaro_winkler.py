"""DuckDB's Jaro-Winkler similarity, written in Spark SQL, so both backends put a pair in the same level.

Splink's Spark jar has a ``jaro_winkler`` function, but it counts transpositions as a fraction (half the
characters out of order), while DuckDB, like Winkler's reference code, halves that count with integer division.
Names such as SHAHID and RASHID then score 0.789 on Spark and 0.822 on DuckDB, either side of the 0.8 level:
1 request in 10,000 got a different decision in a trial on 100,000 pupils. This expression follows DuckDB:

- the window is ``max(len(a), len(b)) div 2 - 1`` positions either side (at least 0);
- each character of ``b``, left to right, takes the leftmost unused equal character of ``a`` in its window;
- transpositions are the matched pairs whose letters differ, read in order on each side, ``div 2``;
- ``jaro = (m / len(a) + m / len(b) + (m - t) / m) / 3``, 0 when nothing matches or a string is empty;
- Winkler's boost ``jaro + prefix × 0.1 × (1 − jaro)`` for a common prefix of up to 4, when ``jaro > 0.7``.

The results are equal to DuckDB's, not merely close: a level is a threshold, and a pair can sit exactly on it.
The Jaro steps are IEEE operations in DuckDB's order. DuckDB's build computes the boost as one fused
multiply-add (a single rounding), which Spark SQL has no function for, so :func:`_fused_boost_sql` does it in
exact integer arithmetic. Tests compare the two on every pair of a few thousand names and random strings.
Higher-order functions (``aggregate``, ``filter``, ``transform``) keep it in plain Spark SQL: no jar, no Python.
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["jaro_winkler_sql"]

PREFIX_WEIGHT = 0.1
MAX_PREFIX = 4


def _double(value: float | int) -> str:
    return f"CAST({value!r} AS DOUBLE)"


def _let(value: str, name: str, body: str) -> str:
    """``body`` with ``name`` bound to ``value`` once (Spark SQL has no LET; a one-element transform is one)."""
    return f"element_at(transform(array({value}), {name} -> {body}), 1)"


# Marks in the working strings: a letter of ``a`` already taken, and a position of ``a`` not (yet) matched.
# Standardised names hold only A-Z, so neither can be confused with a letter.
TAKEN = "char(1)"
UNMATCHED = "char(2)"


def _matches_sql(a: str, b: str) -> str:
    """A struct of strings: ``free``, ``a`` with its matched letters masked; ``a_matched``, only those letters,
    in place; ``b_matched``, the letters of ``b`` that found a partner, in order. One step per letter of ``b``,
    each a few native string functions."""
    window = f"greatest(greatest(length({a}), length({b})) div 2 - 1, 0)"
    letter = f"substring({b}, jw_j + 1, 1)"
    # the leftmost free equal letter at or after the window's start; it counts if it is inside the window
    found = f"locate({letter}, jw_acc.free, greatest(jw_j - {window}, 0) + 1)"
    step = _let(
        found,
        "jw_at",
        f"IF(jw_at > 0 AND jw_at <= jw_j + {window} + 1, "
        f"named_struct('free', overlay(jw_acc.free PLACING {TAKEN} FROM jw_at FOR 1), "
        f"'a_matched', overlay(jw_acc.a_matched PLACING {letter} FROM jw_at FOR 1), "
        f"'b_matched', concat(jw_acc.b_matched, {letter})), jw_acc)",
    )
    start = f"named_struct('free', {a}, 'a_matched', repeat({UNMATCHED}, length({a})), 'b_matched', '')"
    return f"aggregate(sequence(0, greatest(length({b}) - 1, 0)), {start}, (jw_acc, jw_j) -> {step})"


def _jaro_sql(a: str, b: str) -> str:
    matched = "length(jw_m.b_matched)"
    # the letters of ``a`` that were matched, in ``a``'s order
    a_in_order = f"replace(jw_m.a_matched, {UNMATCHED}, '')"
    transposed = (
        f"size(filter(sequence(1, greatest({matched}, 1)), jw_k -> "
        f"substring(jw_a, jw_k, 1) <> substring(jw_m.b_matched, jw_k, 1)))"
    )
    jaro = (
        f"IF({matched} = 0, {_double(0)}, "
        f"({matched} / length({a}) + {matched} / length({b}) + ({matched} - {transposed} div 2) / {matched}) / "
        f"{_double(3)})"
    )
    return _let(_matches_sql(a, b), "jw_m", _let(a_in_order, "jw_a", jaro))


def _prefix_sql(a: str, b: str) -> str:
    """Length of the common prefix, at most 4."""
    shorter = f"least(length({a}), length({b}))"
    whens = " ".join(
        f"WHEN {shorter} < {k} OR substring({a}, {k}, 1) <> substring({b}, {k}, 1) THEN {k - 1}"
        for k in range(1, MAX_PREFIX + 1)
    )
    return f"CASE {whens} ELSE {MAX_PREFIX} END"


def _fused_boost_sql(jaro: str, prefix: str) -> str:
    """``jaro + (prefix × 0.1) × (1 − jaro)`` rounded once, as a fused multiply-add, for ``0.5 ≤ jaro ≤ 1``.

    In units of 2⁻¹⁰⁹ every term is an integer: ``jaro`` and ``1 − jaro`` are multiples of 2⁻⁵³ in that range,
    and ``prefix × 0.1`` (rounded to a double, as DuckDB does) is a multiple of 2⁻⁵⁶. Their exact sum fits in
    DECIMAL(38, 0); it is then rounded half-to-even to a multiple of 2⁻⁵³, the spacing of doubles in [0.5, 1).
    """
    weight = {p: Fraction(p * PREFIX_WEIGHT) * 2**56 for p in range(MAX_PREFIX + 1)}
    assert all(w.denominator == 1 for w in weight.values())
    weights = ", ".join(f"CAST({int(w)} AS DECIMAL(17, 0))" for w in weight.values())
    jaro_units = (
        f"CAST(CAST({jaro} * {_double(2**53)} AS BIGINT) AS DECIMAL(17, 0))"  # exact: jaro·2⁵³ is whole
    )
    total = (
        f"element_at(array({weights}), {prefix} + 1) * ({2**53} - jw_u) "
        f"+ jw_u * CAST({2**56} AS DECIMAL(18, 0))"
    )
    half = 2**55
    rounded = (
        f"jw_t div {2**56} + IF(jw_t % {2**56} > {half} "
        f"OR (jw_t % {2**56} = {half} AND (jw_t div {2**56}) % 2 = 1), 1, 0)"
    )
    return _let(jaro_units, "jw_u", _let(total, "jw_t", f"CAST({rounded} AS DOUBLE) / {_double(2**53)}"))


def jaro_winkler_sql(a: str, b: str) -> str:
    """Spark SQL equal to DuckDB's ``jaro_winkler_similarity(a, b)`` (``a``, ``b``: column expressions).

    Null when either is null; 0 when either is empty.
    """
    boosted = f"IF(jw_s > {_double(0.7)}, {_fused_boost_sql('jw_s', _prefix_sql(a, b))}, jw_s)"
    similarity = _let(_jaro_sql(a, b), "jw_s", boosted)
    return (
        f"(CASE WHEN {a} IS NULL OR {b} IS NULL THEN CAST(NULL AS DOUBLE) "
        f"WHEN length({a}) = 0 OR length({b}) = 0 THEN {_double(0)} ELSE {similarity} END)"
    )
