"""Outcomes: what the requester did with each returned record, recorded append-only, derived when read.

Four kinds of event (``use``, ``onward_share``, ``intervention``, ``result``) with closed lists of codes; a
correction supersedes an earlier event and never edits it. A disclosure's latest result, *outcome unknown* and
*overdue* are derived, never stored. See docs/outcomes.md.
"""

from sharelog.outcomes._events import OutcomeCorrected, OutcomeRecorded, OutcomesImported
from sharelog.outcomes._import import IMPORT_COLUMNS, ImportResult, import_outcomes, import_template
from sharelog.outcomes._record import (
    SEVERAL_AT_ONCE,
    disclosure_for,
    outside_agreement,
    permitted_recipients,
    record_outcome,
    record_outcomes,
    returned_on,
)
from sharelog.outcomes._status import (
    DisclosureOutcomes,
    OutcomeDue,
    OutcomeEventView,
    due_on,
    latest_result,
    outcome_history,
    outcomes_due,
)
from sharelog.outcomes._taxonomy import KIND_DESCRIPTIONS, MAX_NOTE_CHARS, OUTCOME_CODES, PEOPLE_FIELDS
from sharelog.outcomes._views import (
    RECORD_SORTS,
    RECORD_STATUSES,
    DisclosureRecord,
    DisclosureSummary,
    OutcomesOverview,
    ReturnedRecord,
    ReturnedRecords,
    disclosure_record,
    find_disclosures,
    outcomes_overview,
    returned_records,
)

__all__ = [
    "IMPORT_COLUMNS",
    "KIND_DESCRIPTIONS",
    "MAX_NOTE_CHARS",
    "OUTCOME_CODES",
    "PEOPLE_FIELDS",
    "RECORD_SORTS",
    "RECORD_STATUSES",
    "SEVERAL_AT_ONCE",
    "DisclosureOutcomes",
    "DisclosureRecord",
    "DisclosureSummary",
    "ImportResult",
    "OutcomeCorrected",
    "OutcomeDue",
    "OutcomeEventView",
    "OutcomeRecorded",
    "OutcomesImported",
    "OutcomesOverview",
    "ReturnedRecord",
    "ReturnedRecords",
    "disclosure_for",
    "disclosure_record",
    "due_on",
    "find_disclosures",
    "import_outcomes",
    "import_template",
    "latest_result",
    "outcome_history",
    "outcomes_due",
    "outcomes_overview",
    "outside_agreement",
    "permitted_recipients",
    "record_outcome",
    "record_outcomes",
    "returned_on",
    "returned_records",
]
