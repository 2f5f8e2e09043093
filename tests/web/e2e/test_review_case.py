"""A holder's reviewer works through the review queue: the queue by exchange with each case's wait, the twins'
case with both candidates side by side and each field's evidence, "save and go to the next case", and the second
confirmation before accepting a candidate whose forename and date of birth both differ."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from sharelog.accounts import SignInThrottle
from sharelog.web import create_app

from ..conftest import ExchangeWorld
from ..review_files import make_forename_and_date_of_birth_differ
from ._browse import check_accessible, sign_in
from .conftest import LiveServer, Shot, _serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TWINS = (
    "HO-2019-01-90001"  # "C. Okonkwo": the twins Chidi and Chinedu fit it equally (tests/worlds/_register.py)
)


@pytest.fixture
def live_server(world: ExchangeWorld) -> Iterator[LiveServer]:
    """The app on this test's copy of a real exchange awaiting review (not the e2e ledger, which has none)."""
    app = create_app(
        world.settings, throttle=SignInThrottle(per_account="5/15minutes", per_address="100/15minutes")
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = _serve(server, sock)
    try:
        yield LiveServer(url=f"http://localhost:{sock.getsockname()[1]}", settings=world.settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _cell(page: Page, row: str, column: int):
    """The cell of the comparison table in the row headed ``row``, ``column`` counted after the header cell."""
    return (
        page.locator("#table-comparison")
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=row, exact=True))
        .get_by_role("cell")
        .nth(column)
    )


def test_a_reviewer_compares_the_twins_and_confirms_a_doubtful_acceptance(
    page: Page, shot: Shot, world: ExchangeWorld
) -> None:
    queue = page.get_by_role("table", name=re.compile(r"requests? to decide"))
    sign_in(page, "reviewer", next_path="/review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.get_by_role("heading", level=2, name=f"Exchange {world.reference}")).to_be_visible()
    expect(queue).to_have_count(1)
    expect(queue.get_by_role("row")).to_have_count(world.review + 1)
    expect(queue.get_by_role("cell", name="less than an hour")).to_have_count(world.review)
    first = queue.get_by_role("rowheader").first.inner_text().removesuffix(": compare and decide").strip()
    make_forename_and_date_of_birth_differ(world.settings, world.reference, first)
    shot("queue")
    check_accessible(page)

    queue.get_by_role("link", name=TWINS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Request {TWINS}")
    expect(page.locator("#review-reason")).to_contain_text("fits the request almost as well")
    headers = page.locator("#table-comparison thead th")
    expect(headers).to_have_count(4)
    expect(headers.nth(2)).to_contain_text("Best candidate (pupil T-CHI")
    expect(headers.nth(3)).to_contain_text("Runner-up (pupil T-CHI")
    expect(_cell(page, "Forename", 0)).to_have_text("C")
    for column in (1, 2):  # Chidi and Chinedu, each with the level the matcher gave and its weight
        expect(_cell(page, "Forename", column)).to_contain_text(re.compile(r"Chi(di|nedu)\s*Differs"))
        expect(_cell(page, "Date of birth", column)).to_contain_text("date of birth: exact")
        expect(_cell(page, "Date of birth", column)).to_contain_text(re.compile(r"\+\d+\.\d bits"))
    expect(_cell(page, "Sex", 0)).to_have_text("Not shown: the agreement does not match on it")
    shot("twins-side-by-side")
    check_accessible(page)

    page.get_by_label("Reject: not the person, or not sure enough — nothing is returned").check()
    page.get_by_label("Note (optional)").fill("twins: cannot tell which")
    page.get_by_role("button", name="Save and go to the next case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Request {first}")
    expect(page.locator("#decision-banner")).to_contain_text(f"{world.reference} / {TWINS}: match rejected.")
    expect(page.locator("#differs-warning")).to_be_visible()
    shot("next-case-forename-and-dob-differ")
    check_accessible(page)

    page.get_by_label("Accept: this is the person in the request").check()
    page.get_by_role("button", name="Save and go to the next case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Accept a candidate whose forename and date of birth both differ?"
    )
    expect(page.locator("#table-differences")).to_contain_text("Zebedee")
    page.get_by_role("button", name="Continue").click()  # nothing chosen: asked again, with the error
    expect(page.get_by_role("alert")).to_contain_text(
        "Select yes if the candidate is the person in the request"
    )
    shot("confirm-acceptance")
    check_accessible(page)

    page.get_by_label("Yes, accept: I have checked, and this is the person in the request").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#decision-banner")).to_contain_text(f"{world.reference} / {first}: match accepted.")
    shot("after-acceptance")
    check_accessible(page)
