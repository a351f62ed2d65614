"""Timeline events: every change in a household's dossier, readable by the household."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import TimelineEvent


async def events_for(session: AsyncSession, household_id: uuid.UUID, limit: int = 100) -> list[TimelineEvent]:
    result = await session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.household_id == household_id)
        .order_by(TimelineEvent.created_at.desc())
        .limit(limit)
    )
    return list(result)
