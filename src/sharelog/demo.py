"""The demo: the whole story on synthetic data and the embedded defaults (what ``make run`` runs).

A register of 200,000 pupils; monthly trace-request batches from July 2015 to August 2020 (the period the 2020
FOI request asked about) at the published volumes (``published``: about 80 a month, a quarter returned), each
month under the agreement version in force then (the 2015 MoU, its October 2016 version, the January 2019
update), each batch with only the fields that version lets the requester send; every exchange run; every review
band decided but the last two months'; outcomes recorded for about 70% of the returned records with a plausible
mix (the rest stay *unknown*); then the monthly table (exact, internal) and the published report
(``report.xlsx`` and charts, with disclosure control under the default rule, the monthly series) and how much of
the FOI's table it answers. It works in ``<data dir>/demo`` with its own ledger and
the public demo key, never the real ledger.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, joinedload

from sharelog.agreements import Agreement, load_agreements
from sharelog.errors import InputError
from sharelog.exchange import (
    ExchangeResult,
    HeldRegister,
    decide,
    month_start,
    review_candidates,
    review_queue,
    run_exchange,
)
from sharelog.ledger import create_ledger_engine, ledger_session, upgrade, verify_audit_chain
from sharelog.ledger.agreement_records import record_agreement
from sharelog.ledger.models import Disclosure, Exchange
from sharelog.linkage import prepare_register
from sharelog.outcomes import record_outcome
from sharelog.reports import (
    Coverage,
    MonthlyReport,
    MonthlyTable,
    build_monthly_report,
    coverage,
    monthly_table,
    record_report_generated,
    write_monthly_charts,
    write_monthly_report,
)
from sharelog.settings import Settings
from sharelog.synth import SynthResult, generate, parse_months

__all__ = [
    "DEMO_ACTOR",
    "DEMO_MONTHS",
    "DEMO_VOLUME",
    "DemoResult",
    "agreement_for_month",
    "demo_folder",
    "run_demo",
]

DEMO_ACTOR = "sharelog-demo"
DEMO_PURPOSE = "reestablish-contact"
DEMO_MONTHS = "2015-07..2020-08"  # the period of the 2020 FOI request
DEMO_VOLUME = "published"
PENDING_MONTHS = 2  # the last months' review bands wait for a reviewer
ProgressReport = Callable[[str, int, int], None]

# What happened to the records the demo returns: weights, not data (no outcome figure has ever been published).
USE = {"contact_attempt": 0.85, "not_used": 0.10, "safeguarding_referral": 0.05}
ONWARD = {"police": 0.18, "border_force": 0.12, "local_authority": 0.10}
INTERVENTIONS = {
    "letter": 0.45,
    "home_visit": 0.25,
    "school_visit": 0.04,
    "reporting_condition": 0.12,
    "arrest": 0.03,
    "detention": 0.03,
    "removal_directions": 0.05,
}
RESULTS = {
    "contact_reestablished": 0.30,
    "not_located": 0.18,
    "voluntary_departure": 0.08,
    "enforced_removal": 0.06,
    "leave_granted": 0.12,
    "application_pending": 0.14,
    "no_further_action": 0.10,
    "child_safeguarded": 0.02,
}


@dataclass(frozen=True)
class DemoResult:
    """What the demo did and where it put things."""

    folder: Path
    synth: SynthResult
    agreements: list[Agreement]
    exchanges: list[ExchangeResult]
    used: dict[str, Agreement]  # month → the agreement version its exchange ran under
    reviews_decided: int
    reviews_pending: int
    outcomes_recorded: int
    disclosures: int
    table: MonthlyTable
    table_csv: Path
    report_xlsx: Path  # published: disclosure control applied
    published: MonthlyReport  # what report.xlsx and the charts show
    coverage: Coverage  # how much of the FOI's table the published report answers
    charts: list[Path]
    ledger_url: str
    audit_events: int
    audit_head: str


def demo_folder(settings: Settings) -> Path:
    """The demo's own folder inside the data folder (never the real ledger)."""
    return settings.data_dir / "demo"


def agreement_for_month(agreements: list[Agreement], month: str) -> Agreement:
    """The agreement version in force on the first day of ``month`` (the newest agreement if several are).

    Raises:
        InputError: no agreement was in force then.
    """
    day = month_start(month)
    in_force = [a for a in agreements if a.in_force_on(day)]
    if not in_force:
        raise InputError(f"no agreement was in force in {month}", field="months")
    return max(in_force, key=lambda a: a.valid_from)


