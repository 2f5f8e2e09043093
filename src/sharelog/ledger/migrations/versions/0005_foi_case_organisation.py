"""FOI cases belong to the organisation that received the request (officers and auditors see only their own), and
each organisation numbers its own cases: a reference is unique within an organisation.

Existing cases are assigned when the migration runs: see ``_assignments``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sharelog.errors import LedgerError

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain SQL on the tables as they stand at this revision (no ORM models: they follow the newest schema).
_CASES_SQL = "SELECT id, opened_by, authority FROM foi_cases ORDER BY id"
_USERS_SQL = "SELECT username, organisation_id FROM users"
_ORGANISATIONS_SQL = "SELECT id, name FROM organisations ORDER BY id"
_FOI_OFFICER_ORGANISATIONS_SQL = "SELECT DISTINCT organisation_id FROM users WHERE role = 'foi_officer'"
_LATEST_REQUESTER_SQL = "SELECT requester_id FROM agreements ORDER BY valid_from DESC, id DESC LIMIT 1"
_ASSIGN_SQL = "UPDATE foi_cases SET organisation_id = :organisation WHERE id = :case_id"
_SHARED_REFERENCES_SQL = """
SELECT count(*) FROM (SELECT reference FROM foi_cases GROUP BY reference HAVING count(*) > 1) AS shared
"""


def _fold(text: str | None) -> str:
    return (text or "").strip().casefold()


def _assignments() -> dict[int, str]:
    """Each existing case's organisation — the one that received it — by the first rule that gives one:

    1. the organisation of the web user who opened it (``opened_by`` is a username);
    2. the one organisation whose name (or id) is the case's ``authority``, ignoring case and outer spaces;
    3. the only organisation with FOI-officer accounts, if there is exactly one;
    4. the requester of the latest agreement in the ledger (latest ``valid_from``, then latest recorded) — the
       organisation that uses the data, to which requests about the exchange go (the 2020 request went to the
       Home Office);
    5. the ledger's only organisation, if it has one and no agreement.

    Worked out before anything changes: a ledger holding cases and no organisation at all cannot be upgraded, and
    the error says so with the ledger as it was (SQLite does not roll back an added column).
    """
    connection = op.get_bind()
    cases = connection.execute(sa.text(_CASES_SQL)).all()
    if not cases:
        return {}
    openers = {username: org_id for username, org_id in connection.execute(sa.text(_USERS_SQL))}
    organisations = [(org_id, name) for org_id, name in connection.execute(sa.text(_ORGANISATIONS_SQL))]
    officers = connection.execute(sa.text(_FOI_OFFICER_ORGANISATIONS_SQL)).scalars().all()
    requester = connection.execute(sa.text(_LATEST_REQUESTER_SQL)).scalar()
    fallback = (
        officers[0]
        if len(officers) == 1
        else requester or (organisations[0][0] if len(organisations) == 1 else None)
    )
    assigned: dict[int, str] = {}
    for case_id, opened_by, authority in cases:
        named = [org_id for org_id, name in organisations if _fold(authority) in (_fold(name), _fold(org_id))]
        found = openers.get(opened_by) or (named[0] if len(named) == 1 else None) or fallback
        if found is None:
            raise LedgerError(
                f"revision 0005: {len(cases)} FOI case(s) cannot be given the organisation that received them: "
                "the ledger holds no organisation (no exchange has been run under an agreement). Run one with the "
                "sharelog release that opened the cases, so that the agreement's parties are recorded, then "
                "upgrade again"
            )
        assigned[case_id] = found
    return assigned


def upgrade() -> None:
    assignments = _assignments()
    with op.batch_alter_table("foi_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.String(length=64), nullable=True))
    if assignments:
        op.get_bind().execute(
            sa.text(_ASSIGN_SQL),
            [{"organisation": org_id, "case_id": case_id} for case_id, org_id in assignments.items()],
        )
    with op.batch_alter_table("foi_cases", schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f("ix_foi_cases_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_foi_cases_organisation_id_organisations"),
            "organisations",
            ["organisation_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("uq_foi_cases_reference"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_foi_cases_organisation_id_reference"), ["organisation_id", "reference"]
        )


def downgrade() -> None:
    shared = op.get_bind().execute(sa.text(_SHARED_REFERENCES_SQL)).scalar_one()
    if shared:
        raise LedgerError(
            f"revision 0004 needs FOI case references unique across organisations; {shared} reference(s) are used "
            "by more than one organisation"
        )
    with op.batch_alter_table("foi_cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_foi_cases_organisation_id_reference"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_foi_cases_reference"), ["reference"])
        batch_op.drop_constraint(batch_op.f("fk_foi_cases_organisation_id_organisations"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_foi_cases_organisation_id"))
        batch_op.drop_column("organisation_id")
