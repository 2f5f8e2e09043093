"""Outcome pages for the requester's caseworker: find a returned record, record an event through the form,
import a file — and nothing of another organisation's records, nothing for holder roles."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select

from sharelog.accounts import add_user
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import AgreementVersion, Exchange, Organisation, OutcomeEvent
from sharelog.settings import Settings

from ..worlds import JANUARY, add_disclosure
from .conftest import PASSWORD, page_csrf, sign_in

# In the golden ledger, disclosure 14 (HO-2019-01-00014, returned 2019-01-11) has no outcome event at all, and
# disclosure 12 had its "not located" result corrected to an enforced removal.
NO_EVENTS = 14
RETURNED_ON = date(2019, 1, 11)


def event_count(settings: Settings, disclosure_id: int | None = None) -> int:
    engine = create_ledger_engine(settings.ledger_url())
    try:
        with ledger_session(engine) as session:
            query = select(func.count(OutcomeEvent.id))
            if disclosure_id is not None:
                query = query.where(OutcomeEvent.disclosure_id == disclosure_id)
            return int(session.execute(query).scalar_one())
    finally:
        engine.dispose()


def add_other_requester(settings: Settings) -> None:
    """A second requester organisation with its own caseworker, and an agreement naming it (no disclosures)."""
    engine = create_ledger_engine(settings.ledger_url())
    try:
        with ledger_session(engine) as session:
            session.add(Organisation(id="other-office", name="Another Office", kind="requester"))
            session.flush()
            add_user(
                session,
                username="othercase",
                display_name="Other Caseworker",
                organisation_id="other-office",
                role="requester_caseworker",
                password=PASSWORD,
                actor="test",
            )
    finally:
        engine.dispose()


@pytest.fixture
def caseworker(as_role) -> TestClient:
    return as_role("requester_caseworker")


def _form(client: TestClient, disclosure_id: int) -> str:
    response = client.get(f"/outcomes/disclosures/{disclosure_id}")
    assert response.status_code == 200, response.text
    return page_csrf(response.text)


def _post(client: TestClient, disclosure_id: int, **fields: str) -> object:
    data = {"csrf_token": _form(client, disclosure_id), **fields}
    return client.post(f"/outcomes/disclosures/{disclosure_id}", data=data)


def _date_fields(day: date) -> dict[str, str]:
    return {"date-day": str(day.day), "date-month": str(day.month), "date-year": str(day.year)}


def test_the_outcomes_page_finds_a_record_by_the_reference_sent(caseworker):
    page = caseworker.get("/outcomes", params={"ref": " HO-2019-01-00014 "})
    assert page.status_code == 200
    assert f'href="/outcomes/disclosures/{NO_EVENTS}"' in page.text
    assert "EX-2019-01-ret00040" in page.text
    missing = caseworker.get("/outcomes", params={"ref": "HO-NOT-SENT"})
    assert "No record was returned to your organisation for this request reference" in missing.text


def test_the_same_reference_in_two_exchanges_lists_both(caseworker, web_settings):
    engine = create_ledger_engine(web_settings.ledger_url())
    with ledger_session(engine) as session:
        version = session.execute(
            select(AgreementVersion).where(AgreementVersion.version == "2.0")
        ).scalar_one()
        at = datetime(2019, 4, 10, 10, tzinfo=UTC)
        exchange = Exchange(
            reference="EX-2019-04-again",
            agreement_pk=version.id,
            purpose_code="reestablish-contact",
            month="2019-04",
            received_at=at,
            completed_at=at,
            input_checksum="e" * 64,
            state="returned",
            n_received=1,
            n_matched=1,
            n_returned=1,
            submitted_by="test",
        )
        session.add(exchange)
        session.flush()
        again = add_disclosure(session, exchange, request_ref="HO-2019-01-00014", returned_at=at)
        again_id = again.id
    engine.dispose()
    page = caseworker.get("/outcomes", params={"ref": "HO-2019-01-00014"})
    assert f'href="/outcomes/disclosures/{NO_EVENTS}"' in page.text
    assert f'href="/outcomes/disclosures/{again_id}"' in page.text
    assert "sent in 2 batches" in page.text


def test_the_outcomes_due_list_shows_overdue_records_with_words_not_only_colour(caseworker):
    page = caseworker.get("/outcomes").text
    due = page.split('id="records"', 1)[1]
    assert f'href="/outcomes/disclosures/{NO_EVENTS}"' in due
    assert 'href="/outcomes/disclosures/1"' not in due  # contact re-established: a result is in
    assert re.search(r"\d+ years?( \d+ months?)? overdue", due)  # in words, not a count of days


def test_recording_an_outcome_through_the_form_changes_the_history(caseworker, web_settings):
    before = caseworker.get(f"/outcomes/disclosures/{NO_EVENTS}").text
    assert "No outcome event has been recorded" in before
    assert re.search(r"Outcome unknown: \d+ years?( \d+ months?)? overdue", before)
    response = _post(
        caseworker,
        NO_EVENTS,
        kind="result",
        code_result="voluntary_departure",
        code_use="contact_attempt",  # under another kind: ignored
        children_affected="2",
        family_members_affected="1",
        note="Left with family",
        **_date_fields(RETURNED_ON + timedelta(days=30)),
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(f"/outcomes/disclosures/{NO_EVENTS}?recorded=")
    after = caseworker.get(location).text
    assert "govuk-notification-banner--success" in after
    assert "result, voluntary departure on 10 February 2019" in after
    assert "Result: Voluntary departure" in after
    assert "Children: 2" in after and "Other family: 1" in after
    assert "Left with family" in after
    assert event_count(web_settings, NO_EVENTS) == 1


def test_a_correction_supersedes_the_earlier_event(caseworker, web_settings):
    first = _post(
        caseworker, NO_EVENTS, kind="result", code_result="not_located", **_date_fields(RETURNED_ON)
    )
    event_id = first.headers["location"].rsplit("=", 1)[1]
    second = _post(
        caseworker,
        NO_EVENTS,
        kind="result",
        code_result="contact_reestablished",
        supersedes=event_id,
        **_date_fields(RETURNED_ON + timedelta(days=3)),
    )
    page = caseworker.get(second.headers["location"]).text
    assert f"It corrects event {event_id}" in page
    assert f"Superseded by event {int(event_id) + 1}" in page
    assert "Result: Contact re-established" in page


def test_form_problems_are_summarised_with_links_to_the_fields_and_nothing_is_recorded(
    caseworker, web_settings
):
    response = _post(caseworker, NO_EVENTS, kind="result", **_date_fields(date.today() + timedelta(days=2)))
    assert response.status_code == 400
    summary = response.text.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    assert 'href="#code-result"' in summary
    assert "Error: " in response.text.split("</title>", 1)[0]
    no_kind = _post(caseworker, NO_EVENTS, **{"date-day": "31", "date-month": "2", "date-year": "2019"})
    assert 'href="#kind"' in no_kind.text and 'href="#date-day"' in no_kind.text
    assert "The date must be a real date" in no_kind.text
    assert event_count(web_settings, NO_EVENTS) == 0


def test_the_services_own_checks_show_against_the_field(caseworker, web_settings):
    too_early = _post(
        caseworker, NO_EVENTS, kind="use", code_use="contact_attempt", **_date_fields(date(2019, 1, 2))
    )
    assert too_early.status_code == 400
    assert 'href="#date-day"' in too_early.text
    assert "The date is before the record was returned (2019-01-11)" in too_early.text
    future = _post(
        caseworker,
        NO_EVENTS,
        kind="use",
        code_use="contact_attempt",
        **_date_fields(date.today() + timedelta(1)),
    )
    assert "The date is after today" in future.text
    bad_count = _post(
        caseworker,
        NO_EVENTS,
        kind="result",
        code_result="enforced_removal",
        children_affected="two",
        **_date_fields(RETURNED_ON),
    )
    assert 'href="#children_affected"' in bad_count.text
    assert 'value="two"' in bad_count.text  # the form keeps what was typed, to correct it
    assert event_count(web_settings, NO_EVENTS) == 0


def test_a_form_without_the_csrf_token_is_refused(caseworker, web_settings):
    response = caseworker.post(
        f"/outcomes/disclosures/{NO_EVENTS}",
        data={"kind": "use", "code_use": "not_used", **_date_fields(RETURNED_ON)},
    )
    assert response.status_code == 403
    assert event_count(web_settings, NO_EVENTS) == 0


@pytest.mark.parametrize("role", ["holder_operator", "holder_reviewer", "auditor", "admin"])
def test_holder_and_other_roles_cannot_record_outcomes(as_role, web_settings, role):
    client = as_role(role)
    token = page_csrf(client.get("/dashboard").text)
    data = {"csrf_token": token, "kind": "use", "code_use": "not_used", **_date_fields(RETURNED_ON)}
    assert client.post(f"/outcomes/disclosures/{NO_EVENTS}", data=data).status_code == 403
    assert client.get(f"/outcomes/disclosures/{NO_EVENTS}").status_code == 403
    assert event_count(web_settings, NO_EVENTS) == 0


def test_a_caseworker_of_another_organisation_sees_none_of_these_records(client, web_settings):
    add_other_requester(web_settings)
    sign_in(client, "othercase")
    assert client.get(f"/outcomes/disclosures/{NO_EVENTS}").status_code == 404
    assert client.get("/outcomes/disclosures/999999").status_code == 404
    token = page_csrf(client.get("/outcomes").text)
    data = {"csrf_token": token, "kind": "use", "code_use": "not_used", **_date_fields(RETURNED_ON)}
    assert client.post(f"/outcomes/disclosures/{NO_EVENTS}", data=data).status_code == 404
    page = client.get("/outcomes", params={"ref": "HO-2019-01-00014"}).text
    assert "/outcomes/disclosures/" not in page
    assert "No record has been returned to your organisation yet" in page
    assert event_count(web_settings, NO_EVENTS) == 0


# ---- import ----


def _upload(client: TestClient, name: str, content: bytes, media: str = "text/csv") -> object:
    token = page_csrf(client.get("/outcomes/import").text)
    return client.post("/outcomes/import", data={"csrf_token": token}, files={"file": (name, content, media)})


def test_importing_a_csv_records_every_row(caseworker, web_settings):
    csv = (
        "disclosure_id,request_id,exchange_id,kind,code,date,children_affected\n"
        f"{NO_EVENTS},,,use,contact_attempt,2019-01-20,\n"
        ",HO-2019-01-00013,EX-2019-01-ret00040,result,enforced_removal,2019-02-01,3\n"
    )
    before = event_count(web_settings)
    response = _upload(caseworker, "outcomes-feb.csv", csv.encode())
    assert response.status_code == 200, response.text
    assert "2 outcome events imported from outcomes-feb.csv" in response.text
    assert event_count(web_settings) == before + 2
    assert "Result: Enforced removal" in caseworker.get("/outcomes/disclosures/13").text
    again = _upload(caseworker, "outcomes-feb.csv", csv.encode())
    assert again.status_code == 400 and "already imported" in again.text
    assert event_count(web_settings) == before + 2


def test_importing_a_workbook(caseworker, web_settings):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["disclosure_id", "kind", "code", "date"])
    sheet.append([NO_EVENTS, "onward_share", "police", date(2019, 1, 15)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = _upload(caseworker, "outcomes.xlsx", buffer.getvalue(), media)
    assert response.status_code == 200, response.text
    assert "1 outcome event imported" in response.text
    assert event_count(web_settings, NO_EVENTS) == 1


def test_an_import_with_problems_lists_each_by_row_and_field_and_records_nothing(caseworker, web_settings):
    secret = "Jane-Doe-lives-at-1-High-Street"
    csv = (
        "disclosure_id,kind,code,date,note\n"
        f"{NO_EVENTS},use,contact_attempt,2019-01-20,fine\n"
        f"{NO_EVENTS},result,{secret},2019-01-20,\n"
        f"{NO_EVENTS},use,not_used,{secret},\n"
        "999999,use,not_used,2019-01-20,\n"
    )
    before = event_count(web_settings)
    response = _upload(caseworker, "../../etc/bad file.csv", csv.encode())
    assert response.status_code == 422
    assert secret not in response.text  # never the values, only where they are
    table = response.text.split('id="problems"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    found = {(c[1].strip(), c[2].strip()) for c in cells if c}
    assert found == {("3", "code"), ("4", "date"), ("5", "disclosure_id")}
    assert all(c[0].startswith("bad file.csv") for c in cells if c)  # the upload's own name, no folders
    assert 'href="#file"' in response.text
    assert event_count(web_settings) == before


def test_an_import_naming_another_organisations_record_is_refused(client, web_settings):
    add_other_requester(web_settings)
    sign_in(client, "othercase")
    csv = f"disclosure_id,kind,code,date\n{NO_EVENTS},use,not_used,2019-01-20\n"
    response = _upload(client, "outcomes.csv", csv.encode())
    assert response.status_code == 422
    assert "no disclosure with this id in the ledger" in response.text
    assert event_count(web_settings, NO_EVENTS) == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("", b"", "Select a CSV or XLSX file of outcomes"),
        ("outcomes.txt", b"kind,code,date\n", "must be CSV (.csv) or a workbook (.xlsx)"),
    ],
)
def test_an_upload_that_is_not_an_outcomes_file(caseworker, name, content, message):
    token = page_csrf(caseworker.get("/outcomes/import").text)
    files = {"file": (name, content, "text/plain")}
    response = caseworker.post("/outcomes/import", data={"csrf_token": token}, files=files)
    assert response.status_code == 400
    assert message in response.text
    assert 'href="#file"' in response.text


def test_the_import_page_explains_the_columns_and_codes(caseworker):
    page = caseworker.get("/outcomes/import").text
    for text in ("disclosure_id", "exchange_id", "children_affected", "voluntary_departure", "border_force"):
        assert text in page
    assert 'enctype="multipart/form-data"' in page


# ---- what a correction may supersede ----


def another_disclosures_event(settings: Settings) -> int:
    """The id of an outcome event of another of the organisation's records (the golden ledger has many)."""
    engine = create_ledger_engine(settings.ledger_url())
    try:
        with ledger_session(engine) as session:
            query = select(func.min(OutcomeEvent.id)).where(OutcomeEvent.disclosure_id != NO_EVENTS)
            return int(session.execute(query).scalar_one())
    finally:
        engine.dispose()


