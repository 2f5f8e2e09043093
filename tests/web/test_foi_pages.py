"""The FOI pages: the list with its tags in words, opening a case (with per-field errors), the case's timeline and
clock, responding with the published report through the form (CSRF and all) and downloading the letter, the
actions that move the clock, and who may see and do what."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import docx
import openpyxl
import pytest
from fastapi.testclient import TestClient

from sharelog.foi import EXEMPTIONS

from ..worlds import CONTACT, DFE_REFERENCE, REQUESTER, SEED_DUE
from .conftest import page_csrf

CASE = f"/foi/{DFE_REFERENCE}"


def _text(page: str) -> str:
    """The page's text, tags dropped and whitespace squeezed, for assertions about what a person reads."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _date(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def _open_case(client: TestClient, **fields: str) -> str:
    """Open a case through the form; the path of its page."""
    token = page_csrf(client.get("/foi/new").text)
    data = {
        "title": "Outcomes of shared pupil data",
        "text": "Please send the monthly outcomes.",
        "csrf_token": token,
    }
    data |= _date("received", date.today())
    data |= fields
    response = client.post("/foi", data=data)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_the_list_tags_an_overdue_case_in_words(as_role):
    client = as_role("foi_officer")
    page = client.get("/foi")
    assert page.status_code == 200
    text = _text(page.text)
    assert DFE_REFERENCE in text and "Long overdue" in text  # received in 2020, never answered
    assert "12 August 2020" in text and "10 September 2020" in text  # received, and due 20 working days later
    assert "FOIA" in text
    # opened today, received 45 days ago: past the 20th working day, short of the 40th
    long_ago = date.today() - timedelta(days=45)
    case_path = _open_case(client, **_date("received", long_ago), title="A request left too long")
    row = _row_of(client.get("/foi").text, "A request left too long")
    assert "Overdue" in row and "Long overdue" not in row
    assert 'class="govuk-tag govuk-tag--red"' in row  # red, and the word says why
    # a case opened today is due in about four weeks: no tag that says it is late
    _open_case(client, title="A fresh request")
    assert "Overdue" not in _row_of(client.get("/foi").text, "A fresh request")
    assert client.get(case_path).status_code == 200


def _row_of(page: str, title: str) -> str:
    rows = [
        row
        for row in re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", page, flags=re.S)
        if title in row
    ]
    assert len(rows) == 1, f"one row for {title!r}"
    return _text(rows[0]) + rows[0]


def test_the_list_filters_open_and_all_and_says_when_empty(as_role):
    client = as_role("foi_officer")
    token = page_csrf(client.get(f"{CASE}/actions/withdraw").text)
    withdrawn = client.post(
        f"{CASE}/actions/withdraw", data={"csrf_token": token} | _date("on", date.today())
    )
    assert withdrawn.status_code == 303
    open_page = _text(client.get("/foi").text)
    assert DFE_REFERENCE not in open_page
    assert "No FOI case is open" in open_page and "Show all cases" in open_page
    all_page = client.get("/foi?show=all").text
    row = _row_of(all_page, DFE_REFERENCE)
    assert "Closed" in row and "Withdrawn" in row
    assert client.get("/foi?show=nonsense").status_code == 422


def test_opening_a_case_lists_every_problem_next_to_its_field(as_role):
    client = as_role("foi_officer")
    token = page_csrf(client.get("/foi/new").text)
    empty = client.post("/foi", data={"csrf_token": token})
    assert empty.status_code == 422
    assert "There is a problem" in empty.text
    assert 'href="#received-day"' in empty.text and "Enter the date the request was received" in empty.text
    bad_date = client.post(
        "/foi",
        data={"csrf_token": token, "title": "T", "text": "R"}
        | _date("received", date.today())
        | {"received-month": "13"},
    )
    assert bad_date.status_code == 422 and "must be a real date" in bad_date.text
    # the service's own checks, each placed next to its field, the values kept
    problems = client.post(
        "/foi",
        data={
            "csrf_token": token,
            "title": "",
            "text": "",
            "about": "2019-01..2019-13",
            "contact": "kept@example.org",
        }
        | _date("received", date.today()),
    )
    assert problems.status_code in (400, 422)
    assert 'href="#about"' in problems.text
    problems = client.post(
        "/foi",
        data={"csrf_token": token, "title": "", "text": "", "contact": "kept@example.org"}
        | _date("received", date.today()),
    )
    assert problems.status_code == 422
    for field in ("title", "text"):
        assert f'href="#{field}"' in problems.text
    assert "Title is empty" in problems.text and "The request is empty" in problems.text
    assert 'value="kept@example.org"' in problems.text
    future = client.post(
        "/foi",
        data={"csrf_token": token, "title": "T", "text": "R"}
        | _date("received", date.today() + timedelta(days=3)),
    )
    assert future.status_code == 422 and 'href="#received-day"' in future.text
    taken = client.post(
        "/foi",
        data={"csrf_token": token, "title": "T", "text": "R", "reference": DFE_REFERENCE}
        | _date("received", date.today()),
    )
    assert taken.status_code == 409 and 'href="#reference"' in taken.text


