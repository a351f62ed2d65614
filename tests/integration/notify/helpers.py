"""Arranging what the notification tests need: devices at the loopback push service, messages waiting."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.domain.models import Person
from server.domain.notifications.model import DeliveryStatus, Notification, PushDelivery, PushSubscription
from server.notify import vapid
from tests.push_receiver import PushReceiver, Subscription


async def device(db: AsyncSession, settings: Settings, receiver: PushReceiver, person: Person) -> Subscription:
    """A device of ``person`` with push on, subscribed (as a browser does) with the server's public key."""
    keys = await vapid.keys(db, settings)
    subscription = receiver.subscribe(application_server_key=keys.public_key)
    db.add(
        PushSubscription(
            person_id=person.id,
            endpoint=subscription.endpoint,
            p256dh=subscription.p256dh,
            auth=subscription.auth,
            device="Testtelefoon",
        )
    )
    await db.commit()
    return subscription


async def row_of(db: AsyncSession, subscription: Subscription) -> PushSubscription | None:
    statement = select(PushSubscription).where(PushSubscription.endpoint == subscription.endpoint)
    return await db.scalar(statement.execution_options(populate_existing=True))


async def waiting_message(
    db: AsyncSession, person: Person, subscription: Subscription, url: str = "/mijn"
) -> tuple[Notification, PushDelivery]:
    """A message for ``person`` with its delivery to the device, due now."""
    row = await row_of(db, subscription)
    assert row is not None
    notification = Notification(id=uuid.uuid4(), person_id=person.id, kind="help.offered", url=url)
    db.add(notification)
    await db.flush()
    delivery = PushDelivery(notification_id=notification.id, subscription_id=row.id, status=DeliveryStatus.PENDING)
    db.add(delivery)
    await db.commit()
    return notification, delivery


async def delivery_state(db: AsyncSession, delivery_id: uuid.UUID) -> PushDelivery | None:
    """The delivery as it is stored now (after another session changed it), or None when it is gone."""
    statement = select(PushDelivery).where(PushDelivery.id == delivery_id).execution_options(populate_existing=True)
    return await db.scalar(statement)
