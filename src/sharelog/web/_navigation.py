"""The service navigation: the links each role sees, in order (a link only where the role may go)."""

from __future__ import annotations

from dataclasses import dataclass

from sharelog.web._access import ACCESS, allowed

__all__ = ["NAVIGATION", "NavItem", "navigation_for"]


@dataclass(frozen=True)
class NavItem:
    """One navigation link, shown to the roles its route allows."""

    text: str
    href: str
    route: str


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Dashboard", "/dashboard", "read_dashboard"),
    NavItem("Agreements", "/agreements", "read_agreements"),
    NavItem("Exchanges", "/exchanges", "read_exchanges"),
    NavItem("Review", "/review", "read_review_queue"),
    NavItem("Outcomes", "/outcomes", "read_outcomes"),
    NavItem("Reports", "/reports", "read_reports"),
    NavItem("FOI cases", "/foi", "read_foi_cases"),
    NavItem("Users", "/users", "read_users"),
    NavItem("Transparency", "/transparency", "read_transparency"),
)


def navigation_for(role: str | None, path: str) -> list[dict[str, object]]:
    """GOV.UK service-navigation items for ``role`` (``None``: signed out), the current one marked active."""
    items: list[dict[str, object]] = []
    for item in NAVIGATION:
        access = ACCESS.get(item.route)
        if access is None or not allowed(access, role):
            continue
        if role is not None and item.route == "read_transparency":
            continue  # signed-in users reach it from the footer
        active = path == item.href or path.startswith(item.href + "/")
        items.append({"text": item.text, "href": item.href, "active": active})
    return items
