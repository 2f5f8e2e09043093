"""The exchanges API: a real batch submitted by the holder's operator lands in the ledger; reads are scoped to
the organisation; a return file goes to the operator or the requester's caseworker, never to an auditor, and
not at all once retention deleted it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sharelog.accounts import create_api_token
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import AuditEvent, Disclosure, Exchange
from sharelog.settings import Settings
from sharelog.web import create_app

from ..worlds import AGREEMENT, JANUARY, PURPOSE, add_january_return_files, add_outsider, session_of
from .conftest import ExchangeWorld, sign_in

EXCHANGE_KEYS = {
    "reference", "month", "agreement_id", "agreement_version", "purpose", "state", "received_at", "counts",
    "rerun_of",
}  # fmt: skip


def _token(settings: Settings, username: str) -> dict[str, str]:
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        issued = create_api_token(session, username=username, name="test", actor="test")
    engine.dispose()
    return {"authorization": f"Bearer {issued.secret}"}


# --- reading, on the golden ledger ----------------------------------------------------------------------------


def test_the_list_has_every_exchange_of_the_organisation(as_role):
    caseworker = as_role("requester_caseworker")
    response = caseworker.get("/api/v1/exchanges")
    assert response.status_code == 200
    exchanges = response.json()
    assert [e["month"] for e in exchanges] == ["2019-03", "2019-02", "2019-02", "2019-01"]
    assert all(set(e) == EXCHANGE_KEYS for e in exchanges)
    january = next(e for e in exchanges if e["reference"] == JANUARY)
    assert january["counts"] == {
        "received": 40, "invalid": 0, "matched": 12, "review": 3, "no_match": 25, "returned": 14,
    }  # fmt: skip
    assert (january["agreement_id"], january["agreement_version"], january["state"]) == (
        "ho-dfe-test",
        "1.0",
        "returned",
    )
    one_month = caseworker.get("/api/v1/exchanges", params={"month": "2019-02"}).json()
    assert {e["state"] for e in one_month} == {"returned", "rejected"}


def test_another_organisation_sees_no_exchange(client, web_settings):
    with session_of(web_settings) as session:
        add_outsider(session, username="outsider", role="requester_caseworker")
    headers = _token(web_settings, "outsider")
    assert client.get("/api/v1/exchanges", headers=headers).json() == []
    response = client.get(f"/api/v1/exchanges/{JANUARY}", headers=headers)
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"
    assert client.get(f"/api/v1/exchanges/{JANUARY}/return-file", headers=headers).status_code == 404


def test_the_detail_gives_checksums_and_return_files(as_role, web_settings):
    with session_of(web_settings) as session:
        add_january_return_files(session, web_settings.data_dir)
    detail = as_role("requester_caseworker").get(f"/api/v1/exchanges/{JANUARY}").json()
    assert set(EXCHANGE_KEYS) < set(detail)
    assert (detail["holder"], detail["requester"]) == ("dfe", "home-office")
    assert detail["output_sha256"] == "c" * 64 and detail["model_sha256"] == "d" * 64
    main, supplementary = detail["return_files"]
    assert main["download_url"] == f"/api/v1/exchanges/{JANUARY}/return-file?kind=main"
    assert main["retention_until"] == "2019-04-11" and main["rows"] == 14 and main["deleted_at"] is None
    assert supplementary["deleted_at"].startswith("2019-04-12") and supplementary["download_url"] is None


def test_an_auditor_reads_counts_but_gets_no_return_file(as_role, web_settings):
    with session_of(web_settings) as session:
        add_january_return_files(session, web_settings.data_dir)
    auditor = as_role("auditor")
    detail = auditor.get(f"/api/v1/exchanges/{JANUARY}").json()
    assert [f["download_url"] for f in detail["return_files"]] == [None, None]
    response = auditor.get(f"/api/v1/exchanges/{JANUARY}/return-file")
    assert response.status_code == 403 and response.json()["error"]["type"] == "forbidden"


def test_the_caseworker_fetches_the_return_file_until_retention_deletes_it(as_role, web_settings):
    with session_of(web_settings) as session:
        add_january_return_files(session, web_settings.data_dir)
    caseworker = as_role("requester_caseworker")
    response = caseworker.get(f"/api/v1/exchanges/{JANUARY}/return-file")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="{JANUARY}.csv"' in response.headers["content-disposition"]
    assert response.text == "request_id,match_probability\n"
    deleted = caseworker.get(f"/api/v1/exchanges/{JANUARY}/return-file", params={"kind": "supplementary"})
    assert deleted.status_code == 404
    assert "deleted under the retention rule on 2019-04-12" in deleted.json()["error"]["message"]
    missing = caseworker.get("/api/v1/exchanges/EX-2019-03-ret00060/return-file")
    assert missing.status_code == 404
    engine = create_ledger_engine(web_settings.ledger_url())
    with ledger_session(engine) as session:
        fetched = session.execute(
            select(AuditEvent.actor, AuditEvent.object_id, AuditEvent.detail).where(
                AuditEvent.action == "return-file-fetched"
            )
        ).all()
    engine.dispose()
    assert [(actor, ref, detail["kind"]) for actor, ref, detail in fetched] == [
        ("caseworker", JANUARY, "main")
    ]


# --- submitting a batch, on a real register -------------------------------------------------------------------


@pytest.fixture
def settings(world: ExchangeWorld) -> Settings:
    return world.settings


@pytest.fixture
def api(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="https://testserver", follow_redirects=False) as client:
        yield client


def _submit(api: TestClient, headers: dict[str, str], batch: Path, *, month: str, **form: str):
    with batch.open("rb") as handle:
        return api.post(
            "/api/v1/exchanges",
            headers=headers,
            files={"batch": (f"requests-{month}.csv", handle, "text/csv")},
            data={"agreement_id": AGREEMENT, "purpose": PURPOSE, "month": month, **form},
        )


def test_the_operator_submits_a_batch_and_it_lands_in_the_ledger(api, settings, world):
    month, batch = sorted(world.batches.items())[-1]
    operator = _token(settings, "operator")
    response = _submit(api, operator, batch, month=month)
    assert response.status_code == 201, response.text
    body = response.json()
    reference = body["reference"]
    assert response.headers["location"] == f"/api/v1/exchanges/{reference}" == body["exchange_url"]
    assert body["month"] == month and body["agreement"] == f"{AGREEMENT} v1.0"
    with batch.open(encoding="utf-8") as handle:
        sent = sum(1 for _ in csv.DictReader(handle))
    counts = body["counts"]
    assert counts["received"] == sent == counts["match"] + counts["review"] + counts["no_match"]
    assert not any((settings.data_dir / "incoming").iterdir())  # the upload is gone
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        exchange = session.execute(select(Exchange).where(Exchange.reference == reference)).scalar_one()
        returned = session.execute(select(Disclosure).where(Disclosure.exchange_id == exchange.id)).all()
        assert exchange.submitted_by == "operator" and len(returned) == counts["returned"]
    engine.dispose()
    caseworker = _token(settings, "caseworker")
    detail = api.get(f"/api/v1/exchanges/{reference}", headers=caseworker).json()
    assert detail["counts"]["received"] == sent and detail["splink_version"]
    returned_file = api.get(body["return_file_url"], headers=caseworker)
    assert returned_file.status_code == 200
    rows = list(csv.DictReader(io.StringIO(returned_file.text)))
    assert len(rows) == counts["returned"]
    assert "pupil_id" not in rows[0] and "dob" not in rows[0] and "request_id" in rows[0]


def test_the_same_batch_twice_is_a_conflict_unless_a_rerun(api, settings, world):
    month, batch = sorted(world.batches.items())[-1]
    operator = _token(settings, "operator")
    assert _submit(api, operator, batch, month=month).status_code == 201
    again = _submit(api, operator, batch, month=month)
    assert again.status_code == 409 and again.json()["error"]["type"] == "conflict"
    rerun = _submit(api, operator, batch, month=month, rerun="true")
    assert rerun.status_code == 201 and rerun.json()["rerun_of"]


def test_a_batch_runs_on_the_apps_one_engine(api, settings, world, monkeypatch):
    """Running a batch uses the app's engine, within its budget of connections: no engine is built for it."""
    month, batch = sorted(world.batches.items())[-1]
    operator = _token(settings, "operator")

    def no_new_engine(*args: object, **kwargs: object) -> None:
        raise AssertionError("a ledger engine was built for a request")

    monkeypatch.setattr("sharelog.ledger.database.create_engine", no_new_engine)
    assert _submit(api, operator, batch, month=month).status_code == 201


