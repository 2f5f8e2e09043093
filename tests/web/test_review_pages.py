"""The review band in the browser: the holder's reviewer compares a request with its candidate and decides; the
operator sees the queue only; nobody outside the holder opens a case. Runs on a real exchange."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import Disclosure, Exchange, ReviewItem
from sharelog.settings import Settings
from sharelog.web import create_app

from ..worlds import add_outsider, session_of
from .conftest import ExchangeWorld, page_csrf, sign_in, table_cells


@pytest.fixture
def settings(world: ExchangeWorld) -> Settings:
    return world.settings


@pytest.fixture
def browser(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="https://testserver", follow_redirects=False) as client:
        yield client


def _review_file(settings: Settings, world: ExchangeWorld) -> dict:
    return json.loads((settings.review_path() / f"{world.reference}.json").read_text("utf-8"))


def _queue(browser: TestClient, reference: str) -> list[list[str]]:
    """The queue's rows of one exchange (an earlier month of the world may have its own review band)."""
    html = browser.get("/review").text
    if 'id="table-review-queue"' not in html:
        return []
    return [row for row in table_cells(html, "table-review-queue")[1:] if row[0] == reference]


def test_the_queue_lists_the_undecided_requests_without_personal_data(browser, settings, world):
    sign_in(browser, "reviewer")
    html = browser.get("/review").text
    rows = _queue(browser, world.reference)
    assert len(rows) == world.review
    items = _review_file(settings, world)["items"]
    assert [row[1].removesuffix(": compare and decide") for row in rows] == [i["request_id"] for i in items]
    assert all(row[2].endswith("%") for row in rows)
    for item in items:
        assert f'href="/review/{world.reference}/{item["request_id"]}"' in html
        for value in item["details"].values():
            if isinstance(value, str) and len(value) > 3:
                assert value not in html  # the list shows references, probabilities and reasons only


def test_the_operator_sees_the_queue_but_opens_no_case(browser, settings, world):
    sign_in(browser, "operator")
    html = browser.get("/review").text
    assert len(_queue(browser, world.reference)) == world.review
    assert 'href="/review/' not in html
    assert "a holder reviewer decides each request" in html
    request_ref = _review_file(settings, world)["items"][0]["request_id"]
    assert browser.get(f"/review/{world.reference}/{request_ref}").status_code == 403


def test_the_case_shows_request_and_candidate_side_by_side_with_the_explanation(browser, settings, world):
    item = _review_file(settings, world)["items"][0]
    sign_in(browser, "reviewer")
    html = browser.get(f"/review/{world.reference}/{item['request_id']}").text
    rows = {row[0]: row for row in table_cells(html, "table-comparison")[1:]}
    assert rows["Surname"][1] == item["details"]["surname"]
    assert rows["Surname"][2]  # the candidate's surname, from the prepared register
    assert rows["Surname"][3] in ("Same", "Differs")
    assert f"(pupil {item['pupil_id']})" in html
    explanation = html.split('id="match-explanation"', 1)[1].split("</dl>", 1)[0]
    assert "Match probability" in explanation and "Why it is in review" in explanation
    assert f"{100 * item['match_probability']:.1f}%" in html
    assert item["reason"][1:] in html
    assert 'name="decision"' in html and 'name="csrf_token"' in html


def test_a_decision_must_be_chosen(browser, settings, world):
    request_ref = _review_file(settings, world)["items"][0]["request_id"]
    sign_in(browser, "reviewer")
    url = f"/review/{world.reference}/{request_ref}"
    token = page_csrf(browser.get(url).text)
    response = browser.post(url, data={"csrf_token": token, "note": "x" * 501})
    assert response.status_code == 400
    html = response.text
    assert "<title>Error: " in html and "govuk-error-summary" in html
    assert '<a href="#decision">Select whether the candidate is the person in the request</a>' in html
    assert '<a href="#note">The note must be 500 characters or fewer</a>' in html
    assert _queue(browser, world.reference)[0][1].startswith(request_ref)  # nothing was decided


def test_a_decision_without_the_form_token_is_refused(browser, settings, world):
    request_ref = _review_file(settings, world)["items"][0]["request_id"]
    sign_in(browser, "reviewer")
    response = browser.post(f"/review/{world.reference}/{request_ref}", data={"decision": "accept"})
    assert response.status_code == 403
    assert len(_queue(browser, world.reference)) == world.review


