"""intake, agreement, handovers, check-ins and the involvement register

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

import datetime as dt
import uuid
from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "history_item",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("household_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("helper", sa.String(length=120), nullable=False),
        sa.Column("period", sa.String(length=60), nullable=False),
        sa.Column("helped", sa.String(length=500), nullable=False),
        sa.Column("not_helped", sa.String(length=500), nullable=False),
        sa.Column("written_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("written_by_role", sa.String(length=30), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_history_item_household_id_household")
        ),
        sa.ForeignKeyConstraint(["written_by_id"], ["person.id"], name=op.f("fk_history_item_written_by_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_item")),
    )
    with op.batch_alter_table("history_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_history_item_household_id"), ["household_id"], unique=False)

    op.create_table(
        "involvement",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("household_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("organisation_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("organisation_name", sa.String(length=120), nullable=False),
        sa.Column("professional_name", sa.String(length=120), nullable=False),
        sa.Column("contact", sa.String(length=120), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("to_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"], name=op.f("fk_involvement_created_by_id_person")),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], name=op.f("fk_involvement_household_id_household")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_involvement_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_involvement")),
    )
    with op.batch_alter_table("involvement", schema=None) as batch_op:
        batch_op.create_index("ix_involvement_household", ["household_id", "to_on"], unique=False)

    op.create_table(
        "checkin",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("household_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("trajectory_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("went_well", sa.Boolean(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], name=op.f("fk_checkin_household_id_household")),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], name=op.f("fk_checkin_trajectory_id_trajectory")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin")),
    )
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_trajectory_due", ["trajectory_id", "due_on"], unique=False)

    op.create_table(
        "conversation_report",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("household_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("trajectory_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"], name=op.f("fk_conversation_report_created_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_conversation_report_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"], ["trajectory.id"], name=op.f("fk_conversation_report_trajectory_id_trajectory")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_report")),
    )
    with op.batch_alter_table("conversation_report", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_report_household", ["household_id", "created_at"], unique=False)

    op.create_table(
        "handover",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("household_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("trajectory_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("from_person_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("to_person_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("to_organisation_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("answer", sa.String(length=300), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["from_person_id"], ["person.id"], name=op.f("fk_handover_from_person_id_person")),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], name=op.f("fk_handover_household_id_household")),
        sa.ForeignKeyConstraint(
            ["to_organisation_id"], ["organisation.id"], name=op.f("fk_handover_to_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["to_person_id"], ["person.id"], name=op.f("fk_handover_to_person_id_person")),
        sa.ForeignKeyConstraint(
            ["trajectory_id"], ["trajectory.id"], name=op.f("fk_handover_trajectory_id_trajectory")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover")),
    )
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.create_index("ix_handover_household", ["household_id", "status"], unique=False)
        batch_op.create_index("ix_handover_receiver", ["to_person_id", "status"], unique=False)

    op.create_table(
        "intake",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("trajectory_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("household_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("present", sa.String(length=300), nullable=False),
        sa.Column("wants_first", sa.String(length=500), nullable=False),
        sa.Column("agreements", sa.String(length=1000), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("completed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], name=op.f("fk_intake_household_id_household")),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], name=op.f("fk_intake_trajectory_id_trajectory")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake")),
        sa.UniqueConstraint("trajectory_id", name=op.f("uq_intake_trajectory_id")),
    )
    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_household_id"), ["household_id"], unique=False)

    op.create_table(
        "plan_agreement",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("household_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("trajectory_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("way", sa.String(length=20), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("person_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("person_name", sa.String(length=120), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_plan_agreement_household_id_household")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_plan_agreement_person_id_person")),
        sa.ForeignKeyConstraint(
            ["trajectory_id"], ["trajectory.id"], name=op.f("fk_plan_agreement_trajectory_id_trajectory")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_agreement")),
    )
    with op.batch_alter_table("plan_agreement", schema=None) as batch_op:
        batch_op.create_index("ix_plan_agreement_household", ["household_id", "created_at"], unique=False)

    op.create_table(
        "report_correction",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("report_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("household_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("person_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_report_correction_household_id_household")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_report_correction_person_id_person")),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["conversation_report.id"],
            name=op.f("fk_report_correction_report_id_conversation_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_correction")),
    )
    with op.batch_alter_table("report_correction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_correction_report_id"), ["report_id"], unique=False)

    with op.batch_alter_table("trajectory", schema=None) as batch_op:
        batch_op.add_column(sa.Column("regisseur_since", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("next_evaluation_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_trajectory_next_evaluation_on"), ["next_evaluation_on"], unique=False)
    _register_shared_organisations()
    # The regisseur of an existing trajectory has been its regisseur since the aanmelding.
    op.execute("UPDATE trajectory SET regisseur_since = started_on WHERE regisseur_id IS NOT NULL")


def _register_shared_organisations() -> None:
    """Organisations a household shared a goal with before the register existed are involved: one row per
    household and organisation, from the day of the first share (the register is where they are shown now)."""
    guid = advanced_alchemy.types.GUID(length=16)
    share = sa.table(
        "share",
        sa.column("household_id", guid),
        sa.column("organisation_id", guid),
        sa.column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True)),
        sa.column("revoked_at", advanced_alchemy.types.DateTimeUTC(timezone=True)),
    )
    organisation = sa.table("organisation", sa.column("id", guid), sa.column("name", sa.String))
    involvement = sa.table(
        "involvement",
        sa.column("id", guid),
        sa.column("household_id", guid),
        sa.column("organisation_id", guid),
        sa.column("organisation_name", sa.String),
        sa.column("professional_name", sa.String),
        sa.column("contact", sa.String),
        sa.column("from_on", sa.Date),
        sa.column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True)),
        sa.column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True)),
    )
    rows = op.get_bind().execute(
        sa.select(share.c.household_id, share.c.organisation_id, organisation.c.name, sa.func.min(share.c.created_at))
        .join(organisation, organisation.c.id == share.c.organisation_id)
        .where(share.c.revoked_at.is_(None))
        .group_by(share.c.household_id, share.c.organisation_id, organisation.c.name)
    )
    now = dt.datetime.now(dt.UTC)
    values = [
        {
            "id": uuid.uuid4(),
            "household_id": household_id,
            "organisation_id": organisation_id,
            "organisation_name": name,
            "professional_name": "",
            "contact": "",
            "from_on": first.date(),
            "created_at": now,
            "updated_at": now,
        }
        for household_id, organisation_id, name, first in rows
    ]
    if values:
        op.bulk_insert(involvement, values)


def downgrade() -> None:
    with op.batch_alter_table("trajectory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trajectory_next_evaluation_on"))
        batch_op.drop_column("next_evaluation_on")
        batch_op.drop_column("regisseur_since")

    with op.batch_alter_table("report_correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_correction_report_id"))

    op.drop_table("report_correction")
    with op.batch_alter_table("plan_agreement", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_agreement_household")

    op.drop_table("plan_agreement")
    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_household_id"))

    op.drop_table("intake")
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.drop_index("ix_handover_receiver")
        batch_op.drop_index("ix_handover_household")

    op.drop_table("handover")
    with op.batch_alter_table("conversation_report", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_report_household")

    op.drop_table("conversation_report")
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_trajectory_due")

    op.drop_table("checkin")
    with op.batch_alter_table("involvement", schema=None) as batch_op:
        batch_op.drop_index("ix_involvement_household")

    op.drop_table("involvement")
    with op.batch_alter_table("history_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_history_item_household_id"))

    op.drop_table("history_item")