def test_a_new_case_page_shows_its_clock_and_why_the_date(as_role):
    client = as_role("foi_officer")
    path = _open_case(
        client,
        **_date("received", date(2020, 8, 12)),
        reference="59907",
        requester="A. Requester",
        about="2019-01..2019-03",
    )
    assert path == "/foi/59907"
    page = client.get(path)
    text = _text(page.text)
    assert "Case 59907 opened: response due 10 September 2020" in text  # the one-off banner
    assert "10 September 2020" in text and "Request received" in text
    assert "Why the response is due on 10 September 2020" in text
    assert "Monday 31 August 2020" not in text and "Mon 31 August 2020" in text  # the August bank holiday
    assert "A. Requester" in text
    assert "Case 59907 opened" not in _text(client.get(path).text)  # shown once


def test_respond_with_the_report_through_the_form_and_download_the_letter(as_role):
    client = as_role("foi_officer")
    form = client.get(f"{CASE}/respond")
    assert form.status_code == 200
    assert 'value="2019-01..2019-03"' in form.text  # the months the request asks about, offered
    assert 'name="exemption"' not in form.text  # no outcome chosen yet: no exemption fits it yet
    token = page_csrf(form.text)
    data = {"csrf_token": token, "outcome": "partially_successful", "report_months": "2019-01..2019-03"}
    no_token = client.post(
        f"{CASE}/respond", data=data | _date("responded", date.today()) | {"csrf_token": "forged"}
    )
    assert no_token.status_code == 403
    sent = client.post(f"{CASE}/respond", data=data | _date("responded", date.today()))
    assert sent.status_code == 303 and sent.headers["location"] == CASE
    page = client.get(CASE).text
    text = _text(page)
    assert "answered: partially successful" in text
    assert "Partially successful" in text and "Closed" in text
    assert "Response sent: Partially successful" in text
    links = re.findall(r'href="(/foi/[^"]+/files/[^"]+)"', page)
    assert len(links) == 3  # the letter in Word and in text, and the workbook
    letter = next(link for link in links if link.endswith(".docx"))
    download = client.get(letter)
    assert download.status_code == 200
    assert "wordprocessingml" in download.headers["content-type"]
    assert "attachment" in download.headers["content-disposition"]
    words = "\n".join(p.text for p in docx.Document(io.BytesIO(download.content)).paragraphs)
    assert DFE_REFERENCE in words
    assert REQUESTER not in words and CONTACT not in words
    workbook = client.get(next(link for link in links if link.endswith(".xlsx")))
    assert workbook.status_code == 200
    assert "Monthly" in openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames
    # answered: it has left the open list, and the next step is an internal review
    assert DFE_REFERENCE not in _text(client.get("/foi").text)
    assert "Record a request for internal review" in text and f'href="{CASE}/respond"' not in page


def _exemptions_shown(page: str) -> list[str]:
    return re.findall(r'name="exemption" type="checkbox" value="([^"]+)"', page)


@pytest.mark.parametrize(
    ("outcome", "shown"),
    [
        ("rejected", [e.citation for e in EXEMPTIONS.values()]),
        ("partially_successful", [e.citation for e in EXEMPTIONS.values()]),
        ("ncnd", [e.citation for e in EXEMPTIONS.values() if e.ncnd is not None]),
        ("successful", []),
        ("not_held", []),
        ("s12_cost", []),
        ("s14", []),
    ],
)
def test_the_form_lists_only_the_exemptions_that_fit_the_outcome_chosen(as_role, outcome, shown):
    """Without JavaScript too: "Show the exemptions for this outcome" sends the form back with the outcome chosen
    and the other answers kept, records nothing, and lists what fits — absolute ones, then qualified ones."""
    client = as_role("foi_officer")
    form = client.get(f"{CASE}/respond").text
    assert 'value="exemptions" name="show"' in form
    page = client.post(
        f"{CASE}/respond",
        data={"csrf_token": page_csrf(form), "outcome": outcome, "note": "kept", "show": "exemptions"},
    )
    assert page.status_code == 200 and "govuk-error-summary" not in page.text
    assert 'value="kept"' in page.text or ">kept</textarea>" in page.text
    absolute = [c for c in shown if EXEMPTIONS[c].absolute]
    assert _exemptions_shown(page.text) == absolute + [c for c in shown if c not in absolute]
    if not shown:
        assert "cites no exemption" in page.text
    assert "Awaiting response" in _text(client.get(CASE).text) or "overdue" in _text(client.get(CASE).text)


