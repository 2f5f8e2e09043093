"""Who may use each route: one table, keyed by route name, checked on every request (fail closed).

A route missing from :data:`ACCESS` answers 403 to everyone, and the authorization matrix test fails, so a new
route cannot go live without someone deciding who may use it.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ACCESS", "ANY_SIGNED_IN", "PUBLIC", "Access", "allowed"]

PUBLIC: Final = "public"  # anyone, signed in or not
ANY_SIGNED_IN: Final = "signed_in"  # any active account

HOLDER_OPERATOR = "holder_operator"
HOLDER_REVIEWER = "holder_reviewer"
CASEWORKER = "requester_caseworker"
AUDITOR = "auditor"
FOI_OFFICER = "foi_officer"
ADMIN = "admin"

Access = str | frozenset[str]


def _roles(*roles: str) -> frozenset[str]:
    return frozenset(roles)


# Counts without personal data: anyone inside either organisation who looks after the exchange.
_COUNTS = _roles(HOLDER_OPERATOR, HOLDER_REVIEWER, CASEWORKER, AUDITOR, FOI_OFFICER, ADMIN)
_REPORTS = _roles(HOLDER_OPERATOR, HOLDER_REVIEWER, CASEWORKER, AUDITOR, FOI_OFFICER)

ACCESS: dict[str, Access] = {
    # signing in and out, static pages
    "read_sign_in": PUBLIC,
    "sign_in": PUBLIC,
    "sign_out": ANY_SIGNED_IN,
    "read_home": PUBLIC,
    "read_health": PUBLIC,
    # the API's documentation (the OpenAPI document itself is public too: it describes, it holds no data)
    "read_api_docs": PUBLIC,
    # dashboard
    "read_dashboard": _COUNTS,
    # accounts (admin)
    "read_users": _roles(ADMIN),
    "api_read_me": ANY_SIGNED_IN,
    # ---- pages: agreements, exchanges, review (holder side) ----
    # agreements are not personal data: every account may read them
    "read_agreements": ANY_SIGNED_IN,
    "read_agreement_version": ANY_SIGNED_IN,
    # exchanges are counts and checksums; the services show only those of the user's organisation's agreements
    "read_exchanges": _COUNTS,
    "read_exchange": _COUNTS,
    "api_read_exchanges": _COUNTS,
    "api_read_exchange": _COUNTS,
    # the holder's operator runs the batches; a return file goes to the holder's operator and the requester's
    # caseworker of a party organisation — never to an auditor, FOI officer, admin or reviewer
    "api_create_exchange": _roles(HOLDER_OPERATOR),
    "read_exchange_run": _roles(HOLDER_OPERATOR),
    "start_exchange_run": _roles(HOLDER_OPERATOR),
    "read_exchange_run_status": _roles(HOLDER_OPERATOR),
    "api_read_return_file": _roles(HOLDER_OPERATOR, CASEWORKER),
    # the review band holds register rows: only the holder's reviewer opens and decides a case; the operator
    # may see the queue (references, probabilities and reasons, no personal data) to know what is pending
    "read_review_queue": _roles(HOLDER_REVIEWER, HOLDER_OPERATOR),
    "read_review_case": _roles(HOLDER_REVIEWER),
    "decide_review_case": _roles(HOLDER_REVIEWER),
    # ---- pages: outcomes (requester side) ----
    # only the requester's caseworkers record outcomes, and only of records returned to their organisation
    # (the outcomes services check the organisation); holder roles never record what the requester did
    "read_outcomes": _roles(CASEWORKER),
    "read_disclosure_outcomes": _roles(CASEWORKER),
    "create_outcome": _roles(CASEWORKER),
    "read_outcomes_import": _roles(CASEWORKER),
    "import_outcomes_file": _roles(CASEWORKER),
    "download_outcomes_template": _roles(CASEWORKER),
    "api_read_outcomes": _roles(CASEWORKER),
    "api_create_outcome": _roles(CASEWORKER),
    "api_import_outcomes": _roles(CASEWORKER),
    # ---- pages: reports and the public transparency page ----
    # reports may be exact (internal) for people inside the two organisations; the public sees publish-SDC only
    "read_reports": _REPORTS,
    "download_report": _REPORTS,
    "read_report_chart": _REPORTS,
    "api_read_monthly_report": _REPORTS,
    "api_read_shares_register": _REPORTS,
    "read_transparency": PUBLIC,
    "read_transparency_chart": PUBLIC,
    "download_transparency": PUBLIC,
    # ---- pages: FOI cases ----
    # the FOI officer runs the cases; auditors and admins may read them (and the letters sent), never change them
    "read_foi_cases": _roles(FOI_OFFICER, AUDITOR, ADMIN),
    "read_foi_case": _roles(FOI_OFFICER, AUDITOR, ADMIN),
    "read_foi_file": _roles(FOI_OFFICER, AUDITOR, ADMIN),
    "read_new_foi_case": _roles(FOI_OFFICER),
    "create_foi_case": _roles(FOI_OFFICER),
    "read_foi_respond": _roles(FOI_OFFICER),
    "respond_foi_case": _roles(FOI_OFFICER),
    "read_foi_action": _roles(FOI_OFFICER),
    "record_foi_action": _roles(FOI_OFFICER),
    "api_read_foi_cases": _roles(FOI_OFFICER, AUDITOR, ADMIN),
    "api_read_foi_case": _roles(FOI_OFFICER, AUDITOR, ADMIN),
    "api_read_foi_file": _roles(FOI_OFFICER, AUDITOR, ADMIN),
    "api_create_foi_case": _roles(FOI_OFFICER),
    "api_respond_foi_case": _roles(FOI_OFFICER),
    "api_seek_foi_clarification": _roles(FOI_OFFICER),
    "api_record_foi_clarification": _roles(FOI_OFFICER),
    "api_give_foi_fees_notice": _roles(FOI_OFFICER),
    "api_record_foi_fee_paid": _roles(FOI_OFFICER),
    "api_extend_foi_deadline": _roles(FOI_OFFICER),
    "api_request_foi_review": _roles(FOI_OFFICER),
    "api_withdraw_foi_case": _roles(FOI_OFFICER),
    # ---- API /api/v1 ----
}


def allowed(access: Access, role: str | None) -> bool:
    """Whether a user with ``role`` (``None``: signed out) may use a route with this access rule."""
    if access == PUBLIC:
        return True
    if role is None:
        return False
    if access == ANY_SIGNED_IN:
        return True
    return isinstance(access, frozenset) and role in access
