"""The monthly outcomes table the 2020 FOI request asked for, counted from the ledger (exact counts).

Months are the exchanges' months. For each month: records received, matched, sent to review, returned; of the
returned — onward sharing by recipient, interventions by type, each record once by its latest result or as
*outcome unknown* (these rows sum to the returned); and the people affected by removals and departures.
Superseded outcome events are left out everywhere. Disclosure control is applied separately, for publication.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.errors import NotFound
from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange, OutcomeEvent
from sharelog.outcomes import OUTCOME_CODES
from sharelog.reports._period import month_range
from sharelog.reports._versions import AgreementVersionInfo, recorded_versions

__all__ = ["MonthlyRow", "MonthlyTable", "flow_labels", "latest_results", "monthly_table", "month_range"]

ONWARD_RECIPIENTS = OUTCOME_CODES["onward_share"]
INTERVENTIONS = OUTCOME_CODES["intervention"]
RESULTS = OUTCOME_CODES["result"]
DEPARTURES = ("voluntary_departure", "enforced_removal")

LABELS = {
    "received": "Records received from the requester",
    "matched": "Matched automatically",
    "review": "Sent to review",
    "returned": "Records returned to the requester",
    "police": "Police",
    "border_force": "Border Force",
    "local_authority": "Local authority (local government)",
    "other_government": "Other government",
    "overseas_authority": "Overseas authority",
    "letter": "Letter",
    "home_visit": "Home visit",
    "school_visit": "School visit",
    "reporting_condition": "Reporting condition",
    "arrest": "Arrest",
    "detention": "Detention",
    "removal_directions": "Removal directions",
    "safeguarding_referral": "Safeguarding referral",
    "contact_reestablished": "Contact re-established",
    "not_located": "Not located",
    "voluntary_departure": "Voluntary departure",
    "enforced_removal": "Enforced removal",
    "leave_granted": "Leave granted (incl. visa renewal)",
    "application_pending": "Application pending",
    "no_further_action": "No further action",
    "child_safeguarded": "Child safeguarded",
    "outcome_unknown": "Outcome unknown",
    "children": "Children",
    "family_members": "Other family members",
}


@dataclass(frozen=True)
class MonthlyRow:
    """One row of the table: its section, key, label and a count per month."""

    section: str
    key: str
    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class MonthlyTable:
    """The whole table: months as columns, rows in docs/design.md §5's order."""

    months: tuple[str, ...]
    rows: tuple[MonthlyRow, ...]
    agreements: dict[str, list[str]] = field(default_factory=dict)  # month → agreement versions in force

    def row(self, key: str, section: str | None = None) -> MonthlyRow:
        return next(r for r in self.rows if r.key == key and (section is None or r.section == section))

    def section(self, name: str) -> list[MonthlyRow]:
        return [r for r in self.rows if r.section == name]


def _live_events(session: Session, disclosure_ids: Sequence[int]) -> dict[int, list[OutcomeEvent]]:
    """Each disclosure's outcome events, leaving out the ones a later event superseded."""
    if not disclosure_ids:
        return {}
    events = (
        session.execute(select(OutcomeEvent).where(OutcomeEvent.disclosure_id.in_(disclosure_ids)))
        .scalars()
        .all()
    )
    superseded = {e.supersedes_id for e in events if e.supersedes_id is not None}
    live: dict[int, list[OutcomeEvent]] = defaultdict(list)
    for event in events:
        if event.id not in superseded:
            live[event.disclosure_id].append(event)
    return live


def latest_result(events: Sequence[OutcomeEvent]) -> OutcomeEvent | None:
    """The newest live ``result`` event (by event date, then by when it was recorded), or None."""
    results = [e for e in events if e.kind == "result"]
    return max(results, key=lambda e: (e.event_date, e.id)) if results else None


def latest_results(session: Session, disclosure_ids: Sequence[int]) -> dict[int, OutcomeEvent | None]:
    """Each disclosure's latest live ``result`` event, counted as the monthly table counts it; None when there is
    none (*outcome unknown*)."""
    events = _live_events(session, disclosure_ids)
    return {disclosure_id: latest_result(events.get(disclosure_id, [])) for disclosure_id in disclosure_ids}


