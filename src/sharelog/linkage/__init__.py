"""Matching: probabilistic record linkage of a request batch against a register (Splink, DuckDB or Spark).

See docs/matching.md for the model, the decision rule and its defaults.
"""

import logging

from sharelog.linkage._decide import Thresholds
from sharelog.linkage._evidence import ComparisonEvidence
from sharelog.linkage._explain import Explanation, explain
from sharelog.linkage._inputs import InputFile, InputLimits, read_input, read_input_columns
from sharelog.linkage._link import (
    LinkResult,
    link,
    open_session,
    train,
    write_csv_atomically,
    write_csv_rows,
)
from sharelog.linkage._lookup import RequestMatch, RequestMatcher
from sharelog.linkage._model import LinkageModel, load_model, save_model
from sharelog.linkage._prepared import (
    PreparedRegister,
    prepare_register,
    prepared_fingerprint,
    prepared_model,
    register_rows,
)
from sharelog.linkage._results import RequestDecision, ReviewRow
from sharelog.linkage._scoring import DuckDBScorer, Scorer, ScoringFiles, ScoringJob
from sharelog.linkage._session import MatchingSession
from sharelog.linkage._standardise import name_variant_groups

# Splink reports through logging; a library leaves the choice of handlers to the application. Without this,
# Python's last-resort handler would print Splink's training warnings on every run.
logging.getLogger("splink").addHandler(logging.NullHandler())

__all__ = [
    "ComparisonEvidence",
    "DuckDBScorer",
    "Explanation",
    "InputFile",
    "InputLimits",
    "LinkResult",
    "LinkageModel",
    "MatchingSession",
    "PreparedRegister",
    "RequestDecision",
    "RequestMatch",
    "RequestMatcher",
    "ReviewRow",
    "Scorer",
    "ScoringFiles",
    "ScoringJob",
    "Thresholds",
    "explain",
    "link",
    "load_model",
    "name_variant_groups",
    "open_session",
    "prepare_register",
    "prepared_fingerprint",
    "prepared_model",
    "read_input",
    "read_input_columns",
    "register_rows",
    "save_model",
    "train",
    "write_csv_atomically",
    "write_csv_rows",
]
