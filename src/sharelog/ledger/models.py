"""The ledger's tables (SQLAlchemy 2.x declarative models), as docs/design.md §2 describes them.

What the ledger keeps is deliberately thin: counts, references as the requester sent them, match classes and
probabilities, pseudonymous subject keys and outcome codes. No names, dates of birth or addresses are stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "REVIEW_DECISIONS",
    "ROLES",
    "AgreementVersion",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Disclosure",
    "EXCHANGE_STATES",
    "Exchange",
    "FOI_AUTHORITY_TYPES",
    "FOI_EVENT_KINDS",
    "FOI_OUTCOMES",
    "FOI_REGIMES",
    "FOI_STAGES",
    "FOI_STATES",
    "FoiCase",
    "FoiCaseEvent",
    "FoiResponse",
    "MATCH_CLASSES",
    "MAX_INTEGER",
    "ORGANISATION_KINDS",
    "OUTCOME_KINDS",
    "Organisation",
    "OutcomeEvent",
    "RequestOutcome",
    "ReturnFile",
    "ReviewItem",
    "User",
    "utc_now",
]

# The largest value an Integer column holds (PostgreSQL's integer; SQLite's is larger): ids and counts that come
# from outside are checked against it, so that a huge number is an answer ("no such disclosure"), not a crash.
MAX_INTEGER = 2**31 - 1

EXCHANGE_STATES = ("received", "matching", "awaiting_review", "returned", "rejected")
MATCH_CLASSES = ("match", "review", "no_match")
OUTCOME_KINDS = ("use", "onward_share", "intervention", "result")
ORGANISATION_KINDS = ("holder", "requester", "recipient")
REVIEW_DECISIONS = ("accepted", "rejected")
RETURN_FILE_KINDS = ("main", "supplementary")
# FOI cases (sharelog.foi owns their meaning; the names are here so the tables can check them)
FOI_REGIMES = ("foia", "foisa")
FOI_AUTHORITY_TYPES = ("central_government", "other", "school")
FOI_STATES = (
    "waiting_response",
    "waiting_clarification",
    "successful",
    "partially_successful",
    "not_held",
    "rejected",
    "internal_review",
    "user_withdrawn",
)
FOI_EVENT_KINDS = (
    "clarification_sought",
    "clarification_received",
    "fees_notice",
    "fee_paid",
    "extended",
    "review_requested",
    "withdrawn",
)
FOI_OUTCOMES = ("successful", "partially_successful", "not_held", "rejected", "ncnd", "s12_cost", "s14")
FOI_STAGES = ("initial", "internal_review")
# Accounts (sharelog.accounts owns what each role may do)
ROLES = ("holder_operator", "holder_reviewer", "requester_caseworker", "auditor", "foi_officer", "admin")

# Constraint names must be stable across SQLite and PostgreSQL so that migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the ledger stores timezone-aware times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON(), int: Integer()}


class Organisation(Base):
    """A party: the holder, the requester, or an onward recipient (police, Border Force, a council…)."""

    __tablename__ = "organisations"
    __table_args__ = (_one_of("kind", ORGANISATION_KINDS, "kind"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))


class AgreementVersion(Base):
    """One version of a data-sharing agreement, as it was recorded (the YAML document and its checksum)."""

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("agreement_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    holder_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    requester_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    checksum: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]]
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)

    exchanges: Mapped[list[Exchange]] = relationship(back_populates="agreement")


class Exchange(Base):
    """One request batch under one agreement version and one purpose, with its counts and state."""

    __tablename__ = "exchanges"
    __table_args__ = (
        _one_of("state", EXCHANGE_STATES, "state"),
        CheckConstraint(
            "n_received >= 0 AND n_invalid >= 0 AND n_matched >= 0 AND n_review >= 0 "
            "AND n_no_match >= 0 AND n_returned >= 0",
            name="counts_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    agreement_pk: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    purpose_code: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utc_now)
    completed_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(20), default="received")
    input_checksum: Mapped[str] = mapped_column(String(64), index=True)
    output_checksum: Mapped[str | None] = mapped_column(String(64))
    return_file_ref: Mapped[str | None] = mapped_column(String(300))
    n_received: Mapped[int] = mapped_column(default=0)
    n_invalid: Mapped[int] = mapped_column(default=0)
    n_matched: Mapped[int] = mapped_column(default=0)
    n_review: Mapped[int] = mapped_column(default=0)
    n_no_match: Mapped[int] = mapped_column(default=0)
    n_returned: Mapped[int] = mapped_column(default=0)
    model_checksum: Mapped[str | None] = mapped_column(String(64))
    splink_version: Mapped[str | None] = mapped_column(String(20))
    rerun_of_id: Mapped[int | None] = mapped_column(ForeignKey("exchanges.id"))
    submitted_by: Mapped[str] = mapped_column(String(100))
    rejection: Mapped[str | None] = mapped_column(
        Text
    )  # why a batch was refused: files, rows, fields — no values

    agreement: Mapped[AgreementVersion] = relationship(back_populates="exchanges")
    request_outcomes: Mapped[list[RequestOutcome]] = relationship(back_populates="exchange")
    disclosures: Mapped[list[Disclosure]] = relationship(back_populates="exchange")
    review_items: Mapped[list[ReviewItem]] = relationship(back_populates="exchange")
    return_files: Mapped[list[ReturnFile]] = relationship(back_populates="exchange")


class RequestOutcome(Base):
    """What matching decided for one request: its reference as sent, the class and the probability."""

    __tablename__ = "request_outcomes"
    __table_args__ = (
        UniqueConstraint("exchange_id", "request_ref"),
        _one_of("match_class", MATCH_CLASSES, "match_class"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"))
    request_ref: Mapped[str] = mapped_column(String(100))
    match_class: Mapped[str] = mapped_column(String(10))
    match_probability: Mapped[float | None] = mapped_column(Float)

    exchange: Mapped[Exchange] = relationship(back_populates="request_outcomes")


class ReviewItem(Base):
    """A request in the review band, waiting for (or decided by) a named person.

    The ledger keeps only the decision and the candidate's subject key; what a reviewer compares side by side (the
    request's details, the candidate's pupil id) waits in the exchange's review file, deleted once all are decided.
    """

    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("exchange_id", "request_ref"),
        CheckConstraint("decision IS NULL OR decision IN ('accepted', 'rejected')", name="decision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"))
    request_ref: Mapped[str] = mapped_column(String(100))
    subject_key: Mapped[str] = mapped_column(String(64))
    match_probability: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str | None] = mapped_column(String(10))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    exchange: Mapped[Exchange] = relationship(back_populates="review_items")


class ReturnFile(Base):
    """A file of returned records sent to the requester, and when it was deleted under the retention rule."""

    __tablename__ = "return_files"
    __table_args__ = (_one_of("kind", RETURN_FILE_KINDS, "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(String(300), unique=True)
    checksum: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    retention_until: Mapped[date] = mapped_column(Date)
    deleted_at: Mapped[datetime | None]

    exchange: Mapped[Exchange] = relationship(back_populates="return_files")


class Disclosure(Base):
    """One record returned to the requester: whom it is about (a keyed hash), which fields, until when."""

    __tablename__ = "disclosures"
    __table_args__ = (UniqueConstraint("exchange_id", "request_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"))
    request_ref: Mapped[str] = mapped_column(String(100))
    subject_key: Mapped[str] = mapped_column(String(64), index=True)
    fields_returned: Mapped[list[str]]
    match_probability: Mapped[float] = mapped_column(Float)
    returned_at: Mapped[datetime]
    retention_until: Mapped[date] = mapped_column(Date)
    return_file_ref: Mapped[str] = mapped_column(String(300))
    decided_by: Mapped[str | None] = mapped_column(String(100))  # set when a reviewer accepted the match

    exchange: Mapped[Exchange] = relationship(back_populates="disclosures")
    outcome_events: Mapped[list[OutcomeEvent]] = relationship(back_populates="disclosure")


class OutcomeEvent(Base):
    """What the recipient did with a returned record. Append-only: a correction supersedes, never edits."""

    __tablename__ = "outcome_events"
    __table_args__ = (
        _one_of("kind", OUTCOME_KINDS, "kind"),
        CheckConstraint(
            "(children_affected IS NULL OR children_affected >= 0) AND "
            "(family_members_affected IS NULL OR family_members_affected >= 0)",
            name="people_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosures.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(40))
    event_date: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)
    children_affected: Mapped[int | None]
    family_members_affected: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_events.id"), unique=True)

    disclosure: Mapped[Disclosure] = relationship(back_populates="outcome_events")


class AuditEvent(Base):
    """One change to the ledger, hash-chained to the one before it (see :mod:`sharelog.ledger.audit`)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]]
    # unique: an event can be the predecessor of only one other, so two writers can never fork the chain
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class FoiCase(Base):
    """A Freedom of Information request to an authority running the exchange, and its *described* state.

    What time decides (the due date, overdue, long overdue) is derived when read from the received date and the
    case's events (see :mod:`sharelog.foi`). The requester's name and contact are personal data, kept only until
    ``requester_erase_after`` and then erased (set to NULL, ``requester_erased_at`` stamped).
    """

    __tablename__ = "foi_cases"
    __table_args__ = (
        _one_of("regime", FOI_REGIMES, "regime"),
        _one_of("authority_type", FOI_AUTHORITY_TYPES, "authority_type"),
        _one_of("state", FOI_STATES, "state"),
        # each organisation numbers its own cases: two authorities may both have a case 59907
        UniqueConstraint("organisation_id", "reference"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    request_text: Mapped[str] = mapped_column(Text)
    regime: Mapped[str] = mapped_column(String(8))
    authority_type: Mapped[str] = mapped_column(String(24))
    authority: Mapped[str | None] = mapped_column(String(200))
    received_on: Mapped[date] = mapped_column(Date, index=True)
    about_first: Mapped[str | None] = mapped_column(String(7))  # the months the request asks about, if given
    about_last: Mapped[str | None] = mapped_column(String(7))
    state: Mapped[str] = mapped_column(String(32), default="waiting_response")
    requester_name: Mapped[str | None] = mapped_column(String(200))
    requester_contact: Mapped[str | None] = mapped_column(String(300))
    requester_erase_after: Mapped[date] = mapped_column(Date)
    requester_erased_at: Mapped[datetime | None]
    opened_by: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(default=utc_now)
    # the organisation that received the request: only its FOI officers and auditors see or act on the case
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)

    events: Mapped[list[FoiCaseEvent]] = relationship(back_populates="case", order_by="FoiCaseEvent.id")
    responses: Mapped[list[FoiResponse]] = relationship(back_populates="case", order_by="FoiResponse.id")


class FoiCaseEvent(Base):
    """Something that moves a case's clock or state: clarification, fees, extension, review, withdrawal."""

    __tablename__ = "foi_case_events"
    __table_args__ = (
        _one_of("kind", FOI_EVENT_KINDS, "kind"),
        CheckConstraint("days IS NULL OR days > 0", name="days_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("foi_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    event_date: Mapped[date] = mapped_column(Date)
    days: Mapped[int | None]  # working days added by a public-interest extension
    detail: Mapped[dict[str, Any]]
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)

    case: Mapped[FoiCase] = relationship(back_populates="events")


class FoiResponse(Base):
    """A response to a case — the first one, or the internal review's — with the exemptions it cited."""

    __tablename__ = "foi_responses"
    __table_args__ = (
        _one_of("outcome", FOI_OUTCOMES, "outcome"),
        _one_of("stage", FOI_STAGES, "stage"),
        CheckConstraint("hours_estimate IS NULL OR hours_estimate >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("foi_cases.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(24))
    responded_on: Mapped[date] = mapped_column(Date)
    exemptions: Mapped[list[str]]
    public_interest: Mapped[str | None] = mapped_column(Text)
    hours_estimate: Mapped[float | None] = mapped_column(Float)
    cost_limit: Mapped[int | None]  # pounds: the appropriate limit an s.12 refusal was judged against
    note: Mapped[str | None] = mapped_column(Text)
    report_months: Mapped[str | None] = mapped_column(String(20))  # 2019-01..2019-12
    files: Mapped[dict[str, Any]]  # letter and attachments: name → {"path", "sha256"}
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)

    case: Mapped[FoiCase] = relationship(back_populates="responses")


class User(Base):
    """A person who signs in to the web app: one role, one organisation, an argon2 password hash."""

    __tablename__ = "users"
    __table_args__ = (_one_of("role", ROLES, "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    disabled_at: Mapped[datetime | None]
    # bumped when the password changes or the account is disabled: every older session stops working
    session_version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    api_tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")


class ApiToken(Base):
    """A machine client's bearer token: only its sha256 is kept; it acts as its user, with that user's role."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="api_tokens")


class WebSession(Base):
    """A signed-in browser session, held server-side so that signing out (or idling) ends it for every copy of the
    cookie. The cookie carries a random token; only its sha256 is kept here."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(default=utc_now)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(16))  # sign_out, idle, expired, disabled, password

    user: Mapped[User] = relationship()
