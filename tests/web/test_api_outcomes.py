"""The outcomes API: record, import and read — a caseworker's own organisation's records only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from sharelog.accounts import create_api_token
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.settings import Settings

from .conftest import page_csrf
from .test_outcomes_pages import (
    NO_EVENTS,
    add_other_requester,
    add_other_requesters_event,
    another_disclosures_event,
    event_count,
)


def bearer(settings: Settings, username: str) -> dict[str, str]:
    engine = create_ledger_engine(settings.ledger_url())
    try:
        with ledger_session(engine) as session:
            issued = create_api_token(session, username=username, name="test", actor="test")
    finally:
        engine.dispose()
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def caseworker(web_settings) -> dict[str, str]:
    return bearer(web_settings, "caseworker")


def test_recording_an_outcome_and_reading_it_back(client: TestClient, caseworker):
    body = {
        "kind": "result",
        "code": "enforced_removal",
        "date": "2019-02-01",
        "children_affected": 1,
        "family_members_affected": 2,
        "note": "by API",
    }
    created = client.post(f"/api/v1/disclosures/{NO_EVENTS}/outcomes", json=body, headers=caseworker)
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["recorded_by"] == "caseworker"
    assert event["outside_agreement"] is False and event["supersedes"] is None
    history = client.get(f"/api/v1/disclosures/{NO_EVENTS}/outcomes", headers=caseworker).json()
    assert history["outcome_unknown"] is False and history["overdue"] is False
    assert history["latest_result"]["id"] == event["id"]
    assert [e["code"] for e in history["events"]] == ["enforced_removal"]
    assert history["request_ref"] == "HO-2019-01-00014"


def test_an_onward_share_the_agreement_does_not_permit_is_recorded_and_flagged(client, caseworker):
    body = {"kind": "onward_share", "code": "overseas_authority", "date": "2019-01-20"}
    created = client.post(f"/api/v1/disclosures/{NO_EVENTS}/outcomes", json=body, headers=caseworker)
    assert created.status_code == 201
    assert created.json()["outside_agreement"] is True


def test_a_correction_supersedes(client, caseworker):
    url = f"/api/v1/disclosures/{NO_EVENTS}/outcomes"
    first = client.post(
        url, json={"kind": "result", "code": "not_located", "date": "2019-01-20"}, headers=caseworker
    )
    fix = {
        "kind": "result",
        "code": "contact_reestablished",
        "date": "2019-01-21",
        "supersedes": first.json()["id"],
    }
    assert client.post(url, json=fix, headers=caseworker).status_code == 201
    again = client.post(url, json=fix, headers=caseworker)
    assert again.status_code == 409 and again.json()["error"]["type"] == "conflict"
    history = client.get(url, headers=caseworker).json()
    assert history["events"][0]["superseded_by"] == history["events"][1]["id"]
    assert history["latest_result"]["code"] == "contact_reestablished"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "result", "code": "deported", "date": "2019-02-01"}, "code"),
        ({"kind": "use", "code": "not_used", "date": "TOMORROW"}, "date"),
        (
            {"kind": "use", "code": "not_used", "date": "2019-02-01", "children_affected": 1},
            "children_affected",
        ),
    ],
)
def test_a_wrong_event_is_422_with_the_field_named(client, caseworker, web_settings, body, field):
    # "tomorrow" is worked out when the test runs, not when it is collected (a run can cross midnight)
    if body["date"] == "TOMORROW":
        body = body | {"date": (date.today() + timedelta(days=1)).isoformat()}
    response = client.post(f"/api/v1/disclosures/{NO_EVENTS}/outcomes", json=body, headers=caseworker)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "invalid" and f"field '{field}'" in error["message"]
    assert "deported" not in response.text
    assert event_count(web_settings, NO_EVENTS) == 0


def test_a_body_that_is_not_an_event_is_422(client, caseworker):
    response = client.post(
        f"/api/v1/disclosures/{NO_EVENTS}/outcomes", json={"kind": "use"}, headers=caseworker
    )
    assert response.status_code == 422
    assert any("date" in line for line in response.json()["error"]["details"])


def test_another_organisations_caseworker_gets_404(client, web_settings):
    add_other_requester(web_settings)
    other = bearer(web_settings, "othercase")
    assert client.get(f"/api/v1/disclosures/{NO_EVENTS}/outcomes", headers=other).status_code == 404
    body = {"kind": "use", "code": "not_used", "date": "2019-02-01"}
    response = client.post(f"/api/v1/disclosures/{NO_EVENTS}/outcomes", json=body, headers=other)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == f"no disclosure {NO_EVENTS} in the ledger"
    assert event_count(web_settings, NO_EVENTS) == 0


@pytest.mark.parametrize("username", ["operator", "reviewer", "auditor", "foi", "admin"])
def test_other_roles_cannot_record(client, web_settings, username):
    body = {"kind": "use", "code": "not_used", "date": "2019-02-01"}
    response = client.post(
        f"/api/v1/disclosures/{NO_EVENTS}/outcomes", json=body, headers=bearer(web_settings, username)
    )
    assert response.status_code == 403
    assert event_count(web_settings, NO_EVENTS) == 0


def test_a_session_client_needs_the_csrf_header(as_role, web_settings):
    client = as_role("requester_caseworker")
    body = {"kind": "use", "code": "not_used", "date": "2019-02-01"}
    url = f"/api/v1/disclosures/{NO_EVENTS}/outcomes"
    assert client.post(url, json=body).status_code == 403
    token = page_csrf(client.get("/outcomes").text)
    assert client.post(url, json=body, headers={"x-csrf-token": token}).status_code == 201


def test_importing_a_file(client, caseworker, web_settings):
    content = (
        "disclosure_id,kind,code,date\n"
        f"{NO_EVENTS},use,contact_attempt,2019-01-20\n"
        "13,result,not_located,2019-02-01\n"
    )
    response = client.post(
        "/api/v1/outcomes/import",
        files={"file": ("outcomes.csv", content.encode(), "text/csv")},
        headers=caseworker,
    )
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["recorded"] == 2 and result["by_kind"] == {"use": 1, "result": 1}
    assert result["file"] == "outcomes.csv" and len(result["sha256"]) == 64
    again = client.post(
        "/api/v1/outcomes/import",
        files={"file": ("outcomes.csv", content.encode(), "text/csv")},
        headers=caseworker,
    )
    assert again.status_code == 409


def test_an_import_with_problems_lists_every_one_and_records_nothing(client, caseworker, web_settings):
    content = (
        "disclosure_id,kind,code,date\n"
        "14,use,contact_attempt,2019-01-20\n"
        "14,use,Secret Name,2019-01-20\n"
        "x,use,not_used,2019-01-20\n"
    )
    before = event_count(web_settings)
    response = client.post(
        "/api/v1/outcomes/import",
        files={"file": ("outcomes.csv", content.encode(), "text/csv")},
        headers=caseworker,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    lines = [error["message"], *error["details"]]
    assert any("outcomes.csv, row 3, field 'code'" in line for line in lines)
    assert any("outcomes.csv, row 4, field 'disclosure_id'" in line for line in lines)
    assert "Secret Name" not in response.text and "/tmp" not in response.text
    assert event_count(web_settings) == before


def test_an_import_without_a_file_is_422(client, caseworker):
    assert client.post("/api/v1/outcomes/import", headers=caseworker).status_code == 422


@pytest.mark.parametrize(
    ("supersedes", "message"),
    [
        (-1, "not an outcome event's id (a whole number)"),
        (0, "not an outcome event's id (a whole number)"),
        (999999, "not one of this disclosure's outcome events; a correction is about the same disclosure"),
        (2**63, "not an outcome event's id (a whole number)"),
        (
            "another disclosure's",
            "not one of this disclosure's outcome events; a correction is about the same disclosure",
        ),
        (
            "another organisation's",
            "not one of this disclosure's outcome events; a correction is about the same disclosure",
        ),
    ],
)
def test_a_correction_of_no_event_of_this_record_is_422_naming_the_field(
    client, caseworker, web_settings, supersedes, message
):
    if supersedes == "another disclosure's":
        supersedes = another_disclosures_event(web_settings)
    elif supersedes == "another organisation's":
        supersedes = add_other_requesters_event(web_settings)
    before = event_count(web_settings)
    body = {"kind": "result", "code": "not_located", "date": "2019-01-20", "supersedes": supersedes}
    response = client.post(f"/api/v1/disclosures/{NO_EVENTS}/outcomes", json=body, headers=caseworker)
    assert response.status_code == 422
    assert response.json()["error"]["message"] == f"disclosure {NO_EVENTS}, field 'supersedes': {message}"
    assert event_count(web_settings) == before


def test_another_organisations_event_is_answered_as_one_that_does_not_exist(client, caseworker, web_settings):
    theirs = add_other_requesters_event(web_settings)
    url = f"/api/v1/disclosures/{NO_EVENTS}/outcomes"
    answers = [
        client.post(
            url,
            json={"kind": "result", "code": "not_located", "date": "2019-01-20", "supersedes": event_id},
            headers=caseworker,
        )
        for event_id in (theirs, theirs + 1000)
    ]
    assert answers[0].status_code == answers[1].status_code == 422
    assert answers[0].json() == answers[1].json()
    assert "EX-2019-01-other" not in answers[0].text


def test_another_organisations_record_is_answered_exactly_as_a_missing_one(client, web_settings):
    add_other_requester(web_settings)
    other = bearer(web_settings, "othercase")
    theirs = client.get(f"/api/v1/disclosures/{NO_EVENTS}/outcomes", headers=other)
    missing = client.get("/api/v1/disclosures/999999/outcomes", headers=other)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text.replace(str(NO_EVENTS), "N") == missing.text.replace("999999", "N")
