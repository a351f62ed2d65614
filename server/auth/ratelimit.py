"""Rate limits on sign-in and enrolment, counted in the database so that all app instances share them.

A hit is written in a transaction of its own: a refused or failed attempt must still count, while the
request's own transaction is rolled back on failure.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from server.domain.errors import TooManyAttempts
from server.domain.models import RateLimitBucket, utcnow

WINDOW = dt.timedelta(minutes=1)


async def hit(engine: AsyncEngine, key: str, limit: int) -> int:
    """Count one attempt for ``key`` in the current minute; refuse when over ``limit``."""
    now = utcnow()
    window_start = now.replace(second=0, microsecond=0)
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(RateLimitBucket)
        .values(key=key[:200], window_start=window_start, hits=1)
        .on_conflict_do_update(
            index_elements=["key", "window_start"],
            set_={"hits": RateLimitBucket.hits + 1},
        )
        .returning(RateLimitBucket.hits)
    )
    async with engine.begin() as conn:
        hits = int((await conn.execute(statement)).scalar_one())
        if hits == 1:
            # Old windows are of no use; whoever opens a new window clears them.
            await conn.execute(delete(RateLimitBucket).where(RateLimitBucket.window_start < now - 10 * WINDOW))
    if hits > limit:
        raise TooManyAttempts
    return hits
