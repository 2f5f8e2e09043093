"""A form's errors are listed in the error summary in the order the form shows its inputs (GOV.UK's pattern)."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from sharelog.web.pages._form_errors import in_form_order

from .conftest import page_csrf

NO_EVENTS = 14  # a disclosure of the golden ledger with no outcome event (see test_outcomes_pages.py)


def test_errors_follow_the_inputs_and_unknown_inputs_go_last() -> None:
    errors = {"note": "n", "elsewhere": "e", "date-day": "d", "kind": "k"}
    assert list(in_form_order(errors, ["kind", "date-day", "note"])) == [
        "kind",
        "date-day",
        "note",
        "elsewhere",
    ]


def test_the_outcome_forms_summary_lists_its_errors_top_to_bottom(
    as_role: Callable[[str], TestClient],
) -> None:
    client = as_role("requester_caseworker")
    page = client.get(f"/outcomes/disclosures/{NO_EVENTS}")
    # the count is checked after the date when the form is read, but it sits above the date on the page
    response = client.post(
        f"/outcomes/disclosures/{NO_EVENTS}",
        data={
            "csrf_token": page_csrf(page.text),
            "kind": "result",
            "code_result": "enforced_removal",
            "children_affected": "two",
            "date-day": "31",
            "date-month": "2",
            "date-year": "2019",
        },
    )
    assert response.status_code == 400
    summary = response.text.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'href="#([^"]+)"', summary) == ["children_affected", "date-day"]