def test_an_exemption_that_does_not_fit_the_outcome_is_refused(as_role):
    client = as_role("foi_officer")
    token = page_csrf(client.get(f"{CASE}/respond").text)
    on = _date("responded", date.today())
    # s.21 (accessible by other means) has no provision to neither confirm nor deny
    ncnd = client.post(
        f"{CASE}/respond", data={"csrf_token": token, "outcome": "ncnd", "exemption": ["21"]} | on
    )
    assert ncnd.status_code == 422 and "s.21 has no provision to neither confirm nor deny" in ncnd.text
    assert 'href="#exemption"' in ncnd.text and 'id="exemption"' in ncnd.text
    successful = client.post(
        f"{CASE}/respond", data={"csrf_token": token, "outcome": "successful", "exemption": ["40(2)"]} | on
    )
    assert successful.status_code == 422 and "cites no exemption" in successful.text
    assert 'href="#exemption"' in successful.text and 'id="exemption"' in successful.text


def test_a_response_that_does_not_fit_is_refused_field_by_field(as_role):
    client = as_role("foi_officer")
    token = page_csrf(client.get(f"{CASE}/respond").text)
    on = _date("responded", date.today())
    nothing = client.post(f"{CASE}/respond", data={"csrf_token": token} | on)
    assert nothing.status_code == 422 and 'href="#outcome"' in nothing.text
    partial = client.post(
        f"{CASE}/respond", data={"csrf_token": token, "outcome": "partially_successful"} | on
    )
    assert partial.status_code == 422
    assert 'href="#exemption"' in partial.text and "must cite the exemptions" in partial.text
    qualified = client.post(
        f"{CASE}/respond", data={"csrf_token": token, "outcome": "rejected", "exemption": ["31(1)(e)"]} | on
    )
    assert qualified.status_code == 422 and 'href="#public_interest"' in qualified.text
    assert 'value="31(1)(e)" checked' in qualified.text  # the ticked box stays ticked
    not_held = client.post(f"{CASE}/respond", data={"csrf_token": token, "outcome": "not_held"} | on)
    assert not_held.status_code == 409 and "the information is held" in not_held.text
    hours = client.post(
        f"{CASE}/respond", data={"csrf_token": token, "outcome": "s12_cost", "hours": "lots"} | on
    )
    assert hours.status_code == 422 and 'href="#hours"' in hours.text
    assert "Awaiting response" in _text(client.get(CASE).text) or "Long overdue" in _text(
        client.get(CASE).text
    )


def test_the_actions_move_the_clock(as_role):
    client = as_role("foi_officer")
    today = date.today()

    def act(action: str, **fields: object) -> str:
        token = page_csrf(client.get(f"{CASE}/actions/{action}").text)
        response = client.post(
            f"{CASE}/actions/{action}", data={"csrf_token": token} | _date("on", today) | fields
        )
        assert response.status_code == 303, response.text
        return _text(client.get(CASE).text)

    text = act("seek-clarification")
    assert "Waiting for clarification" in text and "No deadline runs until the requester clarifies" in text
    assert "Clarification sought" in text
    text = act("clarification-received")
    assert "restarted by the clarification" in text
    text = act("fees-notice", amount="35")
    assert "Clock paused: fee unpaid" in text and "£35.00 asked for" in text
    text = act("fee-paid")
    assert "Fee paid" in text
    text = act("extend", days="5", exemption=["31(1)(e)"])
    assert "Deadline extended by 5 working days" in text and "s.31(1)(e)" in text
    text = act("withdraw")
    assert "Request withdrawn" in text and "Closed" in text
    assert "What you can do next" not in text  # a withdrawn case is final