def flow_labels(
    session: Session,
    *,
    agreement_id: str | None = None,
    months: Sequence[str] | None = None,
    versions: Sequence[AgreementVersionInfo] | None = None,
) -> dict[str, str]:
    """The labels of the records sent and returned, naming the parties as the 2020 FOI request did ("records sent
    from Home Office to the DfE") when the agreement versions in force during ``months`` (every recorded version
    when none is, or ``months`` is None; only ``agreement_id``'s, when given) have one holder and one requester;
    otherwise the roles' names (:data:`LABELS`). Every table, chart and page takes its labels from here.
    ``versions``: those :func:`recorded_versions` gives for ``agreement_id``, when the caller has read them."""
    if versions is None:
        try:
            versions = recorded_versions(session, agreement_id=agreement_id)
        except NotFound:
            versions = []
    in_force = [v for v in versions if months is None or any(v.in_force_during(m) for m in months)]
    parties = {(v.holder, v.requester) for v in in_force or versions}
    if len(parties) != 1:
        return {key: LABELS[key] for key in ("received", "returned")}
    ((holder_name, requester_name),) = parties
    return {
        "received": f"Records sent from {requester_name} to {holder_name}",
        "returned": f"Records returned from {holder_name} to {requester_name}",
    }


def monthly_table(
    session: Session,
    *,
    months: Sequence[str],
    agreement_id: str | None = None,
    version: str | None = None,
    versions: Sequence[AgreementVersionInfo] | None = None,
) -> MonthlyTable:
    """Count the table for ``months`` (all agreements, or one agreement id, or one version of it).

    The records sent and returned are labelled with the parties' names when one holder and one requester made
    every agreement version in force during the months (:func:`flow_labels`; ``versions``: the recorded versions
    of ``agreement_id``, when the caller has read them already).
    """
    query = select(Exchange, AgreementVersion).join(AgreementVersion).where(Exchange.month.in_(months))
    if agreement_id is not None:
        query = query.where(AgreementVersion.agreement_id == agreement_id)
    if version is not None:
        query = query.where(AgreementVersion.version == version)
    exchanges = session.execute(query).all()
    index = {m: i for i, m in enumerate(months)}
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(months))
    agreements: dict[str, set[str]] = defaultdict(set)
    month_of_exchange: dict[int, str] = {}
    for exchange, agreement in exchanges:
        month_of_exchange[exchange.id] = exchange.month
        agreements[exchange.month].add(f"{agreement.agreement_id} v{agreement.version}")
        if exchange.rerun_of_id is not None:
            continue  # a rerun sends the same records again: they were received once
        i = index[exchange.month]
        counts[("flow", "received")][i] += exchange.n_received
        counts[("flow", "matched")][i] += exchange.n_matched
        counts[("flow", "review")][i] += exchange.n_review
    disclosures = (
        session.execute(select(Disclosure).where(Disclosure.exchange_id.in_(list(month_of_exchange))))
        .scalars()
        .all()
    )
    events = _live_events(session, [d.id for d in disclosures])
    for disclosure in disclosures:
        i = index[month_of_exchange[disclosure.exchange_id]]
        counts[("flow", "returned")][i] += 1
        live = events.get(disclosure.id, [])
        for recipient in {e.code for e in live if e.kind == "onward_share"}:
            counts[("onward", recipient)][i] += 1
        for intervention in {e.code for e in live if e.kind == "intervention"}:
            counts[("intervention", intervention)][i] += 1
        result = latest_result(live)
        counts[("result", result.code if result else "outcome_unknown")][i] += 1
        if result is not None and result.code in DEPARTURES:
            counts[("people", "children")][i] += result.children_affected or 0
            counts[("people", "family_members")][i] += result.family_members_affected or 0
    layout = [
        *(("flow", k) for k in ("received", "matched", "review", "returned")),
        *(("onward", k) for k in ONWARD_RECIPIENTS),
        *(("intervention", k) for k in INTERVENTIONS),
        *(("result", k) for k in (*RESULTS, "outcome_unknown")),
        *(("people", k) for k in ("children", "family_members")),
    ]
    labels = LABELS | flow_labels(session, agreement_id=agreement_id, months=months, versions=versions)
    rows = tuple(MonthlyRow(s, k, labels[k], tuple(counts[(s, k)])) for s, k in layout)
    return MonthlyTable(
        months=tuple(months), rows=rows, agreements={m: sorted(agreements[m]) for m in months}
    )


def result_mix(table: MonthlyTable) -> Counter[str]:
    """Totals of the result section over all months (for summaries)."""
    return Counter({row.key: row.total for row in table.section("result")})