def run_demo(
    settings: Settings,
    *,
    pupils: int = 200_000,
    volume: str = DEMO_VOLUME,
    requests: int | None = None,
    months: str = DEMO_MONTHS,
    seed: int = 2019,
    progress: ProgressReport | None = None,
) -> DemoResult:
    """Run the demo from scratch in ``<data dir>/demo`` (an earlier demo there is replaced).

    Args:
        settings: where the data folder and the agreements are.
        pupils: pupils in the synthetic register.
        volume: the volume profile (``sharelog.synth.VOLUME_PROFILES``): ``published`` (the published
            volumes) or ``load`` (250 requests a month).
        requests: requests over all the months, in the profile's shape (default: the profile's own volumes).
        months: the months, ``YYYY-MM..YYYY-MM`` (default: the FOI request's period, July 2015 to August 2020);
            every month needs an agreement in force.
        seed: the synthetic data's seed (and of the simulated reviewers and caseworkers).
        progress: called as ``progress(stage, done, total)`` while long stages run.

    Raises:
        InputError: a bad option, or a month no agreement covers (checked before anything is written).
    """
    report = progress or (lambda stage, done, total: None)
    month_list = parse_months(months)
    agreements = load_agreements(settings.agreements_path())
    used = {month: agreement_for_month(agreements, month) for month in month_list}
    folder = demo_folder(settings)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    demo = settings.model_copy(
        update={
            "data_dir": folder,
            "database_url": None,
            "register_dir": None,
            "demo_mode": True,
            "holder_key": None,
            "holder_key_file": None,
            "actor": DEMO_ACTOR,
        }
    )
    synth = generate(
        pupils=pupils,
        requests=requests,
        seed=seed,
        out_dir=folder / "input",
        months=month_list,
        volume=volume,
        progress=progress,
    )
    batches = {
        m: _permitted(
            synth.out_dir / f"requests-{m}.csv",
            folder / "batches" / f"requests-{m}.csv",
            set(used[m].request_fields),
        )
        for m in month_list
    }
    training = _training(synth, month_list, folder / "batches" / "training.csv")
    report("prepare", 0, 1)
    prepare_register(
        register=synth.out_dir / "register.csv",
        out_dir=demo.register_path(),
        train_requests=training,
        progress=progress,
    )
    report("prepare", 1, 1)
    engine = create_ledger_engine(demo.ledger_url())
    try:
        upgrade(engine, actor=DEMO_ACTOR)
        with ledger_session(engine) as session:
            for agreement in agreements:
                record_agreement(session, agreement, actor=DEMO_ACTOR)
        results = []
        truth = _truth(synth.out_dir / "truth.csv")
        waiting = set(month_list[-PENDING_MONTHS:]) if len(month_list) > PENDING_MONTHS else set()
        decided = pending = 0
        with HeldRegister(demo) as held:  # the register opened once for every month's exchange
            for done, month in enumerate(month_list, start=1):
                received = datetime(int(month[:4]), int(month[5:]), 10, 10, 0, tzinfo=UTC)
                result = run_exchange(
                    demo,
                    engine=engine,
                    agreement_id=used[month].id,
                    purpose=DEMO_PURPOSE,
                    batch=batches[month],
                    month=month,
                    now=received,
                    held=held,
                )
                results.append(result)
                # the month's review band is decided a week later, before the next batch arrives
                band = _review(demo, engine, exchange=result.reference, truth=truth, wait=month in waiting)
                decided, pending = decided + band[0], pending + band[1]
                report("exchanges", done, len(month_list))
        rng = np.random.default_rng(seed)
        recorded, disclosures = _outcomes(engine, rng=rng, report=report)
        report("reports", 0, 1)
        with ledger_session(engine) as session:
            table = monthly_table(session, months=month_list)
            published = build_monthly_report(session, months=month_list, sdc="publish")
        table_csv = write_table_csv(table, folder / f"monthly-{month_list[0]}-to-{month_list[-1]}.csv")
        report_xlsx = write_monthly_report(published, folder / "report.xlsx")
        charts = write_monthly_charts(published, folder / "charts")
        report("reports", 1, 1)
        with ledger_session(engine) as session:
            record_report_generated(session, published, files=[report_xlsx, *charts], actor=DEMO_ACTOR)
            chain = verify_audit_chain(session)
    finally:
        engine.dispose()
    return DemoResult(
        folder=folder,
        synth=synth,
        agreements=agreements,
        exchanges=results,
        used=used,
        reviews_decided=decided,
        reviews_pending=pending,
        outcomes_recorded=recorded,
        disclosures=disclosures,
        table=table,
        table_csv=table_csv,
        report_xlsx=report_xlsx,
        published=published,
        coverage=coverage(published),
        charts=charts,
        ledger_url=demo.ledger_url(),
        audit_events=chain.count,
        audit_head=chain.head_hash,
    )


