"""The audit events FOI case handling appends. Their details carry the reference, dates, states, outcomes and
exemptions — never the requester's name or contact, nor the request text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sharelog.ledger.audit import LedgerEvent

__all__ = [
    "FoiCaseOpened",
    "FoiCaseWithdrawn",
    "FoiClarificationReceived",
    "FoiClarificationSought",
    "FoiDeadlineExtended",
    "FoiFeePaid",
    "FoiFeesNoticeGiven",
    "FoiRequesterErased",
    "FoiResponded",
    "FoiReviewRequested",
]


@dataclass(frozen=True, kw_only=True)
class FoiCaseOpened(LedgerEvent):
    """A case was opened (detail: received date, regime, authority type, due date)."""

    action: ClassVar[str] = "foi-case-opened"


@dataclass(frozen=True, kw_only=True)
class FoiClarificationSought(LedgerEvent):
    """The authority asked the requester to clarify (s.1(3)); the clock stops."""

    action: ClassVar[str] = "foi-clarification-sought"


@dataclass(frozen=True, kw_only=True)
class FoiClarificationReceived(LedgerEvent):
    """The requester's clarification arrived; a new 20 working days start."""

    action: ClassVar[str] = "foi-clarification-received"


@dataclass(frozen=True, kw_only=True)
class FoiFeesNoticeGiven(LedgerEvent):
    """A fees notice was given (s.9); the clock is paused until the fee is paid."""

    action: ClassVar[str] = "foi-fees-notice-given"


@dataclass(frozen=True, kw_only=True)
class FoiFeePaid(LedgerEvent):
    """The fee was received; the clock runs again."""

    action: ClassVar[str] = "foi-fee-paid"


@dataclass(frozen=True, kw_only=True)
class FoiDeadlineExtended(LedgerEvent):
    """The deadline was extended to consider the public interest (s.10(3)); detail: days, exemptions."""

    action: ClassVar[str] = "foi-deadline-extended"


@dataclass(frozen=True, kw_only=True)
class FoiResponded(LedgerEvent):
    """A response (first or internal review) was sent; detail: outcome, exemptions, files and checksums."""

    action: ClassVar[str] = "foi-responded"


@dataclass(frozen=True, kw_only=True)
class FoiReviewRequested(LedgerEvent):
    """The requester asked for an internal review; detail: the day and whether it came late."""

    action: ClassVar[str] = "foi-review-requested"


@dataclass(frozen=True, kw_only=True)
class FoiCaseWithdrawn(LedgerEvent):
    """The requester withdrew the request (or abandoned it)."""

    action: ClassVar[str] = "foi-case-withdrawn"


@dataclass(frozen=True, kw_only=True)
class FoiRequesterErased(LedgerEvent):
    """The requester's name and contact were erased at the end of the case's retention."""

    action: ClassVar[str] = "foi-requester-erased"
