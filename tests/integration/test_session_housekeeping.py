"""Sessions keep themselves tidy: the last-seen time is written apart from the request, and ended sessions
are removed without anyone asking."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.app import create_app
from server.auth import sessions
from server.config import Settings
from server.domain.models import WebSession, utcnow
from tests.conftest import TEST_ORIGIN
from tests.factories import make_world, signed_in_as


async def _session_rows(db: AsyncSession) -> list[WebSession]:
    db.expire_all()
    return list(await db.scalars(select(WebSession).where(WebSession.person_id.is_not(None))))


async def test_a_page_writes_the_last_seen_time_once_a_minute_and_before_it_answers(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.regisseur)
    (row,) = await _session_rows(db)
    long_ago = utcnow() - dt.timedelta(minutes=5)
    await db.execute(update(WebSession).where(WebSession.id == row.id).values(last_seen_at=long_ago))
    await db.commit()

    assert (await client.get("/mijn")).status_code == 200
    (row,) = await _session_rows(db)
    assert row.last_seen_at > long_ago + dt.timedelta(minutes=4), "the visit was not written"
    seen = row.last_seen_at

    # Within the minute a second page does not write again.
    assert (await client.get("/mijn")).status_code == 200
    (row,) = await _session_rows(db)
    assert row.last_seen_at == seen


async def test_ended_sessions_are_removed_and_live_ones_kept(db: AsyncSession, settings: Settings) -> None:
    world = await make_world(db)
    now = utcnow()
    live_token, live = await sessions.create(db, settings, world.regisseur)
    _token, expired = await sessions.create(db, settings, world.regisseur)
    _token, idle = await sessions.create(db, settings, None)
    expired.expires_at = now - dt.timedelta(minutes=1)
    idle.last_seen_at = now - dt.timedelta(minutes=settings.session_idle_minutes + 1)
    await db.commit()

    removed = await sessions.purge_expired(db, settings)
    await db.commit()

    assert removed == 2
    remaining = list(await db.scalars(select(WebSession.id)))
    assert remaining == [live.id]
    assert await sessions.load_with_person(db, live_token, settings) is not None


async def test_a_starting_app_removes_ended_sessions_by_itself(db: AsyncSession, settings: Settings) -> None:
    world = await make_world(db)
    _token, expired = await sessions.create(db, settings, world.regisseur)
    expired.expires_at = utcnow() - dt.timedelta(hours=1)
    await db.commit()

    async with AsyncTestClient(app=create_app(settings), base_url=TEST_ORIGIN) as client:
        assert (await client.get("/health/live")).status_code == 200
        for _ in range(100):
            db.expire_all()
            if await db.scalar(select(func.count()).select_from(WebSession)) == 0:
                break
            await asyncio.sleep(0.05)
    db.expire_all()
    assert await db.scalar(select(func.count()).select_from(WebSession)) == 0


async def test_parallel_pages_of_one_session_need_no_more_connections_than_there_are(
    db: AsyncSession, settings: Settings
) -> None:
    """Many pages of one session at once, when its last-seen time is due, with a single connection in the
    pool: writing the time must not need a second connection while the request holds the first."""
    world = await make_world(db)
    narrow = dataclasses.replace(settings, db_pool_size=1, db_max_overflow=0)
    async with AsyncTestClient(app=create_app(narrow), base_url=TEST_ORIGIN) as client:
        await signed_in_as(client, db, world.regisseur)
        await db.execute(update(WebSession).values(last_seen_at=utcnow() - dt.timedelta(minutes=5)))
        await db.commit()
        # A request waiting for a connection that never comes would wait for ever: stop waiting after a minute.
        answers = await asyncio.wait_for(asyncio.gather(*[client.get("/mijn") for _ in range(8)]), timeout=60)
    assert [a.status_code for a in answers] == [200] * 8
