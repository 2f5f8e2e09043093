"""The six roles, what each is for, and which kind of organisation each may belong to."""

from __future__ import annotations

from dataclasses import dataclass

from sharelog.ledger.models import ROLES

__all__ = ["ROLE_INFO", "ROLES", "RoleInfo", "role_info"]


@dataclass(frozen=True)
class RoleInfo:
    """A role: its name, who holds it, and the organisation kinds it makes sense in."""

    name: str
    label: str
    description: str
    organisation_kinds: tuple[str, ...]


ROLE_INFO: dict[str, RoleInfo] = {
    info.name: info
    for info in (
        RoleInfo(
            "holder_operator",
            "Holder operator",
            "Runs the monthly exchanges for the holder: submits batches and fetches return files.",
            ("holder",),
        ),
        RoleInfo(
            "holder_reviewer",
            "Holder reviewer",
            "Decides the review band: compares each request with its candidate and accepts or rejects.",
            ("holder",),
        ),
        RoleInfo(
            "requester_caseworker",
            "Requester caseworker",
            "Records what the requester did with each returned record. Never sees the register.",
            ("requester",),
        ),
        RoleInfo(
            "auditor",
            "Auditor",
            "Data-protection officer or auditor: counts, reports and the audit trail; no return files.",
            ("holder", "requester"),
        ),
        RoleInfo(
            "foi_officer",
            "FOI officer",
            "Handles Freedom of Information requests about the exchange and answers them from the ledger.",
            ("holder", "requester"),
        ),
        RoleInfo(
            "admin",
            "Administrator",
            "Manages accounts and API tokens for the organisation; sees counts, not personal data.",
            ("holder", "requester"),
        ),
    )
}
assert tuple(ROLE_INFO) == ROLES, "every role in the ledger has its description here"


def role_info(role: str) -> RoleInfo:
    """The description of ``role`` (``KeyError`` for a name that is not a role)."""
    return ROLE_INFO[role]
