"""FOI cases on the web and over the API belong to the signed-in user's organisation (issue 12): a case opened
there is its own, references are its own, the dashboard counts its own cases — and an FOI route refuses a body
larger than the longest request can be before parsing it, while the service caps the text and bounds the dates.

The matrix of every FOI route × every account × own and other organisation's case is in test_authorization.py."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from sharelog.foi import MAX_REQUEST_TEXT
from sharelog.web._foi import MAX_FOI_BODY_BYTES

from ..worlds import DFE_REFERENCE, THIRD_PARTY_REFERENCE
from .conftest import page_csrf, sign_in
from .test_openapi import assert_error_shape

CASES = "/api/v1/foi/cases"


def _signed_in(client: TestClient, username: str) -> dict[str, str]:
    """Sign ``client`` in as ``username``; the headers an API call from its browser session needs."""
    client.cookies.clear()
    sign_in(client, username)
    return {"x-csrf-token": page_csrf(client.get("/foi").text)}


def test_a_case_opened_is_the_openers_organisations_and_so_is_its_reference(client: TestClient) -> None:
    council = _signed_in(client, "council-foi")
    # the DfE's FOI-2020-0001 is not the council's business: the council may number a case of its own so
    created = client.post(
        CASES,
        headers=council,
        json={"title": "t", "request_text": "r", "received_on": "2020-08-12", "reference": DFE_REFERENCE},
    )
    assert created.status_code == 201, created.text
    assert created.json()["requester_name"] is None
    listed = [case["reference"] for case in client.get(CASES).json()["data"]]
    assert sorted(listed) == [DFE_REFERENCE, THIRD_PARTY_REFERENCE]
    assert client.get(f"{CASES}/{DFE_REFERENCE}").json()["title"] == "t"  # its own, not the DfE's
    dfe = _signed_in(client, "foi")
    assert [case["reference"] for case in client.get(CASES, headers=dfe).json()["data"]] == [DFE_REFERENCE]
    assert client.get(f"{CASES}/{DFE_REFERENCE}").json()["title"].startswith("Department for Education")


@pytest.mark.parametrize(
    ("username", "overdue"),
    [("foi", 1), ("auditor", 1), ("council-foi", 0), ("council-auditor", 0)],
)
def test_the_dashboard_counts_the_organisations_own_foi_cases(
    client: TestClient, username: str, overdue: int
) -> None:
    _signed_in(client, username)
    html = client.get("/dashboard").text
    assert re.search(rf'id="task-foi-waiting">{overdue}<', html)
    assert ("1 overdue" in html) == bool(overdue)
    assert (f'href="/foi/{DFE_REFERENCE}"' in html) == bool(
        overdue
    )  # another organisation's case is not listed


def test_an_oversized_body_is_refused_before_it_is_read(client: TestClient) -> None:
    headers = _signed_in(client, "foi") | {"content-type": "application/json"}
    body = (
        b'{"title": "t", "received_on": "2020-08-12", "request_text": "' + b"x" * MAX_FOI_BODY_BYTES + b'"}'
    )
    refused = client.post(CASES, headers=headers, content=body)
    assert refused.status_code == 413
    assert_error_shape(refused.json(), 413)
    assert "xxxx" not in refused.text
    # sent in chunks with no Content-Length: refused once the bytes received pass the limit
    chunks = iter([body[i : i + 65536] for i in range(0, len(body), 65536)])
    streamed = client.post(CASES, headers=headers, content=chunks)
    assert streamed.status_code == 413 and "content-length" not in streamed.request.headers
    assert_error_shape(streamed.json(), 413)
    form = client.post(
        "/foi", data={"csrf_token": headers["x-csrf-token"], "title": "t", "text": "x" * MAX_FOI_BODY_BYTES}
    )
    assert form.status_code == 413 and "xxxx" not in form.text
    assert client.get(CASES).json()["count"] == 1


def test_a_text_over_the_cap_is_refused_by_its_field(client: TestClient) -> None:
    headers = _signed_in(client, "foi")
    too_long = {"title": "t", "received_on": "2020-08-12", "request_text": "x" * (MAX_REQUEST_TEXT + 1)}
    refused = client.post(CASES, headers=headers, json=too_long)
    assert refused.status_code == 422
    assert_error_shape(refused.json(), 422)
    assert "request_text" in refused.text and "xxxx" not in refused.text
    data = {"csrf_token": headers["x-csrf-token"], "title": "t", "text": "x" * (MAX_REQUEST_TEXT + 1)}
    data |= {"received-day": "12", "received-month": "8", "received-year": "2020"}
    page = client.post("/foi", data=data)
    assert page.status_code == 422 and 'href="#text"' in page.text and "at most 100,000" in page.text
    # the officer's own text stays in its box to be shortened; no message quotes it
    kept, boxes = re.subn(r"(<textarea[^>]*>)\s*x{100001}\s*(</textarea>)", r"\1\2", page.text)
    assert boxes == 1 and "xxxx" not in kept
    assert client.get(CASES).json()["count"] == 1


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"received_on": "0001-01-01"}, "field 'received_on': 0001-01-01 is before FOIA came into force"),
        ({"about": "9999-01..9999-12"}, "field 'about': ends in 9999-12, after this month"),
    ],
)
def test_the_api_keeps_the_same_date_bounds(client: TestClient, fields: dict[str, str], detail: str) -> None:
    headers = _signed_in(client, "foi")
    body = {"title": "t", "request_text": "r", "received_on": date.today().isoformat()} | fields
    refused = client.post(CASES, headers=headers, json=body)
    assert refused.status_code == 422
    assert_error_shape(refused.json(), 422)
    error = refused.json()["error"]
    assert any(detail in line for line in [error["message"], *error["details"]]), error
    assert [problem["pointer"] for problem in error["problems"]] == [
        f"/{next(iter(fields))}"
    ]  # the body's field
