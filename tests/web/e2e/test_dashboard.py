"""Each role's dashboard in a real browser, at 1280 px and on a phone (390 px): its own tasks first, each with a
link to do it, and the "Sign out" button clear of the line that says who is signed in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from ..conftest import USER_OF_ROLE
from ._browse import sign_in
from .conftest import Shot

pytestmark = pytest.mark.browser

# The first task each role sees, and the link that takes it there.
FIRST_TASK = {
    "requester_caseworker": ("Overdue outcomes", "/outcomes/disclosures/"),
    "holder_reviewer": ("Review queue", None),  # nothing waits in the e2e ledger: an empty state, no link
    "holder_operator": ("Next batch", "/exchanges"),
    "foi_officer": ("FOI cases due", "/foi/FOI-E2E-OVERDUE"),
    "auditor": ("Audit trail and retention", "/exchanges"),
    "admin": ("FOI cases due", "/foi/FOI-E2E-OVERDUE"),
}


def _box(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "drawn on the page"
    return box


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("role", sorted(FIRST_TASK))
def test_each_role_sees_its_tasks_first_and_can_sign_out(page: Page, shot: Shot, role: str) -> None:
    sign_in(page, USER_OF_ROLE[role])
    heading, href = FIRST_TASK[role]
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/dashboard")
        tasks = page.get_by_role("heading", level=2, name="Your tasks")
        first = page.get_by_role("heading", level=3).first
        expect(tasks).to_be_visible()
        expect(first).to_have_text(heading)
        assert _box(tasks)["y"] < _box(page.get_by_role("heading", level=2).nth(1))["y"]
        if href is not None:
            expect(page.locator(f'.sharelog-task a[href^="{href}"]').first).to_be_visible()
        # the button is on screen and covers no part of the banner's text (who is signed in, in which role)
        button = page.get_by_role("button", name="Sign out")
        expect(button).to_be_in_viewport(ratio=1)
        banner = page.locator(".govuk-phase-banner__text")
        expect(banner).to_contain_text(role.replace("_", " "))
        assert not _overlap(_box(button), _box(banner)), f"Sign out covers the role line at {width} px"
        shot(f"dashboard-{width}px")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Dashboard")
