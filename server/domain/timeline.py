"""Timeline events: every change in a household's dossier, readable by the household."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Person, TimelineEvent


async def record_event(
    session: AsyncSession,
    *,
    household_id: uuid.UUID,
    actor: Person | None,
    kind: str,
    detail: dict[str, Any] | None = None,
) -> TimelineEvent:
    event = TimelineEvent(
        household_id=household_id,
        actor_id=actor.id if actor else None,
        kind=kind,
        detail={"actor_name": actor.display_name if actor else "", **(detail or {})},
    )
    session.add(event)
    await session.flush()
    return event


async def events_for(session: AsyncSession, household_id: uuid.UUID, limit: int = 100) -> list[TimelineEvent]:
    result = await session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.household_id == household_id)
        .order_by(TimelineEvent.created_at.desc())
        .limit(limit)
    )
    return list(result)
