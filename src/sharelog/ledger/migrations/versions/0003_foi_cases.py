"""FOI cases: the case (described state, requester details kept for the retention period), its clock and review
events, and its responses with the exemptions cited and the letter's files.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 22:01:44.419193
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "foi_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("request_text", sa.Text(), nullable=False),
        sa.Column("regime", sa.String(length=8), nullable=False),
        sa.Column("authority_type", sa.String(length=24), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("about_first", sa.String(length=7), nullable=True),
        sa.Column("about_last", sa.String(length=7), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("requester_name", sa.String(length=200), nullable=True),
        sa.Column("requester_contact", sa.String(length=300), nullable=True),
        sa.Column("requester_erase_after", sa.Date(), nullable=False),
        sa.Column("requester_erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_by", sa.String(length=100), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "authority_type IN ('central_government', 'other', 'school')",
            name=op.f("ck_foi_cases_authority_type"),
        ),
        sa.CheckConstraint("regime IN ('foia', 'foisa')", name=op.f("ck_foi_cases_regime")),
        sa.CheckConstraint(
            "state IN ('waiting_response', 'waiting_clarification', 'successful', 'partially_successful', 'not_held', 'rejected', 'internal_review', 'user_withdrawn')",
            name=op.f("ck_foi_cases_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foi_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_foi_cases_reference")),
    )
    with op.batch_alter_table("foi_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_foi_cases_received_on"), ["received_on"], unique=False)

    op.create_table(
        "foi_case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('clarification_sought', 'clarification_received', 'fees_notice', 'fee_paid', 'extended', 'review_requested', 'withdrawn')",
            name=op.f("ck_foi_case_events_kind"),
        ),
        sa.CheckConstraint("days IS NULL OR days > 0", name=op.f("ck_foi_case_events_days_positive")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["foi_cases.id"], name=op.f("fk_foi_case_events_case_id_foi_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foi_case_events")),
    )
    with op.batch_alter_table("foi_case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_foi_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "foi_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=False),
        sa.Column("exemptions", sa.JSON(), nullable=False),
        sa.Column("public_interest", sa.Text(), nullable=True),
        sa.Column("hours_estimate", sa.Float(), nullable=True),
        sa.Column("cost_limit", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("report_months", sa.String(length=20), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('successful', 'partially_successful', 'not_held', 'rejected', 'ncnd', 's12_cost', 's14')",
            name=op.f("ck_foi_responses_outcome"),
        ),
        sa.CheckConstraint("stage IN ('initial', 'internal_review')", name=op.f("ck_foi_responses_stage")),
        sa.CheckConstraint(
            "hours_estimate IS NULL OR hours_estimate >= 0", name=op.f("ck_foi_responses_hours_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["foi_cases.id"], name=op.f("fk_foi_responses_case_id_foi_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foi_responses")),
    )
    with op.batch_alter_table("foi_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_foi_responses_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("foi_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_foi_responses_case_id"))

    op.drop_table("foi_responses")
    with op.batch_alter_table("foi_case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_foi_case_events_case_id"))

    op.drop_table("foi_case_events")
    with op.batch_alter_table("foi_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_foi_cases_received_on"))

    op.drop_table("foi_cases")
