"""The review band is decided by a named person; accepted ones are returned and become disclosures."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.errors import Conflict, NotFound
from sharelog.exchange import (
    ReviewCase,
    decide,
    decide_review,
    recover_exchange_files,
    review_case,
    review_queue,
)
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import Disclosure, Exchange, ReturnFile, ReviewItem
from sharelog.linkage import ComparisonEvidence, explain
from sharelog.settings import Settings

from ..ledger._write_watch import UnauditedWrites
from ..worlds import (
    PREPARED,
    REVIEW_MONTH,
    REVIEWED,
    SMALL,
    TEST_KEY,
    RegisterWorld,
    WorldFactory,
    audit_details,
    engine_of,
    run_review_month,
)

runner = CliRunner()


@pytest.fixture
def world(worlds: WorldFactory) -> RegisterWorld:
    return worlds.register(SMALL)


@pytest.fixture
def reviewed(worlds: WorldFactory, tmp_path: Path) -> Iterator[tuple[Settings, Engine, str]]:
    """A copy of an exchange awaiting review: the review month run, the hand-made review cases in its band."""
    copy = worlds.copy(REVIEWED, tmp_path, holder_key=TEST_KEY, actor="tester")
    with copy.engine() as engine:
        yield copy.settings, engine, copy.exchange(REVIEW_MONTH).reference


def _queue(settings: Settings, reference: str) -> list[str]:
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        queue = [case.request_ref for case in review_queue(session, exchange=reference)]
    engine.dispose()
    return queue


def test_accept_one_reject_the_rest_completes_the_exchange(reviewed: tuple[Settings, Engine, str]) -> None:
    settings, engine, reference = reviewed
    queue = _queue(settings, reference)
    review_file = settings.review_path() / f"{reference}.json"
    assert review_file.is_file()
    first = decide(
        settings,
        engine=engine,
        exchange=reference,
        request_ref=queue[0],
        accept=True,
        decided_by="A. Reviewer",
    )
    assert first.remaining == len(queue) - 1
    for request in queue[1:]:
        last = decide(
            settings,
            engine=engine,
            exchange=reference,
            request_ref=request,
            accept=False,
            decided_by="A. Reviewer",
        )
    assert last.remaining == 0 and last.returned == 1
    assert last.supplementary_file is not None and last.supplementary_file.is_file()
    with last.supplementary_file.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["request_id"] for row in rows] == [queue[0]]
    assert "dob" not in rows[0] and "pupil_id" not in rows[0]
    assert not review_file.exists()
    with ledger_session(engine) as session:
        exchange = session.execute(select(Exchange).where(Exchange.reference == reference)).scalar_one()
        accepted = session.execute(select(Disclosure).where(Disclosure.request_ref == queue[0])).scalar_one()
        items = (
            session.execute(select(ReviewItem).where(ReviewItem.exchange_id == exchange.id)).scalars().all()
        )
        files = (
            session.execute(select(ReturnFile.kind).where(ReturnFile.exchange_id == exchange.id))
            .scalars()
            .all()
        )
        chain = verify_audit_chain(session)
    assert exchange.state == "returned"
    assert exchange.n_returned == exchange.n_matched + 1
    assert accepted.decided_by == "A. Reviewer"
    assert {i.decision for i in items} == {"accepted", "rejected"} and all(i.decided_by for i in items)
    assert sorted(files) == ["main", "supplementary"]
    assert chain.ok


def test_a_decision_is_made_once(reviewed: tuple[Settings, Engine, str]) -> None:
    settings, engine, reference = reviewed
    request = _queue(settings, reference)[0]
    decide(settings, engine=engine, exchange=reference, request_ref=request, accept=False, decided_by="A")
    with pytest.raises(Conflict, match="already rejected by A"):
        decide(settings, engine=engine, exchange=reference, request_ref=request, accept=True, decided_by="B")


def test_unknown_items(reviewed: tuple[Settings, Engine, str]) -> None:
    settings, engine, reference = reviewed
    with pytest.raises(NotFound, match="no exchange 'EX-nope'"):
        decide(settings, engine=engine, exchange="EX-nope", request_ref="x", accept=True, decided_by="A")
    with pytest.raises(NotFound, match="has no request 'x' in its review band"):
        decide(settings, engine=engine, exchange=reference, request_ref="x", accept=True, decided_by="A")


def test_side_by_side_shows_request_and_candidate(reviewed: tuple[Settings, Engine, str]) -> None:
    settings, engine, reference = reviewed
    request = _queue(settings, reference)[0]
    with ledger_session(engine) as session:
        case = review_case(session, settings, exchange=reference, request_ref=request)
    assert case.request is not None and case.candidate is not None
    assert case.candidate["pupil_id"] == case.candidate_id
    assert set(case.request) >= {"forename", "surname", "dob"}


def test_cli_list_show_accept(reviewed: tuple[Settings, Engine, str]) -> None:
    settings, _, reference = reviewed
    listed = runner.invoke(app, ["review", "list"], obj=settings, env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and reference in listed.stdout
    request = _queue(settings, reference)[0]
    shown = runner.invoke(app, ["review", "show", reference, request], obj=settings, env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "candidate" in shown.stdout
    accepted = runner.invoke(
        app, ["review", "accept", reference, request, "--by", "C. Reviewer"], obj=settings
    )
    assert accepted.exit_code == 0, accepted.output
    assert "accepted" in accepted.stdout


def _actions(settings: Settings, *actions: str) -> dict[str, list[dict[str, object]]]:
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        found = {action: audit_details(session, action) for action in actions}
        assert verify_audit_chain(session).ok
    engine.dispose()
    return found


def test_running_and_reviewing_an_exchange_is_audited_throughout(
    worlds: WorldFactory, world: RegisterWorld, tmp_path: Path
) -> None:
    """No transaction of an exchange run or a review decision commits without an audit event, and completing
    the review records what was returned and the review file's deletion (with the checksum of its bytes)."""
    settings = worlds.copy(PREPARED, tmp_path, holder_key=TEST_KEY, actor="tester").settings
    watch = UnauditedWrites()
    with watch.watching(), engine_of(settings) as engine:
        reference, queue = run_review_month(settings, engine=engine, register=world)
        review_file = settings.review_path() / f"{reference}.json"
        digest = hashlib.sha256(review_file.read_bytes()).hexdigest()
        decide(
            settings,
            engine=engine,
            exchange=reference,
            request_ref=queue[0],
            accept=True,
            decided_by="A. Reviewer",
        )
        for request in queue[1:]:
            decide(
                settings,
                engine=engine,
                exchange=reference,
                request_ref=request,
                accept=False,
                decided_by="B. Reviewer",
            )
    assert watch.found == []
    events = _actions(
        settings, "exchange-completed", "review-decided", "review-completed", "review-file-deleted"
    )
    assert len(events["review-decided"]) == len(queue)
    [completed] = events["review-completed"]
    assert (
        completed["accepted"] == 1 and completed["rejected"] == len(queue) - 1 and completed["returned"] == 1
    )
    supplementary = completed["supplementary_file"]
    assert isinstance(supplementary, dict)
    assert supplementary["path"] == f"returns/{reference}.supplementary.csv"
    assert (
        supplementary["sha256"]
        == hashlib.sha256((settings.data_dir / supplementary["path"]).read_bytes()).hexdigest()
    )
    [deleted] = events["review-file-deleted"]
    assert deleted == {
        "reason": "review-completed",
        "path": f"review/{reference}.json",
        "sha256": digest,
        "found": True,
    }
    assert not review_file.exists()


