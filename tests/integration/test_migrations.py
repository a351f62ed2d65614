"""The migrations build exactly the schema the model describes, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncConnection

from server.config import Settings
from server.db import make_engine
from server.domain.tables import metadata


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
