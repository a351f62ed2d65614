"""the outbox: domain events waiting for the notification worker

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("household_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("actor_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("processed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["person.id"], name=op.f("fk_outbox_actor_id_person")),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], name=op.f("fk_outbox_household_id_household")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_unprocessed", "outbox", ["processed_at", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_unprocessed", table_name="outbox")
    op.drop_table("outbox")
