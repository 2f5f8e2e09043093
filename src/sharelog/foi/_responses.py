"""Responding to a case: the outcome, the exemptions it cites and what each needs, the letter — and, where the
ledger answers the request, the monthly outcomes report attached.

The rules (s.17 refusal notices):
- ``successful`` and ``not_held`` cite no exemption; ``partially_successful``, ``rejected`` and ``ncnd`` cite at
  least one from the catalogue; ``ncnd`` only exemptions with a neither-confirm-nor-deny provision.
- A qualified exemption needs a public-interest statement; an absolute one does not (and none is taken without a
  qualified exemption).
- ``s12_cost`` needs the hours estimate, above the appropriate limit: £600 for central government, £450 for other
  authorities, at £25 an hour (24 and 18 hours); FOISA £600 at £15 an hour (40 hours).
- ``not_held`` is refused while the ledger holds exchanges in the months the request asks about: the monthly
  outcomes report answers such a request (attach it: ``report_months``).
- An attached report that withholds figures (``[c]``) is a partial answer: under FOIA the response must be
  ``partially_successful``, and it cites s.40(2) for those figures (added when not cited): they are personal
  information about the people counted. Figures shown as ``[x]`` are not held and ``[z]`` do not apply; the
  letter says so.
- A response sent after its due date says it is late, and by how many working days.

The attached report is built once, with disclosure control (publish), and the same object writes the workbook
and gives the letter its figures, so the two cannot disagree.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sharelog.errors import Conflict, InputError, NotFound, Problem, ValidationFailed
from sharelog.foi._cases import DEFAULT_RETENTION_DAYS, audit_case, check_action_day, today_or
from sharelog.foi._clock import REVIEW_WINDOW_DAYS
from sharelog.foi._events import FoiResponded
from sharelog.foi._exemptions import EXEMPTIONS, Exemption, exemption, normalise_citation
from sharelog.foi._letters import (
    CostEstimate,
    Letter,
    headline_figures,
    missing_kinds,
    report_notes,
    write_letter_docx,
    write_letter_markdown,
)
from sharelog.foi._states import check_transition
from sharelog.foi._views import CaseView, ExtraHolidays, ResponseView, case_calendar, case_view, load_case
from sharelog.ledger.models import FOI_OUTCOMES, AgreementVersion, Exchange, FoiCase, FoiResponse
from sharelog.reports import (
    DEFAULT_PROFILE,
    MissingFigure,
    MonthlyReport,
    build_monthly_report,
    month_range,
    write_monthly_report,
)

__all__ = [
    "COST_LIMITS",
    "OUTCOMES",
    "OUTCOME_STATES",
    "ResponseFile",
    "ResponseResult",
    "case_file_name",
    "case_folder",
    "cost_limit",
    "exemptions_for",
    "respond",
    "response_file",
    "response_problems",
]

OUTCOMES = FOI_OUTCOMES
OUTCOME_STATES = {
    "successful": "successful",
    "partially_successful": "partially_successful",
    "not_held": "not_held",
    "rejected": "rejected",
    "ncnd": "rejected",
    "s12_cost": "rejected",
    "s14": "rejected",
}
CITING = ("partially_successful", "rejected", "ncnd")


def exemptions_for(outcome: str) -> list[Exemption]:
    """The catalogue's exemptions a response with ``outcome`` may cite: every one for a partial answer or a
    refusal, those with a provision to neither confirm nor deny for ``ncnd``, none for the other outcomes."""
    if outcome not in CITING:
        return []
    return [e for e in EXEMPTIONS.values() if outcome != "ncnd" or e.ncnd is not None]


PERSONAL_INFORMATION = "40(2)"
"""The exemption for figures disclosure control withholds: personal information about others (FOIA s.40(2))."""
# (regime, authority type) → (limit in pounds, pounds per hour)
COST_LIMITS = {
    ("foia", "central_government"): (600, 25),
    ("foia", "other"): (450, 25),
    ("foia", "school"): (450, 25),
    ("foisa", "central_government"): (600, 15),
    ("foisa", "other"): (600, 15),
    ("foisa", "school"): (600, 15),
}


def cost_limit(regime: str, authority_type: str) -> tuple[int, int]:
    """The appropriate limit (pounds) and the hourly rate (pounds) for an authority."""
    return COST_LIMITS[(regime, authority_type)]


def _cited(exemptions: Sequence[str], problem: list[Problem], where: str) -> list[Exemption]:
    cited: list[Exemption] = []
    for citation in exemptions:
        try:
            found = exemption(citation)
        except InputError as error:
            problem.append(Problem(where, error.message, field="exemptions"))
            continue
        if found.citation not in [e.citation for e in cited]:
            cited.append(found)
    return cited


def response_problems(
    *,
    reference: str,
    regime: str,
    authority_type: str,
    outcome: str,
    exemptions: Sequence[str],
    public_interest: str | None,
    hours_estimate: float | None,
) -> tuple[list[Problem], list[Exemption]]:
    """Everything wrong with a response, and the exemptions it cites (looked up in the catalogue)."""
    where = f"case {reference}"
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(where, message, field=field))

    if outcome not in OUTCOMES:
        problem("outcome", f"'{outcome}' is not one of {', '.join(OUTCOMES)}")
        return problems, []
    cited = _cited(exemptions, problems, where)
    if exemptions and regime == "foisa":
        problem(
            "exemptions",
            "the catalogue holds FOIA Part II; FOISA's Part 2 exemptions are numbered differently and are not "
            "catalogued, so a FOISA refusal cannot cite them here",
        )
    if outcome in CITING and not exemptions:
        problem("exemptions", f"a {outcome} response must cite the exemptions it relies on (s.17(1))")
    if outcome not in CITING and exemptions:
        hint = "; to withhold part, respond partially_successful" if outcome == "successful" else ""
        problem("exemptions", f"a {outcome} response cites no exemption{hint}")
    if outcome == "ncnd":
        fitting = {e.citation for e in exemptions_for(outcome)}
        for e in cited:
            if e.citation not in fitting:
                problem("exemptions", f"s.{e.citation} has no provision to neither confirm nor deny")
    qualified = [e for e in cited if not e.absolute]
    statement = (public_interest or "").strip()
    if outcome in CITING:
        for e in qualified:
            if not statement:
                problem(
                    "public_interest",
                    f"s.{e.citation} is a qualified exemption: state why the public interest in maintaining it "
                    "outweighs the public interest in disclosure (s.17(3))",
                )
    if statement and not (outcome in CITING and qualified):
        problem("public_interest", "there is no public interest test without a qualified exemption")
    _cost_problems(outcome, regime, authority_type, hours_estimate, problem)
    return problems, cited


def _cost_problems(
    outcome: str, regime: str, authority_type: str, hours: float | None, problem: Callable[[str, str], None]
) -> None:
    limit, rate = cost_limit(regime, authority_type)
    if outcome != "s12_cost":
        if hours is not None:
            problem("hours_estimate", "an hours estimate goes with an s12_cost response only")
        return
    if hours is None:
        problem(
            "hours_estimate",
            f"an s.12 refusal needs the estimate in hours: the limit is £{limit} at £{rate} an hour "
            f"({limit / rate:g} hours)",
        )
    elif not math.isfinite(hours) or hours < 0:  # NaN and infinity pass JSON and every comparison below
        problem("hours_estimate", "must be a number of hours, 0 or more")
    elif hours * rate <= limit:
        problem(
            "hours_estimate",
            f"{hours:g} hours at £{rate} an hour is £{hours * rate:,.2f}, within the £{limit} limit "
            f"({limit / rate:g} hours): s.12 does not apply",
        )


@dataclass(frozen=True)
class ResponseResult:
    """What :func:`respond` recorded and wrote."""

    case: CaseView
    response: ResponseView
    letter: Letter
    report: MonthlyReport | None
    files: dict[str, Path]  # letter_md, letter_docx and, with a report, workbook


def case_file_name(reference: str) -> str:
    """The case reference made safe for a file or folder name (``FOI/2020/7`` → ``FOI-2020-7``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", reference).strip("-.") or "case"


def case_folder(data_dir: Path, *, organisation_id: str, reference: str) -> Path:
    """Where a case's letters and attached reports go by default: ``<data dir>/foi/<organisation>/<case>`` (each
    organisation numbers its own cases, so two may both have a case 59907)."""
    return data_dir / "foi" / case_file_name(organisation_id) / case_file_name(reference)


def _letters_folder(case: FoiCase, *, out_dir: Path | None, data_dir: Path | None) -> Path:
    """Where a response to ``case`` writes its files: ``out_dir`` when given, else the case's folder."""
    if out_dir is not None:
        return out_dir
    if data_dir is None:
        raise TypeError("respond needs out_dir or data_dir: where to write the letter")
    return case_folder(data_dir, organisation_id=case.organisation_id, reference=case.reference)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refuse_not_held(session: Session, case: FoiCase) -> None:
    """Refuse ``not_held`` while the ledger holds exchanges in the months asked about — those under agreements the
    case's organisation is party to: what it holds (and nothing about other organisations' exchanges)."""
    if not (case.about_first and case.about_last):
        return
    months = month_range(case.about_first, case.about_last)
    party = or_(
        AgreementVersion.holder_id == case.organisation_id,
        AgreementVersion.requester_id == case.organisation_id,
    )
    held = session.execute(
        select(func.count())
        .select_from(Exchange)
        .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
        .where(Exchange.month.in_(months), party)
    ).scalar_one()
    if held:
        period = f"{case.about_first}..{case.about_last}"
        raise Conflict(
            f"case {case.reference} asks about {period} and the ledger holds {held} exchange(s) in those months: "
            f"the information is held. Answer with the monthly outcomes report for {period}, or refuse under an "
            "exemption",
            field="outcome",
            cli_hint=f"attach it with --with-report {period}",
        )


def respond(
    session: Session,
    *,
    case_reference: str,
    outcome: str,
    responded_on: date,
    actor: str,
    out_dir: Path | None = None,
    data_dir: Path | None = None,
    exemptions: Sequence[str] = (),
    public_interest: str | None = None,
    hours_estimate: float | None = None,
    note: str | None = None,
    report_months: Sequence[str] | None = None,
    agreement_id: str | None = None,
    profile: str = DEFAULT_PROFILE,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    organisation_id: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
    extra_holidays: ExtraHolidays = (),
) -> ResponseResult:
    """Respond to a case — its first response, or its internal review's — and write the letter.

    Args:
        session: a ledger session.
        case_reference: the case.
        outcome: successful, partially_successful, not_held, rejected, ncnd, s12_cost or s14.
        responded_on: the day the response is sent.
        actor: who responds.
        out_dir: where the letter (Markdown and DOCX) and any workbook are written; default the case's folder
            under ``data_dir`` (:func:`case_folder`). One of the two is needed.
        data_dir: the data folder, whose ``foi/<organisation>/<case>`` holds the case's letters by default.
        exemptions: citations (``31(1)(e)``) for partially_successful, rejected and ncnd.
        public_interest: why the public interest favours maintaining the qualified exemptions cited.
        hours_estimate: for s12_cost, the hours that compliance would take.
        note: further text for the letter (never copied into the audit trail).
        report_months: attach the monthly outcomes report for these months (published, disclosure control).
        agreement_id: the report for one agreement only.
        profile: the report's disclosure-control profile (default: the monthly-series rule).
        retention_days: the requester's details are kept this long after the response.
        organisation_id: the responding officer's organisation: a case of another one is not found.
        today: the day it is (default: today).
        now: the report's generation time (default: now).
        extra_holidays: newly proclaimed bank holidays.

    Raises:
        NotFound: no such case (in ``organisation_id``).
        Conflict: the case is not awaiting a response or review; or not_held for information the ledger holds.
        ValidationFailed: the outcome, exemptions, public-interest statement or hours do not fit.
        InputError: a bad day.
    """
    day = today_or(today)
    case = load_case(session, case_reference, organisation_id=organisation_id)
    out_dir = _letters_folder(case, out_dir=out_dir, data_dir=data_dir)
    stage = "internal_review" if case.state == "internal_review" else "initial"
    if outcome in OUTCOME_STATES:
        check_transition(case.reference, case.state, OUTCOME_STATES[outcome], action=f"respond {outcome}")
    report = None
    if report_months and outcome in ("successful", "partially_successful"):
        report = build_monthly_report(
            session, months=report_months, agreement_id=agreement_id, profile=profile, now=now
        )
    withheld = report.withheld() if report is not None else 0
    # the series rule gives what happened to the returned records by quarter and year, not by month: the monthly
    # figures are held and withheld, for the same reason as a [c]
    by_quarter = _held_by_month(report) if report is not None else 0
    if (withheld or by_quarter) and case.regime == "foia" and outcome == "partially_successful":
        exemptions = _with_personal_information(exemptions)
    problems, cited = response_problems(
        reference=case.reference,
        regime=case.regime,
        authority_type=case.authority_type,
        outcome=outcome,
        exemptions=exemptions,
        public_interest=public_interest,
        hours_estimate=hours_estimate,
    )
    if (withheld or by_quarter) and case.regime == "foia" and outcome == "successful":
        what = " and ".join(
            text
            for count, text in (
                (withheld, f"{withheld} figure(s) as [c]"),
                (by_quarter, f"{by_quarter} monthly figure(s) given by quarter and year only"),
            )
            if count
        )
        problems.append(
            Problem(
                f"case {case.reference}",
                f"the attached report withholds {what} to protect the people counted, so the information is not "
                f"provided in full: respond partially_successful (s.{PERSONAL_INFORMATION} is cited for the withheld "
                "figures)",
                field="outcome",
            )
        )
    for field, text in (("public_interest", public_interest), ("note", note)):
        if text is not None and "\x00" in text:  # never typed by a person, and PostgreSQL cannot store it
            problems.append(Problem(f"case {case.reference}", "holds a NUL character", field=field))
    if report_months and outcome not in ("successful", "partially_successful"):
        problems.append(
            Problem(
                f"case {case.reference}",
                "a report is attached to a successful or partially_successful response only",
                field="report_months",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    check_action_day(case, responded_on, today=day, field="responded_on")
    if outcome == "not_held":
        _refuse_not_held(session, case)

    before = case_view(case, today=day, extra_holidays=extra_holidays)
    name = case_file_name(case.reference) + ("-review" if stage == "internal_review" else "")
    files: dict[str, Path] = {}
    if report is not None and report_months:
        workbook = out_dir / f"{name}-monthly-outcomes-{report_months[0]}-to-{report_months[-1]}.xlsx"
        files["workbook"] = write_monthly_report(report, workbook, format="xlsx")
    limit, rate = cost_limit(case.regime, case.authority_type)
    letter = Letter(
        reference=case.reference,
        title=case.title,
        authority=case.authority,
        regime=case.regime,
        stage=stage,
        outcome=outcome,
        received_on=case.received_on,
        statutory_due_on=before.clock.statutory_due,
        due_on=before.clock.due,
        extension_days=before.clock.extension_days,
        responded_on=responded_on,
        exemptions=tuple(cited),
        public_interest=(public_interest or "").strip() or None,
        cost=CostEstimate(hours_estimate, rate, limit) if hours_estimate is not None else None,
        note=note,
        report_title=report.title() if report else None,
        report_file=files["workbook"].name if "workbook" in files else None,
        headline=headline_figures(report) if report else (),
        figure_notes=report_notes(report) if report else (),
        review_by=_review_by(case, responded_on, extra_holidays) if stage == "initial" else None,
        withheld=withheld,
        by_quarter=by_quarter,
        missing=missing_kinds(report) if report else (),
        working_days_late=_working_days_late(case, before.clock.due, responded_on, extra_holidays)
        if stage == "initial"
        else 0,
    )
    files["letter_md"] = write_letter_markdown(letter, out_dir / f"{name}-response.md")
    files["letter_docx"] = write_letter_docx(letter, out_dir / f"{name}-response.docx")
    recorded = {kind: {"path": str(path), "sha256": _sha256(path)} for kind, path in files.items()}
    row = FoiResponse(
        case_id=case.id,
        stage=stage,
        outcome=outcome,
        responded_on=responded_on,
        exemptions=[e.citation for e in cited],
        public_interest=letter.public_interest,
        hours_estimate=hours_estimate,
        cost_limit=limit if outcome == "s12_cost" else None,
        note=note,
        report_months=f"{report_months[0]}..{report_months[-1]}" if report_months else None,
        files=recorded,
        recorded_by=actor,
    )
    session.add(row)
    case.responses.append(row)
    case.state = OUTCOME_STATES[outcome]
    case.requester_erase_after = max(
        case.requester_erase_after, responded_on + timedelta(days=retention_days)
    )
    session.flush()
    after = case_view(case, today=day, extra_holidays=extra_holidays)
    response = next(r for r in after.responses if r.id == row.id)
    audit_case(
        session,
        FoiResponded,
        case,
        actor,
        stage=stage,
        outcome=outcome,
        responded_on=responded_on.isoformat(),
        exemptions=row.exemptions,
        in_time=after.answered_in_time if stage == "initial" else None,
        report_months=row.report_months,
        files={kind: entry["sha256"] for kind, entry in recorded.items()},
    )
    return ResponseResult(case=after, response=response, letter=letter, report=report, files=files)


def _held_by_month(report: MonthlyReport) -> int:
    """How many month figures ``report`` gives by quarter and year only, in months with an exchange (a month without
    one has nothing held to withhold)."""
    held = report.context.exchange_months if report.context is not None else frozenset()
    return sum(
        1
        for (_, column), mark in report.missing.items()
        if mark in (MissingFigure.BY_QUARTER, MissingFigure.PART_QUARTER) and column in held
    )


def _with_personal_information(exemptions: Sequence[str]) -> list[str]:
    """``exemptions`` with s.40(2) added when it is not among them."""

    def names_it(citation: str) -> bool:
        try:
            return normalise_citation(citation) == PERSONAL_INFORMATION
        except InputError:
            return False  # reported with the other problems

    cited = list(exemptions)
    if not any(names_it(e) for e in exemptions):
        cited.append(PERSONAL_INFORMATION)
    return cited


def _working_days_late(
    case: FoiCase, due: date | None, responded_on: date, extra_holidays: ExtraHolidays
) -> int:
    """How many working days after its due date a response is sent (0 when on time or the clock is paused)."""
    if due is None or responded_on <= due:
        return 0
    return max(case_calendar(case, extra_holidays).working_days_between(due, responded_on), 1)


def _review_by(case: FoiCase, responded_on: date, extra_holidays: ExtraHolidays) -> date:
    """The last day the requester can ask for an internal review of a response sent on ``responded_on``."""
    return case_calendar(case, extra_holidays).working_days_after(responded_on, REVIEW_WINDOW_DAYS)


@dataclass(frozen=True)
class ResponseFile:
    """A file a response wrote (a letter or the attached workbook), found by its name and checked."""

    path: Path
    kind: str  # letter_md, letter_docx or workbook
    sha256: str
    responded_on: date


def response_file(
    session: Session, *, case_reference: str, name: str, organisation_id: str | None = None
) -> ResponseFile:
    """The file named ``name`` that a response to the case wrote — only a file the ledger recorded, and only while
    it is unchanged since (its SHA-256 is checked), so nothing else in the data folder can be reached by name.
    With ``organisation_id``, only a file of that organisation's case.

    Raises:
        NotFound: no such case (in ``organisation_id``), no response of it wrote a file of that name, or the file
            is no longer there.
        Conflict: the file has changed since the response recorded it.
    """
    case = load_case(session, case_reference, organisation_id=organisation_id)
    for response in sorted(case.responses, key=lambda r: r.id, reverse=True):
        for kind, entry in response.files.items():
            path = Path(entry["path"])
            if path.name != name:
                continue
            if not path.is_file():
                raise NotFound(f"case {case.reference}: the file {name} is no longer in the data folder")
            if _sha256(path) != entry["sha256"]:
                raise Conflict(
                    f"case {case.reference}: the file {name} has changed since the response of "
                    f"{response.responded_on} recorded it; it is not the one that was sent"
                )
            return ResponseFile(path, kind, entry["sha256"], response.responded_on)
    raise NotFound(f"case {case.reference} has no response file named {name}")
