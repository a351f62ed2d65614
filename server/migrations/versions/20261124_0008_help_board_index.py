"""the volunteers' board: open help requests of a gemeente, newest first, straight from one index

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("help_request") as batch:
        batch.drop_index("ix_help_request_municipality_status")
        batch.create_index("ix_help_request_board", ["municipality_id", "status", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("help_request") as batch:
        batch.drop_index("ix_help_request_board")
        batch.create_index("ix_help_request_municipality_status", ["municipality_id", "status"], unique=False)
