"""A requester's view of its own disclosures: found by reference, read with their history, recorded, imported
and listed as due — and another organisation's disclosures answered exactly as if they did not exist."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sharelog.errors import InputError, NotFound, ValidationFailed
from sharelog.ledger import ledger_session
from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange, Organisation, OutcomeEvent
from sharelog.outcomes import (
    disclosure_for,
    disclosure_record,
    find_disclosures,
    import_outcomes,
    outcome_history,
    outcomes_due,
    outcomes_overview,
    record_outcome,
    returned_records,
)

from ..worlds import DUE_ON, add_disclosure, add_exchange
from .conftest import EXCHANGE, OutcomesLedger

TODAY = date(2019, 7, 1)
HOME = "home-office"
OTHER = "other-office"


def _other_organisations_disclosure(ledger: OutcomesLedger) -> int:
    """A disclosure made to another requester, under its own agreement, with the same request reference."""
    with ledger_session(ledger.engine) as session:
        session.add(Organisation(id=OTHER, name="Another Office", kind="requester"))
        session.flush()
        agreement = AgreementVersion(
            agreement_id="other-dfe",
            version="1.0",
            title="Another agreement",
            holder_id="dfe",
            requester_id=OTHER,
            valid_from=date(2019, 1, 1),
            valid_to=None,
            checksum="c" * 64,
            document={"id": "other-dfe", "version": "1.0", "outcome_reporting_window_days": 30},
        )
        session.add(agreement)
        session.flush()
        exchange = add_exchange(session, agreement, reference="EX-2019-03-other")
        return add_disclosure(session, exchange, request_ref="HO-2019-03-00001").id


def _events(ledger: OutcomesLedger) -> int:
    with ledger_session(ledger.engine) as session:
        return int(session.execute(select(func.count(OutcomeEvent.id))).scalar_one())


def test_a_disclosure_is_found_only_for_the_organisation_it_was_made_to(ledger: OutcomesLedger) -> None:
    other = _other_organisations_disclosure(ledger)
    with ledger_session(ledger.engine) as session:
        assert disclosure_for(session, ledger.first, organisation_id=HOME).id == ledger.first
        assert disclosure_for(session, other).id == other  # no organisation: the operator's view
        with pytest.raises(NotFound, match=f"no disclosure {other} in the ledger"):
            disclosure_for(session, other, organisation_id=HOME)
        with pytest.raises(NotFound, match="no disclosure 999 in the ledger"):
            disclosure_for(session, 999, organisation_id=HOME)


def test_find_by_the_reference_sent_lists_only_the_organisations_own(ledger: OutcomesLedger) -> None:
    other = _other_organisations_disclosure(ledger)
    with ledger_session(ledger.engine) as session:
        found = find_disclosures(session, request_ref=" HO-2019-03-00001 ", organisation_id=HOME)
        assert [d.id for d in found] == [ledger.first]
        assert found[0].exchange == EXCHANGE and found[0].due_on == DUE_ON
        assert found[0].fields_returned == ("forename", "school_name")
        theirs = find_disclosures(session, request_ref="HO-2019-03-00001", organisation_id=OTHER)
        assert [d.id for d in theirs] == [other]
        assert find_disclosures(session, request_ref="", organisation_id=HOME) == []


def test_history_and_record_refuse_another_organisations_disclosure(ledger: OutcomesLedger) -> None:
    other = _other_organisations_disclosure(ledger)
    with ledger_session(ledger.engine) as session:
        with pytest.raises(NotFound):
            outcome_history(session, disclosure_id=other, organisation_id=HOME)
        with pytest.raises(NotFound):
            disclosure_record(session, disclosure_id=other, organisation_id=HOME)
        with pytest.raises(NotFound):
            record_outcome(
                session,
                disclosure_id=other,
                kind="use",
                code="not_used",
                event_date=date(2019, 3, 10),
                recorded_by="caseworker",
                organisation_id=HOME,
                today=TODAY,
            )
    assert _events(ledger) == 0


def test_a_record_with_its_history(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        record_outcome(
            session,
            disclosure_id=ledger.first,
            kind="result",
            code="not_located",
            event_date=date(2019, 3, 10),
            recorded_by="caseworker",
            organisation_id=HOME,
            today=TODAY,
        )
        record = disclosure_record(session, disclosure_id=ledger.first, organisation_id=HOME, today=TODAY)
    assert record.disclosure.request_ref == "HO-2019-03-00001"
    assert record.disclosure.agreement == "ho-dfe-test v1.0"
    assert record.history.latest_result is not None and record.history.latest_result.code == "not_located"


def test_outcomes_due_for_one_organisation(ledger: OutcomesLedger) -> None:
    other = _other_organisations_disclosure(ledger)
    with ledger_session(ledger.engine) as session:
        everyone = {d.disclosure_id for d in outcomes_due(session, today=TODAY)}
        ours = {d.disclosure_id for d in outcomes_due(session, today=TODAY, organisation_id=HOME)}
        theirs = {d.disclosure_id for d in outcomes_due(session, today=TODAY, organisation_id=OTHER)}
        overview = outcomes_overview(session, organisation_id=HOME, today=TODAY)
    assert everyone == {ledger.first, ledger.second, other}
    assert ours == {ledger.first, ledger.second} and theirs == {other}
    assert overview.due_total == 2 and overview.overdue_total == 2 and overview.found == ()


def test_an_import_cannot_name_another_organisations_disclosure(
    ledger: OutcomesLedger, tmp_path: Path
) -> None:
    other = _other_organisations_disclosure(ledger)
    path = tmp_path / "saved-upload.csv"
    path.write_text(
        "disclosure_id,request_id,exchange_id,kind,code,date\n"
        f"{ledger.first},,,use,not_used,2019-03-10\n"
        f"{other},,,use,not_used,2019-03-10\n"
        ",HO-2019-03-00001,EX-2019-03-other,use,not_used,2019-03-10\n",
        encoding="utf-8",
    )
    with ledger_session(ledger.engine) as session, pytest.raises(ValidationFailed) as failure:
        import_outcomes(
            session, path=path, recorded_by="caseworker", today=TODAY, organisation_id=HOME, name="mine.csv"
        )
    found = {(p.file, p.row, p.field, p.message) for p in failure.value.problems}
    assert found == {
        ("mine.csv", 3, "disclosure_id", "no disclosure with this id in the ledger"),
        ("mine.csv", 4, "exchange_id", "no exchange with this reference in the ledger"),
    }
    assert _events(ledger) == 0
    with ledger_session(ledger.engine) as session:  # the operator's import (no organisation) may name any
        result = import_outcomes(session, path=path, recorded_by="operator", today=TODAY)
    assert result.recorded == 3


def test_a_returned_date_is_read_in_utc(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        found = find_disclosures(session, request_ref="HO-2019-03-00002", organisation_id=HOME)
    assert found[0].returned_on == datetime(2019, 3, 4, 10, 30, tzinfo=UTC).date()


# ---- the caseworker's list: filtered, sorted, paged ----


def _listed(session, **options) -> list[tuple[int, str]]:
    found = returned_records(session, organisation_id=HOME, **options)
    return [(r.disclosure_id, r.status) for r in found.records]


def test_the_list_filters_by_status_and_exchange_and_counts_each_status(ledger: OutcomesLedger) -> None:
    _other_organisations_disclosure(ledger)
    with ledger_session(ledger.engine) as session:
        record_outcome(
            session,
            disclosure_id=ledger.second,
            kind="result",
            code="not_located",
            event_date=date(2019, 3, 10),
            recorded_by="caseworker",
            organisation_id=HOME,
            today=TODAY,
        )
        assert _listed(session, today=TODAY) == [(ledger.first, "overdue")]
        assert _listed(session, today=TODAY, status="recorded") == [(ledger.second, "recorded")]
        assert _listed(session, today=DUE_ON, status="due") == [
            (ledger.first, "due")
        ]  # on time on its due day
        assert _listed(session, today=DUE_ON, status="overdue") == []
        everything = returned_records(session, organisation_id=HOME, today=TODAY, status="all")
        assert everything.counts == {"unknown": 1, "overdue": 1, "due": 0, "recorded": 1, "all": 2}
        assert everything.exchanges == ((EXCHANGE, "2019-03"),)  # never the other organisation's
        elsewhere = returned_records(session, organisation_id=HOME, today=TODAY, exchange="EX-2019-03-other")
        assert elsewhere.total == 0 and elsewhere.counts["all"] == 0


def test_the_list_sorts_and_pages(ledger: OutcomesLedger) -> None:
    with ledger_session(ledger.engine) as session:
        exchange_id = session.get(Disclosure, ledger.first).exchange_id
        exchange = session.get(Exchange, exchange_id)
        later = add_disclosure(
            session, exchange, request_ref="HO-2019-03-00000", returned_at=datetime(2019, 4, 1, tzinfo=UTC)
        ).id
        by_due = [i for i, _ in _listed(session, today=TODAY, status="all")]
        assert by_due[-1] == later  # due last: returned last
        assert [i for i, _ in _listed(session, today=TODAY, status="all", sort="newest")][0] == later
        assert [i for i, _ in _listed(session, today=TODAY, status="all", sort="reference")][0] == later
        first_page = returned_records(session, organisation_id=HOME, today=TODAY, status="all", per_page=2)
        last_page = returned_records(
            session, organisation_id=HOME, today=TODAY, status="all", per_page=2, page=9
        )
        assert (first_page.total, first_page.pages, len(first_page.records)) == (3, 2, 2)
        assert (last_page.page, [r.disclosure_id for r in last_page.records]) == (2, [later])


@pytest.mark.parametrize(
    ("options", "field"),
    [({"status": "late"}, "status"), ({"sort": "oldest"}, "sort"), ({"page": 0}, "page")],
)
def test_the_list_refuses_what_it_cannot_do_naming_the_field(ledger: OutcomesLedger, options, field) -> None:
    with ledger_session(ledger.engine) as session, pytest.raises(InputError) as refused:
        returned_records(session, organisation_id=HOME, today=TODAY, **options)
    assert refused.value.field == field
