"""Accounts in a test ledger: one per role at the DfE and the Home Office, a council's FOI roles, and an account
at an organisation that is party to no agreement (made by the real service, so argon2 hashes each password)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from sharelog.accounts import add_user

from ._rows import add_organisation

PASSWORD = "correct horse battery staple"
# one account per role: username → (role, organisation)
ACCOUNTS: dict[str, tuple[str, str]] = {
    "operator": ("holder_operator", "dfe"),
    "reviewer": ("holder_reviewer", "dfe"),
    "caseworker": ("requester_caseworker", "home-office"),
    "auditor": ("auditor", "dfe"),
    "foi": ("foi_officer", "dfe"),
    "admin": ("admin", "dfe"),
}
USER_OF_ROLE = {role: username for username, (role, _org) in ACCOUNTS.items()}
# a third organisation (a council, see foi.py) with FOI roles of its own: none of them may reach the DfE's FOI
# case, nor the accounts above the council's
THIRD_PARTY_ACCOUNTS: dict[str, tuple[str, str]] = {
    "council-foi": ("foi_officer", "northshire"),
    "council-auditor": ("auditor", "northshire"),
    "council-admin": ("admin", "northshire"),
}
OUTSIDER_ORG = "dwp"  # party to no agreement


def add_accounts(
    session: Session,
    accounts: Mapping[str, tuple[str, str]] = ACCOUNTS,
    *,
    password: str = PASSWORD,
    actor: str = "test",
) -> list[str]:
    """An account per entry (username → role, organisation), named after its username; the usernames."""
    for username, (role, organisation) in accounts.items():
        add_user(
            session,
            username=username,
            display_name=username.title(),
            organisation_id=organisation,
            role=role,
            password=password,
            actor=actor,
        )
    return list(accounts)


def add_outsider(session: Session, *, username: str, role: str, kind: str = "requester") -> str:
    """An account with ``role`` at an organisation with no agreement in the ledger; returns the username."""
    add_organisation(session, OUTSIDER_ORG, kind=kind)
    add_accounts(session, {username: (role, OUTSIDER_ORG)})
    return username
