"""Subject access finds everything about one pupil by their subject key, nothing about anyone else, and the
audit trail records that a search happened without recording whom it was about."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.errors import InputError
from sharelog.exchange import subject_key
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import AuditEvent
from sharelog.outcomes import record_outcome
from sharelog.settings import Settings
from sharelog.subjects import subject_access

from ..worlds import (
    TEST_KEY_BYTES,
    add_agreement,
    add_disclosure,
    add_exchange,
    add_review_item,
    audit_details,
    migrated,
)

runner = CliRunner(env={"COLUMNS": "200"})
AMIRA, BEN = "P0000001", "P0000002"


@dataclass(frozen=True)
class TwoPupils:
    engine: Engine
    amira: tuple[int, int]  # her two disclosures
    ben: int


def _outcome(session: Session, disclosure: int, kind: str, code: str, note: str | None = None) -> None:
    record_outcome(
        session,
        disclosure_id=disclosure,
        kind=kind,
        code=code,
        event_date=date(2019, 5, 1),
        recorded_by="caseworker",
        note=note,
    )


def _build(engine: Engine) -> TwoPupils:
    migrated(engine)
    with ledger_session(engine) as session:
        agreement = add_agreement(session)
        march = add_exchange(session, agreement, reference="EX-2019-03-aaaaaaaa")
        april = add_exchange(
            session,
            agreement,
            reference="EX-2019-04-bbbbbbbb",
            month="2019-04",
            received_at=datetime(2019, 4, 2, tzinfo=UTC),
        )
        may = add_exchange(
            session,
            agreement,
            reference="EX-2019-05-cccccccc",
            month="2019-05",
            received_at=datetime(2019, 5, 2, tzinfo=UTC),
        )
        first = add_disclosure(session, march, request_ref="HO-03-001", pupil_id=AMIRA)
        ben = add_disclosure(session, march, request_ref="HO-03-002", pupil_id=BEN)
        second = add_disclosure(
            session,
            april,
            request_ref="HO-04-007",
            pupil_id=AMIRA,
            returned_at=datetime(2019, 4, 2, tzinfo=UTC),
        )
        add_review_item(session, may, request_ref="HO-05-003", pupil_id=AMIRA)
        add_review_item(session, may, request_ref="HO-05-004", pupil_id=BEN)
        _outcome(session, first.id, "onward_share", "police")
        _outcome(session, first.id, "result", "not_located", note="neighbour says she moved")
        _outcome(session, ben.id, "result", "enforced_removal", note="Ben's family")
        return TwoPupils(engine, (first.id, second.id), ben.id)


@pytest.fixture
def pupils(ledger_engine: Engine) -> Iterator[TwoPupils]:
    yield _build(ledger_engine)


def test_a_search_finds_only_that_pupils_rows(pupils: TwoPupils) -> None:
    with ledger_session(pupils.engine) as session:
        report = subject_access(
            session, pupil_id=AMIRA, key=TEST_KEY_BYTES, searched_by="dpo", case_reference="DPO-7"
        )
    assert [d.disclosure_id for d in report.disclosures] == list(pupils.amira)
    assert [d.request_ref for d in report.disclosures] == ["HO-03-001", "HO-04-007"]
    assert [e.reference for e in report.exchanges] == [
        "EX-2019-03-aaaaaaaa",
        "EX-2019-04-bbbbbbbb",
        "EX-2019-05-cccccccc",
    ]
    assert [(i.exchange, i.request_ref) for i in report.review_items] == [
        ("EX-2019-05-cccccccc", "HO-05-003")
    ]
    events = report.disclosures[0].outcomes.events
    assert [(e.kind, e.code, e.note) for e in events] == [
        ("onward_share", "police", None),
        ("result", "not_located", "neighbour says she moved"),
    ]
    assert report.disclosures[1].outcomes.outcome_unknown
    assert report.counts() == {"exchanges": 3, "disclosures": 2, "outcome_events": 2, "review_items": 1}
    everything = json.dumps(report.to_json())
    assert "HO-03-002" not in everything and "HO-05-004" not in everything and "Ben" not in everything


def test_the_other_pupil_and_another_key_find_their_own(pupils: TwoPupils) -> None:
    with ledger_session(pupils.engine) as session:
        ben = subject_access(session, pupil_id=BEN, key=TEST_KEY_BYTES, searched_by="dpo")
        wrong_key = subject_access(
            session, pupil_id=AMIRA, key=b"another-holder-key-0123456789", searched_by="dpo"
        )
        nobody = subject_access(session, pupil_id="P9999999", key=TEST_KEY_BYTES, searched_by="dpo")
    assert [d.disclosure_id for d in ben.disclosures] == [pupils.ben]
    assert [i.request_ref for i in ben.review_items] == ["HO-05-004"]
    assert (
        wrong_key.counts()
        == nobody.counts()
        == {
            "exchanges": 0,
            "disclosures": 0,
            "outcome_events": 0,
            "review_items": 0,
        }
    )


def test_the_audit_trail_records_the_search_but_not_whom_it_was_about(pupils: TwoPupils) -> None:
    with ledger_session(pupils.engine) as session:
        report = subject_access(
            session, pupil_id=AMIRA, key=TEST_KEY_BYTES, searched_by="dpo", case_reference="DPO-7"
        )
    with ledger_session(pupils.engine) as session:
        [detail] = audit_details(session, "subject-access-searched")
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "subject-access-searched")
        ).scalar_one()
        assert (event.actor, event.object_type, event.object_id) == (
            "dpo",
            "subject_access_search",
            report.search,
        )
        assert detail == {
            "exchanges": 3,
            "disclosures": 2,
            "outcome_events": 2,
            "review_items": 1,
            "case_reference": "DPO-7",
        }
        trail = json.dumps([(a.object_id, a.detail) for a in session.execute(select(AuditEvent)).scalars()])
        assert AMIRA not in trail and subject_key(AMIRA, key=TEST_KEY_BYTES) not in trail
        assert verify_audit_chain(session).ok


def test_a_blank_pupil_id_is_refused(pupils: TwoPupils) -> None:
    with pytest.raises(InputError, match="PUPIL_ID"), ledger_session(pupils.engine) as session:
        subject_access(session, pupil_id="  ", key=TEST_KEY_BYTES, searched_by="dpo")


def test_the_command_prints_the_report_and_writes_json(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=None,
        holder_key=SecretStr(TEST_KEY_BYTES.decode()),
        actor="dpo",
        agreements_dir=None,
    )
    engine = create_ledger_engine(settings.ledger_url())
    _build(engine)
    engine.dispose()
    out = tmp_path / "sar.json"
    result = runner.invoke(app, ["subject", AMIRA, "--case", "DPO-7", "--out", str(out)], obj=settings)
    assert result.exit_code == 0, result.output
    assert "Found 3 exchange(s), 2 returned record(s), 2 outcome event(s), 1 review item(s)." in result.stdout
    assert "neighbour says she moved" in result.stdout
    assert "HO-03-002" not in result.stdout
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["pupil_id"] == AMIRA and document["case_reference"] == "DPO-7"
    assert [d["request_ref"] for d in document["disclosures"]] == ["HO-03-001", "HO-04-007"]
    assert document["disclosures"][1]["outcomes"]["outcome_unknown"] is True
    assert document["disclosures"][0]["outcomes"]["latest_result"]["code"] == "not_located"


def test_the_command_needs_the_holder_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=None, holder_key=None, holder_key_file=None)
    result = runner.invoke(app, ["subject", AMIRA], obj=settings)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no holder key")
