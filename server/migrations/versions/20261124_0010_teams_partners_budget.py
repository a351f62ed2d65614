"""partner assignments and ratings shares, escalations, covers, the gezinsbudget, ended teams and
organisations, deactivated people, and the gemeente's settings

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cover",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("team_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("absent_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("covering_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("ended_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["absent_id"], ["person.id"], name=op.f("fk_cover_absent_id_person")),
        sa.ForeignKeyConstraint(["covering_id"], ["person.id"], name=op.f("fk_cover_covering_id_person")),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"], name=op.f("fk_cover_created_by_id_person")),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_cover_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cover")),
    )
    with op.batch_alter_table("cover", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cover_absent_id"), ["absent_id"], unique=False)
        batch_op.create_index("ix_cover_covering_period", ["covering_id", "starts_on", "ends_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_cover_team_id"), ["team_id"], unique=False)

    op.create_table(
        "budget_entry",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("household_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("trajectory_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("team_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("decided_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("decided_by_name", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("approved_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("approved_by_name", sa.String(length=120), nullable=False),
        sa.Column("approved_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("refusal", sa.String(length=500), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["approved_by_id"], ["person.id"], name=op.f("fk_budget_entry_approved_by_id_person")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["person.id"], name=op.f("fk_budget_entry_decided_by_id_person")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_budget_entry_household_id_household")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_budget_entry_team_id_team")),
        sa.ForeignKeyConstraint(
            ["trajectory_id"], ["trajectory.id"], name=op.f("fk_budget_entry_trajectory_id_trajectory")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_entry")),
    )
    with op.batch_alter_table("budget_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_entry_household_id"), ["household_id"], unique=False)
        batch_op.create_index("ix_budget_entry_team_status", ["team_id", "status"], unique=False)
        batch_op.create_index("ix_budget_entry_trajectory", ["trajectory_id", "booked_on"], unique=False)

    op.create_table(
        "escalation",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("household_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("trajectory_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("team_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("goal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("raised_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("raised_by_name", sa.String(length=120), nullable=False),
        sa.Column("blocked", sa.String(length=500), nullable=False),
        sa.Column("blocked_by", sa.String(length=200), nullable=False),
        sa.Column("needed", sa.String(length=500), nullable=False),
        sa.Column("needed_by", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("decided_by_name", sa.String(length=120), nullable=False),
        sa.Column("decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=1000), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decided_by_id"], ["person.id"], name=op.f("fk_escalation_decided_by_id_person")),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_escalation_goal_id_goal"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], name=op.f("fk_escalation_household_id_household")),
        sa.ForeignKeyConstraint(["raised_by_id"], ["person.id"], name=op.f("fk_escalation_raised_by_id_person")),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_escalation_team_id_team")),
        sa.ForeignKeyConstraint(
            ["trajectory_id"], ["trajectory.id"], name=op.f("fk_escalation_trajectory_id_trajectory")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation")),
    )
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.create_index("ix_escalation_household_status", ["household_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalation_team_id"), ["team_id"], unique=False)

    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evaluation_interval_weeks", sa.Integer(), nullable=False, server_default="13"))
        batch_op.add_column(sa.Column("budget_mandate_cents", sa.Integer(), nullable=False, server_default="50000"))
        batch_op.add_column(sa.Column("professional_idle_minutes", sa.Integer(), nullable=False, server_default="30"))
        batch_op.add_column(sa.Column("household_idle_days", sa.Integer(), nullable=False, server_default="7"))

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ended_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deactivated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
        )

    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("assigned_organisation_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_plan_action_assigned_organisation_id"), ["assigned_organisation_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_action_assigned_organisation_id_organisation"),
            "organisation",
            ["assigned_organisation_id"],
            ["id"],
        )

    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=20), nullable=False, server_default="goal"))
        batch_op.alter_column("goal_id", nullable=True)

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ended_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
        )

    # Since when a role is held; roles from before this revision take the day their person was made.
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("granted_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
        )
    op.execute(
        "UPDATE role_assignment SET granted_at = "
        "(SELECT person.created_at FROM person WHERE person.id = role_assignment.person_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.drop_column("granted_at")

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("ended_at")

    # A ratings share has no goal; it cannot exist in the older schema.
    op.execute("DELETE FROM share WHERE goal_id IS NULL")
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.alter_column("goal_id", nullable=False)
        batch_op.drop_column("subject")

    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_plan_action_assigned_organisation_id_organisation"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_plan_action_assigned_organisation_id"))
        batch_op.drop_column("assigned_organisation_id")

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("deactivated_at")

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("ended_at")

    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("household_idle_days")
        batch_op.drop_column("professional_idle_minutes")
        batch_op.drop_column("budget_mandate_cents")
        batch_op.drop_column("evaluation_interval_weeks")

    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_team_id"))
        batch_op.drop_index("ix_escalation_household_status")

    op.drop_table("escalation")
    with op.batch_alter_table("budget_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_entry_trajectory")
        batch_op.drop_index("ix_budget_entry_team_status")
        batch_op.drop_index(batch_op.f("ix_budget_entry_household_id"))

    op.drop_table("budget_entry")
    with op.batch_alter_table("cover", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cover_team_id"))
        batch_op.drop_index("ix_cover_covering_period")
        batch_op.drop_index(batch_op.f("ix_cover_absent_id"))

    op.drop_table("cover")
