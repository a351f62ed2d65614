"""From the outbox to messages: the worker's routing step.

Each unprocessed outbox row becomes one message per person the rules name (``rules.recipients``), and each
message one push delivery per device of that person when they want this topic by push. All of it happens in
the caller's transaction, with the outbox rows marked processed in it: a worker that stops halfway rolls back
and the rows come back as they were, nothing lost and nothing made twice.

On PostgreSQL the rows are claimed with ``FOR UPDATE SKIP LOCKED``: any number of workers route side by side,
each taking rows no other worker holds. SQLite has one writer at a time and ignores the clause; run one
worker there. The unique (outbox row, person) of a message is the last guard against a message made twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import OutboxMessage, Role, RoleAssignment, utcnow
from server.domain.notifications.model import (
    DeliveryStatus,
    Notification,
    NotificationPreference,
    PushDelivery,
    PushSubscription,
)
from server.domain.notifications.rules import Recipient, recipients
from server.domain.notifications.topics import Topic, default_push, topic_of

BATCH = 100
_TOPICS = frozenset(topic.value for topic in Topic)


async def claim_outbox(db: AsyncSession, limit: int) -> list[OutboxMessage]:
    """The oldest unprocessed outbox rows that no other worker holds, locked until the transaction ends."""
    result = await db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.processed_at.is_(None))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(result)


async def push_choices(
    db: AsyncSession, person_ids: Iterable[uuid.UUID], moment: dt.datetime
) -> dict[uuid.UUID, dict[Topic, bool]]:
    """Per person, per topic: also by push? Their own choice where they made one, else their roles' default.
    Two statements, however many people."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    roles: dict[uuid.UUID, set[Role]] = defaultdict(set)
    for person_id, role in await db.execute(
        select(RoleAssignment.person_id, RoleAssignment.role).where(
            RoleAssignment.person_id.in_(ids), RoleAssignment.active_clause(moment)
        )
    ):
        roles[person_id].add(Role(role))
    chosen: dict[uuid.UUID, dict[Topic, bool]] = defaultdict(dict)
    for person_id, topic, push in await db.execute(
        select(NotificationPreference.person_id, NotificationPreference.topic, NotificationPreference.push).where(
            NotificationPreference.person_id.in_(ids)
        )
    ):
        if topic in _TOPICS:
            chosen[person_id][Topic(topic)] = bool(push)
    return {
        person_id: {topic: chosen[person_id].get(topic, default_push(roles[person_id], topic)) for topic in Topic}
        for person_id in ids
    }


async def route_pending(db: AsyncSession, *, limit: int = BATCH, moment: dt.datetime | None = None) -> int:
    """Turn up to ``limit`` outbox rows into messages and push deliveries, in the caller's transaction (which
    the caller commits). Returns how many outbox rows were handled (0: nothing waits)."""
    now = moment or utcnow()
    rows = await claim_outbox(db, limit)
    if not rows:
        return 0
    told: list[tuple[OutboxMessage, Topic, list[Recipient]]] = []
    for row in rows:
        topic = topic_of(row.kind)
        people = await recipients(db, row, moment=now)
        if topic is not None and people:
            told.append((row, topic, people))
    everyone = {recipient.person_id for _row, _topic, people in told for recipient in people}
    choices = await push_choices(db, everyone, now)
    pushed = {person_id for person_id, topics in choices.items() if any(topics.values())}
    devices: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if pushed:
        for subscription_id, person_id in await db.execute(
            select(PushSubscription.id, PushSubscription.person_id)
            .where(PushSubscription.person_id.in_(sorted(pushed)))
            .order_by(PushSubscription.created_at, PushSubscription.id)
        ):
            devices[person_id].append(subscription_id)
    for row, topic, people in told:
        for recipient in people:
            notification = Notification(
                id=uuid.uuid4(),
                person_id=recipient.person_id,
                outbox_id=row.id,
                kind=row.kind,
                household_id=row.household_id,
                subject_id=row.subject_id,
                url=recipient.url,
                created_at=now,
            )
            db.add(notification)
            if choices[recipient.person_id][topic]:
                db.add_all(
                    PushDelivery(
                        notification_id=notification.id,
                        subscription_id=subscription_id,
                        status=DeliveryStatus.PENDING,
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                    )
                    for subscription_id in devices[recipient.person_id]
                )
    for row in rows:
        row.processed_at = now
    await db.flush()
    return len(rows)


async def route_all(db: AsyncSession, *, moment: dt.datetime | None = None) -> int:
    """Route every outbox row that waits, in the caller's transaction (for the demo data and tests; the worker
    routes a batch per transaction). Returns how many rows were handled."""
    handled = 0
    while routed := await route_pending(db, moment=moment):
        handled += routed
    return handled
