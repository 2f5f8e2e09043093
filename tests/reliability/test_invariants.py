"""The harness's checks are not vacuous: each kind of damage a crash could do to the history is reported, and
what a kill may leave for the next run is told apart from damage. Also the kill budget's split."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Executable, delete, select, update

from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import AuditEvent, Disclosure, Exchange, ReturnFile

from ..worlds import Ledgers
from ._harness import KILLS_VARIABLE, kills_for
from ._history import History
from ._invariants import assert_consistent, inspect, partial_of
from ._ledgers import Case, case_factory

pytestmark = pytest.mark.reliability

Damage = Callable[[Case], None]


def _first_return_file(case: Case) -> Path:
    return sorted((case.data_dir / "returns").glob("EX-*.csv"))[0]


def _sql(case: Case, statement: Executable) -> None:
    engine = create_ledger_engine(case.ledger_url)
    try:
        with ledger_session(engine) as session:
            session.execute(statement)
    finally:
        engine.dispose()


def _first_disclosure_id(case: Case) -> int:
    engine = create_ledger_engine(case.ledger_url)
    try:
        with ledger_session(engine) as session:
            return int(session.execute(select(Disclosure.id).order_by(Disclosure.id).limit(1)).scalar_one())
    finally:
        engine.dispose()


def _two_files_deleted(case: Case) -> None:
    for path in sorted((case.data_dir / "returns").glob("EX-*.csv"))[:2]:
        path.unlink()


def _deletion_recorded_file_kept(case: Case) -> None:
    path = f"returns/{_first_return_file(case).name}"
    _sql(case, update(ReturnFile).where(ReturnFile.path == path).values(deleted_at=ReturnFile.created_at))


DAMAGE: dict[str, tuple[Damage, str]] = {
    "return file changed": (
        lambda case: _first_return_file(case).write_text("request_id\n", encoding="utf-8"),
        "not the bytes the ledger recorded",
    ),
    "two files gone unrecorded": (_two_files_deleted, "more than one deleted file left unrecorded"),
    "deletion recorded, file kept": (_deletion_recorded_file_kept, "recorded as deleted, still on disk"),
    "a disclosure lost": (
        lambda case: _sql(case, delete(Disclosure).where(Disclosure.id == _first_disclosure_id(case))),
        "disclosures",
    ),
    "an audit event edited": (
        lambda case: _sql(case, update(AuditEvent).where(AuditEvent.id == 2).values(actor="someone-else")),
        "audit verify",
    ),
    "an exchange stuck": (
        lambda case: _sql(case, update(Exchange).where(Exchange.id == 1).values(state="matching")),
        "stuck in state matching",
    ),
    "a file the ledger does not know": (
        lambda case: (case.data_dir / "returns" / "EX-2019-09-00000000.csv").write_text(
            "x\n", encoding="utf-8"
        ),
        "unknown to the ledger",
    ),
}


@pytest.fixture
def new_case(ledgers: Ledgers, history: History, tmp_path: Path) -> Callable[[str], Case]:
    return case_factory(ledgers, history.template, tmp_path)


def test_the_history_is_consistent_and_settled(new_case: Callable[[str], Case]) -> None:
    findings = assert_consistent(new_case("untouched"), after_kill=False)
    assert findings.return_files == 12


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_each_damage_is_reported_even_after_a_kill(new_case: Callable[[str], Case], damage: str) -> None:
    case = new_case("damaged")
    harm, reported = DAMAGE[damage]
    harm(case)
    with pytest.raises(AssertionError, match=reported):
        assert_consistent(case, after_kill=True)


def test_what_a_kill_leaves_for_the_next_run_is_allowed_then_but_not_after_a_rerun(
    new_case: Callable[[str], Case],
) -> None:
    case = new_case("left")
    pending = _first_return_file(case)
    pending.replace(partial_of(pending))  # committed, not yet renamed
    orphan = case.data_dir / "returns" / ".EX-2019-09-00000000.csv.partial"  # never committed
    orphan.write_text("request_id\n", encoding="utf-8")
    sorted((case.data_dir / "returns").glob("EX-*.csv"))[-1].unlink()  # deleted, not yet recorded
    findings = inspect(case)
    assert (len(findings.pending), len(findings.orphans), len(findings.unrecorded)) == (1, 1, 1)
    assert not findings.problems
    assert_consistent(case, after_kill=True)
    with pytest.raises(AssertionError, match="left unfinished after the rerun"):
        assert_consistent(case, after_kill=False)


@pytest.mark.parametrize(("total", "split"), [(12, (2, 2, 2)), (100, (20, 15, 15)), (1, (1, 1, 1))])
def test_the_kills_are_shared_40_30_30_and_split_between_the_backends(
    monkeypatch: pytest.MonkeyPatch, total: int, split: tuple[int, int, int]
) -> None:
    monkeypatch.setenv(KILLS_VARIABLE, str(total))
    commands = ("exchange run", "outcomes import", "retention apply")
    assert tuple(kills_for(command) for command in commands) == split
