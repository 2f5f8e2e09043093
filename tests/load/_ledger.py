"""The ledger a load run writes to, and the checks made on it afterwards.

The ledger is the golden report ledger (three months, outcome events, a superseded one) and a fourth month of
500 returned records, so that clients spread their outcome events over many disclosures and the monthly report
has real work to do. Accounts and API tokens are made by the real services (so their audit events start the
chain); one token per client, spread over a few caseworkers of the requesting organisation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sharelog.accounts import create_api_token
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import AgreementVersion, AuditEvent, Disclosure, OutcomeEvent
from sharelog.settings import Settings

from ..worlds import GOLDEN, Building, LedgerWorld, add_accounts, add_returned_records, golden_batch

PASSWORD = "load test password, not for real use"
CASEWORKERS = 5
EXTRA_RETURNED = 500  # returned records of a fourth month, April 2019
OUTCOME_ACTIONS = ("outcome-recorded", "outcome-corrected")


@dataclass(frozen=True)
class LoadLedger:
    """What the clients need to know about the ledger they load, and where its audit chain stood before."""

    url: str
    tokens: tuple[str, ...]  # one bearer token per client
    returned_on: dict[int, date]  # disclosure id → the day it was returned (events may not predate it)
    last_audit_id: int  # the newest audit event before the run


def _april(session: Session) -> None:
    second = session.execute(select(AgreementVersion).where(AgreementVersion.version == "2.0")).scalar_one()
    april = golden_batch(session, second, month="2019-04", received=800, matched=EXTRA_RETURNED, review=0)
    add_returned_records(session, april, EXTRA_RETURNED)


def _accounts_and_tokens(building: Building, *, clients: int) -> None:
    usernames = [f"load-caseworker-{n}" for n in range(1, CASEWORKERS + 1)]
    with building.session() as session:
        add_accounts(
            session,
            {username: ("requester_caseworker", "home-office") for username in usernames},
            password=PASSWORD,
            actor="load-test",
        )
        building.facts["tokens"] = tuple(
            create_api_token(
                session, username=usernames[n % CASEWORKERS], name=f"client {n}", actor="load-test"
            ).secret
            for n in range(clients)
        )


def load_world(clients: int) -> LedgerWorld:
    """The golden ledger, April's 500 returned records, the caseworkers and a token per client."""
    return GOLDEN.in_session("April 2019", _april).then(
        f"caseworkers and {clients} tokens", partial(_accounts_and_tokens, clients=clients)
    )


def build_load_ledger(url: str, *, clients: int, folder: Path) -> LoadLedger:
    """Migrate the empty database at ``url`` and fill it (``folder``: the data folder the build may write)."""
    facts = load_world(clients).build(Settings(data_dir=folder, database_url=url, agreements_dir=None))
    engine = create_ledger_engine(url)
    try:
        with ledger_session(engine) as session:
            returned_on = {
                disclosure_id: at.date()
                for disclosure_id, at in session.execute(select(Disclosure.id, Disclosure.returned_at))
            }
            last_audit_id = session.execute(select(func.max(AuditEvent.id))).scalar_one()
    finally:
        engine.dispose()
    return LoadLedger(url=url, tokens=facts["tokens"], returned_on=returned_on, last_audit_id=last_audit_id)


@dataclass(frozen=True)
class Acknowledged:
    """An outcome event the server acknowledged (2xx): its id, the unique note sent with it, what it corrects."""

    event_id: int
    note: str
    supersedes: int | None


@dataclass(frozen=True)
class LedgerCheck:
    """What the ledger holds after a run, compared with what the clients were told."""

    acknowledged: int
    missing: tuple[str, ...]  # acknowledged notes not in the ledger
    duplicated: tuple[str, ...]  # notes stored more than once
    wrong_id: tuple[str, ...]  # notes stored under another id than the one acknowledged
    unacknowledged: tuple[str, ...]  # notes in the ledger the clients were never told were stored
    events_without_audit: tuple[int, ...]  # acknowledged events with no (or more than one) audit event
    new_audit_events: int
    unexpected_audit_actions: dict[str, int]
    chain_ok: bool
    chain_reason: str | None
    audit_events: int

    @property
    def ok(self) -> bool:
        return (
            self.chain_ok
            and not (self.missing or self.duplicated or self.wrong_id or self.unacknowledged)
            and not self.events_without_audit
            and not self.unexpected_audit_actions
            and self.new_audit_events == self.acknowledged
        )

    def problems(self) -> list[str]:
        """Each way the ledger disagrees with the acknowledgements, in words (first few examples of each)."""
        found = []
        for name in ("missing", "duplicated", "wrong_id", "unacknowledged", "events_without_audit"):
            values = getattr(self, name)
            if values:
                found.append(f"{len(values)} {name.replace('_', ' ')}: {list(values)[:5]}")
        if self.unexpected_audit_actions:
            found.append(f"unexpected audit events: {self.unexpected_audit_actions}")
        if self.new_audit_events != self.acknowledged:
            found.append(
                f"{self.new_audit_events} new audit events for {self.acknowledged} acknowledged events"
            )
        if not self.chain_ok:
            found.append(f"audit chain broken: {self.chain_reason}")
        return found


def check_ledger(
    ledger: LoadLedger, *, note_prefix: str, acknowledged: Iterable[Acknowledged]
) -> LedgerCheck:
    """Compare the ledger with the acknowledged events: each stored exactly once under its id, each audited once,
    nothing stored that was not acknowledged, and the audit chain whole."""
    told = {ack.note: ack for ack in acknowledged}
    engine = create_ledger_engine(ledger.url)
    try:
        with ledger_session(engine) as session:
            stored = session.execute(
                select(OutcomeEvent.note, OutcomeEvent.id).where(OutcomeEvent.note.startswith(note_prefix))
            ).all()
            by_note: dict[str, list[int]] = {}
            for note, event_id in stored:
                by_note.setdefault(note, []).append(event_id)
            new_audit = session.execute(
                select(AuditEvent.action, AuditEvent.object_id).where(AuditEvent.id > ledger.last_audit_id)
            ).all()
            audited = Counter(object_id for action, object_id in new_audit if action in OUTCOME_ACTIONS)
            unexpected = Counter(action for action, _ in new_audit if action not in OUTCOME_ACTIONS)
            chain = verify_audit_chain(session)
    finally:
        engine.dispose()
    return LedgerCheck(
        acknowledged=len(told),
        missing=tuple(note for note in told if note not in by_note),
        duplicated=tuple(note for note, ids in by_note.items() if len(ids) > 1),
        wrong_id=tuple(
            note for note, ack in told.items() if note in by_note and by_note[note] != [ack.event_id]
        ),
        unacknowledged=tuple(note for note in by_note if note not in told),
        events_without_audit=tuple(
            ack.event_id for ack in told.values() if audited.get(str(ack.event_id)) != 1
        ),
        new_audit_events=len(new_audit),
        unexpected_audit_actions=dict(unexpected),
        chain_ok=chain.ok,
        chain_reason=None if chain.ok else f"event {chain.first_broken_id}: {chain.reason}",
        audit_events=chain.count,
    )
