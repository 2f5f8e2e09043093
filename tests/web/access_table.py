"""The one table the authorization matrix test is generated from: every route of the app → who may use it.

``PUBLIC``: anyone, signed in or not. ``SIGNED_IN``: any account. Otherwise the set of roles allowed; every other
role must get 403 and a signed-out visitor 401 (API) or a redirect to the sign-in page (pages). A route of the app
missing here fails the test. Areas are kept in separate dicts only so that they are easy to find.
"""

from __future__ import annotations

PUBLIC = "public"
SIGNED_IN = "signed_in"

OPERATOR = "holder_operator"
REVIEWER = "holder_reviewer"
CASEWORKER = "requester_caseworker"
AUDITOR = "auditor"
FOI = "foi_officer"
ADMIN = "admin"
ROLES = (OPERATOR, REVIEWER, CASEWORKER, AUDITOR, FOI, ADMIN)

Expected = str | frozenset[str]


def only(*roles: str) -> frozenset[str]:
    return frozenset(roles)


CORE: dict[str, Expected] = {
    "read_home": PUBLIC,
    "read_health": PUBLIC,
    "read_sign_in": PUBLIC,
    "sign_in": PUBLIC,
    "sign_out": SIGNED_IN,
    "api_read_me": SIGNED_IN,
    "read_dashboard": only(OPERATOR, REVIEWER, CASEWORKER, AUDITOR, FOI, ADMIN),
    "read_users": only(ADMIN),
    # FastAPI's own: the OpenAPI document and its viewer are public (they describe, they hold no data)
    "openapi": PUBLIC,
    "swagger_ui_html": PUBLIC,
    "swagger_ui_redirect": PUBLIC,
}

HOLDER_SIDE: dict[str, Expected] = {
    # agreements, exchanges, review queue, batch submission and return files
}

REQUESTER_SIDE: dict[str, Expected] = {
    # outcomes, reports, the public transparency page
}

FOI_CASES: dict[str, Expected] = {
    # FOI cases
}

EXPECTED: dict[str, Expected] = {**CORE, **HOLDER_SIDE, **REQUESTER_SIDE, **FOI_CASES}

# Values for path parameters, so that every route can be called (they exist in the golden ledger).
PATH_VALUES: dict[str, str] = {}
