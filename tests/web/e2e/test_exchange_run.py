"""The holder's operator runs a month's batch from the web: uploads it, follows it while it matches, reads the
result and opens the exchange; a batch the agreement refuses comes back with the GOV.UK error summary. With and
without JavaScript (the status page refreshes itself either way)."""

from __future__ import annotations

import csv
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from sharelog.accounts import SignInThrottle
from sharelog.web import create_app

from ...worlds import REVIEW_MONTH, SMALL, TEST_KEY, WorldFactory
from ..conftest import EXCHANGE_LEDGER
from ._browse import sign_in
from .conftest import LiveServer, Shot, _serve

pytestmark = pytest.mark.browser

RUN_SECONDS = 120_000  # milliseconds Playwright waits for the batch to be matched


@pytest.fixture
def live_server(worlds: WorldFactory, tmp_path: Path) -> Iterator[LiveServer]:
    """The app on a copy of the exchange ledger: a prepared register and model, so a batch can really run."""
    settings = worlds.copy(
        EXCHANGE_LEDGER, tmp_path, holder_key=TEST_KEY, web_secret_key="e2e-secret-" + "x" * 40
    ).settings
    app = create_app(
        settings, throttle=SignInThrottle(per_account="5/15minutes", per_address="100/15minutes")
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = _serve(server, sock)
    try:
        yield LiveServer(url=f"http://localhost:{sock.getsockname()[1]}", settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def batch(worlds: WorldFactory) -> tuple[str, Path]:
    """A month's batch of the small register not yet run in the exchange ledger."""
    batches = worlds.register(SMALL).batches
    return sorted((month, path) for month, path in batches.items() if month != REVIEW_MONTH)[-1]


def _fill_form(page: Page, month: str, path: Path) -> None:
    page.get_by_label("Agreement").select_option(value="ho-dfe-2019-update")
    page.get_by_role("group", name="Purpose").get_by_role("radio").first.check()
    when = page.get_by_role("group", name="Month the batch counts towards")
    when.get_by_label("Month").fill(str(int(month[5:])))
    when.get_by_label("Year").fill(month[:4])
    page.get_by_label("Request batch").set_input_files(path)


def _run(page: Page, shot: Shot, month: str, path: Path) -> None:
    sign_in(page, "operator", next_path="/exchanges")
    page.get_by_role("button", name="Run a month's batch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Run a month's batch")
    _fill_form(page, month, path)
    shot("form-filled")
    page.get_by_role("button", name="Run the batch").click()
    expect(page).to_have_url(re.compile(r"/exchanges/runs/"))
    if page.get_by_role("heading", name="Running the batch").is_visible():
        expect(page.get_by_role("status")).to_contain_text("In progress")
        shot("running")
    expect(page.get_by_role("heading", name="Batch finished")).to_be_visible(timeout=RUN_SECONDS)


@pytest.mark.parametrize("page", [True, False], indirect=True, ids=["javascript", "without-javascript"])
def test_the_operator_runs_a_months_batch_and_opens_the_exchange(
    page: Page, shot: Shot, batch: tuple[str, Path]
) -> None:
    month, path = batch
    _run(page, shot, month, path)
    with path.open(encoding="utf-8") as handle:
        sent = sum(1 for _ in csv.DictReader(handle))
    counts = page.locator("#table-run-counts")
    expect(counts.get_by_role("row", name=re.compile("^Received"))).to_contain_text(str(sent))
    shot("finished")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    page.get_by_role("link", name=f"Open exchange {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    expect(page.locator("#table-counts").get_by_role("row", name=re.compile("^Received"))).to_contain_text(
        str(sent)
    )
    shot("exchange")


def test_a_refused_batch_comes_back_with_an_error_summary(
    page: Page, shot: Shot, batch: tuple[str, Path], tmp_path: Path
) -> None:
    month, path = batch
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    refused = tmp_path / "march-with-nationality.csv"
    with refused.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0], "nationality"])
        writer.writeheader()
        writer.writerows({**row, "nationality": "x"} for row in rows)
    sign_in(page, "operator", next_path="/exchanges/new")
    page.get_by_role("button", name="Run the batch").click()  # nothing filled in: the form's own checks
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Select the agreement the batch was sent under",
            "Select the purpose the batch was sent for",
            "Select the request batch file, a .csv or .parquet file",
        ]
    )
    shot("empty-form")
    _fill_form(page, month, refused)
    page.get_by_role("button", name="Run the batch").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible(timeout=RUN_SECONDS)
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    link = page.locator(".govuk-error-summary").get_by_role("link")
    expect(link).to_have_text(re.compile(r"^march-with-nationality\.csv was refused whole"))
    problems = page.locator("#problems")
    expect(problems).to_contain_text("nationality")
    assert not re.search(r"(?<![\w-])--[a-z]", page.locator("main").inner_text())
    shot("refused")
    link.click()
    expect(page.get_by_label("Request batch")).to_be_focused()