def add_other_requesters_event(settings: Settings) -> int:
    """``add_other_requester``, plus a record returned to that organisation and an outcome event about it."""
    add_other_requester(settings)
    engine = create_ledger_engine(settings.ledger_url())
    try:
        with ledger_session(engine) as session:
            home = session.execute(select(AgreementVersion).limit(1)).scalar_one()
            agreement = AgreementVersion(
                agreement_id="other-dfe",
                version="1.0",
                title="Another office's agreement",
                holder_id=home.holder_id,
                requester_id="other-office",
                valid_from=home.valid_from,
                checksum="c" * 64,
                document=home.document,
            )
            session.add(agreement)
            session.flush()
            at = datetime(2019, 1, 11, 10, tzinfo=UTC)
            exchange = Exchange(
                reference="EX-2019-01-other",
                agreement_pk=agreement.id,
                purpose_code="reestablish-contact",
                month="2019-01",
                received_at=at,
                completed_at=at,
                input_checksum="f" * 64,
                state="returned",
                n_received=1,
                n_matched=1,
                n_returned=1,
                submitted_by="test",
            )
            session.add(exchange)
            session.flush()
            theirs = add_disclosure(session, exchange, request_ref="OTHER-2019-01-00001", returned_at=at)
            event = OutcomeEvent(
                disclosure_id=theirs.id,
                kind="result",
                code="not_located",
                event_date=RETURNED_ON,
                recorded_by="othercase",
            )
            session.add(event)
            session.flush()
            return event.id
    finally:
        engine.dispose()


