"""A case belongs to the organisation that received the request (issue 12): given an organisation, every service
finds, lists, counts and changes only that organisation's cases, and answers another organisation's case exactly as
one that does not exist; references are numbered within an organisation. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from sharelog.errors import Conflict, InputError, NotFound
from sharelog.foi import (
    cases_due,
    clarification_received,
    extend_deadline,
    fee_paid,
    foi_stats,
    give_fees_notice,
    list_cases,
    new_case,
    read_case,
    receiving_organisation,
    request_review,
    respond,
    response_file,
    seek_clarification,
    withdraw_case,
)
from sharelog.ledger import ledger_session, upgrade
from sharelog.ledger.models import AuditEvent, FoiCaseEvent, FoiResponse

from ..worlds import SEED_REFERENCE, TODAY, add_organisation, build_golden_ledger, open_seed_case

D = date
HOME_OFFICE, DFE = "home-office", "dfe"


@pytest.fixture
def two_organisations(ledger_engine: Engine, tmp_path: Path) -> Engine:
    """The Home Office's case 59907 (answered, with its letter) and the DfE's case DFE-1, awaiting a response."""
    upgrade(ledger_engine)
    with ledger_session(ledger_engine) as session:
        open_seed_case(session, organisation_id=HOME_OFFICE)
        respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="successful",
            responded_on=D(2020, 9, 9),
            actor="t",
            out_dir=tmp_path / "letters",
            today=TODAY,
        )
        open_seed_case(session, organisation_id=DFE, reference="DFE-1", received_on=D(2020, 9, 1))
    return ledger_engine


def _not_found_message(engine: Engine, reference: str) -> str:
    with pytest.raises(NotFound) as missing, ledger_session(engine) as session:
        read_case(session, case_reference=reference, today=TODAY, organisation_id=DFE)
    return missing.value.message


def test_another_organisations_case_reads_as_one_that_does_not_exist(two_organisations: Engine) -> None:
    with ledger_session(two_organisations) as session:
        assert (
            read_case(session, case_reference="DFE-1", today=TODAY, organisation_id=DFE).reference == "DFE-1"
        )
    message = _not_found_message(two_organisations, SEED_REFERENCE)
    assert message == _not_found_message(two_organisations, "NOPE").replace("NOPE", SEED_REFERENCE)
    assert message == f"no FOI case '{SEED_REFERENCE}' in the ledger"


def test_lists_counts_and_statistics_are_the_organisations_own(two_organisations: Engine) -> None:
    with ledger_session(two_organisations) as session:
        assert [c.reference for c in list_cases(session, today=TODAY, organisation_id=DFE)] == ["DFE-1"]
        assert [c.reference for c in list_cases(session, today=TODAY, organisation_id=HOME_OFFICE)] == [
            "59907"
        ]
        assert [c.reference for c in list_cases(session, today=TODAY)] == ["59907", "DFE-1"]  # the operator
        assert [c.reference for c in cases_due(session, today=TODAY, organisation_id=HOME_OFFICE)] == []
        assert [c.reference for c in cases_due(session, today=TODAY, organisation_id=DFE)] == ["DFE-1"]
        assert foi_stats(session, year=2020, today=TODAY, organisation_id=DFE).answered == 0
        assert foi_stats(session, year=2020, today=TODAY, organisation_id=HOME_OFFICE).received == 1
        assert foi_stats(session, year=2020, today=TODAY).received == 2


CHANGES: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "seek_clarification": (seek_clarification, {"sought_on": D(2020, 9, 2)}),
    "clarification_received": (clarification_received, {"received_on": D(2020, 9, 2)}),
    "give_fees_notice": (give_fees_notice, {"given_on": D(2020, 9, 2), "amount": 10.0}),
    "fee_paid": (fee_paid, {"paid_on": D(2020, 9, 2)}),
    "extend_deadline": (extend_deadline, {"days": 5, "exemptions": ["43(2)"], "extended_on": D(2020, 9, 2)}),
    "request_review": (request_review, {"requested_on": D(2020, 9, 10)}),
    "withdraw_case": (withdraw_case, {"withdrawn_on": D(2020, 9, 10)}),
    "respond": (respond, {"outcome": "s14", "responded_on": D(2020, 9, 10), "out_dir": Path("unused")}),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_no_change_reaches_another_organisations_case(
    two_organisations: Engine, change: str, tmp_path: Path
) -> None:
    service, arguments = CHANGES[change]
    if "out_dir" in arguments:
        arguments = {**arguments, "out_dir": tmp_path / "refused"}
    with ledger_session(two_organisations) as session:
        audited = session.execute(select(func.count(AuditEvent.id))).scalar_one()
    with pytest.raises(NotFound, match=f"^no FOI case '{SEED_REFERENCE}' in the ledger"):
        with ledger_session(two_organisations) as session:
            service(
                session,
                case_reference=SEED_REFERENCE,
                actor="t",
                organisation_id=DFE,
                today=TODAY,
                **arguments,
            )
    with ledger_session(two_organisations) as session:
        assert session.execute(select(func.count(AuditEvent.id))).scalar_one() == audited
        assert session.execute(select(func.count(FoiCaseEvent.id))).scalar_one() == 0
        assert session.execute(select(func.count(FoiResponse.id))).scalar_one() == 1
    assert not (tmp_path / "refused").exists()


def test_a_letter_of_another_organisations_case_is_not_found(two_organisations: Engine) -> None:
    with ledger_session(two_organisations) as session:
        found = response_file(
            session, case_reference=SEED_REFERENCE, name="59907-response.md", organisation_id=HOME_OFFICE
        )
        assert found.path.is_file()
        with pytest.raises(NotFound, match=f"^no FOI case '{SEED_REFERENCE}' in the ledger"):
            response_file(
                session, case_reference=SEED_REFERENCE, name="59907-response.md", organisation_id=DFE
            )


def test_each_organisation_numbers_its_own_cases(two_organisations: Engine) -> None:
    with ledger_session(two_organisations) as session:
        # the DfE may have its own 59907: the Home Office's is not its business, and not a conflict
        theirs = open_seed_case(session, organisation_id=DFE)
        assert theirs.organisation_id == DFE
        made = [
            open_seed_case(session, organisation_id=org, reference=None, received_on=D(2021, 1, 4)).reference
            for org in (DFE, HOME_OFFICE, DFE)
        ]
        assert made == ["FOI-2021-0001", "FOI-2021-0001", "FOI-2021-0002"]
        with pytest.raises(Conflict, match="^case 59907 already exists$"):
            open_seed_case(session, organisation_id=DFE)
        # without an organisation (the operator's command line), a reference two organisations use is ambiguous
        with pytest.raises(
            InputError, match=r"^2 organisations have a case '59907' \(dfe, home-office\)$"
        ) as two:
            read_case(session, case_reference=SEED_REFERENCE, today=TODAY)
        assert (two.value.field, two.value.cli_hint) == ("organisation", "name one with --org")
        opened = session.execute(
            select(AuditEvent).where(AuditEvent.action == "foi-case-opened", AuditEvent.object_id == "59907")
        )
        assert sorted(e.detail["organisation"] for e in opened.scalars()) == [DFE, HOME_OFFICE]


def test_a_case_needs_an_organisation_in_the_ledger(ledger_engine: Engine) -> None:
    upgrade(ledger_engine)
    with pytest.raises(InputError, match="^no such organisation in the ledger") as unknown:
        with ledger_session(ledger_engine) as session:
            new_case(
                session,
                received_on=D(2020, 8, 12),
                title="t",
                request_text="x",
                actor="t",
                organisation_id="nowhere",
                today=TODAY,
            )
    assert unknown.value.field == "organisation"


def test_the_receiving_organisation_must_be_named_among_several(ledger_engine: Engine) -> None:
    upgrade(ledger_engine)
    with ledger_session(ledger_engine) as session:
        with pytest.raises(InputError, match="^the ledger holds no organisation yet") as none_yet:
            receiving_organisation(session)
        assert none_yet.value.field == "organisation"
        add_organisation(session, HOME_OFFICE)
        assert receiving_organisation(session) == HOME_OFFICE
        build_golden_ledger(session)
        with pytest.raises(InputError, match="^name the organisation .*: one of dfe, home-office$"):
            receiving_organisation(session)
        assert receiving_organisation(session, DFE) == DFE


def test_not_held_counts_only_the_exchanges_of_the_organisations_agreements(
    ledger_engine: Engine, tmp_path: Path
) -> None:
    """A third party's case asking about months the ledger has exchanges in (not its own) may be 'not held', and
    the refusal never tells it how many exchanges other organisations ran."""
    upgrade(ledger_engine)
    with ledger_session(ledger_engine) as session:
        build_golden_ledger(session)
        open_seed_case(session, organisation_id=add_organisation(session, "northshire"), about=["2019-01"])
        open_seed_case(session, organisation_id=HOME_OFFICE, reference="HO-1", about=["2019-01"])
        with pytest.raises(Conflict, match="the ledger holds 1 exchange"):
            respond(
                session,
                case_reference="HO-1",
                outcome="not_held",
                responded_on=D(2020, 9, 9),
                actor="t",
                out_dir=tmp_path / "unused",
                today=TODAY,
            )
        answered = respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="not_held",
            responded_on=D(2020, 9, 9),
            actor="t",
            out_dir=tmp_path / "letters",
            organisation_id="northshire",
            today=TODAY,
        )
    assert answered.case.state == "not_held"
