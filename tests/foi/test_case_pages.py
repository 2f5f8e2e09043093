"""What screens and clients read off a case besides its clock: the actions possible next, "due this week", the
explanation of the due date (pauses included), and the files a response wrote — found by name, checked by hash."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sharelog.errors import Conflict, NotFound
from sharelog.foi import (
    CaseView,
    explain_case_deadline,
    extend_deadline,
    fee_paid,
    give_fees_notice,
    next_actions,
    read_case,
    request_review,
    respond,
    response_file,
    seek_clarification,
    withdraw_case,
)
from sharelog.ledger import ledger_session

from .conftest import SEED_DUE, SEED_RECEIVED, SEED_REFERENCE, TODAY, open_seed_case

D = date


def _read(engine: Engine, today: date = TODAY) -> CaseView:
    with ledger_session(engine) as session:
        return read_case(session, case_reference=SEED_REFERENCE, today=today)


def _names(view: CaseView) -> list[str]:
    return [action.name for action in next_actions(view)]


def test_the_actions_follow_the_state_and_the_clock(seed_case: Engine) -> None:
    assert _names(_read(seed_case)) == ["respond", "seek-clarification", "fees-notice", "extend", "withdraw"]
    with ledger_session(seed_case) as session:
        give_fees_notice(
            session, case_reference=SEED_REFERENCE, given_on=D(2020, 8, 19), actor="t", today=TODAY
        )
    assert _names(_read(seed_case)) == ["respond", "seek-clarification", "fee-paid", "extend", "withdraw"]
    with ledger_session(seed_case) as session:
        fee_paid(session, case_reference=SEED_REFERENCE, paid_on=D(2020, 8, 20), actor="t", today=TODAY)
        extend_deadline(
            session,
            case_reference=SEED_REFERENCE,
            days=20,
            exemptions=["31(1)(e)"],
            extended_on=D(2020, 9, 1),
            actor="t",
            today=TODAY,
        )
    assert "extend" not in _names(_read(seed_case))  # the 20 days allowed are used
    with ledger_session(seed_case) as session:
        seek_clarification(
            session, case_reference=SEED_REFERENCE, sought_on=D(2020, 9, 2), actor="t", today=TODAY
        )
    assert _names(_read(seed_case)) == ["clarification-received", "withdraw"]


def test_after_a_response_only_a_review_then_its_answer(seed_case: Engine, tmp_path: Path) -> None:
    with ledger_session(seed_case) as session:
        respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="successful",
            responded_on=D(2020, 9, 9),
            actor="t",
            out_dir=tmp_path,
            today=TODAY,
        )
    assert _names(_read(seed_case, D(2020, 9, 10))) == ["request-review"]
    with ledger_session(seed_case) as session:
        request_review(
            session, case_reference=SEED_REFERENCE, requested_on=D(2020, 9, 10), actor="t", today=TODAY
        )
    assert _names(_read(seed_case, D(2020, 9, 10))) == ["respond", "withdraw"]
    with ledger_session(seed_case) as session:
        withdraw_case(
            session, case_reference=SEED_REFERENCE, withdrawn_on=D(2020, 9, 11), actor="t", today=TODAY
        )
    assert _names(_read(seed_case)) == []


def test_foisa_has_no_extension(sqlite_ledger: Engine) -> None:
    with ledger_session(sqlite_ledger) as session:
        view = open_seed_case(session, regime="foisa")
    assert "extend" not in _names(view)


@pytest.mark.parametrize(
    ("today", "due_this_week"),
    [
        (D(2020, 9, 4), True),  # due in six days
        (D(2020, 9, 10), True),  # due today
        (D(2020, 9, 3), False),  # due in a week
        (D(2020, 9, 11), False),  # overdue, not "due this week"
    ],
)
def test_due_this_week(seed_case: Engine, today: date, due_this_week: bool) -> None:
    assert SEED_DUE == D(2020, 9, 10)
    assert _read(seed_case, today).due_this_week is due_this_week


def test_the_explanation_counts_the_days_not_counted(seed_case: Engine) -> None:
    explanation = explain_case_deadline(_read(seed_case))
    assert explanation is not None
    assert explanation.received == SEED_RECEIVED and explanation.due == SEED_DUE and explanation.days == 20
    assert (
        D(2020, 8, 31),
        "Late Summer Bank Holiday (England, Wales and Northern Ireland)",
    ) in explanation.skipped
    with ledger_session(seed_case) as session:
        give_fees_notice(
            session, case_reference=SEED_REFERENCE, given_on=D(2020, 8, 19), actor="t", today=TODAY
        )
    assert explain_case_deadline(_read(seed_case)) is None  # the fee is unpaid: no deadline runs
    with ledger_session(seed_case) as session:
        fee_paid(session, case_reference=SEED_REFERENCE, paid_on=D(2020, 8, 26), actor="t", today=TODAY)
    explanation = explain_case_deadline(_read(seed_case))
    assert explanation is not None and explanation.due == D(2020, 9, 18)
    paused = [day for day, reason in explanation.skipped if reason.startswith("clock paused")]
    assert paused == [
        D(2020, 8, 19),
        D(2020, 8, 20),
        D(2020, 8, 21),
        D(2020, 8, 24),
        D(2020, 8, 25),
        D(2020, 8, 26),
    ]
    # 20 working days counted between the start and the due date, no more, no less
    span = (explanation.due - explanation.received).days
    assert span - len(explanation.skipped) == 20


def test_response_files_by_name_and_hash(seed_case: Engine, tmp_path: Path) -> None:
    with ledger_session(seed_case) as session:
        result = respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="successful",
            responded_on=D(2020, 9, 9),
            actor="t",
            out_dir=tmp_path / "out",
            today=TODAY,
        )
    letter = result.files["letter_md"]
    (tmp_path / "other.txt").write_text("not a response file")
    with ledger_session(seed_case) as session:
        found = response_file(session, case_reference=SEED_REFERENCE, name=letter.name)
        assert found.path == letter and found.kind == "letter_md" and found.responded_on == D(2020, 9, 9)
        for name in ("other.txt", "../other.txt", "ledger.db", ""):
            with pytest.raises(NotFound):
                response_file(session, case_reference=SEED_REFERENCE, name=name)
        with pytest.raises(NotFound, match="no FOI case"):
            response_file(session, case_reference="nope", name=letter.name)
    letter.write_text(letter.read_text() + "\nEdited afterwards.")
    with ledger_session(seed_case) as session:
        with pytest.raises(Conflict, match="has changed since"):
            response_file(session, case_reference=SEED_REFERENCE, name=letter.name)
    letter.unlink()
    with ledger_session(seed_case) as session:
        with pytest.raises(NotFound, match="no longer in the data folder"):
            response_file(session, case_reference=SEED_REFERENCE, name=letter.name)
