"""An exchange on encodings (docs/pprl.md): the holder runs the linkage unit's answer under an agreement that
provides for encoded matching, and the return, the ledger and the review band are what they are for a clear
exchange — while the holder's process never opens the requester's batch or its encodings, and holds no identity
of a request that matched no one."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from sharelog.agreements import agreement_in_force
from sharelog.errors import InputError, ValidationFailed
from sharelog.exchange import ExchangeResult, decide, month_start, review_case, run_exchange
from sharelog.ledger import ledger_session
from sharelog.ledger.models import Disclosure, Exchange, ReviewItem
from sharelog.pprl import (
    DEFAULT_SCHEMA,
    LinkageKey,
    encode_file,
    link_encodings,
    write_encodings,
    write_links,
)
from sharelog.settings import Settings

from ..worlds import (
    AGREEMENT,
    EMPTY,
    PURPOSE,
    REVIEW_MONTH,
    SMALL,
    TEST_KEY,
    RegisterWorld,
    WorldFactory,
    engine_of,
)
from ._encoded import ENCODED, encoded_agreements

KEY = LinkageKey(bytes(range(1, 33)))


@dataclass(frozen=True)
class Answer:
    """What the linkage unit sent back for the review month's batch, and the batch it never showed the holder."""

    links: Path
    batch: Path
    request_encodings: Path
    decisions: dict[str, tuple[str, str]]  # request id → (decision, pupil id)


@pytest.fixture(scope="module")
def world(worlds: WorldFactory) -> RegisterWorld:
    return worlds.register(SMALL)


