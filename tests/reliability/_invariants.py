"""What must hold after every kill, read from the ledger and the data folder — and what a kill may leave for the
next run to finish, which must be gone once a rerun has completed.

Always: the audit trail verifies (as ``sharelog audit verify`` checks it); no exchange is stuck in ``received``
or ``matching``; every recorded exchange has its request outcomes, its disclosures (as many as it returned), its
review items, its return file row and its ``exchange-completed`` audit event; every file the ledger holds is on
disk with the checksum it recorded, every file it records as deleted is gone, and no return file is on disk that
the ledger does not know.

Left by a kill, allowed until the next run (each finished by a documented recovery):
- *pending*: a committed exchange whose files are still ``.<name>.partial`` — the next ``exchange run`` renames
  them (``recover_exchange_files``);
- *orphans*: partial files of an exchange that never committed — the next ``exchange run`` deletes them;
- *unrecorded*: one file retention deleted but had not yet recorded (delete, then record) — the next
  ``retention apply`` finds it due and gone and records it. Only a file past its retention date, and one at most.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.checkpoint import verify_audit_trail
from sharelog.ledger.models import (
    AuditEvent,
    Disclosure,
    Exchange,
    OutcomeEvent,
    RequestOutcome,
    ReturnFile,
    ReviewItem,
)

from ._ledgers import Case


@dataclass
class Findings:
    """Problems (never allowed) and what a kill may leave for the next run to finish."""

    problems: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)
    return_files: int = 0
    """How many return files the ledger records (held or deleted)."""

    def settled(self) -> bool:
        return not (self.pending or self.orphans or self.unrecorded)


def partial_of(final: Path) -> Path:
    """Where a file waits before its exchange commits (docs/exchange.md: ``.<name>.partial`` beside it)."""
    return final.with_name(f".{final.name}.partial")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inspect(case: Case, *, today: date | None = None) -> Findings:
    """Read the ledger and the data folder of ``case`` and report what holds and what does not."""
    findings = Findings()
    engine = create_ledger_engine(case.ledger_url)
    try:
        with ledger_session(engine) as session:
            _check_audit_chain(session, findings)
            _check_exchanges(session, findings)
            _check_return_files(session, case.data_dir, today or date.today(), findings)
            _check_review_files(session, case.data_dir, today or date.today(), findings)
            _check_stray_files(session, case.data_dir, findings)
    finally:
        engine.dispose()
    return findings


def assert_consistent(case: Case, *, after_kill: bool) -> Findings:
    """Fail listing every problem; after a rerun (``after_kill=False``) nothing may be left to finish either."""
    findings = inspect(case)
    problems = list(findings.problems)
    if len(findings.unrecorded) > 1:
        problems.append(f"more than one deleted file left unrecorded: {findings.unrecorded}")
    if not after_kill and not findings.settled():
        problems.append(
            f"left unfinished after the rerun: pending {findings.pending}, orphans {findings.orphans}, "
            f"unrecorded {findings.unrecorded}"
        )
    assert not problems, "; ".join(problems)
    return findings


def _check_audit_chain(session: Session, findings: Findings) -> None:
    """What `sharelog audit verify` checks (the harness also runs the command itself, once per campaign)."""
    verification = verify_audit_trail(session)
    findings.problems += [f"audit verify: {problem.message}" for problem in verification.problems]


def _per_exchange(session: Session, column: Any, *where: Any) -> Counter[Any]:
    """How many rows there are per value of ``column`` (an exchange id, a return file's path)."""
    return Counter(dict(session.execute(select(column, func.count()).where(*where).group_by(column)).all()))


def _check_exchanges(session: Session, findings: Findings) -> None:
    outcomes = _per_exchange(session, RequestOutcome.exchange_id)
    review = _per_exchange(session, ReviewItem.exchange_id)
    disclosures = _per_exchange(session, Disclosure.return_file_ref)
    files = {row.path: row for row in session.scalars(select(ReturnFile).where(ReturnFile.kind == "main"))}
    completed = set(
        session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "exchange-completed"))
    )
    for exchange in session.scalars(select(Exchange)):
        name = exchange.reference
        if exchange.state in ("received", "matching"):
            findings.problems.append(f"{name}: stuck in state {exchange.state} with no process running")
        if exchange.state not in ("awaiting_review", "returned"):
            continue
        main = files.get(exchange.return_file_ref or "")
        expected = {
            "request outcomes": (outcomes[exchange.id], exchange.n_received),
            "disclosures": (disclosures[exchange.return_file_ref], exchange.n_returned),
            "review items": (review[exchange.id], exchange.n_review),
            "return file rows": (main.rows if main else None, exchange.n_returned),
            "return file checksum": (main.checksum if main else None, exchange.output_checksum),
        }
        for what, (found, wanted) in expected.items():
            if found != wanted:
                findings.problems.append(f"{name}: {what} {found}, the exchange records {wanted}")
        if name not in completed:
            findings.problems.append(f"{name}: no exchange-completed audit event")


