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
    # the OpenAPI document (FastAPI's own route) and the docs page that shows it are public: they describe, they
    # hold no data
    "openapi": PUBLIC,
    "read_api_docs": PUBLIC,
}

HOLDER_SIDE: dict[str, Expected] = {
    # agreements, exchanges, review queue, batch submission and return files
    "read_agreements": SIGNED_IN,
    "read_agreement_version": SIGNED_IN,
    "read_exchanges": only(OPERATOR, REVIEWER, CASEWORKER, AUDITOR, FOI, ADMIN),
    "read_exchange": only(OPERATOR, REVIEWER, CASEWORKER, AUDITOR, FOI, ADMIN),
    "api_read_exchanges": only(OPERATOR, REVIEWER, CASEWORKER, AUDITOR, FOI, ADMIN),
    "api_read_exchange": only(OPERATOR, REVIEWER, CASEWORKER, AUDITOR, FOI, ADMIN),
    "api_create_exchange": only(OPERATOR),
    "read_exchange_run": only(OPERATOR),  # the page that uploads a batch, as the API does
    "start_exchange_run": only(OPERATOR),
    "read_exchange_run_status": only(OPERATOR),
    "api_read_return_file": only(OPERATOR, CASEWORKER),  # never an auditor
    "read_review_queue": only(REVIEWER, OPERATOR),  # the operator sees the queue, read-only
    "read_review_case": only(REVIEWER),  # register rows: the holder's reviewer only
    "decide_review_case": only(REVIEWER),
}

REQUESTER_SIDE: dict[str, Expected] = {
    # outcomes, reports, the public transparency page
    "read_outcomes": only(CASEWORKER),
    "read_disclosure_outcomes": only(CASEWORKER),
    "create_outcome": only(CASEWORKER),
    "read_outcomes_import": only(CASEWORKER),
    "import_outcomes_file": only(CASEWORKER),
    "download_outcomes_template": only(CASEWORKER),  # its rows name the organisation's own records
    "api_read_outcomes": only(CASEWORKER),
    "api_create_outcome": only(CASEWORKER),
    "api_import_outcomes": only(CASEWORKER),
    "read_reports": only(OPERATOR, REVIEWER, CASEWORKER, AUDITOR, FOI),
    "download_report": only(OPERATOR, REVIEWER, CASEWORKER, AUDITOR, FOI),
    "read_report_chart": only(OPERATOR, REVIEWER, CASEWORKER, AUDITOR, FOI),
    "api_read_monthly_report": only(OPERATOR, REVIEWER, CASEWORKER, AUDITOR, FOI),
    "api_read_shares_register": only(OPERATOR, REVIEWER, CASEWORKER, AUDITOR, FOI),
    "read_transparency": PUBLIC,
    "read_transparency_chart": PUBLIC,
    "download_transparency": PUBLIC,
}

FOI_CASES: dict[str, Expected] = {
    # FOI cases: the FOI officer manages them; auditors and admins read them (and the letters sent)
    "read_foi_cases": only(FOI, AUDITOR, ADMIN),
    "read_foi_case": only(FOI, AUDITOR, ADMIN),
    "read_foi_file": only(FOI, AUDITOR, ADMIN),
    "read_new_foi_case": only(FOI),
    "create_foi_case": only(FOI),
    "read_foi_respond": only(FOI),
    "respond_foi_case": only(FOI),
    "read_foi_action": only(FOI),
    "record_foi_action": only(FOI),
    "api_read_foi_cases": only(FOI, AUDITOR, ADMIN),
    "api_read_foi_case": only(FOI, AUDITOR, ADMIN),
    "api_read_foi_file": only(FOI, AUDITOR, ADMIN),
    "api_create_foi_case": only(FOI),
    "api_respond_foi_case": only(FOI),
    "api_seek_foi_clarification": only(FOI),
    "api_record_foi_clarification": only(FOI),
    "api_give_foi_fees_notice": only(FOI),
    "api_record_foi_fee_paid": only(FOI),
    "api_extend_foi_deadline": only(FOI),
    "api_request_foi_review": only(FOI),
    "api_withdraw_foi_case": only(FOI),
}

EXPECTED: dict[str, Expected] = {**CORE, **HOLDER_SIDE, **REQUESTER_SIDE, **FOI_CASES}

# Values for path parameters, so that every route can be called (they exist in the golden ledger).
PATH_VALUES: dict[str, str] = {}
# requester side: a record returned to home-office in January 2019, and a chart of the monthly report
PATH_VALUES.update({"disclosure_id": "1", "chart": "sent_returned"})
# holder side: a shipped agreement version, January 2019's exchange and one of its requests
PATH_VALUES.update(
    {
        "agreement_id": "ho-dfe-2015-mou",
        "version": "2.1",
        "reference": "EX-2019-01-ret00040",
        "request_ref": "HO-2019-01-00001",
        "run_id": "no-such-run",
    }
)
# FOI cases: the case in the web ledger (tests/worlds/_foi.py), a file no response wrote (404), an action
PATH_VALUES.update({"case_reference": "FOI-2020-0001", "file_name": "letter.docx", "case_action": "withdraw"})

# ---- FOI cases across organisations (issue 12) ----
# A case belongs to the organisation that received the request. Every route that names a case is called by every
# account of the DfE and of a third organisation (a council, with its own FOI officer, auditor and admin) on its own
# organisation's case and on the other's: the other's must answer exactly as a case that does not exist (404, the
# same message), and a requester's name and contact reach only the FOI officers of the case's organisation.
FOI_CASE_OF = {"dfe": "FOI-2020-0001", "northshire": "NCC-2021-0042"}  # tests/worlds/_foi.py
FOI_MISSING_CASE = "FOI-1999-9999"
FOI_FILE_NAME = "NCC-2021-0042-response.md"  # a letter the council's case has, the DfE's has not
# what an API call needs to get past validation to the service (the pages' forms have defaults for every field)
FOI_BODIES: dict[str, dict[str, object]] = {
    "api_respond_foi_case": {"outcome": "s14"},
    "api_extend_foi_deadline": {"days": 1, "exemptions": ["43(2)"]},
    "api_seek_foi_clarification": {},
    "api_record_foi_clarification": {},
    "api_give_foi_fees_notice": {},
    "api_record_foi_fee_paid": {},
    "api_request_foi_review": {},
    "api_withdraw_foi_case": {},
}
