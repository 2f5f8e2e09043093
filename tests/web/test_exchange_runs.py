"""Running a month's batch from the web page: the holder's operator uploads it, the status page follows it while
it matches, then shows the counts — or the form again with every problem against its field. The batch runs
through the same upload and service as the API."""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sharelog.errors import AccessDenied, Conflict, InputError, NotFound, Problem, ValidationFailed
from sharelog.ledger.models import Exchange
from sharelog.pprl import DEFAULT_SCHEMA, LinkageKey, encode_file, link_encodings, write_links
from sharelog.settings import Settings
from sharelog.web import create_app
from sharelog.web.pages._exchange_runs import INPUTS, RunForm, parse_run_form, run_errors

from ..exchange._encoded import ENCODED, encoded_agreements
from ..worlds import AGREEMENT, PURPOSE, SMALL, add_outsider, session_of
from .conftest import ExchangeWorld, page_csrf, sign_in

OPTION = re.compile(r"(?<![\w-])--[a-z]")  # a command-line option, as a person would read it


# --- the form's own checks and how the service's errors land, without a ledger ----------------------------------


def test_an_empty_form_names_every_input_in_the_forms_order():
    asked, errors = parse_run_form(RunForm(), has_file=False)
    assert asked is None
    assert list(errors) == [name for name in INPUTS if name != "rerun"]


@pytest.mark.parametrize(("month", "year"), [("13", "2019"), ("3", "19"), ("march", "2019"), ("", "2019")])
def test_a_month_that_is_not_a_month_is_refused_at_its_input(month, year):
    form = RunForm(AGREEMENT, PURPOSE, month, year)
    asked, errors = parse_run_form(form, has_file=True)
    assert asked is None and list(errors) == ["month-month"]


def test_the_month_boxes_make_the_services_month():
    asked, errors = parse_run_form(RunForm(AGREEMENT, PURPOSE, "3", "2019", True), has_file=True)
    assert errors == {} and asked is not None
    assert (asked.month, asked.agreement_id, asked.purpose, asked.rerun) == (
        "2019-03",
        AGREEMENT,
        PURPOSE,
        True,
    )


@pytest.mark.parametrize(
    ("error", "anchor"),
    [
        (InputError("'2019-3' is not a month in YYYY-MM form", field="month"), "month-month"),
        (InputError("not a purpose code", field="purpose"), "purpose"),
        (InputError("send the request batch as a .csv or .parquet file", field="batch"), "batch"),
        (NotFound("no agreement 'x'"), "agreement_id"),
        (AccessDenied("only the holder under agreement x runs its exchanges"), "agreement_id"),
        (Conflict("this batch was already run as exchange EX-1", cli_hint="add --rerun"), "rerun"),
    ],
)
def test_a_services_error_is_shown_against_its_input_without_the_cli_hint(error, anchor):
    errors, problems = run_errors(error, batch_name="b.csv")
    assert list(errors) == [anchor] and problems == ()
    assert not OPTION.search(errors[anchor]) and error.message[1:] in errors[anchor]


def test_a_refused_batch_lists_its_problems_and_puts_the_purpose_at_its_input():
    failure = ValidationFailed(
        [
            Problem("b.csv", "does not let the requester send this field", field="nationality"),
            Problem("the exchange", "'x' is not a purpose of y", field="purpose"),
            Problem("b.csv", "an impossible date", row=3, field="dob"),
        ]
    )
    errors, problems = run_errors(failure, batch_name="b.csv")
    assert list(errors) == ["purpose", "batch"]
    assert "2 problems" in errors["batch"] and [p.field for p in problems] == ["nationality", "dob"]


# --- on a real register ---------------------------------------------------------------------------------------


@pytest.fixture
def settings(world: ExchangeWorld) -> Settings:
    return world.settings


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="https://testserver", follow_redirects=False) as client:
        yield client


def _upload(web: TestClient, batch: Path, *, month: str, name: str | None = None, **form: str):
    year, number = month.split("-")
    token = page_csrf(web.get("/exchanges/new").text)
    data = {"agreement_id": AGREEMENT, "purpose": PURPOSE, "month-month": number, "month-year": year}
    with batch.open("rb") as handle:
        return web.post(
            "/exchanges/new",
            files={"batch": (name or f"requests-{month}.csv", handle, "text/csv")},
            data={**data, "csrf_token": token, **form},
        )


