"""FOI cases over the API: the JSON shapes, opening and answering a case with the published report, the actions
that move the clock, the requester's details for FOI officers only, and errors in the one shape."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import AliasChoices

from sharelog.accounts import create_api_token
from sharelog.foi import CASE_ACTIONS, CaseEventView, CaseView, Clock, Pause, ResponseView, ReviewClock
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.settings import Settings
from sharelog.web.api import _foi_schemas as schemas
from sharelog.web.api._foi import ACTION_ROUTES

from ..worlds import CONTACT, DFE_REFERENCE, REQUESTER, SEED_DUE, SEED_RECEIVED
from .conftest import USER_OF_ROLE
from .test_openapi import assert_error_shape

CASES = "/api/v1/foi/cases"
CASE = f"{CASES}/{DFE_REFERENCE}"


def _token(settings: Settings, role: str) -> dict[str, str]:
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        issued = create_api_token(session, username=USER_OF_ROLE[role], name="robot", actor="admin")
    engine.dispose()
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def officer(web_settings: Settings) -> dict[str, str]:
    return _token(web_settings, "foi_officer")


@pytest.fixture
def auditor(web_settings: Settings) -> dict[str, str]:
    return _token(web_settings, "auditor")


def test_the_list(client: TestClient, officer: dict[str, str]) -> None:
    body = client.get(CASES, headers=officer).json()
    assert body["count"] == 1 and len(body["data"]) == 1
    case = body["data"][0]
    assert set(case) == {
        "reference",
        "title",
        "received_on",
        "regime",
        "state",
        "status",
        "status_label",
        "is_open",
        "due_on",
        "lateness",
        "due_this_week",
        "href",
    }
    assert case["reference"] == DFE_REFERENCE
    assert case["received_on"] == SEED_RECEIVED.isoformat() and case["due_on"] == SEED_DUE.isoformat()
    assert case["state"] == "waiting_response" and case["status"] == "waiting_response_very_overdue"
    assert case["lateness"] == "long_overdue" and case["is_open"] and not case["due_this_week"]
    assert case["href"] == CASE
    assert client.get(f"{CASES}?open=true", headers=officer).json()["count"] == 1


def test_one_case_with_the_requester_for_the_officer_only(
    client: TestClient, officer: dict[str, str], auditor: dict[str, str]
) -> None:
    mine = client.get(CASE, headers=officer).json()
    assert mine["requester_name"] == REQUESTER and mine["requester_contact"] == CONTACT
    assert mine["clock"]["statutory_due"] == SEED_DUE.isoformat() and mine["clock"]["extension_days"] == 0
    assert mine["about"] == "2019-01..2019-03" and mine["review"] is None and mine["responses"] == []
    assert mine["next_actions"] == ["respond", "seek-clarification", "fees-notice", "extend", "withdraw"]
    audited = client.get(CASE, headers=auditor)
    assert audited.status_code == 200
    assert REQUESTER not in audited.text and CONTACT not in audited.text
    assert audited.json()["requester_name"] is None and audited.json()["requester_contact"] is None


def test_open_a_case_and_answer_it_with_the_report(
    client: TestClient, officer: dict[str, str], auditor: dict[str, str]
) -> None:
    received = date.today() - timedelta(days=3)
    created = client.post(
        CASES,
        headers=officer,
        json={
            "title": "Pupil data outcomes",
            "request_text": "Please send the monthly outcomes for early 2019.",
            "received_on": received.isoformat(),
            "about": "2019-01..2019-03",
            "requester_name": "Someone",
        },
    )
    assert created.status_code == 201, created.text
    case = created.json()
    reference = case["reference"]
    assert reference.startswith(f"FOI-{received.year}-")
    assert (
        case["state"] == "waiting_response"
        and case["lateness"] is None
        and case["requester_name"] == "Someone"
    )
    answered = client.post(
        f"{CASES}/{reference}/responses",
        headers=officer,
        json={"outcome": "partially_successful", "report_months": "2019-01..2019-03"},
    )
    assert answered.status_code == 201, answered.text
    case = answered.json()
    assert (
        case["state"] == "partially_successful" and not case["is_open"] and case["answered_in_time"] is True
    )
    (response,) = case["responses"]
    assert response["outcome"] == "partially_successful" and response["report_months"] == "2019-01..2019-03"
    assert response["exemptions"] == ["40(2)"]  # cited for the figures the report withholds
    assert {f["kind"] for f in response["files"]} == {"letter_md", "letter_docx", "workbook"}
    assert case["next_actions"] == ["request-review"]
    letter = next(f for f in response["files"] if f["kind"] == "letter_md")
    for headers in (officer, auditor):  # the auditor reads the letter sent, not the requester's details
        download = client.get(letter["href"], headers=headers)
        assert download.status_code == 200 and reference in download.text
        assert "Someone" not in download.text
    again = client.post(f"{CASES}/{reference}/responses", headers=officer, json={"outcome": "successful"})
    assert again.status_code == 409
    assert_error_shape(again.json(), 409)


def test_the_actions_move_the_clock(client: TestClient, officer: dict[str, str]) -> None:
    today = {"on": date.today().isoformat()}

    def act(path: str, body: dict[str, object]) -> dict[str, object]:
        response = client.post(f"{CASE}/{path}", headers=officer, json=body)
        assert response.status_code == 200, response.text
        return response.json()

    assert act("clarification-requests", today)["state"] == "waiting_clarification"
    case = act("clarifications", {})  # the day defaults to today
    assert case["state"] == "waiting_response" and case["clock"]["restarted"] and case["lateness"] is None
    case = act("fees-notices", today | {"amount": 25.0})
    assert case["status"] == "waiting_response_paused" and case["clock"]["due"] is None
    assert case["events"][-1]["detail"] == {"amount": 25.0}
    assert act("fee-payments", today)["clock"]["due"] is not None
    case = act("extensions", today | {"days": 10, "exemptions": ["31(1)(e)"]})
    assert case["clock"]["extension_days"] == 10
    assert act("withdrawal", today)["state"] == "user_withdrawn"
    final = client.post(f"{CASE}/withdrawal", headers=officer, json=today)
    assert final.status_code == 409
    assert_error_shape(final.json(), 409)


def test_a_review_after_the_response(client: TestClient, officer: dict[str, str]) -> None:
    answered = client.post(
        f"{CASE}/responses",
        headers=officer,
        json={"outcome": "rejected", "exemptions": ["31(1)(e)"], "public_interest": "Immigration control."},
    )
    assert answered.status_code == 201, answered.text
    assert answered.json()["answered_in_time"] is False
    review = client.post(f"{CASE}/internal-reviews", headers=officer, json={})
    assert review.status_code == 200 and review.json()["state"] == "internal_review"
    assert review.json()["review"]["requested_on"] == date.today().isoformat()
    upheld = client.post(f"{CASE}/responses", headers=officer, json={"outcome": "successful"})
    assert upheld.status_code == 201
    assert [r["stage"] for r in upheld.json()["responses"]] == ["initial", "internal_review"]


def test_problems_come_back_in_the_one_shape(
    client: TestClient, officer: dict[str, str], auditor: dict[str, str]
) -> None:
    bad_regime = client.post(
        CASES,
        headers=officer,
        json={"title": "t", "request_text": "r", "received_on": "2020-01-01", "regime": "x"},
    )
    assert bad_regime.status_code == 422
    assert_error_shape(bad_regime.json(), 422)
    empty = client.post(
        CASES, headers=officer, json={"title": " ", "request_text": "", "received_on": "2020-01-01"}
    )
    assert empty.status_code == 422
    assert_error_shape(empty.json(), 422)
    assert len(empty.json()["error"]["details"]) == 2  # title and text, both listed
    period = client.post(
        CASES,
        headers=officer,
        json={"title": "t", "request_text": "r", "received_on": "2020-01-01", "about": "soon"},
    )
    assert period.status_code == 400
    assert_error_shape(period.json(), 400)
    partial = client.post(f"{CASE}/responses", headers=officer, json={"outcome": "partially_successful"})
    assert partial.status_code == 422 and "must cite the exemptions" in partial.json()["error"]["message"]
    missing = client.get(f"{CASES}/FOI-1999-9999", headers=officer)
    assert missing.status_code == 404
    assert_error_shape(missing.json(), 404)
    assert client.get(f"{CASE}/files/ledger.db", headers=officer).status_code == 404
    for method, path in (("post", CASES), ("post", f"{CASE}/responses"), ("post", f"{CASE}/withdrawal")):
        denied = client.request(method, path, headers=auditor, json={"outcome": "successful"})
        assert denied.status_code == 403
        assert_error_shape(denied.json(), 403)
    assert client.get(CASES, headers=_token_of_other_role(client)).status_code == 403


@pytest.mark.parametrize(
    ("path", "body", "pointer"),
    [
        ("clarification-requests", {"on": "2019-01-01"}, "/on"),  # before the request was received
        ("fees-notices", {"amount": -1}, "/amount"),
        ("extensions", {"days": 0, "exemptions": ["31(1)(e)"]}, "/days"),
        ("extensions", {"days": 5, "exemptions": ["99"]}, "/exemptions"),
    ],
)
def test_a_refused_action_points_at_the_field_of_its_body(
    client: TestClient, officer: dict[str, str], path: str, body: dict[str, object], pointer: str
) -> None:
    refused = client.post(f"{CASE}/{path}", headers=officer, json=body)
    assert refused.status_code == 400, refused.text
    assert_error_shape(refused.json(), 400)
    error = refused.json()["error"]
    assert (
        error["pointer"] == pointer and "--" not in error["message"] and "sharelog " not in error["message"]
    )


def test_problems_point_at_the_fields_of_the_body(client: TestClient, officer: dict[str, str]) -> None:
    empty = client.post(
        CASES, headers=officer, json={"title": " ", "request_text": "", "received_on": "2020-01-01"}
    ).json()["error"]
    assert [problem["pointer"] for problem in empty["problems"]] == ["/title", "/request_text"]
    partial = client.post(
        f"{CASE}/responses", headers=officer, json={"outcome": "rejected", "exemptions": ["31(1)(e)"]}
    ).json()["error"]
    assert [problem["pointer"] for problem in partial["problems"]] == ["/public_interest"]
    taken = client.post(
        CASES,
        headers=officer,
        json={"title": "t", "request_text": "r", "received_on": "2020-01-01", "reference": DFE_REFERENCE},
    )
    assert taken.status_code == 409 and taken.json()["error"]["pointer"] == "/reference"
    assert "sharelog" not in taken.json()["error"]["message"]  # the command line's advice is its own
    missing = client.get(f"{CASES}/FOI-1999-9999", headers=officer).json()["error"]
    assert missing["message"] == "no FOI case 'FOI-1999-9999' in the ledger"


def _token_of_other_role(client: TestClient) -> dict[str, str]:
    settings = client.app.state.sharelog.settings  # type: ignore[attr-defined]
    return _token(settings, "requester_caseworker")


def test_a_signed_in_browser_needs_the_csrf_header(as_role) -> None:
    client = as_role("foi_officer")
    assert client.post(f"{CASE}/withdrawal", json={}).status_code == 403
    token = client.get("/foi").text.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(f"{CASE}/withdrawal", json={}, headers={"x-csrf-token": token})
    assert response.status_code == 200 and response.json()["state"] == "user_withdrawn"


# ---- the models are the views' (from_attributes), the action routes the table's ----


@pytest.mark.parametrize(
    ("model", "view"),
    [
        (schemas.FoiCaseSummaryPublic, CaseView),
        (schemas.FoiCasePublic, CaseView),
        (schemas.FoiClockPublic, Clock),
        (schemas.FoiPausePublic, Pause),
        (schemas.FoiReviewPublic, ReviewClock),
        (schemas.FoiEventPublic, CaseEventView),
        (schemas.FoiResponsePublic, ResponseView),
    ],
)
def test_each_public_model_is_read_off_its_view(model: type, view: type) -> None:
    """Every field is an attribute of the view it is built from (``model_validate(view)``), under its own name or
    the one it is read from: nothing is copied field by field."""
    assert model.model_config.get("from_attributes") is True
    attributes = set(getattr(view, "__dataclass_fields__", {})) | set(dir(view))
    unread = []
    for name, field in model.model_fields.items():
        alias = field.validation_alias
        sources = alias.choices if isinstance(alias, AliasChoices) else [alias or name]
        if not attributes & set(sources):
            unread.append(name)
    assert unread == []


def test_every_recorded_action_has_one_api_route_taking_what_it_needs() -> None:
    recorded = {name for name, action in CASE_ACTIONS.items() if action.change is not None}
    assert sorted(route.action for route in ACTION_ROUTES) == sorted(recorded)
    for route in ACTION_ROUTES:
        assert set(route.body.model_fields) == {"on", *CASE_ACTIONS[route.action].needs}, route.action
