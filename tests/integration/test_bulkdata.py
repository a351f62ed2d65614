"""The bulk data set of `make bench` keeps up with the model: it loads on both databases next to the demo,
and its access-log chains verify."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.demo import load_demo
from server.domain import access_log
from server.domain.models import AccessLogEntry, Household
from tools import bulkdata


async def test_the_bulk_set_loads_beside_the_demo_with_intact_chains(db: AsyncSession, settings: Settings) -> None:
    await load_demo(settings)
    before = await db.scalar(select(func.count()).select_from(Household))

    summary = await bulkdata.generate(settings.database_url, 30, progress=False)

    assert summary.households == 30
    assert await db.scalar(select(func.count()).select_from(Household)) == (before or 0) + 30
    logged = list(await db.scalars(select(AccessLogEntry.household_id).distinct().limit(10)))
    assert logged, "the bulk set wrote no access log"
    for household_id in logged:
        assert await access_log.chain_is_intact(db, household_id)
