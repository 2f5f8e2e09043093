"""The reports API: the monthly table and the register of data shares as JSON, published figures by default."""

from __future__ import annotations

import pytest

from .test_api_outcomes import bearer

PERIOD = {"from": "2019-01", "to": "2019-03"}


@pytest.fixture
def auditor(web_settings) -> dict[str, str]:
    return bearer(web_settings, "auditor")


def _row(report: dict, identifier: str, measure: str, category: str = "total") -> dict:
    return next(
        row
        for row in report["rows"]
        if row["time_identifier"] == identifier and row["measure"] == measure and row["category"] == category
    )


def _value(report: dict, identifier: str, measure: str, category: str = "total") -> object:
    return _row(report, identifier, measure, category)["value"]


def test_the_monthly_table_is_published_figures_by_default(client, auditor):
    """The series rule unless asked otherwise: January's 14 returned rounded to 15, its onward sharing given by
    quarter ([x] by month), the quarter's 10 police shares as 10."""
    response = client.get("/api/v1/reports/monthly", params=PERIOD, headers=auditor)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["period"] == {"from": "2019-01", "to": "2019-03"}
    assert report["disclosure_control"]["mode"] == "publish"
    assert report["disclosure_control"]["profile"] == "series"
    assert report["not_for_publication"] is False
    assert _value(report, "January", "records_returned") == 15
    assert _value(report, "March", "records_returned") == 20
    police = _row(report, "January", "records_shared_onward", "police")
    assert (police["value"], police["symbol"], police["reason"]) == (None, "[x]", "published_by_quarter")
    assert _value(report, "Calendar year Q1", "records_shared_onward", "police") == 10
    values = [row["value"] for row in report["rows"]]
    assert all(v is None or v == 0 or (v >= 5 and v % 5 == 0) for v in values)
    assert {row["symbol"] for row in report["rows"]} <= {None, "[low]", "[c]", "[x]", "[z]"}


def test_the_10_5_rule_when_asked_for(client, auditor):
    response = client.get("/api/v1/reports/monthly", params={**PERIOD, "profile": "10-5"}, headers=auditor)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["disclosure_control"]["profile"] == "10-5"
    assert report["not_for_publication"] is False
    assert _value(report, "January", "records_returned") is None
    assert _row(report, "January", "records_returned")["symbol"] == "[c]"
    assert _row(report, "January", "records_returned")["reason"] == "suppressed"
    assert _value(report, "March", "records_returned") == 20
    values = [row["value"] for row in report["rows"]]
    assert all(v is None or v == 0 or (v >= 10 and v % 5 == 0) for v in values)
    assert report["missing_figures"]["reasons"]["suppressed"]["symbol"] == "[c]"


def test_internal_gives_exact_counts_marked_not_for_publication(client, auditor):
    report = client.get(
        "/api/v1/reports/monthly", params={**PERIOD, "sdc": "internal"}, headers=auditor
    ).json()
    assert report["not_for_publication"] is True
    assert _value(report, "January", "records_returned") == 14
    assert _value(report, "February", "records_returned") == 5


def test_the_default_period_is_the_latest_year(client, auditor):
    report = client.get("/api/v1/reports/monthly", headers=auditor).json()
    assert report["period"] == {"from": "2019-01", "to": "2019-03"}


def test_a_bad_month_is_400_in_the_one_error_shape(client, auditor):
    response = client.get(
        "/api/v1/reports/monthly", params={"from": "2019-1", "to": "2019-03"}, headers=auditor
    )
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "bad_request"
    assert "not a month written YYYY-MM" in response.json()["error"]["message"]
    assert client.get("/api/v1/reports/monthly", params={"sdc": "raw"}, headers=auditor).status_code == 422


def test_the_register_of_data_shares(client, auditor):
    register = client.get("/api/v1/reports/shares", params=PERIOD, headers=auditor).json()
    assert register["disclosure_control"]["profile"] == "series"
    february = [row for row in register["rows"] if row["month"] == "2019-02" and row["version"] == "2.0"]
    assert february[0]["individuals_returned"] == 5  # 5 returned: not a small count under the series rule
    assert february[0]["individuals_requested"] == 30 and "individuals_returned" not in february[0]["missing"]
    register = client.get(
        "/api/v1/reports/shares", params={**PERIOD, "profile": "10-5"}, headers=auditor
    ).json()
    assert register["disclosure_control"]["mode"] == "publish"
    months = [(row["month"], row["version"]) for row in register["rows"]]
    assert ("2019-01", "1.0") in months and ("2019-03", "2.0") in months
    march = next(row for row in register["rows"] if row["month"] == "2019-03")
    assert march["individuals_requested"] == 60 and march["individuals_returned"] == 20
    february = [row for row in register["rows"] if row["month"] == "2019-02" and row["version"] == "2.0"]
    assert february[0]["individuals_returned"] is None  # 5 returned
    assert february[0]["missing"] == {"individuals_returned": {"symbol": "[c]", "reason": "suppressed"}}
    empty = [row for row in register["rows"] if row["month"] == "2019-02" and row["version"] == "1.0"]
    assert empty[0]["individuals_requested"] is None  # in force, but no batch under it: not available, not 0
    assert empty[0]["missing"]["individuals_requested"] == {"symbol": "[x]", "reason": "no_exchange"}


def test_reports_need_an_account_and_a_role_inside_the_exchange(client, web_settings):
    assert client.get("/api/v1/reports/monthly").status_code == 401
    assert client.get("/api/v1/reports/shares", headers=bearer(web_settings, "admin")).status_code == 403
    assert client.get("/api/v1/reports/shares", headers=bearer(web_settings, "caseworker")).status_code == 200


OWN_PATHS = {
    "/api/v1/disclosures/{disclosure_id}/outcomes",
    "/api/v1/outcomes/import",
    "/api/v1/reports/monthly",
    "/api/v1/reports/shares",
}


def test_the_openapi_document_describes_these_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()
    operations = [
        (path, operation)
        for path, item in document["paths"].items()
        if path in OWN_PATHS
        for operation in item.values()
    ]
    assert len(operations) == 5
    assert all(operation.get("summary") and operation.get("description") for _path, operation in operations)
    schemas = set(document["components"]["schemas"])
    assert {"OutcomeCreate", "OutcomeEventPublic", "MonthlyReportPublic", "SharesRegisterPublic"} <= schemas
    monthly = document["paths"]["/api/v1/reports/monthly"]["get"]
    assert {p["name"] for p in monthly["parameters"]} == {"from", "to", "sdc", "profile"}
