"""Signing in and out in a real browser: the way back to the page asked for, and the error summary."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ._browse import check_page_basics, sign_in, sign_out
from .conftest import Shot

pytestmark = pytest.mark.browser


def test_signed_out_dashboard_goes_to_sign_in_and_back(page: Page, shot: Shot) -> None:
    page.goto("/dashboard")

    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fdashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    shot("sign-in-asked")
    sign_in(page, "caseworker", next_path="/dashboard")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_text("Signed in as")).to_be_visible()
    shot("dashboard")

    sign_out(page)
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))


def test_bad_password_shows_an_error_summary_that_takes_focus(page: Page, shot: Shot) -> None:
    page.goto("/sign-in")
    # by keyboard alone: type, Tab to the password, Enter submits
    page.get_by_label("Username").focus()
    page.keyboard.type("foi")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("The username or password is not right")
    expect(page.locator(":focus")).to_contain_text("There is a problem")  # GOV.UK: the summary takes focus
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Username")).to_have_value("foi")  # what was typed is kept
    shot("error-summary")

    summary.get_by_role("link", name="The username or password is not right").click()
    expect(page.get_by_label("Username")).to_be_focused()  # the summary's link leads to the field
    check_page_basics(page)


def test_empty_form_lists_every_problem(page: Page, shot: Shot) -> None:
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_text(["Enter your username", "Enter your password"])
    shot("empty-form")
