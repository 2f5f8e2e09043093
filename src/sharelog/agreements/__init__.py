"""The agreements registry: versioned data-sharing agreements, one YAML file per version.

An agreement says who shares with whom, for which purposes, which fields may be sent and returned, how many
people a month, and for how long. Each term carries its provenance — verified, reported, assumed or unknown —
so that nobody mistakes sharelog's working assumptions for the terms of a real agreement.

    >>> from datetime import date
    >>> from sharelog.settings import Settings
    >>> agreement = agreement_in_force(
    ...     "ho-dfe-2015-mou", on=date(2016, 10, 7), directory=Settings().agreements_path()
    ... )
    >>> agreement.version, "nationality" in agreement.return_fields
    ('2.1', False)
"""

from sharelog.agreements._changes import AgreementChanges, TermChange, agreement_changes, version_with_changes
from sharelog.agreements._load import (
    AgreementsFolder,
    load_agreement,
    load_agreements,
    read_agreements_folder,
)
from sharelog.agreements._model import Agreement, Parties, Party, Provenance, Purpose
from sharelog.agreements._registry import (
    agreement_in_force,
    agreement_versions,
    find_agreement,
    validate_agreements,
)
from sharelog.agreements._vocabulary import (
    ALL_TERMS,
    MATCHABLE_FIELDS,
    ONWARD_RECIPIENTS,
    OPTIONAL_TERMS,
    REQUEST_FIELDS,
    RETURN_FIELDS,
    TERMS,
    OnwardRecipient,
    ProvenanceStatus,
    RequestField,
    ReturnField,
    Term,
)

__all__ = [
    "ALL_TERMS",
    "MATCHABLE_FIELDS",
    "ONWARD_RECIPIENTS",
    "OPTIONAL_TERMS",
    "REQUEST_FIELDS",
    "RETURN_FIELDS",
    "TERMS",
    "Agreement",
    "AgreementsFolder",
    "AgreementChanges",
    "OnwardRecipient",
    "Parties",
    "Party",
    "Provenance",
    "ProvenanceStatus",
    "Purpose",
    "RequestField",
    "ReturnField",
    "Term",
    "TermChange",
    "agreement_changes",
    "agreement_in_force",
    "agreement_versions",
    "find_agreement",
    "load_agreement",
    "load_agreements",
    "read_agreements_folder",
    "validate_agreements",
    "version_with_changes",
]