def _correction(client: TestClient, supersedes: str) -> object:
    fields = {"kind": "result", "code_result": "not_located", "supersedes": supersedes}
    return _post(client, NO_EVENTS, **fields, **_date_fields(RETURNED_ON))


def _error_summary(html: str) -> str:
    return html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize(
    ("supersedes", "message"),
    [
        ("-1", "The event it corrects is not an outcome event&#39;s id (a whole number)"),
        ("abc", "The event it corrects is not an outcome event&#39;s id (a whole number)"),
        ("0", "The event it corrects is not an outcome event&#39;s id (a whole number)"),
        ("1.5", "The event it corrects is not an outcome event&#39;s id (a whole number)"),
        ("999999", "The event it corrects is not one of this disclosure&#39;s outcome events"),
        ("another disclosure's", "The event it corrects is not one of this disclosure&#39;s outcome events"),
        (
            "another organisation's",
            "The event it corrects is not one of this disclosure&#39;s outcome events",
        ),
    ],
)
def test_a_correction_of_no_event_of_this_record_is_refused_against_the_field(
    caseworker, web_settings, supersedes, message
):
    if supersedes == "another disclosure's":
        supersedes = str(another_disclosures_event(web_settings))
    elif supersedes == "another organisation's":
        supersedes = str(add_other_requesters_event(web_settings))
    before = event_count(web_settings)
    response = _correction(caseworker, supersedes)
    assert response.status_code == 400
    summary = _error_summary(response.text)
    assert 'href="#supersedes"' in summary and message in summary
    assert 'id="supersedes-error"' in response.text  # the message shows at the field too
    assert event_count(web_settings) == before


