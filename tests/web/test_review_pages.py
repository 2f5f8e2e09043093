"""The review band in the browser: the holder's reviewer compares a request with its candidate and decides; the
operator sees the queue only; nobody outside the holder opens a case. Runs on a real exchange."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import Disclosure, Exchange, ReviewItem
from sharelog.settings import Settings
from sharelog.web import create_app
from sharelog.web._durations import time_since

from ..worlds import add_outsider, session_of
from .conftest import ExchangeWorld, page_csrf, sign_in, table_cells
from .review_files import make_forename_and_date_of_birth_differ

TWINS = (
    "HO-2019-01-90001"  # "C. Okonkwo": the twins Chidi and Chinedu fit it equally (tests/worlds/_register.py)
)


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
    """The queue's rows of one exchange (its own table; an earlier month of the world may have its own band)."""
    html = browser.get("/review").text
    if f'id="table-review-{reference}"' not in html:
        return []
    return table_cells(html, f"table-review-{reference}")[1:]


def test_the_queue_lists_the_undecided_requests_without_personal_data(browser, settings, world):
    sign_in(browser, "reviewer")
    html = browser.get("/review").text
    rows = _queue(browser, world.reference)
    assert len(rows) == world.review
    items = _review_file(settings, world)["items"]
    assert [row[0].removesuffix(": compare and decide") for row in rows] == [i["request_id"] for i in items]
    assert all(row[1] == "less than an hour" for row in rows)  # the exchange was run just now
    assert all(row[2].endswith("%") for row in rows)
    assert f'<h2 class="govuk-heading-m" id="exchange-{world.reference}">' in html
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
    assert rows["Surname"][2].split()[0]  # the candidate's surname, from the prepared register
    assert ("Same" in rows["Surname"][2]) != ("Differs" in rows["Surname"][2])
    assert f"(pupil {item['pupil_id']})" in html
    explanation = html.split('id="match-explanation"', 1)[1].split("</dl>", 1)[0]
    assert "Match probability" in explanation and "Why it is in review" in explanation
    assert f"{100 * item['match_probability']:.1f}%" in html
    assert item["reason"][1:] in html
    assert 'name="decision"' in html and 'name="csrf_token"' in html


def test_the_twins_case_shows_both_candidates_each_fields_evidence_and_why(browser, settings, world):
    """The runner-up too close: the twins side by side with the request, each field's level and weight as the
    review file keeps them, the reason in words — and no value of a field the agreement does not match on."""
    item = next(i for i in _review_file(settings, world)["items"] if i["request_id"] == TWINS)
    sign_in(browser, "reviewer")
    html = browser.get(f"/review/{world.reference}/{TWINS}").text
    header, *body = table_cells(html, "table-comparison")
    assert header[2:] == [
        f"Best candidate (pupil {item['pupil_id']})",
        f"Runner-up (pupil {item['runner_up_id']})",
    ]
    rows = {row[0]: row for row in body}
    twins = {"T-CHIDI": "Chidi", "T-CHINEDU": "Chinedu"}
    assert rows["Forename"][1] == "C"
    assert rows["Forename"][2].startswith(twins[item["pupil_id"]] + "Differs")
    assert rows["Forename"][3].startswith(twins[item["runner_up_id"]] + "Differs")
    labels = {"middle_name": "Middle names", "dob": "Date of birth"}
    for evidence in item["evidence"]:
        row = rows[labels.get(evidence["comparison"], evidence["comparison"].capitalize())]
        for level, weight, cell in [
            (evidence["best_level"], evidence["best_weight"], row[2]),
            (evidence["runner_up_level"], evidence["runner_up_weight"], row[3]),
        ]:
            assert f"{weight:+.1f} bits" in cell
            if " or " not in level and level != "All other comparisons":
                assert f"{level}: {weight:+.1f} bits" in cell
    # the request gives no middle name: where the weight cannot tell "missing" from a level of no evidence, the
    # values shown settle it
    assert rows["Middle names"][1] == "Not given"
    assert rows["Middle names"][2].endswith("Missingmissing on one side: +0.0 bits")
    forename = next(e for e in item["evidence"] if e["comparison"] == "forename")
    assert (
        forename["best_level"] == "All other comparisons"
    )  # "C" against Chidi: Splink's last level, in words
    assert rows["Forename"][2].endswith(f"forename: different: {forename['best_weight']:+.1f} bits")
    assert rows["Date of birth"][2].startswith("2012-06-15Same")
    # sex is compared but the 2019 agreement does not match on it: its level is shown, never its value
    assert rows["Sex"][1] == "Not shown: the agreement does not match on it"
    assert rows["Sex"][2].startswith("Not shown") and " M " not in f" {rows['Sex'][2]} "
    reason = html.split('id="review-reason">', 1)[1].split("</p>", 1)[0]
    assert "runner-up" in reason and f"{item['gap_bits']:.1f} bits" in reason
    assert 'id="differs-warning"' not in html  # the twins' dates of birth agree


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
    assert _queue(browser, world.reference)[0][0].startswith(request_ref)  # nothing was decided


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


