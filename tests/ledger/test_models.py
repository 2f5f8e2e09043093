"""The ledger's tables hold the story of an exchange and refuse rows that would make it wrong."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from sharelog.ledger import ledger_session, upgrade
from sharelog.ledger.models import (
    AgreementVersion,
    Disclosure,
    Exchange,
    Organisation,
    OutcomeEvent,
    RequestOutcome,
)

from ._constraints import assert_refused_by

RETURNED_AT = datetime(2019, 2, 3, 10, 30, tzinfo=UTC)


@pytest.fixture
def ledger(ledger_engine: Engine) -> Iterator[Engine]:
    """A migrated ledger with two organisations, one agreement version and one exchange."""
    upgrade(ledger_engine)
    with ledger_session(ledger_engine) as session:
        session.add_all(
            [
                Organisation(id="dfe", name="Department for Education", kind="holder"),
                Organisation(id="home-office", name="Home Office", kind="requester"),
            ]
        )
        session.flush()
        agreement = AgreementVersion(
            agreement_id="ho-dfe-2019-update",
            version="1.0",
            title="Test agreement",
            holder_id="dfe",
            requester_id="home-office",
            valid_from=date(2019, 1, 1),
            valid_to=None,
            checksum="a" * 64,
            document={"id": "ho-dfe-2019-update", "return_fields": ["forename", "school_name"]},
        )
        session.add(agreement)
        session.flush()
        session.add(
            Exchange(
                reference="EX-2019-01-001",
                agreement_pk=agreement.id,
                purpose_code="reestablish-contact",
                month="2019-01",
                input_checksum="b" * 64,
                state="returned",
                n_received=3,
                n_matched=1,
                n_no_match=2,
                n_returned=1,
                submitted_by="test",
            )
        )
    yield ledger_engine


def _exchange(session: Session) -> Exchange:
    return session.execute(select(Exchange)).scalar_one()


def _disclose(session: Session, exchange: Exchange, request_ref: str = "R1") -> Disclosure:
    disclosure = Disclosure(
        exchange_id=exchange.id,
        request_ref=request_ref,
        subject_key="c" * 64,
        fields_returned=["forename", "school_name"],
        match_probability=0.999,
        returned_at=RETURNED_AT,
        retention_until=date(2019, 5, 4),
        return_file_ref="returns/EX-2019-01-001.csv",
    )
    session.add(disclosure)
    session.flush()
    return disclosure


def test_a_whole_exchange_round_trips(ledger: Engine) -> None:
    with ledger_session(ledger) as session:
        exchange = _exchange(session)
        session.add_all(
            [
                RequestOutcome(exchange_id=exchange.id, request_ref=ref, match_class=cls, match_probability=p)
                for ref, cls, p in [("R1", "match", 0.999), ("R2", "no_match", None), ("R3", "no_match", 0.1)]
            ]
        )
        disclosure = _disclose(session, exchange)
        first = OutcomeEvent(
            disclosure_id=disclosure.id,
            kind="result",
            code="not_located",
            event_date=date(2019, 3, 1),
            recorded_by="caseworker",
        )
        session.add(first)
        session.flush()
        session.add(
            OutcomeEvent(
                disclosure_id=disclosure.id,
                kind="result",
                code="voluntary_departure",
                event_date=date(2019, 4, 1),
                recorded_by="caseworker",
                children_affected=2,
                family_members_affected=1,
                supersedes_id=first.id,
            )
        )
    with ledger_session(ledger) as session:
        exchange = _exchange(session)
        assert [o.match_class for o in sorted(exchange.request_outcomes, key=lambda o: o.request_ref)] == [
            "match",
            "no_match",
            "no_match",
        ]
        (stored,) = exchange.disclosures
        assert stored.fields_returned == ["forename", "school_name"]
        assert stored.returned_at == RETURNED_AT
        assert [e.code for e in sorted(stored.outcome_events, key=lambda e: e.id)] == [
            "not_located",
            "voluntary_departure",
        ]
        assert exchange.agreement.document["return_fields"] == ["forename", "school_name"]


@pytest.mark.parametrize(
    ("make_row", "constraint"),
    [
        (
            lambda ex: RequestOutcome(exchange_id=ex.id, request_ref="R9", match_class="maybe"),
            "ck_request_outcomes_match_class",
        ),
        (
            lambda ex: OutcomeEvent(
                disclosure_id=999_999, kind="result", code="x", event_date=date(2019, 1, 1), recorded_by="x"
            ),
            "fk_outcome_events_disclosure_id_disclosures",
        ),
        (
            lambda ex: Exchange(
                reference="EX-bad",
                agreement_pk=ex.agreement_pk,
                purpose_code="p",
                month="2019-01",
                input_checksum="d" * 64,
                state="lost",
                submitted_by="t",
            ),
            "ck_exchanges_state",
        ),
        (
            lambda ex: Exchange(
                reference="EX-neg",
                agreement_pk=ex.agreement_pk,
                purpose_code="p",
                month="2019-01",
                input_checksum="d" * 64,
                n_returned=-1,
                submitted_by="t",
            ),
            "ck_exchanges_counts_not_negative",
        ),
    ],
    ids=[
        "unknown-match-class",
        "outcome-for-missing-disclosure",
        "unknown-state",
        "negative-count",
    ],
)
def test_rows_that_would_make_the_story_wrong_are_refused(ledger: Engine, make_row, constraint) -> None:  # type: ignore[no-untyped-def]
    """Each row is refused by the constraint that states the rule it breaks."""
    with pytest.raises(IntegrityError) as refused, ledger_session(ledger) as session:
        session.add(make_row(_exchange(session)))
        session.flush()
    assert_refused_by(refused, constraint)


def test_a_refusal_for_another_rule_is_told_apart(ledger: Engine) -> None:
    """A row that breaks another constraint than the one a test is about does not pass that test."""
    with pytest.raises(IntegrityError) as refused, ledger_session(ledger) as session:
        exchange = _exchange(session)
        session.add(
            Exchange(
                reference=exchange.reference,
                agreement_pk=exchange.agreement_pk,
                purpose_code="p",
                month="2019-01",
                input_checksum="d" * 64,
                submitted_by="t",
            )
        )
        session.flush()
    assert_refused_by(refused, "uq_exchanges_reference")
    with pytest.raises(AssertionError):
        assert_refused_by(refused, "ck_exchanges_state")


def test_a_time_without_its_zone_is_refused_before_it_reaches_the_database(ledger: Engine) -> None:
    with pytest.raises(StatementError, match="the ledger stores timezone-aware times only") as refused:
        with ledger_session(ledger) as session:
            exchange = _exchange(session)
            naive = Exchange(
                reference="EX-naive",
                agreement_pk=exchange.agreement_pk,
                purpose_code="p",
                month="2019-01",
                input_checksum="d" * 64,
                received_at=datetime(2019, 1, 1, 9, 0),
                submitted_by="t",
            )
            session.add(naive)
            session.flush()
    assert isinstance(refused.value.orig, ValueError)


def test_one_disclosure_per_request_per_exchange(ledger: Engine) -> None:
    with pytest.raises(IntegrityError) as refused, ledger_session(ledger) as session:
        exchange = _exchange(session)
        _disclose(session, exchange, "R1")
        _disclose(session, exchange, "R1")
    assert_refused_by(refused, "uq_disclosures_exchange_id_request_ref")


def test_an_event_is_superseded_at_most_once(ledger: Engine) -> None:
    with pytest.raises(IntegrityError) as refused, ledger_session(ledger) as session:
        disclosure = _disclose(session, _exchange(session))
        first = OutcomeEvent(
            disclosure_id=disclosure.id,
            kind="use",
            code="not_used",
            event_date=date(2019, 3, 1),
            recorded_by="a",
        )
        session.add(first)
        session.flush()
        for code in ("contact_attempt", "safeguarding_referral"):
            session.add(
                OutcomeEvent(
                    disclosure_id=disclosure.id,
                    kind="use",
                    code=code,
                    event_date=date(2019, 3, 2),
                    recorded_by="a",
                    supersedes_id=first.id,
                )
            )
            session.flush()
    assert_refused_by(refused, "uq_outcome_events_supersedes_id")