def test_correcting_an_event_corrected_already_is_told_at_the_field(caseworker, web_settings):
    first = _correction(caseworker, "")  # a first result, correcting nothing
    assert first.status_code == 303  # type: ignore[attr-defined]
    original = first.headers["location"].rsplit("=", 1)[1]  # type: ignore[attr-defined]
    assert _correction(caseworker, original).status_code == 303  # type: ignore[attr-defined]
    before = event_count(web_settings)
    again = _correction(caseworker, original)
    assert again.status_code == 409  # type: ignore[attr-defined]
    summary = _error_summary(again.text)  # type: ignore[attr-defined]
    assert 'href="#supersedes"' in summary and "already corrected" in summary
    assert "--" not in summary  # the form's words, not the command line's
    assert event_count(web_settings) == before


def test_another_organisations_event_is_answered_as_one_that_does_not_exist(caseworker, web_settings):
    theirs = add_other_requesters_event(web_settings)
    missing = theirs + 1000
    answers = [_correction(caseworker, str(event_id)) for event_id in (theirs, missing)]
    assert [a.status_code for a in answers] == [400, 400]
    assert _error_summary(answers[0].text) == _error_summary(answers[1].text)
    for answer in answers:
        assert "OTHER-2019-01" not in answer.text and "EX-2019-01-other" not in answer.text


