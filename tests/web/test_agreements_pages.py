"""The agreements pages: every version with parties, period and purposes; one version term by term with what
changed from the version before. Agreements are not personal data: every account may read them."""

from __future__ import annotations

import pytest

from .access_table import ROLES
from .conftest import table_cells


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_list_of_agreements(as_role, role):
    page = as_role(role).get("/agreements")
    assert page.status_code == 200
    html = page.text
    for agreement_id in ("ho-dfe-2013-pilot", "ho-dfe-2015-mou", "ho-dfe-2019-update"):
        assert f'id="versions-{agreement_id}"' in html
    versions = table_cells(html, "versions-ho-dfe-2015-mou")
    assert [row[0] for row in versions[1:]] == ["Version 1.0", "Version 2.1"]
    assert versions[1][1].startswith("1 July 2015 to 6 October 2016") and "Ended" in versions[1][1]
    assert "Department for Education" in html and "Home Office" in html
    assert 'href="/agreements/ho-dfe-2015-mou/2.1"' in html


def test_a_version_shows_its_terms_and_what_changed(as_role):
    html = as_role("auditor").get("/agreements/ho-dfe-2015-mou/2.1").text
    changes = {row[0]: row[1] for row in table_cells(html, "table-changes")[1:]}
    assert changes["Fields the holder may return"] == "Removed: nationality"
    assert "Was 2015-07-01; now 2016-10-07" in changes["In force from"]
    assert "was reported, now assumed" in changes["Monthly cap (people)"]
    assert "Fields the requester may send" in changes  # provenance only: the fields themselves stayed
    terms = {row[0]: row for row in table_cells(html, "table-terms")[1:]}
    assert "nationality" not in terms["Fields the holder may return"][1]
    assert "school_name" in terms["Fields the holder may return"][1]
    assert terms["Retention of returned data"][1] == "90 days after return"
    dpia = terms["Data protection impact assessment"]
    assert dpia[1] == "Not known" and dpia[2].startswith("Unknown")
    assert "An outcome is due 90 days" in terms["Outcome reporting window"][1]
    assert "police" in terms["Permitted onward recipients"][1]
    assert terms["Monthly cap (people)"][2].startswith("Assumed")
    assert "sha256" in html


def test_the_first_version_says_so_and_points_to_the_later_one(as_role):
    html = as_role("requester_caseworker").get("/agreements/ho-dfe-2015-mou/1.0").text
    assert "This is the first version of this agreement." in html
    assert 'href="/agreements/ho-dfe-2015-mou/2.1"' in html and 'id="table-changes"' not in html
    assert "nationality" in html


@pytest.mark.parametrize("path", ["/agreements/ho-dfe-2015-mou/9.9", "/agreements/no-such-agreement/1.0"])
def test_an_unknown_agreement_or_version_is_not_found(as_role, path):
    page = as_role("holder_operator").get(path)
    assert page.status_code == 404
    assert "Page not found" in page.text


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/agreements")
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")
