"""The closed vocabularies an agreement draws on: file columns, onward recipients and term names.

The column names are those of the request-batch and register schemas in :mod:`sharelog.schemas` (docs/design.md §3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

from sharelog.schemas import REQUEST_COLUMNS, RETURNABLE_COLUMNS

if TYPE_CHECKING:  # mypy cannot read a Literal built from a tuple; pydantic can, and checks names with it
    RequestField = str
    ReturnField = str
else:
    RequestField = Literal[REQUEST_COLUMNS]
    ReturnField = Literal[RETURNABLE_COLUMNS]
"""RequestField: a column of the requester's monthly batch. ReturnField: a column of the holder's register that
an agreement may let the holder return (never ``pupil_id``). Both come from :mod:`sharelog.schemas`."""

OnwardRecipient = Literal[
    "police", "border_force", "local_authority", "other_government", "overseas_authority"
]
"""A kind of body the requester may pass returned records on to."""

ProvenanceStatus = Literal["verified", "reported", "assumed", "unknown"]
"""Where a term's value comes from: read in a primary source, reported by a secondary one, sharelog's working
value where the real term is not public, or not known at all (the value is then null)."""

Term = Literal[
    "parties",
    "legal_basis",
    "dpia_reference",
    "valid_from",
    "valid_to",
    "review_date",
    "purposes",
    "request_fields",
    "match_fields",
    "return_fields",
    "monthly_cap",
    "retention_days",
    "onward_recipients",
    "outcome_reporting_window_days",
    "request_id_pattern",
]
"""A term of an agreement whose provenance must be stated (an optional term's, when it is given)."""

REQUEST_FIELDS: tuple[str, ...] = REQUEST_COLUMNS
RETURN_FIELDS: tuple[str, ...] = RETURNABLE_COLUMNS
ONWARD_RECIPIENTS: tuple[str, ...] = get_args(OnwardRecipient)
PROVENANCE_STATUSES: tuple[str, ...] = get_args(ProvenanceStatus)
# Terms an agreement may leave out; when one is given, its provenance is stated like any other term's.
OPTIONAL_TERMS: tuple[Term, ...] = ("request_id_pattern",)
# Every agreement states these, each with its provenance.
TERMS: tuple[Term, ...] = tuple(term for term in get_args(Term) if term not in OPTIONAL_TERMS)
ALL_TERMS: tuple[Term, ...] = (*TERMS, *OPTIONAL_TERMS)

# The longest regular expression ``request_id_pattern`` may be: a form of id, not a program.
MAX_PATTERN_LENGTH = 200

# Request columns the holder can compare with a register column. A request id or a case reference is the
# requester's own key: it names nothing in the register.
MATCHABLE_FIELDS: tuple[str, ...] = tuple(f for f in REQUEST_FIELDS if f in RETURN_FIELDS)

# Terms that may be null, meaning "not known". Every other term drives sharelog's behaviour and must have a value:
# where the real term is not public, the file gives sharelog's working value and marks it ``assumed``.
NULLABLE_TERMS: tuple[str, ...] = ("legal_basis", "dpia_reference", "valid_to", "review_date")

# ``valid_to: null`` means "open-ended", which a signed document can say; the other nullable terms are null only
# when the real value is not known.
NULL_MEANS_UNKNOWN: tuple[str, ...] = ("legal_basis", "dpia_reference", "review_date")

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
VERSION_PATTERN = r"^[0-9]+(?:\.[0-9]+)*$"


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a version string such as ``"2.1"``: numbers compared part by part, so 2.10 follows 2.9."""
    return tuple(int(part) for part in version.split("."))