def test_another_organisations_record_is_answered_as_one_that_does_not_exist(client, web_settings):
    add_other_requester(web_settings)
    sign_in(client, "othercase")
    theirs, missing = (
        client.get(f"/outcomes/disclosures/{NO_EVENTS}"),
        client.get("/outcomes/disclosures/999999"),
    )
    assert theirs.status_code == missing.status_code == 404

    def page(response: object, disclosure_id: int) -> str:  # the page but for the id, nonce and CSRF token
        text = re.sub(r'nonce="[^"]*"', "", response.text)  # type: ignore[attr-defined]
        text = re.sub(r'name="csrf_token" value="[^"]*"', "", text)
        return text.replace(str(disclosure_id), "N")

    assert page(theirs, NO_EVENTS) == page(missing, 999999)


def test_a_note_longer_than_the_bound_is_refused_against_the_field(caseworker, web_settings):
    fields = {"kind": "use", "code_use": "not_used", "note": "n" * 4001}
    response = _post(caseworker, NO_EVENTS, **fields, **_date_fields(RETURNED_ON))
    assert response.status_code == 400
    assert 'href="#note"' in _error_summary(response.text)
    assert "The note is longer than 4,000 characters" in response.text
    assert event_count(web_settings, NO_EVENTS) == 0


# ---- the list of returned records: filtered, sorted, paged ----


