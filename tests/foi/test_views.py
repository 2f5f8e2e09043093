"""What a case's view says besides its clock (the clock is tests/foi/test_clock.py, the actions it offers next
tests/foi/test_actions.py): "due this week", the explanation of the due date (pauses included), and the files a
response wrote — found by name, checked by hash."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sharelog.errors import Conflict, NotFound
from sharelog.foi import (
    CaseView,
    explain_case_deadline,
    fee_paid,
    give_fees_notice,
    read_case,
    respond,
    response_file,
)
from sharelog.ledger import ledger_session

from ..worlds import SEED_DUE, SEED_RECEIVED, SEED_REFERENCE, TODAY

D = date


def _read(engine: Engine, today: date = TODAY) -> CaseView:
    with ledger_session(engine) as session:
        return read_case(session, case_reference=SEED_REFERENCE, today=today)


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
