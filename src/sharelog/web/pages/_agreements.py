"""The agreements: every version with its parties, period and purposes, and one version term by term with what
changed since the version before. Read from the agreements folder (the registry the CLI reads too)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sharelog.agreements import read_agreements_folder, version_with_changes
from sharelog.web._context import context_of
from sharelog.web._security import CurrentUser
from sharelog.web._templating import render

router = APIRouter()

# What each term is called on the page, in the order the page shows them.
TERM_LABELS = {
    "parties": "Parties",
    "valid_from": "In force from",
    "valid_to": "In force until",
    "legal_basis": "Legal basis",
    "dpia_reference": "Data protection impact assessment",
    "review_date": "Review date",
    "purposes": "Purposes",
    "request_fields": "Fields the requester may send",
    "match_fields": "Fields the holder matches on",
    "return_fields": "Fields the holder may return",
    "monthly_cap": "Monthly cap (people)",
    "retention_days": "Retention of returned data",
    "onward_recipients": "Permitted onward recipients",
    "outcome_reporting_window_days": "Outcome reporting window",
    "request_id_pattern": "Form of request ids",
}


@router.get("/agreements", response_class=HTMLResponse)
def read_agreements(request: Request, user: CurrentUser) -> HTMLResponse:
    """Every data-sharing agreement and its versions: parties, period in force and purposes."""
    folder = read_agreements_folder(context_of(request).settings.agreements_path())
    return render(
        request,
        "agreements.html",
        title="Agreements",
        agreements=folder.agreements,
        invalid_files=folder.invalid_files,
        today=date.today(),
    )


@router.get("/agreements/{agreement_id}/{version}", response_class=HTMLResponse)
def read_agreement_version(
    request: Request, user: CurrentUser, agreement_id: str, version: str
) -> HTMLResponse:
    """One agreement version term by term, with where each term comes from and what changed since the last."""
    found = version_with_changes(
        agreement_id, version=version, directory=context_of(request).settings.agreements_path()
    )
    return render(
        request,
        "agreement_version.html",
        title=f"{found.agreement.title}, version {found.agreement.version}",
        found=found,
        agreement=found.agreement,
        labels=TERM_LABELS,
        today=date.today(),
    )
