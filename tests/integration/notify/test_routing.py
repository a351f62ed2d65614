"""The routing step: outbox rows become messages, and deliveries to the devices of whoever wants the topic by
push; all or nothing per transaction."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.domain.events import EventKind
from server.domain.models import OutboxMessage, Person, Role
from server.domain.notifications import routing
from server.domain.notifications.model import DeliveryStatus, Notification, NotificationPreference, PushDelivery
from server.domain.notifications.topics import Topic
from server.domain.people import create_person
from server.domain.plan.model import Share, ShareSubject
from tests.factories import make_household, make_world
from tests.integration.notify.helpers import Scene, device, help_offer
from tests.push_receiver import PushReceiver


async def route(db: AsyncSession, **options: Any) -> int:
    async with AsyncSession(db.bind) as worker, worker.begin():
        return await routing.route_pending(worker, **options)


async def outbox(
    db: AsyncSession, kind: EventKind, subject_id: uuid.UUID, actor: Person | None, **fields: Any
) -> uuid.UUID:
    row = OutboxMessage(kind=kind.value, subject_id=subject_id, actor_id=actor.id if actor else None, **fields)
    db.add(row)
    await db.commit()
    return row.id


async def messages(db: AsyncSession) -> list[tuple[str, str, str]]:
    """(name, kind, url) of every message, in a stable order."""
    result = await db.execute(
        select(Person.display_name, Notification.kind, Notification.url)
        .join(Person, Person.id == Notification.person_id)
        .order_by(Person.display_name, Notification.created_at)
    )
    return [tuple(row) for row in result.tuples()]  # type: ignore[misc]


async def deliveries(db: AsyncSession) -> list[tuple[str, str]]:
    """(name of the person, status) of every push delivery."""
    result = await db.execute(
        select(Person.display_name, PushDelivery.status)
        .join(Notification, Notification.id == PushDelivery.notification_id)
        .join(Person, Person.id == Notification.person_id)
        .order_by(Person.display_name)
    )
    return [(name, str(status)) for name, status in result.tuples()]


async def test_an_offer_becomes_a_message_for_each_member_and_a_push_for_each_device(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, scene: Scene
) -> None:
    offer = await help_offer(db, scene)
    await device(db, settings, receiver, scene.sanne)
    await device(db, settings, receiver, scene.sanne)  # her phone and her tablet
    row_id = await outbox(db, EventKind.HELP_OFFERED, offer.id, scene.sem, household_id=scene.household_id)

    assert await route(db) == 1

    page = f"/huishoudens/{scene.household_id}/hulpvragen"
    assert await messages(db) == [("Piet", "help.offered", page), ("Sanne", "help.offered", page)]
    assert await deliveries(db) == [("Sanne", DeliveryStatus.PENDING), ("Sanne", DeliveryStatus.PENDING)]
    stored = await db.scalar(select(Notification).where(Notification.person_id == scene.sanne.id))
    assert stored is not None
    assert (stored.outbox_id, stored.household_id, stored.subject_id) == (row_id, scene.household_id, offer.id)
    processed = await db.scalar(
        select(OutboxMessage.processed_at).where(OutboxMessage.id == row_id).execution_options(populate_existing=True)
    )
    assert processed is not None
    # Handled is handled.
    assert await route(db) == 0
    assert len(await messages(db)) == 2


async def test_push_follows_the_persons_choice_and_otherwise_the_default_of_their_role(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, scene: Scene
) -> None:
    offer = await help_offer(db, scene)
    for person in (scene.sanne, scene.piet, scene.ruud):
        await device(db, settings, receiver, person)
    # Piet wants offers of help in the app only; Ruud (a partner professional, whose role has shares in the app
    # only) wants shares by push too.
    db.add(NotificationPreference(person_id=scene.piet.id, topic=Topic.HELP.value, push=False))
    db.add(NotificationPreference(person_id=scene.ruud.id, topic=Topic.SHARE.value, push=True))
    share = Share(
        household_id=scene.household_id,
        subject=ShareSubject.RATINGS,
        organisation_id=scene.world.partner.id,
        purpose="Schulden",
    )
    db.add(share)
    await db.commit()
    await outbox(db, EventKind.HELP_OFFERED, offer.id, scene.sem, household_id=scene.household_id)
    await outbox(db, EventKind.SHARE_CREATED, share.id, scene.sanne, household_id=scene.household_id)

    assert await route(db) == 2

    assert [name for name, _kind, _url in await messages(db)] == ["Piet", "Ruud", "Sanne"]
    assert [name for name, _status in await deliveries(db)] == ["Ruud", "Sanne"]


async def test_a_default_that_is_in_the_app_only_makes_no_push(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, scene: Scene
) -> None:
    await device(db, settings, receiver, scene.ruud)
    share = Share(
        household_id=scene.household_id,
        subject=ShareSubject.RATINGS,
        organisation_id=scene.world.partner.id,
        purpose="Schulden",
    )
    db.add(share)
    await db.commit()
    await outbox(db, EventKind.SHARE_CREATED, share.id, scene.sanne, household_id=scene.household_id)

    assert await route(db) == 1

    assert [name for name, _kind, _url in await messages(db)] == ["Ruud"]
    assert await deliveries(db) == []


async def test_events_that_tell_nobody_are_marked_handled(db: AsyncSession) -> None:
    world = await make_world(db)
    household, _adults = await make_household(db, world.regisseur)
    # The registration wrote an outbox row of its own.
    await outbox(db, EventKind.ACTION_TICKED, household.id, world.regisseur, household_id=household.id)

    assert await route(db) == 2

    assert await messages(db) == []
    left = await db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.processed_at.is_(None)))
    assert left == 0


async def test_oldest_first_and_at_most_a_batch(db: AsyncSession, scene: Scene) -> None:
    offer = await help_offer(db, scene)
    await route(db)  # what the arranging wrote
    first = await outbox(db, EventKind.HELP_OFFERED, offer.id, scene.sem, household_id=scene.household_id)
    second = await outbox(db, EventKind.HELP_OFFERED, offer.id, scene.sem, household_id=scene.household_id)

    assert await route(db, limit=1) == 1
    made = set(await db.scalars(select(Notification.outbox_id)))
    assert made == {first}
    assert await route(db, limit=1) == 1
    assert set(await db.scalars(select(Notification.outbox_id))) == {first, second}


async def test_everything_waiting_can_be_routed_at_once(db: AsyncSession, scene: Scene) -> None:
    offer = await help_offer(db, scene)
    for _n in range(routing.BATCH + 5):
        await outbox(db, EventKind.HELP_OFFERED, offer.id, scene.sem, household_id=scene.household_id)

    async with AsyncSession(db.bind) as worker, worker.begin():
        assert await routing.route_all(worker) == routing.BATCH + 5

    assert len(await messages(db)) == 2 * (routing.BATCH + 5)


async def test_a_routing_step_that_fails_halfway_leaves_everything_as_it_was(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    offer = await help_offer(db, scene)
    await device(db, settings, receiver, scene.sanne)
    await route(db)
    for _n in range(3):
        await outbox(db, EventKind.HELP_OFFERED, offer.id, scene.sem, household_id=scene.household_id)
    real = routing.recipients
    calls = 0

    async def breaks_on_the_third_row(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("the worker stops here")
        return await real(*args, **kwargs)

    monkeypatch.setattr(routing, "recipients", breaks_on_the_third_row)
    with pytest.raises(RuntimeError):
        await route(db)

    assert await messages(db) == []
    assert await deliveries(db) == []
    left = await db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.processed_at.is_(None)))
    assert left == 3

    monkeypatch.setattr(routing, "recipients", real)
    assert await route(db) == 3
    assert len(await messages(db)) == 6
    assert len(await deliveries(db)) == 3


async def test_a_row_routed_twice_makes_no_second_message(db: AsyncSession, scene: Scene) -> None:
    """The last guard: whatever went wrong before, the same outbox row never tells the same person twice."""
    offer = await help_offer(db, scene)
    await route(db)
    row_id = await outbox(db, EventKind.HELP_OFFERED, offer.id, scene.sem, household_id=scene.household_id)
    await route(db)
    row = await db.get(OutboxMessage, row_id, populate_existing=True)
    assert row is not None
    row.processed_at = None
    await db.commit()

    with pytest.raises(IntegrityError):
        await route(db)

    assert len(await messages(db)) == 2


async def test_a_new_partner_professional_without_a_device_gets_the_message_in_the_app(
    db: AsyncSession, scene: Scene
) -> None:
    world = scene.world
    await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Anna",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=world.partner.id,
    )
    share = Share(
        household_id=scene.household_id,
        subject=ShareSubject.RATINGS,
        organisation_id=world.partner.id,
        purpose="Schulden",
    )
    db.add(share)
    await db.commit()
    await outbox(db, EventKind.SHARE_REVOKED, share.id, scene.sanne, household_id=scene.household_id)

    await route(db)

    assert [name for name, _kind, _url in await messages(db)] == ["Anna", "Ruud"]
    assert await deliveries(db) == []
