"""The golden report ledger: two agreement versions, three months, a rejected batch, outcome events including a
superseded one — fixed, so that report tests can compare their tables cell by cell.

    January   v1.0   received 40, matched 12, review 3; 14 returned
    February  v2.0   received 25, matched 5, review 1; 5 returned — and a rejected batch of 6 (received, no match)
    March     v2.0   received 60, matched 20, review 2; 21 returned

January: 11 contact re-established (10 of them shared with police); one not located, corrected to an enforced
removal (2 children, 1 other family member); two with no result (one had a home visit). February: all five
leave granted. March: 12 no further action (one with a letter), 9 unknown; all 21 shared with Border Force.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.ledger.models import AgreementVersion, Exchange, ReturnFile

from ._rows import add_agreement, add_exchange, add_outcome_event, add_returned_records

MONTHS = ("2019-01", "2019-02", "2019-03")  # the golden ledger's months, and the synthetic batches'
GENERATED_AT = datetime(2019, 7, 1, 9, 0, tzinfo=UTC)
JANUARY = "EX-2019-01-ret00040"  # the January exchange: 40 received, 14 returned
REJECTED = "EX-2019-02-rej00006"


def golden_version(
    session: Session, version: str, *, valid_from: date, valid_to: date | None, title: str
) -> AgreementVersion:
    """A version of the golden ledger's agreement (onward sharing with police and Border Force)."""
    return add_agreement(
        session,
        version,
        valid_from=valid_from,
        valid_to=valid_to,
        title=title,
        onward=("police", "border_force"),
    )


def golden_batch(
    session: Session,
    agreement: AgreementVersion,
    *,
    month: str,
    received: int,
    matched: int,
    review: int,
    state: str = "returned",
) -> Exchange:
    """A month's exchange, received on the 10th at 10:00 and named after its state and size."""
    return add_exchange(
        session,
        agreement,
        reference=f"EX-{month}-{state[:3]}{received:05d}",
        month=month,
        received_at=datetime(int(month[:4]), int(month[5:]), 10, 10, 0, tzinfo=UTC),
        state=state,
        received=received,
        matched=matched,
        review=review,
        returned=0,
    )


def build_golden_ledger(session: Session, *, title: str = "Test agreement (version 1)") -> None:
    """The ledger the module docstring describes."""
    first = golden_version(
        session, "1.0", valid_from=date(2019, 1, 1), valid_to=date(2019, 2, 14), title=title
    )
    second = golden_version(
        session, "2.0", valid_from=date(2019, 2, 15), valid_to=None, title="Test agreement (version 2)"
    )
    event = add_outcome_event

    january = add_returned_records(
        session, golden_batch(session, first, month="2019-01", received=40, matched=12, review=3), 14
    )
    for n, disclosure in enumerate(january[:11]):
        event(session, disclosure, "use", "contact_attempt", day=2)
        if n < 10:
            event(session, disclosure, "onward_share", "police", day=5)
        event(session, disclosure, "result", "contact_reestablished", day=30)
    wrong = event(session, january[11], "result", "not_located", day=25)
    event(session, january[11], "result", "enforced_removal", day=26, children=2, family=1, supersedes=wrong)
    event(session, january[12], "intervention", "home_visit", day=8)

    february = golden_batch(session, second, month="2019-02", received=25, matched=5, review=1)
    for disclosure in add_returned_records(session, february, 5):
        event(session, disclosure, "result", "leave_granted", day=40)
    golden_batch(session, second, month="2019-02", received=6, matched=0, review=0, state="rejected")

    march = add_returned_records(
        session, golden_batch(session, second, month="2019-03", received=60, matched=20, review=2), 21
    )
    for n, disclosure in enumerate(march):
        event(session, disclosure, "onward_share", "border_force", day=3)
        if n < 12:
            event(session, disclosure, "result", "no_further_action", day=15)
    event(session, march[0], "intervention", "letter", day=10)


def add_january_return_files(session: Session, data_dir: Path) -> None:
    """January's main return file (kept, its file under ``data_dir``) and a supplementary one deleted under the
    retention rule; the exchange's checksums and Splink version filled in as a real run would."""
    exchange = session.execute(select(Exchange).where(Exchange.reference == JANUARY)).scalar_one()
    exchange.output_checksum = "c" * 64
    exchange.model_checksum = "d" * 64
    exchange.splink_version = "4.0.0"
    session.add_all(
        [
            ReturnFile(
                exchange_id=exchange.id,
                kind="main",
                path=f"returns/{JANUARY}.csv",
                checksum="c" * 64,
                rows=14,
                retention_until=date(2019, 4, 11),
            ),
            ReturnFile(
                exchange_id=exchange.id,
                kind="supplementary",
                path=f"returns/{JANUARY}.supplementary.csv",
                checksum="e" * 64,
                rows=1,
                retention_until=date(2019, 4, 11),
                deleted_at=datetime(2019, 4, 12, 2, 0, tzinfo=UTC),
            ),
        ]
    )
    session.flush()
    (data_dir / "returns").mkdir()
    (data_dir / "returns" / f"{JANUARY}.csv").write_text("request_id,match_probability\n", "utf-8")