def test_a_review_file_a_crash_left_behind_is_deleted_and_recorded_by_the_next_run(
    reviewed: tuple[Settings, Engine, str],
) -> None:
    settings, engine, reference = reviewed
    queue = _queue(settings, reference)
    for request in queue[:-1]:
        decide(settings, engine=engine, exchange=reference, request_ref=request, accept=False, decided_by="A")
    with ledger_session(
        engine
    ) as session:  # the last decision commits; the process dies before the files move
        decide_review(
            session, settings, exchange=reference, request_ref=queue[-1], accept=False, decided_by="A"
        )
    review_file = settings.review_path() / f"{reference}.json"
    digest = hashlib.sha256(review_file.read_bytes()).hexdigest()
    with ledger_session(engine) as session:
        recover_exchange_files(
            session,
            data_dir=settings.data_dir,
            returns_dir=settings.returns_path(),
            review_dir=settings.review_path(),
        )
    assert not review_file.exists()
    events = _actions(settings, "review-completed", "review-file-deleted")
    [completed] = events["review-completed"]
    assert completed["returned"] == 0 and completed["supplementary_file"] is None
    assert events["review-file-deleted"] == [
        {"reason": "recovery", "path": f"review/{reference}.json", "sha256": digest, "found": True}
    ]


def test_a_close_runner_up_is_shown_with_the_evidence_link_explain_gives(
    reviewed: tuple[Settings, Engine, str], world: RegisterWorld
) -> None:
    """The twins' case: both twins, each comparison's level and weight — the same as ``link explain`` reads from
    Splink's levels (the exchange reads them back from the weights) — and only the fields the agreement matches
    on."""
    settings, engine, reference = reviewed
    with ledger_session(engine) as session:
        case = review_case(session, settings, exchange=reference, request_ref="HO-2019-01-90001")
    assert case.reason == "runner-up too close"
    assert {case.candidate_id, case.runner_up_id} == {"T-CHIDI", "T-CHINEDU"}
    assert case.runner_up is not None and case.runner_up["pupil_id"] == case.runner_up_id
    assert case.runner_up_probability is not None and case.gap_bits is not None
    explained = explain(
        "HO-2019-01-90001", requests=world.batches[REVIEW_MONTH], prepared=settings.register_path()
    )
    assert (explained.pupil_id, explained.runner_up_id) == (case.candidate_id, case.runner_up_id)
    # explain reads Splink's levels; the exchange reads them back from the weights, naming every level of the same
    # weight where it cannot tell them apart
    assert [e.comparison for e in case.evidence] == [e.comparison for e in explained.evidence]
    for kept, given in zip(case.evidence, explained.evidence, strict=True):
        assert given.best_level in kept.best_level.split(" or ")
        assert given.runner_up_level in (kept.runner_up_level or "").split(" or ")
        assert kept.best_weight == pytest.approx(given.best_weight)
        assert kept.runner_up_weight == pytest.approx(given.runner_up_weight)
        if kept.best_agrees is not None:
            assert kept.best_agrees == given.best_agrees
    # "C" for Chidi: the forename differs, the date of birth does not: no second confirmation
    assert case.differs_on("forename") and not case.differs_on("dob") and not case.needs_confirmation
    # the 2019 agreement matches on neither sex nor anything outside its match fields: the reviewer sees none
    assert "sex" not in case.fields and "dob" in case.fields
    for shown in (case.request, case.candidate, case.runner_up):
        assert shown is not None and "sex" not in shown and "school_name" not in shown


