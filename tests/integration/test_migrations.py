"""The migrations build exactly the schema the model describes, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from server.config import Settings
from server.db import make_engine
from server.domain.models import Household
from server.domain.plan.model import Goal, Share
from server.domain.tables import metadata
from server.domain.workspace.model import Involvement
from server.migrate import alembic_config
from tests.factories import make_world


async def test_migrated_database_matches_the_model(settings: Settings) -> None:
    engine = make_engine(settings)

    def differences(connection: AsyncConnection) -> list[object]:
        # Types are not compared: SQLite reports Advanced Alchemy's GUID as NUMERIC, which is not a difference.
        context = MigrationContext.configure(connection, opts={"compare_type": False})  # type: ignore[arg-type]
        return list(compare_metadata(context, metadata))

    async with engine.connect() as connection:
        found = await connection.run_sync(differences)  # type: ignore[arg-type]
    await engine.dispose()
    assert found == []


async def test_organisations_shared_with_before_the_register_existed_are_in_it_after_the_migration(
    settings: Settings, db: AsyncSession
) -> None:
    """Migration 0009: the register is where "Wie helpen mee" finds its organisations, so an organisation a
    household shared a goal with before the register existed gets its row, once, from the first share."""
    # The rows are written with today's model and the schema is then taken back to before the register (the
    # shares survive the way down), so that the register's migration finds them as it would have.
    world = await make_world(db)
    household = Household(municipality_id=world.municipality.id, team_id=world.team.id, name="Vos")
    db.add(household)
    await db.flush()
    goal = Goal(
        household_id=household.id, domain_key="financien", text="Rust", horizon="eerst", written_by_role="household"
    )
    db.add(goal)
    await db.flush()
    first = dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC)
    for when, revoked in ((first, None), (first + dt.timedelta(days=9), None), (first, first)):
        db.add(
            Share(
                household_id=household.id,
                goal_id=goal.id,
                organisation_id=world.partner.id,
                purpose="schulden",
                created_at=when,
                revoked_at=revoked,
            )
        )
    await db.commit()
    config = alembic_config(settings.database_url)
    await asyncio.to_thread(command.downgrade, config, "0008")
    await asyncio.to_thread(command.upgrade, config, "head")
    rows = list(await db.scalars(select(Involvement).where(Involvement.household_id == household.id)))
    assert [(r.organisation_name, r.organisation_id, r.from_on, r.to_on) for r in rows] == [
        (world.partner.name, world.partner.id, first.date(), None)
    ]
