"""The words, tags and form handling of the FOI pages: what the services derive, said for people — and the
services' errors placed next to the fields they are about."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sharelog.errors import InputError, ValidationFailed
from sharelog.foi import CaseView
from sharelog.web._foi import FILE_KINDS, OUTCOME_LABELS
from sharelog.web.pages._dates import date_of_parts
from sharelog.web.pages._form_errors import in_form_order

__all__ = [
    "AUTHORITY_TYPE_LABELS",
    "EVENT_TITLES",
    "case_href",
    "case_tags",
    "date_fields",
    "due_words",
    "errors_of",
    "form_date",
    "responses_of",
    "timeline",
]

AUTHORITY_TYPE_LABELS = {
    "central_government": "Central government (cost limit £600)",
    "other": "Other public authority (cost limit £450)",
    "school": "School (long overdue after 60 working days)",
}
EVENT_TITLES = {
    "clarification_sought": "Clarification sought",
    "clarification_received": "Clarification received",
    "fees_notice": "Fees notice given",
    "fee_paid": "Fee paid",
    "extended": "Deadline extended",
    "review_requested": "Internal review requested",
    "withdrawn": "Request withdrawn",
}
EVENT_EFFECTS = {
    "clarification_sought": "No deadline runs until the requester replies (s.1(3)).",
    "clarification_received": "A new 20 working days start from this day (s.10(6)(b)).",
    "fees_notice": "The clock is paused until the fee is paid (s.10(2)).",
    "fee_paid": "The clock runs again; the working days it was paused do not count.",
    "review_requested": "The review is due within 20 working days.",
    "withdrawn": "The case is closed.",
}


# ---- presentation helpers (words and tags for what the services derive) ----


def case_tags(case: CaseView) -> list[tuple[str, str]]:
    """The tags a case carries, as (text, colour): the words always say what the colour means."""
    tags: list[tuple[str, str]] = []
    lateness = case.lateness
    review = case.state == "internal_review"
    if lateness == "long_overdue":
        tags.append(("Internal review long overdue" if review else "Long overdue", "red"))
    elif lateness == "overdue":
        tags.append(("Internal review overdue" if review else "Overdue", "red"))
    elif case.due_this_week:
        tags.append(("Due this week", "orange"))
    if case.state == "waiting_clarification":
        tags.append(("Waiting for clarification", "light-blue"))
    elif case.status == "waiting_response_paused":
        tags.append(("Clock paused: fee unpaid", "yellow"))
    elif review:
        tags.append(("Internal review", "purple"))
    if not case.is_open:
        tags.append(("Closed", "grey"))
    return tags


def case_href(reference: str, *rest: str) -> str:
    """The page of a case (and below it: ``respond``, ``files/NAME``…), the reference quoted for a URL."""
    return "/".join([f"/foi/{quote(reference, safe='/')}", *(quote(part, safe="") for part in rest)])


def timeline(case: CaseView) -> list[dict[str, Any]]:
    """The case's history, oldest first: receipt, every event and every response."""
    items: list[tuple[date, int, dict[str, Any]]] = [
        (
            case.received_on,
            0,
            {
                "title": "Request received",
                "text": "Day zero: the response is due on the 20th working day after it.",
                "by": case.opened_by,
            },
        )
    ]
    for event in case.events:
        text = EVENT_EFFECTS.get(event.kind, "")
        title = EVENT_TITLES.get(event.kind, event.kind)
        if event.kind == "extended":
            cited = ", ".join(f"s.{c}" for c in event.detail.get("exemptions", []))
            title = f"Deadline extended by {event.days} working days"
            text = f"To consider the public interest in {cited} (s.10(3))."
        elif event.kind == "fees_notice" and event.detail.get("amount") is not None:
            text = f"£{event.detail['amount']:,.2f} asked for. " + text
        elif event.kind == "review_requested" and event.detail.get("late"):
            text = "Asked for after the 40 working days allowed, and accepted all the same. " + text
        # a review request or a withdrawal on the day of a response came after it
        rank = 3 if event.kind in ("review_requested", "withdrawn") else 1
        items.append((event.on, rank, {"title": title, "text": text, "by": event.recorded_by}))
    for response in case.responses:
        review = response.stage == "internal_review"
        title = ("Internal review outcome: " if review else "Response sent: ") + OUTCOME_LABELS.get(
            response.outcome, response.outcome
        )
        items.append(
            (
                response.responded_on,
                4 if review else 2,
                {
                    "title": title,
                    "text": ", ".join(e.label() for e in response.exemptions),
                    "by": response.recorded_by,
                },
            )
        )
    return [dict(item, on=day) for day, _rank, item in sorted(items, key=lambda entry: entry[:2])]


def responses_of(case: CaseView) -> list[dict[str, Any]]:
    """Each response with its outcome in words and its files as download links."""
    rows = []
    for response in case.responses:
        files = [
            {
                "name": Path(entry["path"]).name,
                "kind": FILE_KINDS.get(kind, kind),
                "href": case_href(case.reference, "files", Path(entry["path"]).name),
            }
            for kind, entry in sorted(response.files.items())
        ]
        rows.append({"response": response, "outcome": OUTCOME_LABELS.get(response.outcome), "files": files})
    return rows


# ---- forms: dates, and the services' errors placed next to the fields they are about ----


def date_fields(prefix: str, day: date | None = None) -> dict[str, str]:
    """The day, month and year fields of a date input, filled with ``day``."""
    if day is None:
        return {f"{prefix}-day": "", f"{prefix}-month": "", f"{prefix}-year": ""}
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def form_date(values: dict[str, str], prefix: str, what: str, errors: dict[str, str]) -> date | None:
    """The date in the three fields ``<prefix>-day|month|year``, or None with an error in ``errors``."""
    found = date_of_parts(*(values.get(f"{prefix}-{part}", "") for part in ("day", "month", "year")))
    if isinstance(found, date):
        return found
    what_ = f"{what[0].upper()}{what[1:]}"
    messages = {
        "missing": f"Enter {what}",
        "not_a_date": f"{what_} must be a real date, like 12 8 2020",
        "impossible": f"{what_} must be a real date",
    }
    errors[f"{prefix}-day"] = messages[found]
    return None


def _sentence(label: str, message: str) -> str:
    message = message.strip()
    if message.startswith(("is ", "are ", "names ", "must ")):
        return f"{label} {message}"
    return f"{label}: {message}"


def errors_of(error: InputError, fields: dict[str, tuple[str, str]], default: str) -> dict[str, str]:
    """A service's error as form errors: ``fields`` maps the service's field to (element id, label), in the
    order the form shows them (the errors are listed in that order); anything else goes to ``default``."""
    errors: dict[str, str] = {}
    if isinstance(error, ValidationFailed):
        for problem in error.problems:
            element, label = fields.get(problem.field or "", (default, ""))
            text = _sentence(label, problem.message) if label else problem.message
            errors.setdefault(element, text[0].upper() + text[1:])
        return in_form_order(errors, [element for element, _label in fields.values()])
    message = error.message
    element = default
    if error.field is not None:
        element, label = fields.get(error.field, (default, ""))
        message = _sentence(label, message) if label else message
    return {element: message[0].upper() + message[1:]}


def due_words(case: CaseView) -> str:
    """What is due, in words: ``due 10 September 2020`` or that no deadline runs."""
    if case.due_on is not None:
        return f"due {case.due_on:%-d %B %Y}"
    return "no deadline runs for now"