def _followed(web: TestClient, response) -> str:
    """The status page, read until the run has ended (as the page's refresh would)."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/exchanges/runs/")
    deadline = time.monotonic() + 120
    while True:
        page = web.get(location)
        assert page.status_code == 200
        if 'data-exchange-run="running"' not in page.text:
            assert 'http-equiv="refresh"' not in page.text  # the end: no more refreshing
            return page.text
        assert 'http-equiv="refresh"' in page.text and "Running the batch" in page.text
        assert time.monotonic() < deadline, "the run did not end"
        time.sleep(0.2)


def _summary_links(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">', summary)


def test_the_operator_runs_a_batch_and_sees_its_counts(web, settings, world):
    month, batch = sorted(world.batches.items())[-1]
    sign_in(web, "operator")
    form = web.get("/exchanges/new")
    assert (
        form.status_code == 200 and f'value="{AGREEMENT}"' in form.text and f'value="{PURPOSE}"' in form.text
    )
    html = _followed(web, _upload(web, batch, month=month))
    with session_of(settings) as session:
        exchange = session.execute(select(Exchange).where(Exchange.month == month)).scalar_one()
        assert exchange.submitted_by == "operator"
    assert "Batch finished" in html and exchange.reference in html
    assert f'href="/exchanges/{exchange.reference}"' in html
    with batch.open(encoding="utf-8") as handle:
        sent = sum(1 for _ in csv.DictReader(handle))
    counts = dict(
        re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*<td[^>]*>([\d,]+)</td>', html)
    )
    assert counts["Received"] == str(sent) == str(exchange.n_received)
    assert counts["Records returned"] == str(exchange.n_returned)
    assert counts["Sent to review"] == str(exchange.n_review)
    assert not any((settings.data_dir / "incoming").iterdir())  # the upload is gone


def test_a_refused_batch_comes_back_with_every_problem(web, world, tmp_path):
    month, batch = sorted(world.batches.items())[-1]
    with batch.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    refused = tmp_path / "refused.csv"
    with refused.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0], "nationality"])
        writer.writeheader()
        writer.writerows({**row, "nationality": "x"} for row in rows)
    sign_in(web, "operator")
    html = _followed(web, _upload(web, refused, month=month, name="march.csv"))
    assert html.startswith("<!DOCTYPE html>") and "<title>Error: Run a month" in html
    assert _summary_links(html) == ["batch"]
    assert "march.csv was refused whole: fix the 1 problem listed below" in html
    problems = html.split('id="problems"', 1)[1].split("</table>", 1)[0]
    assert "march.csv" in problems and "nationality" in problems and "does not let the requester" in problems
    assert re.search(rf'value="{PURPOSE}"\s+checked', html)  # the form comes back as it was filled in
    assert not OPTION.search(re.sub(r"<[^>]+>", " ", html))


def test_the_same_batch_again_is_refused_at_the_rerun_box_until_ticked(web, world):
    month, batch = sorted(world.batches.items())[-1]
    sign_in(web, "operator")
    _followed(web, _upload(web, batch, month=month))
    again = _followed(web, _upload(web, batch, month=month))
    assert _summary_links(again) == ["rerun"] and "already run as exchange" in again
    assert "--rerun" not in again
    rerun = _followed(web, _upload(web, batch, month=month, rerun="yes"))
    assert "Batch finished" in rerun and "Rerun of" in rerun


def test_the_form_lists_its_own_problems_in_order(web):
    sign_in(web, "operator")
    token = page_csrf(web.get("/exchanges/new").text)
    response = web.post("/exchanges/new", data={"csrf_token": token, "month-month": "", "month-year": ""})
    assert response.status_code == 400
    assert _summary_links(response.text) == ["agreement_id", "purpose", "month-month", "batch"]


def test_a_file_that_is_not_a_batch_is_refused_at_its_input(web, world, tmp_path):
    month, _ = sorted(world.batches.items())[-1]
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    sign_in(web, "operator")
    response = _upload(web, notes, month=month, name="notes.txt")
    assert response.status_code == 400
    assert _summary_links(response.text) == ["batch"] and ".csv or .parquet" in response.text


def test_a_run_is_seen_only_by_the_account_that_started_it(settings, world):
    month, batch = sorted(world.batches.items())[-1]
    with session_of(settings) as session:
        add_outsider(session, username="other-operator", role="holder_operator", kind="holder")
    app = create_app(settings)
    with (
        TestClient(app, base_url="https://testserver", follow_redirects=False) as mine,
        TestClient(app, base_url="https://testserver", follow_redirects=False) as theirs,
    ):
        sign_in(mine, "operator")
        sign_in(theirs, "other-operator")
        started = _upload(mine, batch, month=month)
        location = started.headers["location"]
        assert theirs.get(location).status_code == 404
        _followed(mine, started)
        assert theirs.get(location).status_code == 404
        # the other organisation holds no agreement: its operator's form says so, and the service refuses it
        assert "holds no agreement" in theirs.get("/exchanges/new").text
        refused = _followed(theirs, _upload(theirs, batch, month=month))
        assert _summary_links(refused) == ["agreement_id"] and "Only the holder under agreement" in refused


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "streamed"])
def test_a_body_larger_than_any_batch_is_refused_unread(web, monkeypatch, declared):
    monkeypatch.setattr("sharelog.web._uploads.BatchBodyLimitRoute.max_body_bytes", 10_000)
    sign_in(web, "operator")
    token = page_csrf(web.get("/exchanges/new").text)
    body = b"x" * 20_000
    headers = {"x-csrf-token": token, "content-type": "multipart/form-data; boundary=b"}
    content = body if declared else iter([body[:8000], body[8000:]])
    for path in ("/exchanges/new", "/api/v1/exchanges"):
        response = web.post(path, headers=headers, content=content)
        assert response.status_code == 413, (path, response.status_code)
        content = body if declared else iter([body[:8000], body[8000:]])


def test_an_unexpected_failure_says_something_went_wrong_and_quotes_nothing(
    as_role, web_settings, monkeypatch, tmp_path, caplog
):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("row 3: Haddad, 2011-04-02")  # as an unexpected error's text might quote a batch

    monkeypatch.setattr("sharelog.web._exchange_runs.run_exchange", broken)
    batch = tmp_path / "batch.csv"
    batch.write_text("request_id,forename\nR1,Haddad\n", encoding="utf-8")
    client = as_role("holder_operator")
    html = _followed(client, _upload(client, batch, month="2019-03"))
    assert _summary_links(html) == ["batch"] and "Something went wrong while running the batch" in html
    assert "Haddad" not in html and "Haddad" not in caplog.text
    assert not any((web_settings.data_dir / "incoming").iterdir())  # the upload is gone all the same


def test_under_encoded_matching_the_operator_uploads_the_linkage_units_answer(worlds, world, tmp_path):
    settings = world.settings.model_copy(
        update={"agreements_dir": encoded_agreements(tmp_path / "agreements")}
    )
    month, batch = sorted(world.batches.items())[-1]
    key = LinkageKey(bytes(range(1, 33)))  # the requester's and the holder's; the linkage unit never has it
    register = encode_file(worlds.register(SMALL).register, kind="register", schema=DEFAULT_SCHEMA, key=key)
    requests = encode_file(batch, kind="requests", schema=DEFAULT_SCHEMA, key=key)
    outcome = link_encodings(requests, register)
    links = write_links(outcome, tmp_path / "links.csv")
    with TestClient(create_app(settings), base_url="https://testserver", follow_redirects=False) as client:
        sign_in(client, "operator")
        form = client.get("/exchanges/new").text
        assert f'value="{ENCODED}"' in form and "the linkage unit" in form
        html = _followed(client, _upload(client, links, month=month, name="links.csv", agreement_id=ENCODED))
        assert "Batch finished" in html, html
        with session_of(settings) as session:
            exchange = session.execute(select(Exchange).where(Exchange.month == month)).scalar_one()
        matched = sum(1 for row in outcome.rows if row.decision == "match")
        assert exchange.n_received == len(outcome.rows) and exchange.n_returned == matched > 0
        # a batch of identities under the same agreement is refused at its input, and nothing is matched
        refused = _followed(client, _upload(client, batch, month=month, agreement_id=ENCODED, rerun="yes"))
        assert _summary_links(refused) == ["batch"], refused
        assert "a batch of identities, not the linkage unit&#39;s answer" in refused
    with session_of(settings) as session:
        runs = session.execute(
            select(Exchange).where(Exchange.month == month).order_by(Exchange.id)
        ).scalars()
        assert [(e.state, e.n_returned) for e in runs] == [("returned", matched), ("rejected", 0)]
