"""Migration 0005 gives every FOI case of a ledger at 0004 the organisation that received it (the rules of its
``_backfill``), and makes a reference unique within an organisation — on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, Table, insert, select
from sqlalchemy.exc import IntegrityError

from sharelog.errors import LedgerError
from sharelog.ledger import current_revision, downgrade, upgrade

from ._constraints import assert_refused_by

NOW = datetime(2020, 8, 12, 9, 0, tzinfo=UTC)
ORGANISATIONS = {
    "dfe": ("Department for Education", "holder"),
    "home-office": ("Home Office", "requester"),
    "northshire": ("Northshire County Council", "requester"),
}


def _tables(engine: Engine) -> dict[str, Table]:
    """The tables as they stand (reflected: the ORM models follow the newest schema, not revision 0004)."""
    metadata = MetaData()
    metadata.reflect(engine)
    return dict(metadata.tables)


def _at_0004(
    engine: Engine,
    *,
    organisations: tuple[str, ...],
    agreements: list[tuple[str, str, date]],
    users: list[tuple[str, str, str]],
    cases: list[tuple[str, str, str | None]],
) -> None:
    """A ledger at revision 0004 holding organisations, agreements (holder, requester, valid from), users
    (username, organisation, role) and FOI cases (reference, opened by, authority)."""
    upgrade(engine, revision="0004")
    tables = _tables(engine)
    with engine.begin() as connection:
        for org_id in organisations:
            name, kind = ORGANISATIONS[org_id]
            connection.execute(insert(tables["organisations"]).values(id=org_id, name=name, kind=kind))
        for number, (holder, requester, valid_from) in enumerate(agreements, start=1):
            connection.execute(
                insert(tables["agreements"]).values(
                    agreement_id=f"agreement-{number}",
                    version="1.0",
                    title="An agreement",
                    holder_id=holder,
                    requester_id=requester,
                    valid_from=valid_from,
                    valid_to=None,
                    checksum="a" * 64,
                    document={},
                    recorded_at=NOW,
                )
            )
        for username, org_id, role in users:
            connection.execute(
                insert(tables["users"]).values(
                    username=username,
                    display_name=username.title(),
                    organisation_id=org_id,
                    role=role,
                    password_hash="x",
                    active=True,
                    created_at=NOW,
                    session_version=1,
                )
            )
        for reference, opened_by, authority in cases:
            case_id = connection.execute(
                insert(tables["foi_cases"]).values(**_case(reference, opened_by, authority))
            ).inserted_primary_key[0]
            # each case has a history pointing at it: SQLite's rebuild of foi_cases must keep it
            connection.execute(insert(tables["foi_case_events"]).values(**_event(case_id)))
            connection.execute(insert(tables["foi_responses"]).values(**_response(case_id)))


def _case(reference: str, opened_by: str, authority: str | None) -> dict[str, Any]:
    return {
        "reference": reference,
        "title": "Outcomes",
        "request_text": "Please provide the outcomes per month.",
        "regime": "foia",
        "authority_type": "central_government",
        "authority": authority,
        "received_on": date(2020, 8, 12),
        "state": "waiting_response",
        "requester_erase_after": date(2023, 8, 12),
        "opened_by": opened_by,
        "opened_at": NOW,
    }


def _event(case_id: int) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "kind": "clarification_sought",
        "event_date": date(2020, 8, 13),
        "days": None,
        "detail": {},
        "recorded_by": "x",
        "recorded_at": NOW,
    }


def _response(case_id: int) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "stage": "initial",
        "outcome": "successful",
        "responded_on": date(2020, 9, 9),
        "exemptions": [],
        "files": {},
        "recorded_by": "x",
        "recorded_at": NOW,
    }


def _assigned(engine: Engine) -> dict[str, str]:
    cases = _tables(engine)["foi_cases"]
    with engine.connect() as connection:
        rows = connection.execute(select(cases.c.reference, cases.c.organisation_id)).all()
    return {reference: organisation for reference, organisation in rows}


@pytest.mark.parametrize(
    ("users", "agreements", "expected"),
    [
        pytest.param(
            # 1. the opener's organisation, before anything else; 2. the authority named (case and spaces
            # ignored, by name or id); 3. else the only organisation with FOI officers
            [("fay", "northshire", "foi_officer"), ("ana", "dfe", "auditor")],
            [("dfe", "home-office", date(2015, 1, 1))],
            {"OPENER": "northshire", "NAMED": "home-office", "BY-ID": "dfe", "ELSE": "northshire"},
            id="one-organisation-with-foi-officers",
        ),
        pytest.param(
            # 4. FOI officers in two organisations (or none): the requester of the latest agreement
            [("fay", "northshire", "foi_officer"), ("fin", "dfe", "foi_officer")],
            [("dfe", "home-office", date(2015, 1, 1)), ("dfe", "northshire", date(2019, 4, 1))],
            {"OPENER": "northshire", "NAMED": "home-office", "BY-ID": "dfe", "ELSE": "northshire"},
            id="latest-agreement-requester",
        ),
        pytest.param(
            [],
            [("dfe", "northshire", date(2019, 4, 1)), ("dfe", "home-office", date(2020, 1, 1))],
            {"OPENER": "home-office", "NAMED": "home-office", "BY-ID": "dfe", "ELSE": "home-office"},
            id="no-users",
        ),
    ],
)
def test_each_case_goes_to_the_organisation_that_received_it(
    ledger_engine: Engine,
    users: list[tuple[str, str, str]],
    agreements: list[tuple[str, str, date]],
    expected: dict[str, str],
) -> None:
    _at_0004(
        ledger_engine,
        organisations=("dfe", "home-office", "northshire"),
        agreements=agreements,
        users=users,
        cases=[
            ("OPENER", "fay", "Home Office"),
            ("NAMED", "someone-on-the-cli", "  home office "),
            ("BY-ID", "someone-on-the-cli", "DFE"),
            ("ELSE", "someone-on-the-cli", None),
        ],
    )
    assert upgrade(ledger_engine).is_current
    assert _assigned(ledger_engine) == expected
    tables = _tables(ledger_engine)
    with ledger_engine.connect() as connection:
        for history in ("foi_case_events", "foi_responses"):
            pointed_at = connection.execute(
                select(tables[history].c.case_id).join(
                    tables["foi_cases"], tables["foi_cases"].c.id == tables[history].c.case_id
                )
            ).all()
            assert len(pointed_at) == 4, history


def test_the_only_organisation_takes_the_cases_when_nothing_else_decides(ledger_engine: Engine) -> None:
    _at_0004(
        ledger_engine, organisations=("home-office",), agreements=[], users=[], cases=[("59907", "x", None)]
    )
    upgrade(ledger_engine)
    assert _assigned(ledger_engine) == {"59907": "home-office"}


def test_cases_and_no_organisation_stop_the_upgrade_with_a_reason(ledger_engine: Engine) -> None:
    _at_0004(ledger_engine, organisations=(), agreements=[], users=[], cases=[("59907", "x", "Home Office")])
    with pytest.raises(LedgerError, match=r"revision 0005: 1 FOI case\(s\) cannot be given the organisation"):
        upgrade(ledger_engine)
    assert current_revision(ledger_engine).current == "0004"
    assert "organisation_id" not in _tables(ledger_engine)["foi_cases"].c


def test_an_empty_ledger_upgrades_without_organisations(ledger_engine: Engine) -> None:
    _at_0004(ledger_engine, organisations=(), agreements=[], users=[], cases=[])
    assert upgrade(ledger_engine).is_current


def test_a_reference_is_unique_within_an_organisation_only(ledger_engine: Engine) -> None:
    _at_0004(
        ledger_engine,
        organisations=("dfe", "home-office"),
        agreements=[("dfe", "home-office", date(2015, 1, 1))],
        users=[],
        cases=[("59907", "x", "Home Office")],
    )
    upgrade(ledger_engine)
    cases = _tables(ledger_engine)["foi_cases"]
    with ledger_engine.begin() as connection:
        connection.execute(insert(cases).values(**_case("59907", "x", "DfE"), organisation_id="dfe"))
    with pytest.raises(IntegrityError) as refused, ledger_engine.begin() as connection:
        connection.execute(insert(cases).values(**_case("59907", "x", None), organisation_id="dfe"))
    assert_refused_by(refused, "uq_foi_cases_organisation_id_reference")
    # 0004 cannot hold two organisations' 59907: the downgrade says so and changes nothing
    with pytest.raises(LedgerError, match=r"1 reference\(s\) are used by more than one organisation"):
        downgrade(ledger_engine, revision="0004")
    assert current_revision(ledger_engine).is_current
