"""The file schemas of DESIGN.md §3 — the one place their column names are written down.

Agreements draw their field vocabularies from here, the synthetic generator writes these columns, and the
validators and the matcher read them.
"""

from __future__ import annotations

__all__ = [
    "MATCHES_COLUMNS",
    "MAX_ID_LENGTH",
    "REGISTER_COLUMNS",
    "REGISTER_OPTIONAL_COLUMNS",
    "REGISTER_REQUIRED_COLUMNS",
    "REQUEST_COLUMNS",
    "REQUEST_OPTIONAL_COLUMNS",
    "REQUEST_REQUIRED_COLUMNS",
    "RETURNABLE_COLUMNS",
    "TRUTH_COLUMNS",
]

# The longest request or pupil id a file may hold: the ledger keeps each request's reference as sent.
MAX_ID_LENGTH = 100

# The holder's register: one row per pupil. Extra columns are allowed and ignored unless an agreement returns them.
REGISTER_REQUIRED_COLUMNS = ("pupil_id", "forename", "middle_names", "surname", "dob", "sex", "postcode")
REGISTER_OPTIONAL_COLUMNS = (
    "address",
    "school_urn",
    "school_name",
    "la_code",
    "census_date",
    "first_attendance",
    "last_attendance",
    "nationality",
)
REGISTER_COLUMNS = REGISTER_REQUIRED_COLUMNS + REGISTER_OPTIONAL_COLUMNS

# What an agreement may let the holder return: any register column but the holder's own key.
RETURNABLE_COLUMNS = tuple(c for c in REGISTER_COLUMNS if c != "pupil_id")

# The requester's monthly batch: one row per trace request. Only the fields the agreement permits.
REQUEST_REQUIRED_COLUMNS = ("request_id", "forename", "middle_names", "surname", "dob", "sex", "postcode")
REQUEST_OPTIONAL_COLUMNS = ("address", "nationality", "case_reference")
REQUEST_COLUMNS = REQUEST_REQUIRED_COLUMNS + REQUEST_OPTIONAL_COLUMNS

# Synthetic data only: which pupil each request is about (blank when the person is not in the register).
TRUTH_COLUMNS = ("request_id", "pupil_id")

# `sharelog link` output: one row per request, every request present.
MATCHES_COLUMNS = ("request_id", "pupil_id", "match_probability", "match_weight", "decision")
