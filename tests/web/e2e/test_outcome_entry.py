"""A requester's caseworker finds a returned record by its request reference, records its result through the
outcomes page, and sees the dashboard's "outcome unknown" figure drop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ._browse import sign_in
from .conftest import Shot

pytestmark = pytest.mark.browser

# returned in March 2019 (golden ledger): shared with Border Force, but no result recorded
REFERENCE = "HO-2019-03-00015"
UNKNOWN = re.compile(r"(\d+) of the returned records have no result recorded")


def _outcome_unknown(page: Page) -> tuple[int, str]:
    """The dashboard's count of returned records with no result, and the share shown beside it."""
    figure = page.get_by_text(UNKNOWN)
    expect(figure).to_be_visible()
    found = UNKNOWN.search(figure.inner_text())
    assert found is not None
    share = re.search(r"\d+\.\d%", figure.inner_text())
    assert share is not None, "the share of returned records is shown beside the count"
    return int(found.group(1)), share.group(0)


def test_a_caseworker_records_an_outcome_and_the_dashboard_changes(page: Page, shot: Shot) -> None:
    sign_in(page, "caseworker")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    unknown_before, share_before = _outcome_unknown(page)
    assert unknown_before >= 1  # the golden ledger: 2 of January's 14, 9 of March's 21
    shot("dashboard-before")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes")
    page.get_by_label("Find a returned record by request reference").fill(REFERENCE)
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", name=f"Records returned for {REFERENCE}")).to_be_visible()
    shot("found")

    page.get_by_role("link", name=re.compile("^" + REFERENCE)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(REFERENCE)
    expect(page.get_by_text(re.compile(r"^Outcome unknown"))).to_be_visible()

    page.get_by_role("group", name="What kind of event was it?").get_by_label("Result", exact=True).check()
    ended = page.get_by_role("group", name="Where did the case end up?")
    expect(ended).to_be_visible()  # revealed by the chosen kind
    ended.get_by_label("No further action", exact=True).check()
    when = page.get_by_role("group", name="When did it happen?")
    when.get_by_label("Day").fill("1")
    when.get_by_label("Month").fill("6")
    when.get_by_label("Year").fill("2019")
    shot("form-filled")
    page.get_by_role("button", name="Record outcome event").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(REFERENCE)
    expect(
        page.get_by_text(re.compile(r"recorded: result, no further action on 1 June 2019"))
    ).to_be_visible()
    expect(page.get_by_text("Result: No further action")).to_be_visible()
    shot("recorded")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()
    unknown_after, share_after = _outcome_unknown(page)
    assert unknown_after == unknown_before - 1
    assert float(share_after.rstrip("%")) < float(share_before.rstrip("%"))
    shot("dashboard-after")


@pytest.mark.parametrize("page", [False], indirect=True, ids=["without-javascript"])
def test_the_outcome_form_works_without_javascript(page: Page, shot: Shot) -> None:
    sign_in(page, "caseworker", next_path="/outcomes")
    page.get_by_label("Find a returned record by request reference").fill(REFERENCE)
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name=re.compile("^" + REFERENCE)).first.click()

    # with no script, every kind's question shows at once; only the chosen kind's answer counts
    page.get_by_role("group", name="What kind of event was it?").get_by_label(
        "Shared onward", exact=True
    ).check()
    page.get_by_role("group", name="Who was the record shared with?").get_by_label(
        "Police", exact=True
    ).check()
    when = page.get_by_role("group", name="When did it happen?")
    when.get_by_label("Day").fill("20")
    when.get_by_label("Month").fill("3")
    when.get_by_label("Year").fill("2019")
    page.get_by_role("button", name="Record outcome event").click()

    expect(page.get_by_text(re.compile(r"recorded: shared onward, police on 20 March 2019"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Outcome unknown"))).to_be_visible()  # a share is not a result
    shot("recorded-without-javascript")