def test_accepting_a_candidate_whose_forename_and_date_of_birth_differ_asks_again(browser, settings, world):
    request_ref = _review_file(settings, world)["items"][0]["request_id"]
    make_forename_and_date_of_birth_differ(settings, world.reference, request_ref)
    sign_in(browser, "reviewer")
    url = f"/review/{world.reference}/{request_ref}"
    html = browser.get(url).text
    assert 'id="differs-warning"' in html
    token = page_csrf(html)
    asked = browser.post(
        url, data={"csrf_token": token, "decision": "accept", "note": "checked", "then": "next"}
    )
    assert (
        asked.status_code == 200
        and "Accept a candidate whose forename and date of birth both differ?" in asked.text
    )
    differences = {row[0]: row for row in table_cells(asked.text, "table-differences")[1:]}
    assert set(differences) == {"Forename", "Date of birth"}
    assert differences["Forename"][1] == "Zebedee" and "Differs" in differences["Forename"][2]
    for hidden in ('name="step" value="confirm"', 'name="note" value="checked"', 'name="then" value="next"'):
        assert hidden in asked.text
    assert len(_queue(browser, world.reference)) == world.review  # nothing decided yet
    step = {"csrf_token": token, "decision": "accept", "step": "confirm", "note": "checked", "then": "next"}
    unanswered = browser.post(url, data=step)
    assert unanswered.status_code == 400
    assert (
        '<a href="#confirmed">Select yes if the candidate is the person in the request</a>' in unanswered.text
    )
    back = browser.post(url, data=step | {"confirmed": "no"})
    assert back.status_code == 303 and back.headers["location"] == url
    assert len(_queue(browser, world.reference)) == world.review
    accepted = browser.post(url, data=step | {"confirmed": "yes"})
    assert accepted.status_code == 303
    with session_of(settings) as session:
        item = session.execute(select(ReviewItem).where(ReviewItem.request_ref == request_ref)).scalar_one()
        assert (item.decision, item.note) == ("accepted", "checked")


def test_rejecting_such_a_candidate_needs_no_second_step(browser, settings, world):
    request_ref = _review_file(settings, world)["items"][0]["request_id"]
    make_forename_and_date_of_birth_differ(settings, world.reference, request_ref)
    sign_in(browser, "reviewer")
    url = f"/review/{world.reference}/{request_ref}"
    token = page_csrf(browser.get(url).text)
    assert browser.post(url, data={"csrf_token": token, "decision": "reject"}).status_code == 303


def test_save_and_go_to_the_next_case(browser, settings, world):
    first, second, *_ = (item["request_id"] for item in _review_file(settings, world)["items"])
    sign_in(browser, "reviewer")
    url = f"/review/{world.reference}/{first}"
    token = page_csrf(browser.get(url).text)
    saved = browser.post(url, data={"csrf_token": token, "decision": "reject", "then": "next"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/review/{world.reference}/{second}"
    html = browser.get(saved.headers["location"]).text
    assert f"{world.reference} / {first}: match rejected." in html and f"Request {second}" in html
    assert 'id="decision-banner"' not in browser.get("/review").text  # shown once, on the next case


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (59, "less than an hour"),
        (3600, "1 hour"),
        (5 * 3600 + 59, "5 hours"),
        (86400, "1 day"),
        (13 * 86400, "13 days"),
        (61 * 86400, "2 months"),  # 7 October to 7 December
        (729 * 86400, "1 year 11 months"),
        (2798 * 86400, "7 years 7 months"),
    ],
)
def test_waiting_times_are_in_words(seconds, words):
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    assert time_since(now - timedelta(seconds=seconds), now) == words
    naive = (now - timedelta(seconds=seconds)).replace(tzinfo=None)  # as SQLite gives it back: UTC
    assert time_since(naive, now) == words