def _evidence(forename: bool | None, dob: bool | None) -> tuple[ComparisonEvidence, ...]:
    return tuple(
        ComparisonEvidence(name, "level", 0.0, None, None, best_agrees=agrees)
        for name, agrees in (("forename", forename), ("surname", True), ("dob", dob))
    )


@pytest.mark.parametrize(
    ("forename", "dob", "confirm"),
    [(False, False, True), (True, False, False), (False, True, False), (None, False, False)],
)
def test_a_candidate_whose_forename_and_date_of_birth_both_differ_needs_confirmation(
    forename: bool | None, dob: bool | None, confirm: bool
) -> None:
    case = ReviewCase("EX", "R", 0.999, "runner-up too close", evidence=_evidence(forename, dob))
    assert case.needs_confirmation is confirm


def test_without_evidence_the_values_as_written_decide_what_differs() -> None:
    """A review file written before the evidence was kept: compare the values, ignoring case and spaces."""
    request = {"forename": "Amira ", "dob": "2011-03-04"}
    same = ReviewCase(
        "EX", "R", 0.9, "r", request=request, candidate={"forename": "AMIRA", "dob": "2011-03-04"}
    )
    both = ReviewCase(
        "EX", "R", 0.9, "r", request=request, candidate={"forename": "Olivia", "dob": "2008-04-09"}
    )
    assert not same.needs_confirmation and both.needs_confirmation
