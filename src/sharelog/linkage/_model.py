"""The linkage model: what is compared, how candidate pairs are found, and how parameters are trained.

A trained model is a Splink settings document (JSON) with sharelog's metadata beside it: the Splink version it was
trained with, a checksum of the parameters, and what it was trained on. Decisions are made from the Bayes
factors the model gives (see :mod:`sharelog.linkage._decide`), so the prior Splink estimates does not matter.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb
import splink
import splink.comparison_level_library as cll
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.blocking_rule_library import CustomRule
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.comparison_library import CustomComparison

from sharelog.errors import InputError, Problem, ValidationFailed
from sharelog.linkage._scoring import TF_COLUMNS

log = logging.getLogger(__name__)

__all__ = [
    "LinkageModel",
    "blocking_rules",
    "comparisons",
    "level_gammas",
    "load_model",
    "new_settings",
    "save_model",
    "train_model",
]

MODEL_FORMAT = "sharelog-linkage-model/1"
Progress = Callable[[str, int, int], None]


def _names(column: str, label: str) -> ComparisonCreator:
    """A given name or surname: exact (term-frequency adjusted), variant group, sound, fuzzy, swapped."""
    prefix = "forename" if column == "forename1" else "surname"
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column).configure(
            tf_adjustment_column=column, label_for_charts=f"{label}: exact"
        ),
        cll.ArrayIntersectLevel(f"{prefix}_groups", 1).configure(
            label_for_charts=f"{label}: nickname or spelling variant"
        ),
    ]
    if column == "surname_std":
        levels.append(
            cll.ArrayIntersectLevel("surname_parts", 1).configure(
                label_for_charts="surname: one part of a double surname"
            )
        )
    else:
        levels.append(
            cll.CustomLevel(
                "forename1_l = middle1_r OR middle1_l = forename1_r",
                label_for_charts="forename: matches the other's middle name",
                base_dialect_str="duckdb",
            )
        )
    levels += [
        cll.JaroWinklerLevel(column, 0.92).configure(label_for_charts=f"{label}: one small slip (JW ≥ 0.92)"),
        cll.ExactMatchLevel(f"{prefix}_sound").configure(label_for_charts=f"{label}: sounds the same"),
        cll.JaroWinklerLevel(column, 0.8).configure(label_for_charts=f"{label}: similar (JW ≥ 0.80)"),
        # Both names must have swapped: one name found in the other field is a coincidence, not a swap, and
        # counting it here and again in the other comparison would count one fact twice.
        cll.CustomLevel(
            "forename1_l = surname_std_r AND surname_std_l = forename1_r",
            label_for_charts=f"{label}: forename and surname swapped",
            base_dialect_str="duckdb",
        ),
    ]
    if column == "forename1":
        # one name found in the other field (the other name changed or misspelt): in the forename comparison only,
        # so that it counts once
        levels.append(
            cll.CustomLevel(
                "forename1_l = surname_std_r OR surname_std_l = forename1_r",
                label_for_charts="forename: found as the other's surname",
                base_dialect_str="duckdb",
            )
        )
    levels += [
        cll.ElseLevel(),
    ]
    return CustomComparison(levels, output_column_name=label.replace(" ", "_"))


def _date_of_birth() -> ComparisonCreator:
    return CustomComparison(
        [
            cll.NullLevel("dob_str"),
            cll.ExactMatchLevel("dob_str").configure(label_for_charts="date of birth: exact"),
            cll.CustomLevel(
                "dob_swapped_l = dob_str_r OR dob_str_l = dob_swapped_r",
                label_for_charts="date of birth: day and month swapped",
                base_dialect_str="duckdb",
            ),
            cll.LevenshteinLevel("dob_str", 1).configure(label_for_charts="date of birth: one digit differs"),
            cll.CustomLevel(
                "substr(dob_str_l, 6, 5) = substr(dob_str_r, 6, 5) AND abs(dob_year_l - dob_year_r) = 1",
                label_for_charts="date of birth: same day, year off by one",
                base_dialect_str="duckdb",
            ),
            cll.CustomLevel(
                "abs(dob_year_l - dob_year_r) <= 1",
                label_for_charts="date of birth: within a year",
                base_dialect_str="duckdb",
            ),
            cll.ElseLevel(),
        ],
        output_column_name="dob",
    )


def _postcode() -> ComparisonCreator:
    return CustomComparison(
        [
            cll.NullLevel("postcode_std"),
            cll.ExactMatchLevel("postcode_std").configure(
                tf_adjustment_column="postcode_std", label_for_charts="postcode: same unit"
            ),
            cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="postcode: same sector"),
            cll.ExactMatchLevel("postcode_district").configure(label_for_charts="postcode: same district"),
            cll.LevenshteinLevel("postcode_std", 1).configure(
                label_for_charts="postcode: one character differs"
            ),
            cll.ElseLevel(),
        ],
        output_column_name="postcode",
    )


def _address_line(side: str) -> str:
    """A standardised address read as one line: number, street and town."""
    return f"concat_ws(' ', address_number_{side}, address_street_{side}, address_town_{side})"


def _line_ends_with(line: str, town: str) -> str:
    """Whether side ``line``'s address, read as one line, ends with side ``town``'s town (as whole words)."""
    return (
        f"(address_town_{line} IS NULL AND "
        f"right({_address_line(line)}, length(address_town_{town}) + 1) = ' ' || address_town_{town})"
    )


def _address() -> ComparisonCreator:
    return CustomComparison(
        [
            cll.NullLevel("address_street"),
            cll.And(cll.ExactMatchLevel("address_number"), cll.ExactMatchLevel("address_street")).configure(
                label_for_charts="address: same house"
            ),
            cll.And(
                cll.ExactMatchLevel("address_number"), cll.JaroWinklerLevel("address_street", 0.88)
            ).configure(label_for_charts="address: same number, similar street"),
            cll.JaroWinklerLevel("address_street", 0.92).configure(label_for_charts="address: same street"),
            # read as one line, number, street and town alike: an address whose parts could not be told apart
            # (a one-line address with a misspelt street type) still agrees with the same address written well
            cll.CustomLevel(
                f"jaro_winkler_similarity({_address_line('l')}, {_address_line('r')}) >= 0.92",
                label_for_charts="address: alike read as one line",
                base_dialect_str="duckdb",
            ),
            # the same town, or one address's town ending the other's line (a one-line address whose town could
            # not be told from its street)
            cll.CustomLevel(
                "address_town_l = address_town_r"
                f" OR {_line_ends_with('l', 'r')} OR {_line_ends_with('r', 'l')}",
                label_for_charts="address: same town",
                base_dialect_str="duckdb",
            ),
            cll.JaroWinklerLevel("address_town", 0.92).configure(
                label_for_charts="address: town with a slip"
            ),
            cll.ElseLevel(),
        ],
        output_column_name="address",
    )


def _middle_name() -> ComparisonCreator:
    return CustomComparison(
        [
            cll.NullLevel("middle1"),
            cll.ExactMatchLevel("middle1").configure(label_for_charts="middle name: exact"),
            cll.JaroWinklerLevel("middle1", 0.9).configure(label_for_charts="middle name: similar"),
            cll.ElseLevel(),
        ],
        output_column_name="middle_name",
    )


def _sex() -> ComparisonCreator:
    return CustomComparison(
        [
            cll.NullLevel("sex"),
            cll.ExactMatchLevel("sex").configure(label_for_charts="sex: same"),
            cll.ElseLevel(),
        ],
        output_column_name="sex",
    )


def comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    """The comparisons of the model, in the order Splink reports them."""
    return [
        _names("forename1", "forename"),
        _middle_name(),
        _names("surname_std", "surname"),
        _date_of_birth(),
        _sex(),
        _postcode(),
        _address(),
    ]


def blocking_rules() -> list[BlockingRuleCreator | dict[str, Any]]:
    """Candidate pairs: every rule tolerates a different field being wrong or missing.

    - date of birth + surname sound: the forename or the postcode is wrong (nickname, middle name used, moved);
    - date of birth + forename group: the surname is wrong or shortened;
    - forename group + surname sound: the date of birth is wrong (typo, day/month swap, year off);
    - date of birth + surname sound found as forename: forename and surname swapped;
    - postcode: the household is right whatever else is wrong — both names, or the date of birth and a name (a
      postcode unit holds few children, about ten pairs a request at 100,000 pupils);
    - house number + street + town: names and date of birth are all wrong, or the postcode is missing or not
      in UK format, but the address was sent.
    """
    return [
        block_on("dob_str", "surname_sound"),
        block_on("dob_str", "forename_group"),
        block_on("forename_group", "surname_sound"),
        CustomRule("l.dob_str = r.dob_str AND l.surname_sound = r.forename_sound", sql_dialect="duckdb"),
        block_on("postcode_std"),
        block_on("address_number", "address_street", "address_town"),
    ]


def level_gammas(comparison: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Each level of a comparison (from its settings) with the gamma value Splink gives it: the null level is -1,
    the others count down from the strongest to the else level at 0."""
    non_null = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
    numbered = [(len(non_null) - 1 - position, level) for position, level in enumerate(non_null)]
    nulls = [(-1, level) for level in comparison["comparison_levels"] if level.get("is_null_level")]
    return nulls + numbered


