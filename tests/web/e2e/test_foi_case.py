"""An FOI officer sees an overdue case in the list, opens it, responds with the published monthly report
attached, and sees the case's state change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ._browse import sign_in
from .conftest import OVERDUE_CASE, RECENT_CASE, Shot

pytestmark = pytest.mark.browser

PARTIAL = "Partially successful: some information is withheld under exemptions"


def _row(page: Page, reference: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))


def _state(page: Page) -> str:
    """The case page's State, from its summary list."""
    return (
        page.locator("dt", has_text=re.compile(r"^\s*State\s*$"))
        .locator("xpath=following-sibling::dd[1]")
        .inner_text()
        .strip()
    )


def test_an_foi_officer_responds_to_an_overdue_case(page: Page, shot: Shot) -> None:
    sign_in(page, "foi")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="FOI cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("FOI cases")
    expect(_row(page, OVERDUE_CASE)).to_contain_text("Overdue")
    expect(_row(page, RECENT_CASE)).not_to_contain_text("Overdue")
    shot("cases-overdue")

    page.get_by_role("link", name=OVERDUE_CASE, exact=True).click()
    expect(page.get_by_text(f"FOI case {OVERDUE_CASE}")).to_be_visible()
    expect(page.get_by_text("Overdue", exact=True)).to_be_visible()
    state_before = _state(page)
    assert state_before == "Delayed"
    shot("case-overdue")

    page.get_by_role("link", name="Respond", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Respond to the request")
    # the attached report withholds small counts, so the answer is partial (s.40(2) is cited for them)
    page.get_by_role("group", name="Outcome").get_by_label(PARTIAL).check()
    # the months the request asks about are offered as the report to attach
    expect(page.get_by_label("Months of the monthly outcomes report to attach")).to_have_value(
        "2019-01..2019-03"
    )
    shot("respond-form")
    page.get_by_role("button", name="Send the response and write the letter").click()

    expect(page.get_by_text(f"FOI case {OVERDUE_CASE}")).to_be_visible()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        f"Case {OVERDUE_CASE} answered: partially successful"
    )
    assert _state(page) == "Partially successful"
    expect(page.get_by_text("Overdue", exact=True)).to_have_count(0)
    expect(page.get_by_text("Closed", exact=True)).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Response sent: Partially successful"))
    ).to_be_visible()
    report = page.get_by_role("link", name="Monthly outcomes report (Excel workbook)")
    expect(report).to_be_visible()
    shot("case-answered")

    with page.expect_download() as download:
        report.click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("link", name="FOI cases", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("FOI cases")
    expect(_row(page, OVERDUE_CASE)).to_have_count(0)  # no longer open
    expect(_row(page, RECENT_CASE)).to_have_count(1)
    shot("cases-after")
