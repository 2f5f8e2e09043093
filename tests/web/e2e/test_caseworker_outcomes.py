"""A requester's caseworker works through the records returned: filters the list to the overdue ones, reads how
long each is overdue in words, pages on, records two onward recipients in one submission, and downloads the
import template."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from sharelog.ledger.models import Exchange
from sharelog.outcomes import IMPORT_COLUMNS

from ...worlds import JANUARY, add_disclosure, session_of
from ._browse import sign_in
from .conftest import LiveServer, Shot

pytestmark = pytest.mark.browser

IN_WORDS = re.compile(r"^\d+ years?( \d+ months?)? overdue$")
MORE = 60  # records added to January's exchange, so that the overdue list runs to several pages


@pytest.fixture
def many_overdue(live_server: LiveServer) -> None:
    """Sixty more records returned in January 2019 with no outcome: long overdue, as in the walkthrough."""
    with session_of(live_server.settings) as session:
        exchange = session.execute(select(Exchange).where(Exchange.reference == JANUARY)).scalar_one()
        for number in range(MORE):
            add_disclosure(
                session,
                exchange,
                request_ref=f"HO-2019-01-9{number:04d}",
                pupil_id=f"P9{number:06d}",
                returned_at=datetime(2019, 1, 11, 9, 0, tzinfo=UTC),
            )


def test_a_caseworker_filters_pages_and_records_several_recipients(
    page: Page, shot: Shot, many_overdue: None
) -> None:
    sign_in(page, "caseworker", next_path="/outcomes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes")
    filters = page.locator("#filters")
    filters.get_by_label("Status").select_option("overdue")
    filters.get_by_label("Order").select_option("reference")
    filters.get_by_role("button", name="Show records").click()
    table = page.locator("#table-records")
    expect(table.locator("caption")).to_contain_text("Overdue: showing 1 to")
    tags = table.locator("tbody .govuk-tag")
    assert tags.count() <= 25
    for text in tags.all_inner_texts():
        assert IN_WORDS.match(text.strip()), text  # "7 years 7 months overdue", never a count of days
    references = table.locator("tbody th").all_inner_texts()
    assert references == sorted(references)
    shot("overdue-by-reference")
    assert tags.count() == 25  # a page, not the whole list
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, f"the list page is {height} px high"
    page.get_by_role("navigation", name="Pagination").get_by_role("link", name=re.compile("Next")).click()
    expect(page.locator("#table-records caption")).to_contain_text("Overdue: showing 26 to")
    assert page.locator("#filters").get_by_label("Order").input_value() == "reference"  # the filters stay
    shot("page-2")

    page.locator("#table-records tbody th a").first.click()
    reference = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("group", name="What kind of event was it?").get_by_label(
        "Shared onward", exact=True
    ).check()
    shared = page.get_by_role("group", name="Who was the record shared with?")
    shared.get_by_label("Police", exact=True).check()
    shared.get_by_label("Local authority", exact=True).check()
    when = page.get_by_role("group", name="When did it happen?")
    when.get_by_label("Day").fill("2")
    when.get_by_label("Month").fill("1")
    when.get_by_label("Year").fill("2020")
    shot("two-recipients")
    page.get_by_role("button", name="Record outcome event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    expect(
        page.get_by_text(re.compile(r"2 outcome events recorded .*police, local authority"))
    ).to_be_visible()
    shot("recorded")


def test_a_caseworker_downloads_the_import_template(page: Page, shot: Shot) -> None:
    sign_in(page, "caseworker", next_path="/outcomes/import")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import outcomes")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the outcomes template (CSV)").click()
    path = download.value.path()
    assert download.value.suggested_filename == "outcomes-template.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == IMPORT_COLUMNS and len(rows) > 1 and all(row[0].isdigit() for row in rows[1:])
    shot("import-page")