def new_settings() -> SettingsCreator:
    """Untrained settings: link-only between a request batch and the register."""
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,  # per-comparison weights for decisions
        probability_two_random_records_match=1e-6,
    )


@dataclass(frozen=True)
class LinkageModel:
    """A trained model: Splink's settings plus what sharelog records about it."""

    settings: dict[str, Any]
    splink_version: str
    checksum: str
    trained_at: str
    trained_on: dict[str, Any]

    @classmethod
    def trained(cls, settings: dict[str, Any], *, trained_on: dict[str, Any]) -> LinkageModel:
        """A model trained just now: ``settings`` with their checksum, this Splink's version and the time."""
        return cls(
            settings=settings,
            splink_version=splink.__version__,
            checksum=settings_checksum(settings),
            trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
            trained_on=trained_on,
        )

    def document(self) -> dict[str, Any]:
        """The JSON document written to disk."""
        return {
            "format": MODEL_FORMAT,
            "splink_version": self.splink_version,
            "checksum": self.checksum,
            "trained_at": self.trained_at,
            "trained_on": self.trained_on,
            "splink_settings": self.settings,
        }


def settings_checksum(settings: dict[str, Any]) -> str:
    """sha256 of the settings' canonical JSON: the identity of a trained model's parameters."""
    canonical = json.dumps(settings, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def model_from_linker(linker: Linker, *, trained_on: dict[str, Any]) -> LinkageModel:
    """Capture a linker's trained parameters as a :class:`LinkageModel`."""
    return LinkageModel.trained(linker.misc.save_model_to_json(), trained_on=trained_on)


U_SAMPLE_PAIRS = 2_000_000

# The pairs the date of birth is learned from: same names, same postcode district, no conflicting sex or middle
# name. Relatives who share a surname and a similar forename (cousins) would otherwise teach the model that a
# wrong date of birth is common among true matches. Every column named here is left out of this session's
# estimates (Splink's rule), so it learns the date of birth alone; the rest come from the session on dates.
# The same postcode unit first: namesakes in one district (common names go together by origin and place) would
# teach it that a date years out is common among matches. Where too few pairs share a unit, the district; where
# none shares a district (postcodes not in UK format have none), the district condition is dropped.
_SAME_PERSON_FIELDS = (
    "l.forename_group = r.forename_group AND l.surname_std = r.surname_std "
    "AND (l.sex IS NULL OR r.sex IS NULL OR l.sex = r.sex) "
    "AND (l.middle1 IS NULL OR r.middle1 IS NULL OR l.middle1 = r.middle1)"
)
DATE_OF_BIRTH_TRAINING_RULES = (
    CustomRule(f"{_SAME_PERSON_FIELDS} AND l.postcode_std = r.postcode_std", sql_dialect="duckdb"),
    CustomRule(f"{_SAME_PERSON_FIELDS} AND l.postcode_district = r.postcode_district", sql_dialect="duckdb"),
    CustomRule(
        f"{_SAME_PERSON_FIELDS} AND (l.postcode_district = r.postcode_district "
        "OR l.postcode_district IS NULL OR r.postcode_district IS NULL)",
        sql_dialect="duckdb",
    ),
)


def fill_unestimated(settings: dict[str, Any], *, sampled_pairs: int = U_SAMPLE_PAIRS) -> dict[str, Any]:
    """Give cautious values to the parameters training could not estimate, so no level is left undefined.

    - u: a level that no random pair reached (two swapped names, say) is given ``3 / sampled_pairs``: not seeing
      it in ``n`` pairs bounds its rate by about ``3 / n`` (the rule of three), which gives the level less weight
      than the truth would.
    - m: a level that expectation-maximisation never saw among matches (a rare kind of date error in a small
      batch) is given m = u, a weight of zero: no evidence either way.
    """
    ceiling = 3 / sampled_pairs
    for comparison in settings.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level") or level.get("sql_condition") == "ELSE":
                continue
            if level.get("u_probability") is None:
                level["u_probability"] = ceiling
            if level.get("m_probability") is None:
                level["m_probability"] = level["u_probability"]
    return settings


def bound_unseen_m(settings: dict[str, Any], matches_seen: dict[str, float]) -> dict[str, Any]:
    """Give a cautious m to each level that expectation-maximisation saw in fewer than one matching pair.

    ``matches_seen``: comparison → how many matches were among the pairs its m-probabilities were estimated on
    (the session's share of matches × its pairs). A level with ``m × matches < 1`` was, in effect, never seen
    among matches, and EM drives such an m towards zero: a weight of −30 bits, which no other evidence outweighs,
    from nothing. Not seeing a level in ``n`` matches bounds its rate by about ``3 / n`` (the rule of three), so
    it is given ``m = min(u, 3 / n)``: no more evidence against a match than that allows, and none for one. The
    fewer matches a session sees (a small batch, a sample of a large register), the more levels this reaches.
    """
    for comparison in settings.get("comparisons", []):
        matches = matches_seen.get(comparison.get("output_column_name", ""), 0.0)
        if matches <= 0:
            continue
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level") or level.get("sql_condition") == "ELSE":
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is not None and u is not None and m * matches < 1:
                level["m_probability"] = min(u, 3 / matches)
    return settings


MIN_TRAINING_PAIRS = 50

EM_MAX_PAIRS = 2_000_000
"""The most request–pupil pairs one expectation-maximisation session trains on (``None``: every pair), unless it
would then keep fewer than :data:`EM_MIN_MATCHES` near-certain matches.

A session blocked on the date of birth finds about ``requests × pupils / 5,000`` pairs: 1.9 million for 10,000
requests against 1M pupils, 38 million against 20M. Above this many, the session keeps only the pupils whose
bucket is below a threshold (:func:`_em_sample_threshold`), so its pairs are a uniform sample of the ones it would
have had, with the same share of true matches. Trained on 2 million of the 9.6 million pairs at 5M pupils, 99.5%
of requests are decided as by the fully trained model, with the same precision and recall
(``bench/bench_training.py``, on ``sharelog synth`` data)."""

EM_REGISTER, EM_REQUESTS = "__em_register", "__em_requests"
_SIDE, _OTHER_SIDE, _BUCKET = "em_side", "em_other_side", "em_bucket"
BUCKETS = 1_000_000  # the sample's resolution: a pupil is kept when its bucket is below a threshold
_REQUESTS = f"SELECT *, CAST(-1 AS BIGINT) AS {_BUCKET} FROM requests_std"


class TrainingTables(Protocol):
    """Where training runs its own queries and EM sessions, beside the linker it is given: the tables
    ``register_std``, ``requests_std`` and ``tf_<column>`` of a DuckDB connection (:class:`DuckDBTrainingTables`),
    or of a Spark session (:mod:`sharelog.linkage.spark`). Queries are handed over as DuckDB SQL."""

    @property
    def bucket_sql(self) -> str:
        """A pupil's sample bucket, from 0 to ``BUCKETS - 1``: a hash of ``unique_id``, the same on every run."""
        ...

    def count(self, sql: str) -> int:
        """The single number the query ``sql`` gives."""
        ...

    def create(self, name: str, sql: str) -> None:
        """Create (or replace) the table ``name`` from the query ``sql``."""
        ...

    def drop(self, name: str) -> None: ...

    def estimate_u(self, linker: Linker) -> dict[str, Any]:
        """Estimate the u-probabilities from random pairs (:data:`U_SAMPLE_PAIRS` of them, seed 1) and return
        ``linker``'s settings with them."""
        ...

    def em_linker(self, settings: dict[str, Any]) -> Linker:
        """A linker on the EM tables (``EM_REGISTER``, ``EM_REQUESTS``), starting from ``settings``, with the whole
        register's term-frequency lookups."""
        ...


@dataclass(frozen=True)
class DuckDBTrainingTables:
    """Training's tables in a DuckDB connection."""

    con: duckdb.DuckDBPyConnection
    bucket_sql: str = f"hash(unique_id) % {BUCKETS}"

    def count(self, sql: str) -> int:
        return int(self.con.sql(sql).fetchall()[0][0])

    def create(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE {name}")

    def estimate_u(self, linker: Linker) -> dict[str, Any]:
        linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=1)
        return linker.misc.save_model_to_json()

    def em_linker(self, settings: dict[str, Any]) -> Linker:
        return _em_linker(self.con, settings)


def _sampled_pairs(tables: TrainingTables, condition: str) -> str:
    pupils = f"SELECT *, CAST({tables.bucket_sql} AS BIGINT) AS {_BUCKET} FROM register_std"
    return f"({_REQUESTS}) AS q JOIN ({pupils}) AS p ON {condition}"


def _rule_sql(rule: BlockingRuleCreator) -> str:
    return rule.get_blocking_rule("duckdb").blocking_rule_sql


def _count(tables: TrainingTables, rows: str, *, limit: int | None = None) -> int:
    """How many rows the query ``rows`` gives (counting stops at ``limit``, when given)."""
    if limit is not None:
        rows += f" LIMIT {limit}"
    return tables.count(f"SELECT count(*) FROM ({rows})")


def _pairs_under(tables: TrainingTables, rule: BlockingRuleCreator, *, limit: int | None) -> int:
    """How many request–register pairs ``rule`` finds (counting stops at ``limit``, when given)."""
    return _count(
        tables, f"SELECT 1 FROM requests_std AS l JOIN register_std AS r ON {_rule_sql(rule)}", limit=limit
    )


@dataclass(frozen=True)
class _Session:
    """One EM session as planned: its rule, the bucket below which pupils take part (``None``: all) and how
    many pairs it trains on."""

    rule: BlockingRuleCreator
    threshold: int | None
    pairs: int

    def condition(self, left: str, right: str) -> str:
        """The rule and the sample's condition, on the aliases ``left`` and ``right``."""
        sql = f"({_rule_sql(self.rule)})"
        if self.threshold is not None:
            sql += f" AND l.{_BUCKET} < {self.threshold} AND r.{_BUCKET} < {self.threshold}"
        return re.sub(r"\b([lr])\.", lambda alias: f"{left if alias[1] == 'l' else right}.", sql)

    def em_rule(self) -> BlockingRuleCreator:
        """The rule as Splink runs it: pairs of a request and a pupil only (see :func:`_create_em_inputs`), the
        sampled pupils only."""
        return CustomRule(f"{self.condition('l', 'r')} AND l.{_OTHER_SIDE} = r.{_SIDE}", sql_dialect="duckdb")


EM_MIN_MATCHES = 1_000
"""The fewest pairs agreeing on forename, surname and date of birth (near-certain matches) a sampled EM session
keeps: on fewer, EM can settle on another kind of pair — at 20M pupils, trained on 2 million pairs that held about
200 of them, it learnt pupils born the same day in the same town, not the same person."""


def _em_sample_threshold(pairs: int, max_pairs: int | None, agreeing: int) -> int | None:
    """The bucket below which a pupil takes part in a session that would find ``pairs`` pairs, ``agreeing`` of
    them on forename, surname and date of birth: so that it finds about ``max_pairs``, or as many as keep
    :data:`EM_MIN_MATCHES` of the agreeing ones (``None``: every pupil). Every request takes part and the
    register alone is sampled, so the kept pairs are a uniform sample of all of them, with the same share of
    true matches."""
    if max_pairs is None or pairs <= max_pairs:
        return None
    share = max(max_pairs / pairs, EM_MIN_MATCHES / agreeing if agreeing else 1.0)
    return None if share >= 1 else max(1, int(BUCKETS * share))


def _plan_session(
    tables: TrainingTables, rules: list[BlockingRuleCreator], max_pairs: int | None
) -> _Session | None:
    """The first of ``rules`` that finds enough pairs, with the sample that keeps about ``max_pairs`` of them;
    ``None`` when no rule finds enough (a tiny batch: the levels the session would have estimated keep cautious
    values, see :func:`fill_unestimated`).

    The pairs are counted first: Splink drops the comparisons a rule uses from the model *before* it finds that
    the rule has no pairs, so a failed session would leave a model without them.
    """
    for rule in rules:
        if _pairs_under(tables, rule, limit=MIN_TRAINING_PAIRS) < MIN_TRAINING_PAIRS:
            continue
        pairs = _pairs_under(tables, rule, limit=None)
        agreeing = _pairs_under(tables, _PRIOR_RULE, limit=None) if max_pairs is not None else 0
        threshold = _em_sample_threshold(pairs, max_pairs, agreeing)
        if threshold is None:
            return _Session(rule, None, pairs)
        session = _Session(rule, threshold, 0)
        sampled = _count(tables, f"SELECT 1 FROM {_sampled_pairs(tables, session.condition('q', 'p'))}")
        log.info("EM session on a sample of %s of %s pairs", f"{sampled:,}", f"{pairs:,}")
        return _Session(rule, threshold, sampled)
    log.warning("no expectation-maximisation rule found enough record pairs; session skipped")
    return None


def _create_em_inputs(tables: TrainingTables, sessions: list[_Session]) -> None:
    """The two tables the EM sessions run on: the batch, and the pupils who are in some session's pairs (no
    other pupil takes part in any); each row says which side it is on and has a bucket, from a hash of its id
    (the same on every run), to sample pupils by.

    Splink finds the pairs of a ``link_only`` session by joining all the records with all the records and then
    dropping the pairs from one dataset: blocked on the date of birth, the register with itself, which at 5
    million pupils is two billion pairs thrown away. Joining on the side as well (``l.em_other_side =
    r.em_side``, :meth:`_Session.em_rule`) leaves only the pairs of a request and a pupil to be found at all.
    """
    taking_part = " UNION ".join(
        f"SELECT p.unique_id FROM {_sampled_pairs(tables, session.condition('q', 'p'))}"
        for session in sessions
    )
    pupils = f"SELECT *, CAST({tables.bucket_sql} AS BIGINT) AS {_BUCKET} FROM register_std"
    tables.create(
        EM_REGISTER,
        f"SELECT *, 'register' AS {_SIDE}, 'requests' AS {_OTHER_SIDE} FROM ({pupils}) "
        f"WHERE unique_id IN ({taking_part})",
    )
    tables.create(
        EM_REQUESTS, f"SELECT *, 'requests' AS {_SIDE}, 'register' AS {_OTHER_SIDE} FROM ({_REQUESTS})"
    )


def _em_linker(con: duckdb.DuckDBPyConnection, settings: dict[str, Any]) -> Linker:
    """A linker on the EM sessions' tables (:func:`_create_em_inputs`), starting from ``settings`` (the model
    with its u-probabilities), with the whole register's term-frequency lookups."""
    db_api = DuckDBAPI(con)
    frames = [
        db_api.register(EM_REGISTER, dataset_display_name="register", table_name=f"{EM_REGISTER}_input"),
        db_api.register(EM_REQUESTS, dataset_display_name="requests", table_name=f"{EM_REQUESTS}_input"),
    ]
    linker = Linker(frames, settings, log_level=None)
    for column in TF_COLUMNS:
        lookup = db_api.register(f"tf_{column}", table_name=f"__em_tf_{column}_input")
        linker.table_management.register_term_frequency_lookup(lookup, column)
    return linker


_PRIOR_RULE = block_on("forename1", "surname_std", "dob_str")


def train_model(
    linker: Linker,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    tables: TrainingTables | None = None,
    progress: Progress | None = None,
    em_max_pairs: int | None = EM_MAX_PAIRS,
    requests_name: str = "the request batch",
) -> dict[str, Any]:
    """Estimate the model's parameters without labels.

    u-probabilities come from random pairs of ``linker`` (the whole register); m-probabilities from two
    expectation-maximisation sessions, one blocked on date of birth (it learns the names, sex, middle name and
    postcode) and one on the names within a postcode unit, or district (:data:`DATE_OF_BIRTH_TRAINING_RULES`: it
    learns the date of birth), so every comparison is estimated in a session that does not block on it. The sessions
    pair requests with pupils only, each on a uniform sample of at most about ``em_max_pairs`` pairs (``None``:
    all of them), so their cost stops growing with the register.

    Args:
        linker: a linker on ``con``'s ``register_std`` and ``requests_std``, with untrained settings.
        con: the connection holding ``requests_std``, ``register_std`` and the ``tf_<column>`` lookups; or
        tables: where those tables are (Spark: :mod:`sharelog.linkage.spark`), when not in a DuckDB ``con``.
        em_max_pairs: the most pairs an EM session is trained on (see :data:`EM_MAX_PAIRS`).
        requests_name: what an error calls the request batch (its file).

    Returns:
        The trained settings, with cautious values where training could not estimate a parameter or saw too
        little to (:func:`fill_unestimated`, :func:`bound_unseen_m`).

    Raises:
        InputError: no request has the forename, surname and date of birth of any pupil: nothing in the batch
            shows what a match looks like.
    """
    steps = 4

    def step(done: int) -> None:
        if progress is not None:
            progress("training", done, steps)

    if tables is None:
        assert con is not None, "train_model needs con or tables"
        tables = DuckDBTrainingTables(con)
    step(0)
    if _pairs_under(tables, _PRIOR_RULE, limit=1) == 0:
        raise InputError(
            f"{requests_name}: no request has the forename, surname and date of birth of any pupil in the "
            "register, so there is nothing to train a model on; train on a batch like the ones to be matched",
            cli_hint="or give a trained model with --model",
        )
    linker.training.estimate_probability_two_random_records_match([_PRIOR_RULE], recall=0.6)
    step(1)
    settings = tables.estimate_u(linker)
    step(2)
    planned = [
        _plan_session(tables, [block_on("dob_str")], em_max_pairs),
        _plan_session(tables, list(DATE_OF_BIRTH_TRAINING_RULES), em_max_pairs),
    ]
    sessions = [session for session in planned if session is not None]
    if sessions:
        _create_em_inputs(tables, sessions)
        em_linker = tables.em_linker(settings)
        matches_seen: dict[str, float] = {}  # comparison → the matches among the pairs it was estimated on
        for index, session in enumerate(sessions):
            trained = em_linker.training.estimate_parameters_using_expectation_maximisation(
                session.em_rule(), estimate_without_term_frequencies=True
            ).core_model_settings  # the comparisons it estimated, and the share of matches among its pairs
            for comparison in trained.comparisons:
                name = comparison.output_column_name
                seen = trained.probability_two_random_records_match * session.pairs
                matches_seen[name] = max(matches_seen.get(name, 0.0), seen)
            if index == 0:
                step(3)
        settings = bound_unseen_m(em_linker.misc.save_model_to_json(), matches_seen)
        tables.drop(EM_REGISTER)
        tables.drop(EM_REQUESTS)
    step(4)
    expected = [
        c.get_comparison("duckdb").output_column_name for c in comparisons() if not isinstance(c, dict)
    ]
    found = [c["output_column_name"] for c in settings["comparisons"]]
    if found != expected:
        raise RuntimeError(f"training lost comparisons: expected {expected}, model has {found}")
    return fill_unestimated(settings)


def save_model(model: LinkageModel, path: Path) -> None:
    """Write the model's JSON document (atomically: a half-written model never exists)."""
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(json.dumps(model.document(), indent=2, sort_keys=True), encoding="utf-8")
    temporary.replace(path)


def load_model(path: Path) -> LinkageModel:
    """Read a model JSON written by :func:`save_model`, checking its format and checksum.

    Raises:
        InputError: the file is missing or is not JSON.
        ValidationFailed: it is not a sharelog model, or its parameters do not match its checksum.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such model file")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:  # RecursionError: [[[[…
        raise InputError(f"{path}: not a JSON model file ({type(error).__name__})") from None
    if not isinstance(document, dict) or document.get("format") != MODEL_FORMAT:
        raise ValidationFailed(
            [Problem(str(path), f"not a sharelog linkage model ({MODEL_FORMAT})", field="format")]
        )
    settings = document.get("splink_settings")
    if not isinstance(settings, dict) or settings_checksum(settings) != document.get("checksum"):
        raise ValidationFailed(
            [
                Problem(
                    str(path),
                    "the parameters do not match the model's checksum (edited or damaged)",
                    field="checksum",
                )
            ]
        )
    return LinkageModel(
        settings=settings,
        splink_version=str(document.get("splink_version", "")),
        checksum=str(document["checksum"]),
        trained_at=str(document.get("trained_at", "")),
        trained_on=dict(document.get("trained_on") or {}),
    )
