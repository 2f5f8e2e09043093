"""FOI cases belong to the organisation that received the request (officers and auditors see only their own).

Existing cases are assigned when the migration runs: see ``_backfill``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _backfill() -> None:
    """TODO(issue 12.1): assign each existing case to the organisation that received it."""


def upgrade() -> None:
    with op.batch_alter_table("foi_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.String(length=64), nullable=True))
    _backfill()
    with op.batch_alter_table("foi_cases", schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f("ix_foi_cases_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_foi_cases_organisation_id_organisations"), "organisations", ["organisation_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("foi_cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_foi_cases_organisation_id_organisations"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_foi_cases_organisation_id"))
        batch_op.drop_column("organisation_id")