def test_accept_one_reject_the_rest_confirms_each_and_completes_the_exchange(browser, settings, world):
    items = _review_file(settings, world)["items"]
    sign_in(browser, "reviewer")
    for number, item in enumerate(items):
        url = f"/review/{world.reference}/{item['request_id']}"
        token = page_csrf(browser.get(url).text)
        decision = "accept" if number == 0 else "reject"
        response = browser.post(url, data={"csrf_token": token, "decision": decision, "note": "checked"})
        assert response.status_code == 303 and response.headers["location"] == "/review"
        html = browser.get("/review").text
        assert 'id="decision-banner"' in html
        assert f"{world.reference} / {item['request_id']}: match {decision}ed." in html
        if number < len(items) - 1:
            assert f"{len(items) - number - 1} left to decide" in html
    assert "the exchange is complete and 1 accepted record was returned" in html
    assert _queue(browser, world.reference) == []
    assert 'id="decision-banner"' not in browser.get("/review").text  # shown once
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        exchange = session.execute(select(Exchange).where(Exchange.reference == world.reference)).scalar_one()
        decided = session.execute(select(ReviewItem).where(ReviewItem.exchange_id == exchange.id)).scalars()
        assert {(i.decision, i.decided_by, i.note) for i in decided} == {
            ("accepted", "reviewer", "checked"),
            ("rejected", "reviewer", "checked"),
        }
        accepted = session.execute(
            select(Disclosure).where(Disclosure.request_ref == items[0]["request_id"])
        ).scalar_one()
        assert exchange.state == "returned" and accepted.decided_by == "reviewer"
        assert verify_audit_chain(session).ok
    engine.dispose()
    assert not (settings.review_path() / f"{world.reference}.json").exists()
    # once complete, a case still opens: the decision is kept, the personal data went with the review file
    closed = browser.get(f"/review/{world.reference}/{items[0]['request_id']}")
    assert closed.status_code == 200
    assert "Already decided: accepted by reviewer." in closed.text and 'id="no-personal-data"' in closed.text
    assert 'id="table-comparison"' not in closed.text and 'name="decision"' not in closed.text


def test_a_decided_case_cannot_be_decided_again(browser, settings, world):
    items = _review_file(settings, world)["items"]
    sign_in(browser, "reviewer")
    url = f"/review/{world.reference}/{items[0]['request_id']}"
    token = page_csrf(browser.get(url).text)
    assert browser.post(url, data={"csrf_token": token, "decision": "reject"}).status_code == 303
    html = browser.get(url).text
    assert "Already decided: rejected by reviewer." in html and 'name="decision"' not in html
    again = browser.post(url, data={"csrf_token": token, "decision": "accept"})
    assert again.status_code == 409


def test_decisions_run_on_the_apps_one_engine(browser, settings, world, monkeypatch):
    """Deciding (and completing the exchange) uses the app's engine, within its budget of connections: no engine
    is built for a request."""
    items = _review_file(settings, world)["items"]
    sign_in(browser, "reviewer")
    tokens = {
        item["request_id"]: page_csrf(browser.get(f"/review/{world.reference}/{item['request_id']}").text)
        for item in items
    }

    def no_new_engine(*args: object, **kwargs: object) -> None:
        raise AssertionError("a ledger engine was built for a request")

    monkeypatch.setattr("sharelog.ledger.database.create_engine", no_new_engine)
    for request_ref, token in tokens.items():
        url = f"/review/{world.reference}/{request_ref}"
        assert browser.post(url, data={"csrf_token": token, "decision": "reject"}).status_code == 303
    assert _queue(browser, world.reference) == []
    assert not (settings.review_path() / f"{world.reference}.json").exists()


def test_a_reviewer_of_another_holder_opens_nothing(browser, settings, world):
    with session_of(settings) as session:
        add_outsider(session, username="elsewhere", role="holder_reviewer", kind="holder")
    request_ref = _review_file(settings, world)["items"][0]["request_id"]
    sign_in(browser, "elsewhere")
    assert "Nothing to review" in browser.get("/review").text
    url = f"/review/{world.reference}/{request_ref}"
    assert browser.get(url).status_code == 404
    token = page_csrf(browser.get("/review").text)
    assert browser.post(url, data={"csrf_token": token, "decision": "accept"}).status_code == 404
    browser.cookies.clear()  # the decision was refused: the holder's own reviewer still has it to decide
    sign_in(browser, "reviewer")
    assert len(_queue(browser, world.reference)) == world.review


def test_the_requester_never_sees_a_case(browser, settings, world):
    request_ref = _review_file(settings, world)["items"][0]["request_id"]
    sign_in(browser, "caseworker")
    assert browser.get(f"/review/{world.reference}/{request_ref}").status_code == 403
    assert browser.get("/review").status_code == 403