def _check_return_files(session: Session, data_dir: Path, today: date, findings: Findings) -> None:
    for row in session.scalars(select(ReturnFile)):
        findings.return_files += 1
        final = data_dir / row.path
        partial = partial_of(final)
        if row.deleted_at is not None:
            if final.exists() or partial.exists():
                findings.problems.append(f"{row.path}: recorded as deleted, still on disk")
        elif final.is_file():
            if sha256_of(final) != row.checksum:
                findings.problems.append(f"{row.path}: not the bytes the ledger recorded")
        elif partial.is_file():
            findings.pending.append(row.path)
            if sha256_of(partial) != row.checksum:
                findings.problems.append(f"{row.path}: its partial file is not the bytes the ledger recorded")
        elif row.retention_until < today:
            findings.unrecorded.append(row.path)
        else:
            findings.problems.append(f"{row.path}: held by the ledger, missing from disk")


def _check_review_files(session: Session, data_dir: Path, today: date, findings: Findings) -> None:
    """An exchange with undecided items has its review file — or retention deleted it (recorded, or not yet)."""
    undecided = _per_exchange(session, ReviewItem.exchange_id, ReviewItem.decision.is_(None))
    deleted = set(
        session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "review-file-deleted"))
    )
    kept_until = dict(
        session.execute(
            select(ReturnFile.exchange_id, func.min(ReturnFile.retention_until)).group_by(
                ReturnFile.exchange_id
            )
        ).all()
    )
    for exchange in session.scalars(select(Exchange).where(Exchange.state == "awaiting_review")):
        final = data_dir / "review" / f"{exchange.reference}.json"
        on_disk = final.is_file()
        if exchange.reference in deleted:
            if on_disk or partial_of(final).exists():
                findings.problems.append(f"{final.name}: recorded as deleted, still on disk")
        elif on_disk:
            continue
        elif partial_of(final).is_file():
            findings.pending.append(f"review/{final.name}")
        elif undecided[exchange.id] and kept_until.get(exchange.id, today) < today:
            findings.unrecorded.append(f"review/{final.name}")
        else:
            findings.problems.append(f"{final.name}: undecided review items and no review file")


def _check_stray_files(session: Session, data_dir: Path, findings: Findings) -> None:
    """Every final file belongs to a committed exchange; a partial is either pending or an orphan."""
    known = set(session.scalars(select(ReturnFile.path)))
    references = set(session.scalars(select(Exchange.reference)))
    for folder in ("returns", "review"):
        for path in sorted((data_dir / folder).glob("*")) if (data_dir / folder).is_dir() else []:
            relative = f"{folder}/{path.name}"
            if path.name.startswith(".") and path.name.endswith(".partial"):
                final = path.name[1 : -len(".partial")]
                if f"{folder}/{final}" not in known and final.split(".", 1)[0] not in references:
                    findings.orphans.append(relative)
            elif folder == "returns" and relative not in known:
                findings.problems.append(f"{relative}: on disk, unknown to the ledger")
            elif folder == "review" and path.name.split(".", 1)[0] not in references:
                findings.problems.append(f"{relative}: a review file of no recorded exchange")


def final_state(case: Case) -> dict[str, object]:
    """The counts a completed run leaves, to compare a killed-then-rerun case with a never-killed one.

    References are random per run, so files are compared by checksum (return files) and by number (review files).
    """
    engine = create_ledger_engine(case.ledger_url)
    try:
        with ledger_session(engine) as session:
            state = _ledger_counts(session)
    finally:
        engine.dispose()
    returns, review = case.data_dir / "returns", case.data_dir / "review"
    state["return files on disk"] = (
        sorted(sha256_of(p) for p in returns.glob("*")) if returns.is_dir() else []
    )
    state["review files on disk"] = len(list(review.glob("*"))) if review.is_dir() else 0
    return state


def _count(session: Session, model: type) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _ledger_counts(session: Session) -> dict[str, object]:
    return {
        "exchanges by state": dict(Counter(session.scalars(select(Exchange.state)))),
        "output checksums": sorted(c or "" for c in session.scalars(select(Exchange.output_checksum))),
        "request outcomes": _count(session, RequestOutcome),
        "disclosures": _count(session, Disclosure),
        "review items": _count(session, ReviewItem),
        "outcome events": _count(session, OutcomeEvent),
        "return files": _count(session, ReturnFile),
        "return files deleted": int(
            session.execute(
                select(func.count()).select_from(ReturnFile).where(ReturnFile.deleted_at.is_not(None))
            ).scalar_one()
        ),
        "audit events by action": dict(Counter(session.scalars(select(AuditEvent.action)))),
    }