def test_a_batch_the_agreement_refuses_is_a_422_listing_the_problems(api, settings, world, tmp_path):
    month, batch = sorted(world.batches.items())[-1]
    assert month == "2019-03"
    with batch.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    refused = tmp_path / "refused.csv"
    with refused.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0], "nationality"])
        writer.writeheader()
        writer.writerows({**row, "nationality": "x"} for row in rows)
    response = _submit(api, _token(settings, "operator"), refused, month=month)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "invalid" and error["message"] == (
        "requests-2019-03.csv, field 'nationality': ho-dfe-2019-update v1.0 does not let the requester send this field"
    )  # the uploaded file's name, never where the server keeps it
    listed = api.get(
        "/api/v1/exchanges", headers=_token(settings, "operator"), params={"month": month}
    ).json()
    assert [e["state"] for e in listed] == ["rejected"]


@pytest.mark.parametrize(
    ("form", "detail"),
    [
        ({"purpose": PURPOSE}, "agreement_id: Field required"),
        ({"agreement_id": AGREEMENT}, "purpose: Field required"),
    ],
)
def test_missing_fields_are_a_422_naming_them(api, settings, world, form, detail):
    month, batch = sorted(world.batches.items())[-1]
    with batch.open("rb") as handle:
        response = api.post(
            "/api/v1/exchanges",
            headers=_token(settings, "operator"),
            files={"batch": ("batch.csv", handle, "text/csv")},
            data=form,
        )
    assert response.status_code == 422 and detail in response.json()["error"]["details"]


def test_only_the_holder_operator_submits(api, settings, world):
    month, batch = sorted(world.batches.items())[-1]
    response = _submit(api, _token(settings, "caseworker"), batch, month=month)
    assert response.status_code == 403
    with session_of(settings) as session:
        add_outsider(session, username="other-operator", role="holder_operator", kind="holder")
    elsewhere = _submit(api, _token(settings, "other-operator"), batch, month=month)
    assert elsewhere.status_code == 403 and "only the holder" in elsewhere.json()["error"]["message"]


def test_a_signed_in_operator_needs_the_csrf_header(api, settings, world):
    month, batch = sorted(world.batches.items())[-1]
    sign_in(api, "operator")
    refused = _submit(api, {}, batch, month=month)
    assert refused.status_code == 403
    token = api.get("/review").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    accepted = _submit(api, {"x-csrf-token": token}, batch, month=month)
    assert accepted.status_code == 201, accepted.text