def _permitted(source: Path, target: Path, permitted: set[str]) -> Path:
    """A copy of a batch with only the columns the agreement version lets the requester send (the 2015 MoU
    lets it send its case reference, the 2019 update does not)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = [f for f in reader.fieldnames or () if f in permitted]
        rows = list(reader)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return target


def _training(synth: SynthResult, months: list[str], target: Path) -> Path:
    """Every month's requests in one file, without the case reference, to train the linkage model on."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as out:
        writer: csv.DictWriter[str] | None = None
        for month in months:
            with (synth.out_dir / f"requests-{month}.csv").open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                if writer is None:
                    fields = [f for f in reader.fieldnames or () if f != "case_reference"]
                    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
                    writer.writeheader()
                writer.writerows(reader)
    return target


def _truth(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["request_id"]: row["pupil_id"] for row in csv.DictReader(handle)}


def _review(
    demo: Settings, engine: Engine, *, exchange: str, truth: dict[str, str], wait: bool
) -> tuple[int, int]:
    """A simulated reviewer decides ``exchange``'s review band (accepting only true matches, as a careful person
    comparing the records would), unless it is to ``wait`` in the queue: how many were decided and left."""
    with ledger_session(engine) as session:
        queue = review_queue(session, exchange=exchange)
    if wait or not queue:
        return 0, len(queue)
    candidates = review_candidates(demo, exchange)  # its review file read once
    when = datetime(int(exchange[3:7]), int(exchange[8:10]), 17, 14, 0, tzinfo=UTC)
    for case in queue:
        decide(
            demo,
            engine=engine,
            exchange=exchange,
            request_ref=case.request_ref,
            accept=truth.get(case.request_ref) == candidates[case.request_ref],
            decided_by="Demo Reviewer",
            now=when,
        )
    return len(queue), 0


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    codes = list(weights)
    p = np.array([weights[c] for c in codes])
    return str(rng.choice(codes, p=p / p.sum()))


def _outcomes(engine: Engine, *, rng: np.random.Generator, report: ProgressReport) -> tuple[int, int]:
    """Simulated caseworkers record what happened to about 70% of the returned records."""
    recorded = 0
    with ledger_session(engine) as session:
        # every disclosure held here, with its exchange and agreement, so that recording an event finds them in
        # the session rather than reading them again
        disclosures = session.scalars(
            select(Disclosure)
            .options(joinedload(Disclosure.exchange).joinedload(Exchange.agreement))
            .order_by(Disclosure.id)
        ).all()
        for done, disclosure in enumerate(disclosures, start=1):
            if rng.random() < 0.7:
                recorded += _simulate(session, rng, disclosure.id, disclosure.returned_at.date())
            if done % 50 == 0 or done == len(disclosures):
                report("outcomes", done, len(disclosures))
    return recorded, len(disclosures)


@dataclass(frozen=True)
class _Event:
    kind: str
    code: str
    event_date: date
    children: int | None = None
    family: int | None = None


def _simulate(session: Session, rng: np.random.Generator, disclosure_id: int, returned: date) -> int:
    """One returned record's story: how it was used, who it went to, what was done, how it ended."""
    day = returned

    def later(days: int) -> date:
        nonlocal day
        day = day + timedelta(days=int(rng.integers(1, days)))
        return day

    use = _pick(rng, USE)
    events = [_Event("use", use, later(10))]
    if use != "not_used":
        events += [
            _Event("onward_share", r, later(15)) for r, share in ONWARD.items() if rng.random() < share
        ]
        events += [
            _Event("intervention", i, later(20)) for i, share in INTERVENTIONS.items() if rng.random() < share
        ]
    result = _pick(rng, RESULTS) if use != "not_used" else "no_further_action"
    if result in ("voluntary_departure", "enforced_removal"):
        events.append(_Event("result", result, later(30), int(rng.integers(1, 4)), int(rng.integers(0, 3))))
    else:
        events.append(_Event("result", result, later(30)))
    for event in events:
        record_outcome(
            session,
            disclosure_id=disclosure_id,
            kind=event.kind,
            code=event.code,
            event_date=event.event_date,
            recorded_by="Demo Caseworker",
            children_affected=event.children,
            family_members_affected=event.family,
        )
    return len(events)


def write_table_csv(table: MonthlyTable, path: Path) -> Path:
    """The monthly table as CSV: a row per measure, a column per month and a total (internal: exact counts)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["section", "measure", *table.months, "total"])
        for row in table.rows:
            writer.writerow([row.section, row.label, *row.values, row.total])
    return path
