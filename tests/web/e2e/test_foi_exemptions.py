"""An FOI officer refuses a request neither confirming nor denying that the information is held, in a browser with
JavaScript turned off and on (the same journey): the form lists no exemption until an outcome is chosen, then only
those that fit it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sharelog.foi import EXEMPTIONS

from ._browse import check_accessible, sign_in
from .conftest import RECENT_CASE, Shot

pytestmark = pytest.mark.browser

NCND = "Neither confirm nor deny that the information is held"


@pytest.mark.parametrize(
    "page", [False, True], indirect=True, ids=["no-js", "js"]
)  # the server lists what fits
def test_only_the_exemptions_that_fit_the_outcome_are_offered(
    page: Page, shot: Shot, request: pytest.FixtureRequest
) -> None:
    javascript = request.node.callspec.params["page"]
    sign_in(page, "foi", next_path=f"/foi/{RECENT_CASE}/respond")
    expect(page.get_by_role("heading", level=1)).to_have_text("Respond to the request")
    checkboxes = page.get_by_role("checkbox")
    expect(checkboxes).to_have_count(0)  # no outcome yet: no exemption fits yet
    shot("no-outcome-no-exemptions")
    if javascript:  # axe-core runs in the page: only with JavaScript
        check_accessible(page)

    page.get_by_role("group", name="Outcome").get_by_label(NCND).check()
    page.get_by_role("button", name="Show the exemptions for this outcome").click()
    expect(page.get_by_role("group", name="Outcome").get_by_label(NCND)).to_be_checked()
    fitting = [e for e in EXEMPTIONS.values() if e.ncnd is not None]
    expect(checkboxes).to_have_count(len(fitting))
    expect(page.get_by_role("checkbox", name=re.compile(r"^s\.21 "))).to_have_count(0)  # no NCND provision
    law_enforcement = page.get_by_role("checkbox", name=re.compile(r"^s\.31\(1\)\(e\) "))
    expect(law_enforcement).to_have_accessible_description(
        re.compile(r"Neither confirm nor deny under s\.31\(3\)")
    )
    expect(page.get_by_role("group", name=re.compile("^Absolute exemptions"))).to_be_visible()
    expect(page.get_by_role("group", name=re.compile("^Qualified exemptions"))).to_be_visible()
    shot("ncnd-exemptions")
    if javascript:  # axe-core runs in the page: only with JavaScript
        check_accessible(page)

    law_enforcement.check()
    page.get_by_label("Public interest test").fill(
        "Confirming or denying would itself prejudice the operation of the immigration controls."
    )
    page.get_by_role("button", name="Send the response and write the letter").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(f"Case {RECENT_CASE} answered")
    shot("answered")
    if javascript:  # axe-core runs in the page: only with JavaScript
        check_accessible(page)