def test_an_action_that_does_not_fit_says_why_next_to_its_field(as_role):
    client = as_role("foi_officer")
    token = page_csrf(client.get(f"{CASE}/actions/extend").text)
    no_date = client.post(f"{CASE}/actions/extend", data={"csrf_token": token, "days": "5"})
    assert no_date.status_code == 422 and 'href="#on-day"' in no_date.text
    absolute = client.post(
        f"{CASE}/actions/extend",
        data={"csrf_token": token, "days": "5", "exemption": ["41"]} | _date("on", date.today()),
    )
    assert absolute.status_code in (400, 422, 409) and "There is a problem" in absolute.text
    late = client.post(
        f"{CASE}/actions/extend",
        data={"csrf_token": token, "days": "5", "exemption": ["31(1)(e)"]} | _date("on", date.today()),
    )
    assert (
        late.status_code == 409 and "by the 20th working day" in late.text
    )  # notified long after 10 Sep 2020
    before = client.post(
        f"{CASE}/actions/seek-clarification", data={"csrf_token": token} | _date("on", date(2019, 1, 1))
    )
    assert before.status_code == 400 and 'href="#on-day"' in before.text and "before case" in before.text
    fee = client.post(f"{CASE}/actions/fee-paid", data={"csrf_token": token} | _date("on", date.today()))
    assert fee.status_code == 409 and "no fees notice" in fee.text
    assert client.get(f"{CASE}/actions/no-such-thing").status_code == 404
    assert client.get(f"{CASE}/actions/fee-paid").status_code == 200  # not offered, but says why
    assert "cannot be recorded on it now" in client.get(f"{CASE}/actions/clarification-received").text


def test_the_auditor_reads_cases_but_cannot_change_them_nor_see_the_requester(as_role):
    client = as_role("auditor")
    assert client.get("/foi").status_code == 200
    page = client.get(CASE)
    assert page.status_code == 200
    text = _text(page.text)
    assert REQUESTER not in text and CONTACT not in text
    assert "Shown to FOI officers only" in text
    assert "What you can do next" not in text and "Open a case" not in _text(client.get("/foi").text)
    token = page_csrf(page.text)
    assert client.get(f"{CASE}/respond").status_code == 403
    assert (
        client.post(f"{CASE}/respond", data={"csrf_token": token, "outcome": "successful"}).status_code == 403
    )
    assert client.post(f"{CASE}/actions/withdraw", data={"csrf_token": token}).status_code == 403
    assert client.post("/foi", data={"csrf_token": token, "title": "x"}).status_code == 403


def test_the_foi_officer_sees_the_requester(as_role):
    text = _text(as_role("foi_officer").get(CASE).text)
    assert REQUESTER in text and CONTACT in text
    assert SEED_DUE.strftime("%-d %B %Y") in text


@pytest.mark.parametrize("role", ["holder_operator", "holder_reviewer", "requester_caseworker"])
def test_other_roles_do_not_see_foi_cases(as_role, role):
    client = as_role(role)
    assert client.get("/foi").status_code == 403
    assert client.get(CASE).status_code == 403
    assert "/foi" not in re.findall(r'href="(/[^"]*)"', client.get("/dashboard").text)


def test_unknown_cases_and_files_are_not_found(as_role):
    client = as_role("foi_officer")
    assert client.get("/foi/FOI-1999-9999").status_code == 404
    assert client.get("/foi/FOI-1999-9999/respond").status_code == 404
    assert client.get(f"{CASE}/files/letter.docx").status_code == 404
    assert client.get(f"{CASE}/files/..%2F..%2Fledger.db").status_code == 404
    assert client.get("/foi/FOI-1999-9999/actions/withdraw").status_code == 404


def test_no_foi_page_fails_on_an_empty_request(as_role):
    client = as_role("foi_officer")
    token = page_csrf(client.get("/foi").text)
    for method, path in [
        ("GET", "/foi"),
        ("GET", "/foi/new"),
        ("POST", "/foi"),
        ("GET", CASE),
        ("GET", f"{CASE}/respond"),
        ("POST", f"{CASE}/respond"),
        ("GET", f"{CASE}/files/x"),
        *[("POST", f"{CASE}/actions/{action}") for action in ("extend", "fees-notice", "request-review")],
    ]:
        headers = {"x-csrf-token": token} if method == "POST" else {}
        response = client.request(method, path, headers=headers)
        assert response.status_code < 500, f"{method} {path}: {response.status_code}"
