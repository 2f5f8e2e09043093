"""The exchanges pages: the organisation's exchanges with their counts, one exchange in full, no personal data;
return files with their retention — and a download link only for the roles that may fetch them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import Exchange

from ..worlds import JANUARY, REJECTED, add_january_return_files, add_outsider, session_of
from .conftest import sign_in, table_cells


def test_the_list_shows_every_exchange_of_the_organisation_with_its_counts(as_role):
    html = as_role("requester_caseworker").get("/exchanges").text
    rows = table_cells(html, "table-exchanges")
    assert rows[0] == [
        "Exchange", "Month", "Agreement", "Purpose", "State",
        "Received", "Matched", "Review", "No match", "Returned",
    ]  # fmt: skip
    by_reference = {row[0]: row[1:] for row in rows[1:]}
    assert by_reference[JANUARY] == [
        "2019-01", "ho-dfe-test v1.0", "reestablish-contact", "Returned", "40", "12", "3", "25", "14",
    ]  # fmt: skip
    assert by_reference[REJECTED][3] == "Rejected"
    assert [row[1] for row in rows[1:]] == ["2019-03", "2019-02", "2019-02", "2019-01"]  # latest month first
    assert f'href="/exchanges/{JANUARY}"' in html


def test_an_organisation_party_to_no_agreement_sees_none(client, web_settings):
    with session_of(web_settings) as session:
        add_outsider(session, username="outsider", role="requester_caseworker")
    sign_in(client, "outsider")
    html = client.get("/exchanges").text
    assert "No exchanges yet" in html and JANUARY not in html
    response = client.get(f"/exchanges/{JANUARY}")
    assert (
        response.status_code == 404
    )  # another organisation's exchange is "not found", like a wrong reference
    assert JANUARY not in response.text.split("<main", 1)[1]


def test_the_detail_shows_counts_checksums_and_return_files(as_role, web_settings):
    with session_of(web_settings) as session:
        add_january_return_files(session, web_settings.data_dir)
    html = as_role("requester_caseworker").get(f"/exchanges/{JANUARY}").text
    counts = {row[0]: row[1] for row in table_cells(html, "table-counts")[1:]}
    assert counts == {
        "Received": "40",
        "Invalid": "0",
        "Matched automatically": "12",
        "Sent to review": "3",
        "No match": "25",
        "Records returned": "14",
    }
    assert "c" * 64 in html and "d" * 64 in html and "4.0.0" in html
    files = table_cells(html, "table-return-files")[1:]
    assert files[0][0].startswith("Main return") and files[0][1:4] == ["14", files[0][2], "11 April 2019"]
    assert files[1][4] == "Deleted 12 April 2019"
    assert f'href="/api/v1/exchanges/{JANUARY}/return-file?kind=main"' in html
    assert "return-file?kind=supplementary" not in html  # deleted: nothing to download
    assert 'href="/agreements/ho-dfe-test/1.0"' in html
    main = html.split("<main", 1)[1]
    assert "HO-2019-01-00001" not in main and "P0100001" not in main  # no request references, no pupil ids


@pytest.mark.parametrize("role", ["auditor", "admin", "foi_officer", "holder_reviewer"])
def test_roles_that_may_not_fetch_return_files_see_no_path_or_link(as_role, web_settings, role):
    with session_of(web_settings) as session:
        add_january_return_files(session, web_settings.data_dir)
    html = as_role(role).get(f"/exchanges/{JANUARY}").text
    assert "/return-file" not in html and "returns/" not in html
    assert "Your role sees the return files' retention, not the files themselves." in html
    assert table_cells(html, "table-return-files")[1][3] == "11 April 2019"


def test_a_rejected_exchange_says_why(as_role, web_settings):
    engine = create_ledger_engine(web_settings.ledger_url())
    with ledger_session(engine) as session:
        exchange = session.execute(select(Exchange).where(Exchange.reference == REJECTED)).scalar_one()
        exchange.rejection = "1 problem(s); first: batch.csv, row 3, field 'dob': not a real date"
    engine.dispose()
    html = as_role("holder_operator").get(f"/exchanges/{REJECTED}").text
    assert "The batch was refused whole" in html and "row 3, field &#39;dob&#39;" in html
    assert "No return file" in html


def test_an_unknown_reference_is_not_found(as_role):
    assert as_role("auditor").get("/exchanges/EX-2030-01-nothing").status_code == 404
