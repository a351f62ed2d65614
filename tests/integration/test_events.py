"""Every change is an event: the household's timeline and, in the same transaction, the outbox."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.events import EventKind
from server.domain.models import OutboxMessage, TimelineEvent
from tests.integration.test_plan import member_with_plan


async def test_a_new_goal_is_in_the_timeline_and_in_the_outbox_and_a_refused_one_in_neither(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, anouk, _goal = await member_with_plan(client, db, submit)
    outbox = list(await db.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at)))
    timeline = list(await db.scalars(select(TimelineEvent).order_by(TimelineEvent.created_at)))
    assert [m.kind for m in outbox] == [e.kind for e in timeline]
    assert outbox[-1].kind == EventKind.GOAL_CREATED
    assert (outbox[-1].household_id, outbox[-1].actor_id, outbox[-1].processed_at) == (household.id, anouk.id, None)

    new = f"/huishoudens/{household.id}/plan/doelen/nieuw"
    refused = await submit(new, f"/huishoudens/{household.id}/plan/doelen", {"domain_key": "financien", "text": ""})
    assert refused.status_code == 400
    await db.rollback()
    assert len(list(await db.scalars(select(OutboxMessage)))) == len(outbox)
