"""recovery links: who enrolled, recovery and approval on links, events about a person's access

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("enrolled_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
    # Everyone who has a passkey today has enrolled.
    op.execute(
        "UPDATE person SET enrolled_at = (SELECT MIN(passkey.created_at) FROM passkey WHERE passkey.person_id = person.id)"
    )
    with op.batch_alter_table("enrolment_token") as batch:
        batch.add_column(sa.Column("is_recovery", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("needs_approval", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("approved_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True))
        batch.add_column(sa.Column("approved_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch.create_foreign_key("fk_enrolment_token_approved_by_id_person", "person", ["approved_by_id"], ["id"])
    op.create_table(
        "account_event",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("person_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_account_event_person_id_person"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_event")),
    )
    op.create_index("ix_account_event_person_time", "account_event", ["person_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_account_event_person_time", table_name="account_event")
    op.drop_table("account_event")
    with op.batch_alter_table("enrolment_token") as batch:
        batch.drop_constraint("fk_enrolment_token_approved_by_id_person", type_="foreignkey")
        batch.drop_column("approved_at")
        batch.drop_column("approved_by_id")
        batch.drop_column("needs_approval")
        batch.drop_column("is_recovery")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("enrolled_at")
