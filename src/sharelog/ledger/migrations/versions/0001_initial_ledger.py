"""Initial ledger: organisations, agreements, exchanges, request outcomes, disclosures, outcome and audit events.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-29 19:45:53.722809
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_events_hash")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_audit_events_prev_hash")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "kind IN ('holder', 'requester', 'recipient')", name=op.f("ck_organisations_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("holder_id", sa.String(length=64), nullable=False),
        sa.Column("requester_id", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["organisations.id"], name=op.f("fk_agreements_holder_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["organisations.id"], name=op.f("fk_agreements_requester_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint("agreement_id", "version", name=op.f("uq_agreements_agreement_id_version")),
    )
    op.create_table(
        "exchanges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("agreement_pk", sa.Integer(), nullable=False),
        sa.Column("purpose_code", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("input_checksum", sa.String(length=64), nullable=False),
        sa.Column("output_checksum", sa.String(length=64), nullable=True),
        sa.Column("return_file_ref", sa.String(length=300), nullable=True),
        sa.Column("n_received", sa.Integer(), nullable=False),
        sa.Column("n_invalid", sa.Integer(), nullable=False),
        sa.Column("n_matched", sa.Integer(), nullable=False),
        sa.Column("n_review", sa.Integer(), nullable=False),
        sa.Column("n_no_match", sa.Integer(), nullable=False),
        sa.Column("n_returned", sa.Integer(), nullable=False),
        sa.Column("model_checksum", sa.String(length=64), nullable=True),
        sa.Column("splink_version", sa.String(length=20), nullable=True),
        sa.Column("rerun_of_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "state IN ('received', 'matching', 'awaiting_review', 'returned', 'rejected')",
            name=op.f("ck_exchanges_state"),
        ),
        sa.CheckConstraint(
            "n_received >= 0 AND n_invalid >= 0 AND n_matched >= 0 AND n_review >= 0 AND n_no_match >= 0 AND n_returned >= 0",
            name=op.f("ck_exchanges_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_pk"], ["agreements.id"], name=op.f("fk_exchanges_agreement_pk_agreements")
        ),
        sa.ForeignKeyConstraint(
            ["rerun_of_id"], ["exchanges.id"], name=op.f("fk_exchanges_rerun_of_id_exchanges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchanges")),
        sa.UniqueConstraint("reference", name=op.f("uq_exchanges_reference")),
    )
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchanges_agreement_pk"), ["agreement_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_exchanges_input_checksum"), ["input_checksum"], unique=False)
        batch_op.create_index(batch_op.f("ix_exchanges_month"), ["month"], unique=False)

    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("request_ref", sa.String(length=100), nullable=False),
        sa.Column("subject_key", sa.String(length=64), nullable=False),
        sa.Column("fields_returned", sa.JSON(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retention_until", sa.Date(), nullable=False),
        sa.Column("return_file_ref", sa.String(length=300), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["exchange_id"], ["exchanges.id"], name=op.f("fk_disclosures_exchange_id_exchanges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
        sa.UniqueConstraint(
            "exchange_id", "request_ref", name=op.f("uq_disclosures_exchange_id_request_ref")
        ),
    )
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosures_subject_key"), ["subject_key"], unique=False)

    op.create_table(
        "request_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("request_ref", sa.String(length=100), nullable=False),
        sa.Column("match_class", sa.String(length=10), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "match_class IN ('match', 'review', 'no_match')", name=op.f("ck_request_outcomes_match_class")
        ),
        sa.ForeignKeyConstraint(
            ["exchange_id"], ["exchanges.id"], name=op.f("fk_request_outcomes_exchange_id_exchanges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_outcomes")),
        sa.UniqueConstraint(
            "exchange_id", "request_ref", name=op.f("uq_request_outcomes_exchange_id_request_ref")
        ),
    )
    op.create_table(
        "outcome_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("children_affected", sa.Integer(), nullable=True),
        sa.Column("family_members_affected", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('use', 'onward_share', 'intervention', 'result')", name=op.f("ck_outcome_events_kind")
        ),
        sa.CheckConstraint(
            "(children_affected IS NULL OR children_affected >= 0) AND (family_members_affected IS NULL OR family_members_affected >= 0)",
            name=op.f("ck_outcome_events_people_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["disclosure_id"], ["disclosures.id"], name=op.f("fk_outcome_events_disclosure_id_disclosures")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["outcome_events.id"],
            name=op.f("fk_outcome_events_supersedes_id_outcome_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_events")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_outcome_events_supersedes_id")),
    )
    with op.batch_alter_table("outcome_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_events_disclosure_id"), ["disclosure_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("outcome_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_events_disclosure_id"))

    op.drop_table("outcome_events")
    op.drop_table("request_outcomes")
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosures_subject_key"))

    op.drop_table("disclosures")
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchanges_month"))
        batch_op.drop_index(batch_op.f("ix_exchanges_input_checksum"))
        batch_op.drop_index(batch_op.f("ix_exchanges_agreement_pk"))

    op.drop_table("exchanges")
    op.drop_table("agreements")
    op.drop_table("organisations")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    op.drop_table("audit_events")
