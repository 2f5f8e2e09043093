"""FOI cases in a test ledger. Each is the 2020 request (reference/foi-request-2020.txt) or a case made like it:
received on 2020-08-12 (so long overdue by now), from a requester whose name and contact are markers a test can
look for; the council's case is answered, with a letter to download."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from sharelog.foi import CaseView, new_case, respond

from ._golden import MONTHS
from ._rows import FOI_ORGANISATION, add_agreement, add_organisation

SEED_REFERENCE = "59907"  # the Home Office's case ref of the 2020 request
SEED_TITLE = "Department for Education pupil data use: outcomes"
SEED_TEXT = (
    "Under the FOI Act 2000, please can you provide the following information regarding the outcomes per month, "
    "per year, of pupil data processing from the Department for Education after it was received by the Home "
    "Office ... please also state where outcome of the data processing is unknown."
)
SEED_RECEIVED = date(2020, 8, 12)
SEED_DUE = date(2020, 9, 10)
REQUESTER = "Requester Name-Marker"
CONTACT = "request-marker@example.org"
TODAY = date(2021, 6, 1)  # the day the FOI tests (and the audited ledger) are run on

# the DfE's case about the golden ledger's months: the web tests' FOI pages and authorization matrix use it
DFE_REFERENCE = "FOI-2020-0001"
DFE_ORGANISATION = "dfe"

# the third organisation: a council with its own agreement, accounts and FOI case
THIRD_PARTY = "northshire"
THIRD_PARTY_REFERENCE = "NCC-2021-0042"
THIRD_PARTY_REQUESTER = "Council Requester-Marker"
THIRD_PARTY_CONTACT = "council-marker@example.org"
THIRD_PARTY_LETTER = "NCC-2021-0042-response.md"


def open_seed_case(session: Session, **changes: Any) -> CaseView:
    """The 2020 request as a case received on 2020-08-12, at the Home Office unless ``organisation_id`` says
    otherwise (the organisation is added to the ledger if missing); ``changes`` replace any other argument."""
    arguments: dict[str, Any] = {
        "received_on": SEED_RECEIVED,
        "title": SEED_TITLE,
        "request_text": SEED_TEXT,
        "actor": "caseworker",
        "reference": SEED_REFERENCE,
        "authority": "Home Office",
        "requester_name": REQUESTER,
        "requester_contact": CONTACT,
        "today": TODAY,
    }
    arguments.update(changes)
    arguments["organisation_id"] = add_organisation(
        session, arguments.get("organisation_id", FOI_ORGANISATION)
    )
    return new_case(session, **arguments)


def open_dfe_case(session: Session) -> CaseView:
    """The DfE's case (awaiting a response, long overdue by now) about the golden ledger's months."""
    return open_seed_case(
        session,
        organisation_id=DFE_ORGANISATION,
        reference=DFE_REFERENCE,
        request_text="Please provide the outcomes, per month, of pupil data shared with the Home Office.\n"
        "Please also state where the outcome is unknown.",
        actor="test",
        about=list(MONTHS),
        today=None,
    )


def add_third_party(session: Session) -> None:
    """Northshire County Council, party to an agreement of its own with the DfE (in force from 2021, so no report
    of the golden ledger's months counts it)."""
    add_agreement(
        session,
        agreement_id="northshire-dfe-test",
        requester=THIRD_PARTY,
        title="Northshire school attendance checks",
        valid_from=date(2021, 1, 1),
    )


def open_third_party_case(session: Session, data_dir: Path) -> None:
    """The council's case, answered (so it has a letter to download), with its requester's details."""
    open_seed_case(
        session,
        organisation_id=THIRD_PARTY,
        received_on=date(2021, 3, 1),
        title="Attendance checks with the Department for Education",
        request_text="How many attendance checks did the council ask the Department for in 2021?",
        actor="test",
        reference=THIRD_PARTY_REFERENCE,
        authority="Northshire County Council",
        requester_name=THIRD_PARTY_REQUESTER,
        requester_contact=THIRD_PARTY_CONTACT,
        today=None,
    )
    respond(
        session,
        case_reference=THIRD_PARTY_REFERENCE,
        organisation_id=THIRD_PARTY,
        outcome="successful",
        responded_on=date(2021, 3, 15),
        actor="test",
        data_dir=data_dir,
    )
