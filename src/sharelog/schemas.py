"""The file schemas of docs/design.md §3 — the one place their column names are written down.

Agreements draw their field vocabularies from here, the synthetic generator writes these columns, and the
validators and the matcher read them.
"""

from __future__ import annotations

__all__ = [
    "FIELD_LENGTHS",
    "MATCHES_COLUMNS",
    "MAX_COLUMNS",
    "MAX_FIELD_LENGTH",
    "MAX_ID_LENGTH",
    "MULTILINE_FIELDS",
    "REGISTER_COLUMNS",
    "REGISTER_OPTIONAL_COLUMNS",
    "REGISTER_REQUIRED_COLUMNS",
    "REQUEST_COLUMNS",
    "REQUEST_OPTIONAL_COLUMNS",
    "REQUEST_REQUIRED_COLUMNS",
    "RETURNABLE_COLUMNS",
    "TRUTH_COLUMNS",
    "max_length",
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

# How long a value of a register or a batch may be, in characters: a longer one is refused, whatever the file
# (a 10 MB surname is a damaged or a hostile file, not a person). Generous for real names, which rarely pass 50
# characters. A column not listed here — a register's extra columns — takes MAX_FIELD_LENGTH.
FIELD_LENGTHS: dict[str, int] = {
    "request_id": MAX_ID_LENGTH,
    "pupil_id": MAX_ID_LENGTH,
    "case_reference": MAX_ID_LENGTH,
    "forename": 100,
    "middle_names": 200,
    "surname": 100,
    "dob": 32,
    "sex": 16,
    "postcode": 16,
    "address": 500,
    "nationality": 100,
    "school_urn": 16,
    "school_name": 200,
    "la_code": 16,
    "census_date": 32,
    "first_attendance": 32,
    "last_attendance": 32,
}
MAX_FIELD_LENGTH = 500

# Fields whose values may hold line breaks and tabs (an address copied from a form); every other field refuses
# every control character, and no field may hold a NUL.
MULTILINE_FIELDS = ("address",)

# The most columns a register or a batch may have (the schemas have 18 between them; extras are ignored).
MAX_COLUMNS = 100


def max_length(column: str) -> int:
    """The longest value ``column`` may hold, in characters."""
    return FIELD_LENGTHS.get(column, MAX_FIELD_LENGTH)