def _listed_links(html: str) -> list[str]:
    table = html.split('id="table-records"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'href="/outcomes/disclosures/(\d+)"', table)


def test_the_list_filters_by_status(caseworker):
    recorded = _listed_links(caseworker.get("/outcomes", params={"status": "recorded"}).text)
    unknown = _listed_links(caseworker.get("/outcomes", params={"status": "unknown"}).text)
    assert "1" in recorded and "1" not in unknown  # disclosure 1 has a result: contact re-established
    assert str(NO_EVENTS) in unknown and str(NO_EVENTS) not in recorded


def test_the_list_pages_keeping_its_filters(caseworker, monkeypatch):
    # the web ledger's records on several pages
    monkeypatch.setattr("sharelog.web.pages._outcomes.PER_PAGE", 3)
    first = caseworker.get("/outcomes", params={"status": "all", "sort": "reference"}).text
    shown = re.search(r"showing 1 to (\d+) of (\d+)", first)
    assert shown is not None
    per_page, total = int(shown.group(1)), int(shown.group(2))
    assert per_page == len(_listed_links(first)) == 3 and total > per_page
    assert 'class="govuk-pagination' in first
    assert "/outcomes?status=all&amp;exchange=&amp;sort=reference&amp;page=2#records" in first
    second = caseworker.get("/outcomes", params={"status": "all", "sort": "reference", "page": 2}).text
    assert not set(_listed_links(first)) & set(_listed_links(second))


def test_the_list_filters_by_exchange(caseworker):
    page = caseworker.get("/outcomes", params={"status": "all", "exchange": JANUARY}).text
    table = page.split('id="table-records"', 1)[1].split("</table>", 1)[0]
    exchanges = set(re.findall(r"EX-\d{4}-\d{2}-[a-z0-9]+", table))
    assert exchanges == {JANUARY}


def test_a_status_the_list_does_not_know_is_refused_without_a_command_line_option(caseworker):
    response = caseworker.get("/outcomes", params={"status": "late"})
    assert response.status_code == 400 and "--" not in response.text.split("<main", 1)[1].split("</main>")[0]


# ---- several recipients or interventions in one submission ----


def _post_several(client: TestClient, disclosure_id: int, kind: str, codes: list[str], day: date) -> object:
    data = {
        "csrf_token": _form(client, disclosure_id),
        "kind": kind,
        f"code_{kind}": codes,
        **_date_fields(day),
    }
    return client.post(f"/outcomes/disclosures/{disclosure_id}", data=data)


def test_several_onward_recipients_are_recorded_in_one_submission(caseworker, web_settings):
    form = caseworker.get(f"/outcomes/disclosures/{NO_EVENTS}").text
    assert 'type="checkbox" value="police"' in form.replace('name="code_onward_share" ', "")
    response = _post_several(
        caseworker, NO_EVENTS, "onward_share", ["police", "local_authority"], RETURNED_ON
    )
    assert response.status_code == 303, response.text
    ids = response.headers["location"].split("recorded=", 1)[1].split(",")
    assert len(ids) == 2 and event_count(web_settings, NO_EVENTS) == 2
    page = caseworker.get(response.headers["location"]).text
    assert "2 outcome events recorded" in page and "police, local authority" in page


def test_several_interventions_land_whole_or_not_at_all(caseworker, web_settings):
    tomorrow = date.today() + timedelta(days=1)
    refused = _post_several(caseworker, NO_EVENTS, "intervention", ["letter", "home_visit"], tomorrow)
    assert refused.status_code == 400 and event_count(web_settings, NO_EVENTS) == 0
    assert refused.text.count("is after today") == 2  # once in the summary, once at the field: not per event
    bad = _post_several(caseworker, NO_EVENTS, "intervention", ["letter", "no_such_code"], RETURNED_ON)
    assert bad.status_code == 400 and event_count(web_settings, NO_EVENTS) == 0


# ---- the import template ----


def test_the_import_template_filled_in_is_accepted(caseworker, web_settings):
    page = caseworker.get("/outcomes/import").text
    assert 'href="/outcomes/import/template.csv"' in page
    response = caseworker.get("/outcomes/import/template.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    unknown = _listed_links(caseworker.get("/outcomes", params={"status": "unknown"}).text)
    assert [row["disclosure_id"] for row in rows[: len(unknown)]] == unknown  # longest overdue first
    assert str(NO_EVENTS) in {row["disclosure_id"] for row in rows} and "1" not in {
        r["disclosure_id"] for r in rows
    }
    filled = io.StringIO()
    writer = csv.DictWriter(filled, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows[:3]:
        writer.writerow({**row, "kind": "use", "code": "contact_attempt", "date": "2020-01-02"})
    before = event_count(web_settings)
    imported = _upload(caseworker, "outcomes-template.csv", filled.getvalue().encode("utf-8"))
    assert imported.status_code == 200, imported.text
    assert "3 outcome events imported" in imported.text and event_count(web_settings) == before + 3