@pytest.fixture(scope="module")
def agreements(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped agreements and one more: the 2019 update as it would read with encoded matching."""
    return encoded_agreements(tmp_path_factory.mktemp("agreements"))


@pytest.fixture(scope="module")
def answer(world: RegisterWorld, tmp_path_factory: pytest.TempPathFactory) -> Answer:
    """The requester and the holder encode; the linkage unit links; only ``links`` reaches the holder."""
    folder = tmp_path_factory.mktemp("linkage-unit")
    batch = world.batches[REVIEW_MONTH]
    register = encode_file(world.register, kind="register", schema=DEFAULT_SCHEMA, key=KEY)
    requests = encode_file(batch, kind="requests", schema=DEFAULT_SCHEMA, key=KEY)
    write_encodings(requests, folder / "requests.parquet")
    outcome = link_encodings(requests, register)
    links = write_links(outcome, folder / "links.csv")
    return Answer(
        links=links,
        batch=batch,
        request_encodings=folder / "requests.parquet",
        decisions={row.request_id: (row.decision, row.pupil_id) for row in outcome.rows},
    )


@pytest.fixture
def settings(worlds: WorldFactory, world: RegisterWorld, agreements: Path, tmp_path: Path) -> Settings:
    """An empty ledger of the test's own, the small world's prepared register and the encoded agreement."""
    copy = worlds.copy(EMPTY, tmp_path, holder_key=TEST_KEY, actor="tester", register_dir=world.prepared)
    return copy.settings.model_copy(update={"agreements_dir": agreements})


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    with engine_of(settings) as engine:
        yield engine


def _run(
    settings: Settings,
    engine: Engine,
    source: Path,
    *,
    agreement: str = ENCODED,
    linked: bool = True,
    **options: Any,
) -> ExchangeResult:
    """Run ``source`` (the linkage unit's answer, unless ``linked`` is false) for the review month."""
    return run_exchange(
        settings,
        engine=engine,
        agreement_id=agreement,
        purpose=PURPOSE,
        batch=source,
        month=REVIEW_MONTH,
        linked=linked,
        **options,
    )


def _opened_during(step) -> list[str]:  # type: ignore[no-untyped-def]
    """Every path Python opened while ``step`` ran (an audit hook cannot be removed, so it is switched off)."""
    opened: list[str] = []
    listening = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if listening[0] and event == "open" and isinstance(args[0], str | Path):
            opened.append(str(args[0]))

    sys.addaudithook(hook)
    try:
        step()
    finally:
        listening[0] = False
    return opened


def test_the_holder_returns_records_and_reviews_from_the_answer_alone(
    settings: Settings, engine: Engine, answer: Answer, world: RegisterWorld
):
    results = []
    opened = _opened_during(lambda: results.append(_run(settings, engine, answer.links)))
    result = results[0]
    assert str(answer.batch) not in opened and str(answer.request_encodings) not in opened
    assert not [path for path in opened if path.endswith(answer.batch.name)]

    decided = answer.decisions
    matched = {r: p for r, (d, p) in decided.items() if d == "match"}
    reviewed = {r: p for r, (d, p) in decided.items() if d == "review"}
    assert matched, "the linkage unit matched nobody: the test would prove nothing"
    assert result.counts["received"] == len(decided) and result.counts["returned"] == len(matched)
    with ledger_session(engine) as session:
        exchange = session.scalars(select(Exchange).where(Exchange.reference == result.reference)).one()
        assert (exchange.n_received, exchange.n_matched, exchange.n_review, exchange.n_no_match) == (
            len(decided),
            len(matched),
            len(reviewed),
            len(decided) - len(matched) - len(reviewed),
        )
        disclosed = session.scalars(select(Disclosure).where(Disclosure.exchange_id == exchange.id)).all()
        in_review = session.scalars(select(ReviewItem).where(ReviewItem.exchange_id == exchange.id)).all()
    assert sorted(d.request_ref for d in disclosed) == sorted(matched)
    assert sorted(i.request_ref for i in in_review) == sorted(reviewed)

    agreement = agreement_in_force(
        ENCODED, on=month_start(REVIEW_MONTH), directory=settings.agreements_path()
    )
    with result.return_file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == ["request_id", "match_probability", *agreement.return_fields]
    with world.register.open(encoding="utf-8", newline="") as handle:
        pupils = {row["pupil_id"]: row for row in csv.DictReader(handle)}
    for row in rows:
        pupil = pupils[matched[row["request_id"]]]
        assert all(row[field] == pupil[field] for field in agreement.return_fields)


def test_the_holder_keeps_no_identity_of_a_request_it_does_not_hold(
    settings: Settings, engine: Engine, answer: Answer, world: RegisterWorld
):
    _run(settings, engine, answer.links)
    with answer.batch.open(encoding="utf-8", newline="") as handle:
        unheld = [
            row for row in csv.DictReader(handle) if answer.decisions[row["request_id"]][0] == "no_match"
        ]
    with world.register.open(encoding="utf-8", newline="") as handle:
        held_names = {row["surname"].upper() for row in csv.DictReader(handle)}
    # surnames no pupil of the register has: the holder could have learnt them only from the requests
    surnames = {row["surname"].upper() for row in unheld if len(row["surname"]) >= 4} - held_names
    assert surnames, "every unheld request has a surname the register holds: the test would prove nothing"
    kept = b"".join(path.read_bytes().upper() for path in settings.data_dir.rglob("*") if path.is_file())
    assert not [name for name in surnames if name.encode() in kept]


def test_encoded_and_clear_matching_are_not_interchangeable(
    settings: Settings, engine: Engine, answer: Answer
):
    with pytest.raises(InputError, match="provides for encoded matching"):
        _run(settings, engine, answer.batch, linked=False)
    with pytest.raises(InputError, match="provides for clear matching"):
        _run(settings, engine, answer.links, agreement=AGREEMENT)


def test_a_damaged_answer_is_refused_whole_with_its_row_and_field(
    settings: Settings, engine: Engine, answer: Answer, tmp_path: Path
):
    lines = answer.links.read_text(encoding="utf-8").splitlines()
    request_id = lines[3].split(",")[0]
    lines[3] = f"{request_id},,0.5,maybe"
    damaged = tmp_path / "links.csv"
    damaged.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        _run(settings, engine, damaged, name="links.csv")
    assert [str(p) for p in refused.value.problems] == [
        "links.csv, row 4, field 'decision': the decision must be one of match, review, no_match"
    ]
    with ledger_session(engine) as session:
        states = session.scalars(select(Exchange.state)).all()
        assert states == ["rejected"] and session.scalars(select(Disclosure)).all() == []


def test_the_reviewer_sees_the_candidate_never_the_request_and_an_accepted_one_is_returned(
    settings: Settings, engine: Engine, answer: Answer
):
    result = _run(settings, engine, answer.links)
    reviewed = sorted(r for r, (d, _) in answer.decisions.items() if d == "review")
    assert reviewed, "the linkage unit put nobody in review: the test would prove nothing"
    with ledger_session(engine) as session:
        case = review_case(session, settings, exchange=result.reference, request_ref=reviewed[0])
    assert case.candidate_id == answer.decisions[reviewed[0]][1] and case.candidate
    assert not case.request  # no identity of the request reaches the holder, not even its reviewer
    for request in reviewed:  # the supplementary return is written when the last item is decided
        decide(
            settings,
            engine=engine,
            exchange=result.reference,
            request_ref=request,
            accept=request == reviewed[0],
            decided_by="reviewer",
        )
    with ledger_session(engine) as session:
        disclosed = session.scalars(
            select(Disclosure.request_ref).join(Exchange).where(Exchange.reference == result.reference)
        ).all()
    assert reviewed[0] in disclosed
