"""aanmelding and triage: the household's question, the triage outcome, its reason and the organisation

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trajectory") as batch:
        batch.add_column(sa.Column("question", sa.String(length=500), nullable=False, server_default=""))
        batch.add_column(sa.Column("triage_outcome", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("triage_reason", sa.String(length=500), nullable=False, server_default=""))
        batch.add_column(sa.Column("handed_over_to", sa.String(length=120), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("trajectory") as batch:
        batch.drop_column("handed_over_to")
        batch.drop_column("triage_reason")
        batch.drop_column("triage_outcome")
        batch.drop_column("question")
