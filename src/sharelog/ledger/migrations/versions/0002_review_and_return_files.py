"""Review items (the review band, decided by a named person) and return files (with retention deletion).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 20:41:30.175073
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "return_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retention_until", sa.Date(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('main', 'supplementary')", name=op.f("ck_return_files_kind")),
        sa.ForeignKeyConstraint(
            ["exchange_id"], ["exchanges.id"], name=op.f("fk_return_files_exchange_id_exchanges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_files")),
        sa.UniqueConstraint("path", name=op.f("uq_return_files_path")),
    )
    with op.batch_alter_table("return_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_files_exchange_id"), ["exchange_id"], unique=False)

    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("request_ref", sa.String(length=100), nullable=False),
        sa.Column("subject_key", sa.String(length=64), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('accepted', 'rejected')", name=op.f("ck_review_items_decision")
        ),
        sa.ForeignKeyConstraint(
            ["exchange_id"], ["exchanges.id"], name=op.f("fk_review_items_exchange_id_exchanges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
        sa.UniqueConstraint(
            "exchange_id", "request_ref", name=op.f("uq_review_items_exchange_id_request_ref")
        ),
    )
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rejection", sa.Text(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.drop_column("rejection")

    op.drop_table("review_items")
    with op.batch_alter_table("return_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_files_exchange_id"))

    op.drop_table("return_files")
