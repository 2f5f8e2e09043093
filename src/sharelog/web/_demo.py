"""What ``sharelog serve --demo`` adds to the demo ledger: one account per role, and an open FOI case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.accounts import add_user
from sharelog.foi import new_case
from sharelog.ledger.models import FoiCase, User

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoAccount", "ensure_demo_accounts", "ensure_demo_foi_case"]

DEMO_PASSWORD = "sharelog-demo"  # public by design: the demo ledger holds synthetic data only


@dataclass(frozen=True)
class DemoAccount:
    """A demo account: who it is and what it shows."""

    username: str
    role: str
    organisation_id: str
    display_name: str


DEMO_ACCOUNTS = (
    DemoAccount("operator", "holder_operator", "dfe", "Olu Operator"),
    DemoAccount("reviewer", "holder_reviewer", "dfe", "Rana Reviewer"),
    DemoAccount("caseworker", "requester_caseworker", "home-office", "Cai Caseworker"),
    DemoAccount("auditor", "auditor", "dfe", "Ada Auditor"),
    # the 2020 FOI request went to the Home Office: the demo's FOI officer works there, on the demo's case
    DemoAccount("foi", "foi_officer", "home-office", "Fay FOI-officer"),
    DemoAccount("admin", "admin", "dfe", "Ari Admin"),
)

_FOI_ORGANISATION = "home-office"  # the requester, to which requests about what it did with the data go
_FOI_TITLE = "Home Office requests to the National Pupil Database and what happened next"
_FOI_TEXT = (
    "Per month of 2019: how many records the Home Office sent to the Department for Education, how many the "
    "Department returned, and what happened to each returned record afterwards (onward sharing, interventions, "
    "results), with outcomes that are not known shown as unknown."
)


def ensure_demo_accounts(session: Session, *, actor: str) -> list[DemoAccount]:
    """Create the demo accounts that are missing (all with :data:`DEMO_PASSWORD`); return every demo account."""
    existing = set(session.execute(select(User.username)).scalars())
    for account in DEMO_ACCOUNTS:
        if account.username not in existing:
            add_user(
                session,
                username=account.username,
                display_name=account.display_name,
                organisation_id=account.organisation_id,
                role=account.role,
                password=DEMO_PASSWORD,
                actor=actor,
            )
    return list(DEMO_ACCOUNTS)


def ensure_demo_foi_case(session: Session, *, actor: str, today: date) -> None:
    """Open one FOI case about 2019 at the Home Office, received 45 days ago — more than 20 working days in any
    season, so overdue and the FOI pages have work."""
    if session.execute(select(FoiCase.id).limit(1)).first() is not None:
        return
    new_case(
        session,
        received_on=today - timedelta(days=45),
        title=_FOI_TITLE,
        request_text=_FOI_TEXT,
        actor=actor,
        organisation_id=_FOI_ORGANISATION,
        authority="Home Office",
        about=["2019-01", "2019-12"],
        requester_name="A. Member of the Public",
        requester_contact="requester@example.org",
        today=today,
    )
