"""The register of data shares: one row per agreement version and month, in the shape of DfE's "external data
shares" Home Office sheet (month, individuals requested, individuals returned), with the agreement's terms.

The counts come from the monthly table (``_monthly.py``), one agreement version at a time. With disclosure
control, each row's requested and returned are protected together with their difference (received − returned,
the number not returned), as in the monthly report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from sharelog.errors import InputError
from sharelog.reports._layout import GENERATED_AT, SYMBOLS_GUIDANCE, Sheet, SheetRow
from sharelog.reports._marks import MissingFigure
from sharelog.reports._monthly import monthly_table
from sharelog.reports._period import month_label, period_text
from sharelog.reports._report import SdcMode, check_sdc
from sharelog.reports._sdc import (
    CONFIDENTIAL,
    DEFAULT_PROFILE,
    UNAVAILABLE,
    Cell,
    Profile,
    Reason,
    Relation,
    Structure,
    suppress_small_counts,
)
from sharelog.reports._versions import AgreementVersionInfo, recorded_versions

__all__ = [
    "SHARES_HEADER",
    "AgreementTerms",
    "ShareRow",
    "SharesRegister",
    "agreement_terms",
    "build_shares_register",
    "shares_json",
    "shares_sheets",
]

SHARES_HEADER = (
    "Month",
    "Individuals requested",
    "Individuals returned",
    "Agreement",
    "Version",
    "Title",
    "Holder",
    "Requester",
    "Purposes",
    "Legal basis",
    "Data items requested",
    "Data items returned",
    "Retention of returned data",
)
_WIDTHS = (16, 13, 13, 22, 9, 40, 26, 16, 60, 40, 40, 50, 18)
_FLAGGED = ("assumed", "unknown")


@dataclass(frozen=True)
class ShareRow:
    """One agreement version in one month: how many were requested and returned (counts or GSS symbols)."""

    month: str
    version: AgreementVersionInfo
    requested: int | str
    returned: int | str
    exchanged: bool = True
    """Whether an exchange ran under the version that month; without one, both figures are ``[x]``, not 0."""

    def reason(self, value: int | str) -> MissingFigure | None:
        """Why ``value`` (one of this row's figures) is a symbol, or None for a figure."""
        if isinstance(value, int):
            return None
        return MissingFigure.SUPPRESSED if self.exchanged else MissingFigure.NO_EXCHANGE


@dataclass(frozen=True)
class SharesRegister:
    """The register for a period."""

    months: tuple[str, ...]
    rows: tuple[ShareRow, ...]
    mode: SdcMode
    profile: Profile | None
    generated_at: datetime
    reasons: Mapping[Cell, Reason] = field(default_factory=dict)

    @property
    def for_publication(self) -> bool:
        return self.mode == "publish"

    def period_text(self) -> str:
        return period_text(self.months)

    def title(self) -> str:
        title = f"Register of data shares: {self.period_text()}"
        return title if self.for_publication else f"{title} — INTERNAL: exact counts, not for publication"


def build_shares_register(
    session: Session,
    *,
    months: Sequence[str],
    sdc: str = "publish",
    profile: str = DEFAULT_PROFILE,
    now: datetime | None = None,
) -> SharesRegister:
    """One row per recorded agreement version and month it was in force (or an exchange used it).

    Raises:
        InputError: no months, or an unknown mode or profile.
    """
    mode, chosen = check_sdc(sdc, profile)
    if not months:
        raise InputError("the register needs at least one month")
    exact: list[tuple[str, AgreementVersionInfo, int, int]] = []
    exchanged: set[tuple[str, str]] = set()
    for version in recorded_versions(session):
        table = monthly_table(
            session, months=months, agreement_id=version.agreement_id, version=version.version
        )
        received, sent_back = table.row("received").values, table.row("returned").values
        for i, month in enumerate(table.months):
            if version.in_force_during(month) or table.agreements.get(month):
                exact.append((month, version, received[i], sent_back[i]))
            if table.agreements.get(month):
                exchanged.add((month, version.label))
    exact.sort(key=lambda row: (row[0], row[1].agreement_id, row[1].valid_from))
    reasons: Mapping[Cell, Reason] = {}
    if chosen is None:
        rows = [
            ShareRow(month, version, requested, returned) for month, version, requested, returned in exact
        ]
    else:
        values: dict[Cell, int] = {}
        relations = []
        for index, (_, _, n_requested, n_returned) in enumerate(exact):
            key = str(index)
            values[(key, "requested")], values[(key, "returned")] = n_requested, n_returned
            values[(key, "not_returned")] = n_requested - n_returned
            relations.append(Relation((key, "requested"), ((key, "returned"), (key, "not_returned"))))
        structure = Structure(cells=tuple(values), relations=tuple(relations))
        protected = suppress_small_counts(values, structure, profile=chosen)
        published, reasons = protected.published, protected.reasons
        rows = [
            ShareRow(month, version, published[(str(i), "requested")], published[(str(i), "returned")])
            for i, (month, version, _, _) in enumerate(exact)
        ]
    rows = [
        row
        if (row.month, row.version.label) in exchanged
        else ShareRow(row.month, row.version, UNAVAILABLE, UNAVAILABLE, exchanged=False)
        for row in rows
    ]
    return SharesRegister(
        months=tuple(months),
        rows=tuple(rows),
        mode=mode,
        profile=chosen,
        generated_at=(now or datetime.now(UTC)).astimezone(UTC),
        reasons=reasons,
    )


def _flag(version: AgreementVersionInfo, term: str, text: str) -> str:
    status = (version.term("provenance") or {}).get(term, {}).get("status")
    return f"{text} ({status})" if status in _FLAGGED else text


def _terms(version: AgreementVersionInfo) -> tuple[str, ...]:
    purposes = version.term("purposes") or []
    purpose_text = "; ".join(str(p.get("text", p.get("code", ""))) for p in purposes) or "not recorded"
    basis = version.term("legal_basis")
    basis_text = (
        _flag(version, "legal_basis", basis) if basis else _flag(version, "legal_basis", "not stated")
    )
    retention = version.term("retention_days")
    retention_text = _flag(version, "retention_days", f"{retention} days") if retention else "not recorded"
    requested = ", ".join(version.term("request_fields") or []) or "not recorded"
    returned = ", ".join(version.term("return_fields") or []) or "not recorded"
    return (
        version.agreement_id,
        version.version,
        version.title,
        version.holder,
        version.requester,
        purpose_text,
        basis_text,
        requested,
        returned,
        retention_text,
    )


def _unavailable_text(register: SharesRegister) -> str:
    if all(row.exchanged for row in register.rows):
        return ""
    return (
        f"{UNAVAILABLE} = not available: no exchange ran under that version that month, so there is no figure "
        "(not 0). "
    )


def _legend(register: SharesRegister) -> str:
    if register.profile is None:
        return (
            "Exact counts from the ledger, without disclosure control. NOT FOR PUBLICATION. "
            + _unavailable_text(register)
        ).strip()
    small = f"1 to {register.profile.threshold - 1}"
    symbols = (
        f"{CONFIDENTIAL} = confidential (a count of {small}, or a figure suppressed so that one cannot be worked out)"
        if register.profile.small_symbol == CONFIDENTIAL
        else f"{register.profile.small_symbol} = a count of {small}; {CONFIDENTIAL} = confidential (suppressed so "
        "that a count cannot be worked out)"
    )
    return (
        f"{symbols}; {_unavailable_text(register)}other figures rounded to the nearest {register.profile.base}. "
        "Terms marked (assumed) or (unknown) are not public: sharelog's working values."
    )


def _rule_text(profile: Profile | None) -> str:
    if profile is None:
        return "None: exact counts from the ledger. NOT FOR PUBLICATION."
    if profile.series:
        return (
            f"The monthly-series rule: counts of 1 to {profile.threshold - 1} shown as {profile.small_symbol}, others "
            f"rounded to the nearest {profile.base}; a true 0 shown as 0. Each row is decided on its own, so a month "
            f"shows the same figures in every register that includes it; a figure is withheld ({CONFIDENTIAL}) only "
            "where the requested, the returned and the number not returned (requested − returned) would let a "
            "small count be worked out exactly."
        )
    return (
        f"{profile.describe()}. Where a row's requested or returned is suppressed, or the number not returned "
        "(requested − returned) is a small count, a second figure of the row is suppressed too, so that neither "
        "can be worked out by subtraction."
    )


def _notes(register: SharesRegister) -> list[SheetRow]:
    rule = _rule_text(register.profile)
    small = (
        f" {register.profile.small_symbol} a count of 1 to {register.profile.threshold - 1} (not 0);"
        if register.profile is not None and register.profile.small_symbol != CONFIDENTIAL
        else ""
    )
    return [
        SheetRow(("Register of data shares",), heading=True),
        SheetRow(("Title", register.title())),
        SheetRow(("Period", register.period_text())),
        SheetRow(
            ("Rows", "One per agreement version and month in which it was in force or an exchange used it.")
        ),
        SheetRow(
            (
                "Individuals requested",
                "Trace requests in the month's batches under that version (as records: a person requested twice is "
                "counted twice), including batches refused as a whole; a rerun is not counted again.",
            )
        ),
        SheetRow(
            (
                "Individuals returned",
                "Records returned to the requester for those batches, each a disclosure.",
            )
        ),
        SheetRow(("Agreement terms", "As recorded in the ledger with the agreement version.")),
        SheetRow(("Disclosure control",), heading=True),
        SheetRow(("Rule applied", rule)),
        SheetRow(
            (
                "Symbols",
                f"{CONFIDENTIAL} confidential (withheld by the rule above);{small} {UNAVAILABLE} not available "
                f"(no exchange under that version that month). A figure that is not known is never shown as 0. "
                f"Shorthand from the {SYMBOLS_GUIDANCE}.",
            )
        ),
        SheetRow(("Generated",), heading=True),
        SheetRow((GENERATED_AT, register.generated_at.strftime("%Y-%m-%d %H:%M:%S"))),
    ]


@dataclass(frozen=True)
class AgreementTerms:
    """One recorded agreement version's terms as a register shows them, in words (flagged when not public)."""

    label: str
    title: str
    holder: str
    requester: str
    in_force: str
    purposes: str
    legal_basis: str
    data_requested: str
    data_returned: str
    retention: str


def agreement_terms(version: AgreementVersionInfo) -> AgreementTerms:
    """The terms of ``version`` as the register's columns word them."""
    _, _, title, holder, requester, purposes, basis, requested, returned, retention = _terms(version)
    return AgreementTerms(
        label=version.label,
        title=title,
        holder=holder,
        requester=requester,
        in_force=version.validity_text(),
        purposes=purposes,
        legal_basis=basis,
        data_requested=requested,
        data_returned=returned,
        retention=retention,
    )


def shares_sheets(register: SharesRegister) -> list[Sheet]:
    """The register's sheets: the data shares, and notes."""
    rows = tuple(
        SheetRow((month_label(row.month), row.requested, row.returned, *_terms(row.version)))
        for row in register.rows
    )
    main = Sheet(
        name="Data shares",
        title=register.title(),
        subtitle=(_legend(register),),
        header=SHARES_HEADER,
        rows=rows,
        count_columns=(1, 2),
        widths=_WIDTHS,
    )
    notes = Sheet(
        name="Notes",
        title=f"Notes: {register.title()}",
        header=("Item", "Detail"),
        rows=tuple(_notes(register)),
        count_columns=(),
        widths=(42, 110),
    )
    return [main, notes]


def _figures(row: ShareRow) -> tuple[tuple[str, int | str], ...]:
    return (("individuals_requested", row.requested), ("individuals_returned", row.returned))


def shares_json(register: SharesRegister) -> dict[str, Any]:
    """The register as JSON: one object per row."""
    keys = (
        "agreement",
        "version",
        "title",
        "holder",
        "requester",
        "purposes",
        "legal_basis",
        "data_items_requested",
        "data_items_returned",
        "retention",
    )
    return {
        "title": register.title(),
        "period": {"from": register.months[0], "to": register.months[-1]},
        "disclosure_control": {
            "mode": register.mode,
            "profile": register.profile.name if register.profile else None,
        },
        "not_for_publication": not register.for_publication,
        "generated_at": register.generated_at.isoformat(timespec="seconds"),
        "rows": [
            {
                "month": row.month,
                "individuals_requested": row.requested if isinstance(row.requested, int) else None,
                "individuals_returned": row.returned if isinstance(row.returned, int) else None,
                "missing": {
                    name: {"symbol": value, "reason": reason.value}
                    for name, value in (
                        ("individuals_requested", row.requested),
                        ("individuals_returned", row.returned),
                    )
                    if (reason := row.reason(value)) is not None
                },
                **dict(zip(keys, _terms(row.version), strict=True)),
            }
            for row in register.rows
        ],
    }
