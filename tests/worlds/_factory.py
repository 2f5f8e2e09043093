"""The one way the tests build a ledger: a :class:`LedgerWorld` says what it holds, step by step, and the
session's :class:`WorldFactory` builds each world once (per backend) as a template and hands every test that asks a
copy of its own.

A world is a value: each ``with_…`` returns a new world one step longer, so worlds extend one another —
``GOLDEN`` is the golden report ledger, ``WEB_LEDGER`` the golden ledger with accounts and FOI cases, and a test
module may add a step of its own. Two worlds with the same steps are the same template.

The expensive parts are built once per session: a synthetic register prepared with its trained model
(:mod:`._register`, one per :class:`RegisterSpec`), argon2-hashed accounts, real exchange runs. A copy is a file
copy of the data folder (SQLite's ``ledger.db`` is in it) and, on PostgreSQL, ``CREATE DATABASE … TEMPLATE``.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sharelog.agreements import load_agreements
from sharelog.exchange import run_exchange
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.agreement_records import record_agreement
from sharelog.settings import Settings, shipped_agreements_dir

from ._accounts import ACCOUNTS, PASSWORD, THIRD_PARTY_ACCOUNTS, add_accounts
from ._databases import SQLITE, Backend
from ._foi import add_third_party, open_dfe_case, open_third_party_case
from ._golden import build_golden_ledger
from ._register import (
    AGREEMENT,
    REVIEW_MONTH,
    SMALL,
    RegisterSpec,
    RegisterWorld,
    build_register_world,
    check_review_cases,
)
from ._rows import (
    EXCHANGE_REFERENCE,
    PURPOSE,
    TEST_KEY,
    add_agreement,
    add_disclosure,
    add_exchange,
    migrated,
)

Step = Callable[["Building"], None]


@dataclass
class Building:
    """What a step works on while its world is built: the ledger, settings on the world's data folder, the
    register (if the world has one) and the facts the steps record for the tests (exchange references…)."""

    engine: Engine
    settings: Settings
    register: RegisterWorld | None
    facts: dict[str, Any]

    @contextmanager
    def session(self) -> Iterator[Session]:
        with ledger_session(self.engine) as session:
            yield session


@dataclass(frozen=True)
class ExchangeRun:
    """An exchange a world ran: its reference, counts and review queue (request ids, in the queue's order)."""

    reference: str
    month: str
    counts: Mapping[str, int]
    review_queue: tuple[str, ...]

    @property
    def review(self) -> int:
        return self.counts["review"]


def _origin(step: Callable[..., object]) -> str:
    """Where a step was written (so that two modules' steps of the same name are two templates)."""
    function = getattr(step, "func", step)  # a functools.partial's function
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', '?')}"


def _name(step: str, **arguments: object) -> str:
    shown = ", ".join(f"{key}={value!r}" for key, value in sorted(arguments.items()))
    return f"{step}({shown})"


@dataclass(frozen=True)
class LedgerWorld:
    """A ledger described step by step; build it with :meth:`build` or copy it from a :class:`WorldFactory`.

    Attributes:
        register: the synthetic register the world's data folder holds, prepared (``None``: no register).
        migrated_by: who the migrations' audit events name (default: sharelog's own default).
        actor: the settings' actor while the world is built (the exchanges' ``submitted_by``).
        steps: (name, step) pairs, in order; the names make the template's key.
    """

    register: RegisterSpec | None = None
    migrated_by: str | None = None
    actor: str = "tester"
    steps: tuple[tuple[str, Step], ...] = ()

    @property
    def key(self) -> tuple[object, ...]:
        return (self.register, self.migrated_by, self.actor, tuple(name for name, _ in self.steps))

    def then(self, name: str, step: Step) -> LedgerWorld:
        """This world and one more step (``name`` must say everything the step depends on)."""
        return replace(self, steps=(*self.steps, (f"{name} [{_origin(step)}]", step)))

    def in_session(self, name: str, step: Callable[[Session], object]) -> LedgerWorld:
        """One more step that writes through one ledger session (committed at its end)."""

        def run(building: Building) -> None:
            with building.session() as session:
                step(session)

        return replace(self, steps=(*self.steps, (f"{name} [{_origin(step)}]", run)))

    def with_register(self, spec: RegisterSpec) -> LedgerWorld:
        """The world's data folder holds ``spec``'s prepared register (``register/``)."""
        return replace(self, register=spec)

    def with_shipped_agreements(self, *, actor: str = "ops") -> LedgerWorld:
        """The agreements shipped with sharelog recorded, as ``sharelog agreements`` records them."""

        def record(session: Session) -> None:
            for agreement in load_agreements(shipped_agreements_dir()):
                record_agreement(session, agreement, actor=actor)

        return self.in_session(_name("shipped agreements", actor=actor), record)

    def with_golden_months(self, *, title: str = "Test agreement (version 1)") -> LedgerWorld:
        """The golden report ledger (:mod:`._golden`): two agreement versions, three months, outcome events."""
        return self.in_session(
            _name("golden months", title=title), lambda session: build_golden_ledger(session, title=title)
        )

    def with_accounts(
        self, accounts: Mapping[str, tuple[str, str]] = ACCOUNTS, *, password: str = PASSWORD
    ) -> LedgerWorld:
        """An account per entry (username → role, organisation), all with ``password``."""
        frozen = dict(accounts)
        return self.in_session(
            _name("accounts", accounts=sorted(frozen.items()), password=password),
            lambda session: add_accounts(session, frozen, password=password),
        )

    def with_returned_records(self, *, reference: str = EXCHANGE_REFERENCE, records: int = 2) -> LedgerWorld:
        """An exchange of the test agreement (March 2019) and ``records`` returned records, written as rows:
        ``HO-2019-03-00001`` about ``P0000001`` and so on. Facts: ``disclosures`` (their ids, in order)."""

        def add(building: Building) -> None:
            with building.session() as session:
                exchange = add_exchange(session, add_agreement(session), reference=reference)
                made = [
                    add_disclosure(session, exchange, request_ref=f"HO-2019-03-{n:05d}", pupil_id=f"P{n:07d}")
                    for n in range(1, records + 1)
                ]
                building.facts["disclosures"] = [disclosure.id for disclosure in made]

        return self.then(_name("returned records", reference=reference, records=records), add)

    def with_third_party(self) -> LedgerWorld:
        """Northshire County Council and its own agreement with the DfE (in force from 2021)."""
        return self.in_session("third party", add_third_party)

    def with_foi_cases(self) -> LedgerWorld:
        """The DfE's overdue case about the golden months, and the council's answered case with its letter."""

        def open_cases(building: Building) -> None:
            with building.session() as session:
                open_dfe_case(session)
                open_third_party_case(session, building.settings.data_dir)

        return self.then("foi cases", open_cases)

    def with_exchanges(self, *months: str, received: Mapping[str, datetime] | None = None) -> LedgerWorld:
        """Each month's synthetic batch run as an exchange under the 2019 agreement (``received``: when each
        month's batch counts as received; default the clock). The review month's run must put the hand-made
        review cases in its review band. Facts: ``exchanges`` (month → :class:`ExchangeRun`)."""
        times = dict(received or {})

        def run(building: Building) -> None:
            assert building.register is not None, "a world that runs exchanges needs a register"
            runs = building.facts.setdefault("exchanges", {})
            for month in months:
                result = run_exchange(
                    building.settings,
                    engine=building.engine,
                    agreement_id=AGREEMENT,
                    purpose=PURPOSE,
                    batch=building.register.batches[month],
                    month=month,
                    now=times.get(month),
                )
                queue: list[str] = []
                if month == building.register.review_month:
                    queue = check_review_cases(building.engine, result.reference)
                runs[month] = ExchangeRun(result.reference, month, dict(result.counts), tuple(queue))

        return self.then(_name("exchanges", months=months, received=sorted(times.items())), run)

    def build(self, settings: Settings, *, register: RegisterWorld | None = None) -> dict[str, Any]:
        """Migrate the (empty) ledger of ``settings`` and run every step on it; the facts the steps recorded.

        ``register``: the built world of :attr:`register`, copied into the data folder first.
        """
        assert (register is None) == (self.register is None), "the world's register, built, or neither"
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if register is not None:
            assert register.prepared is not None, "a register world with months is prepared"
            shutil.copytree(register.prepared, settings.data_dir / "register")
        engine = migrated(create_ledger_engine(settings.ledger_url()), actor=self.migrated_by)
        facts: dict[str, Any] = {}
        try:
            for _name_of_step, step in self.steps:
                step(Building(engine, settings, register, facts))
        finally:
            engine.dispose()
        return facts


EMPTY = LedgerWorld()
"""A migrated ledger holding nothing."""
GOLDEN = EMPTY.with_golden_months()
"""The golden report ledger (:mod:`._golden`)."""
PREPARED = EMPTY.with_register(SMALL)
"""An empty ledger beside the small register, prepared with its model (``register/``): ready to run exchanges."""
REVIEWED = PREPARED.with_exchanges(REVIEW_MONTH)
"""The review month run on :data:`PREPARED`: an exchange awaiting review, the hand-made cases in its band."""
RETURNED = EMPTY.with_returned_records()
"""One exchange (``EX-2019-03-1a2b3c4d``) with two returned records, for the outcomes tests."""
WEB_LEDGER = GOLDEN.with_third_party().with_accounts({**ACCOUNTS, **THIRD_PARTY_ACCOUNTS}).with_foi_cases()
"""The web tests' ledger: the golden ledger, an account per role, the council and both FOI cases."""


@dataclass(frozen=True)
class Template:
    """A world as built once: its data folder, its database (PostgreSQL) and the facts its steps recorded."""

    data_dir: Path
    database_url: str | None
    facts: Mapping[str, Any]


@dataclass(frozen=True)
class WorldCopy:
    """A test's own copy of a world: settings on it and the world's facts."""

    settings: Settings
    facts: Mapping[str, Any] = field(default_factory=dict)

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        """The copy's ledger engine while the block runs."""
        with engine_of(self.settings) as engine:
            yield engine

    def exchange(self, month: str) -> ExchangeRun:
        """The exchange the world ran for ``month``."""
        run: ExchangeRun = self.facts["exchanges"][month]
        return run


class WorldFactory:
    """The session's worlds: each register and each template built on first use, copies made per test."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._numbers = itertools.count(1)
        self._registers: dict[RegisterSpec, RegisterWorld] = {}
        self._templates: dict[tuple[object, ...], Template] = {}

    def register(self, spec: RegisterSpec) -> RegisterWorld:
        """The synthetic world of ``spec`` (generated, and prepared when it has months), built once."""
        if spec not in self._registers:
            folder = self.root / f"register-{next(self._numbers)}"
            folder.mkdir()
            self._registers[spec] = build_register_world(folder, spec)
        return self._registers[spec]

    def template(self, world: LedgerWorld, backend: Backend = SQLITE) -> Template:
        """``world`` built once on ``backend``."""
        key = (world.key, backend.name)
        if key not in self._templates:
            folder = self.root / f"template-{next(self._numbers)}-{backend.name}"
            settings = Settings(
                data_dir=folder / "data",
                database_url=backend.empty(),
                agreements_dir=None,
                holder_key=TEST_KEY,
                actor=world.actor,
            )
            register = self.register(world.register) if world.register is not None else None
            facts = world.build(settings, register=register)
            self._templates[key] = Template(settings.data_dir, settings.database_url, facts)
        return self._templates[key]

    def copy(
        self, world: LedgerWorld, folder: Path, *, backend: Backend = SQLITE, **settings: Any
    ) -> WorldCopy:
        """A copy of ``world`` for one test: its data folder as ``folder/data``, its ledger a copy of the
        template's; ``settings`` (holder key, actor, web secret…) go into its :class:`Settings`."""
        template = self.template(world, backend)
        data = folder / "data"
        shutil.copytree(template.data_dir, data)
        database_url = backend.copy(template.database_url, folder=folder) if template.database_url else None
        return WorldCopy(
            Settings(data_dir=data, database_url=database_url, agreements_dir=None, **settings),
            template.facts,
        )


def run_review_month(
    settings: Settings, *, engine: Engine, register: RegisterWorld, now: datetime | None = None
) -> tuple[str, list[str]]:
    """Run the review month's batch on ``settings``' ledger; its reference and review queue, which holds the
    hand-made review cases (the test fails, never skips, if it does not)."""
    result = run_exchange(
        settings,
        engine=engine,
        agreement_id=AGREEMENT,
        purpose=PURPOSE,
        batch=register.batches[register.review_month],
        month=register.review_month,
        now=now,
    )
    return result.reference, check_review_cases(engine, result.reference)


@contextmanager
def engine_of(settings: Settings) -> Iterator[Engine]:
    """The ledger engine of ``settings`` while the block runs: the services take one, as the CLI and the web app
    pass theirs."""
    engine = create_ledger_engine(settings.ledger_url())
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def session_of(settings: Settings) -> Iterator[Session]:
    """One ledger session on the ledger of ``settings`` (committed at the end of the block)."""
    with engine_of(settings) as engine, ledger_session(engine) as session:
        yield session
