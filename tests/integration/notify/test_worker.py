"""The worker: its steps together, several workers on one database, and stopping without losing anything."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.domain.events import EventKind
from server.domain.models import OutboxMessage, Trajectory, utcnow
from server.domain.notifications.model import DeliveryStatus, Notification, PushDelivery
from server.domain.teamwork.model import cover_day
from server.domain.workspace.model import Evaluation
from server.notify import worker as worker_module
from server.notify.worker import Worker
from tests.conftest import BACKEND
from tests.integration.notify.helpers import Scene, device, help_offer
from tests.push_receiver import PushReceiver


@asynccontextmanager
async def workers(settings: Settings, count: int = 1, **options: float) -> AsyncIterator[list[Worker]]:
    """Workers as separate processes have them: each its own engine and connections."""
    made = [Worker(settings, **options) for _ in range(count)]  # type: ignore[arg-type]
    try:
        yield made
    finally:
        for worker in made:
            await worker.close()


async def until(condition: Callable[[], bool], *, tries: int = 500) -> None:
    """Wait (a bounded number of short sleeps) until ``condition`` holds."""
    for _try in range(tries):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition did not come true")


async def count(db: AsyncSession, what: object, *where: object) -> int:
    statement = select(func.count()).select_from(what).where(*where)  # type: ignore[arg-type]
    return int(await db.scalar(statement) or 0)


async def test_the_worker_turns_an_offer_and_a_coming_evaluation_into_pushes(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, scene: Scene
) -> None:
    phone = await device(db, settings, receiver, scene.sanne)
    offer = await help_offer(db, scene)
    db.add(
        OutboxMessage(
            kind=EventKind.HELP_OFFERED.value,
            subject_id=offer.id,
            actor_id=scene.sem.id,
            household_id=scene.household_id,
        )
    )
    evaluation = Evaluation(
        household_id=scene.household_id,
        trajectory_id=scene.trajectory_id,
        planned_on=cover_day() + dt.timedelta(days=1),
    )
    db.add(evaluation)
    await db.commit()

    async with workers(settings) as (worker,):
        done = await worker.drain()

    assert (done.scheduled, done.routed, done.delivered) == (1, 2, 2)
    urls = set(await db.scalars(select(Notification.id).where(Notification.person_id == scene.sanne.id)))
    assert {payload["url"] for payload in receiver.payloads(phone)} == {f"/mijn/meldingen/{n}" for n in urls}
    assert receiver.rejected == []
    pages = set(await db.scalars(select(Notification.url).where(Notification.person_id == scene.sanne.id)))
    assert pages == {
        f"/huishoudens/{scene.household_id}/hulpvragen",
        f"/huishoudens/{scene.household_id}/evaluaties/{evaluation.id}",
    }


async def test_workers_side_by_side_drain_a_thousand_rows_each_message_made_and_pushed_once(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, scene: Scene
) -> None:
    """On PostgreSQL two workers at once (FOR UPDATE SKIP LOCKED); SQLite has one writer, so one worker."""
    sanne_phone = await device(db, settings, receiver, scene.sanne)
    piet_phone = await device(db, settings, receiver, scene.piet)
    offer = await help_offer(db, scene)
    start = utcnow()
    await db.execute(
        insert(OutboxMessage),
        [
            {
                "id": uuid.uuid4(),
                "kind": EventKind.HELP_OFFERED.value,
                "subject_id": offer.id,
                "actor_id": scene.sem.id,
                "household_id": scene.household_id,
                "created_at": start + dt.timedelta(microseconds=n),
            }
            for n in range(1000)
        ],
    )
    await db.commit()
    side_by_side = 2 if BACKEND == "postgresql" else 1

    async with workers(settings, side_by_side, delivery_batch=50) as running:
        rounds = await asyncio.gather(*(worker.drain() for worker in running))
    # Between them, each row was routed once and each delivery tried once.
    assert sum(done.routed for done in rounds) == 1000
    assert sum(done.delivered for done in rounds) == 2000

    assert await count(db, OutboxMessage, OutboxMessage.processed_at.is_(None)) == 0
    assert await count(db, Notification) == 2000
    for person, phone in ((scene.sanne, sanne_phone), (scene.piet, piet_phone)):
        made = set(await db.scalars(select(Notification.id).where(Notification.person_id == person.id)))
        assert len(made) == 1000
        got = [payload["url"] for payload in receiver.payloads(phone)]
        assert len(got) == 1000
        assert set(got) == {f"/mijn/meldingen/{n}" for n in made}
        assert receiver.attempts[phone.id] == 1000
    assert await count(db, PushDelivery, PushDelivery.status == DeliveryStatus.SENT) == 2000
    assert receiver.rejected == []


async def test_a_worker_stopped_while_sending_loses_nothing(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, scene: Scene
) -> None:
    phone = await device(db, settings, receiver, scene.sanne)
    offer = await help_offer(db, scene)
    db.add(
        OutboxMessage(
            kind=EventKind.HELP_OFFERED.value,
            subject_id=offer.id,
            actor_id=scene.sem.id,
            household_id=scene.household_id,
        )
    )
    await db.commit()

    async with workers(settings) as (worker,):
        assert await worker.route() == 1
        receiver.hold()
        sending = asyncio.create_task(worker.deliver())
        await until(lambda: receiver.waiting == 1)
        sending.cancel()  # the worker is killed while the push service has not answered
        with pytest.raises(asyncio.CancelledError):
            await sending
        receiver.release(take=False)

        delivery = await db.scalar(select(PushDelivery).execution_options(populate_existing=True))
        assert delivery is not None
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)

        # The next worker (or the same one, started again) sends it.
        assert await worker.deliver() == 1

    assert len(receiver.received(phone)) == 1
    assert await count(db, PushDelivery, PushDelivery.status == DeliveryStatus.SENT) == 1


async def test_a_stop_takes_effect_after_the_step_under_way(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, scene: Scene
) -> None:
    phone = await device(db, settings, receiver, scene.sanne)
    offer = await help_offer(db, scene)
    db.add(
        OutboxMessage(
            kind=EventKind.HELP_OFFERED.value,
            subject_id=offer.id,
            actor_id=scene.sem.id,
            household_id=scene.household_id,
        )
    )
    await db.commit()
    stop = asyncio.Event()

    async with workers(settings, idle_sleep=0.05) as (worker,):
        receiver.hold()
        running = asyncio.create_task(worker.run(stop))
        await until(lambda: receiver.waiting == 1)
        stop.set()  # as SIGTERM does, while the push is on its way
        receiver.release()
        await running

    assert len(receiver.received(phone)) == 1
    assert await count(db, PushDelivery, PushDelivery.status == DeliveryStatus.SENT) == 1


async def test_the_loop_keeps_working_until_it_is_stopped(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, scene: Scene
) -> None:
    phone = await device(db, settings, receiver, scene.sanne)
    offer = await help_offer(db, scene)
    stop = asyncio.Event()

    async with workers(settings, idle_sleep=0.05) as (worker,):
        running = asyncio.create_task(worker.run(stop))
        for expected in (1, 2):
            # Something happens while the worker idles: it is sent without anyone waking the worker.
            db.add(
                OutboxMessage(
                    kind=EventKind.HELP_OFFERED.value,
                    subject_id=offer.id,
                    actor_id=scene.sem.id,
                    household_id=scene.household_id,
                )
            )
            await db.commit()
            await until(lambda n=expected: len(receiver.received(phone)) == n)  # type: ignore[misc]
        stop.set()
        await running

    assert running.done() and running.exception() is None
    assert await count(db, Trajectory) == 1


async def test_a_step_that_fails_does_not_end_the_worker(
    db: AsyncSession,
    settings: Settings,
    receiver: PushReceiver,
    scene: Scene,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    phone = await device(db, settings, receiver, scene.sanne)
    offer = await help_offer(db, scene)
    db.add(
        OutboxMessage(
            kind=EventKind.HELP_OFFERED.value,
            subject_id=offer.id,
            actor_id=scene.sem.id,
            household_id=scene.household_id,
        )
    )
    await db.commit()
    real = worker_module.route_pending
    failed = []

    async def away_once(*args: Any, **kwargs: Any) -> int:
        if not failed:
            failed.append(True)
            raise ConnectionError("the database is away for a moment")
        return await real(*args, **kwargs)

    monkeypatch.setattr(worker_module, "route_pending", away_once)
    stop = asyncio.Event()

    async with workers(settings, idle_sleep=0.01) as (worker,):
        running = asyncio.create_task(worker.run(stop))
        await until(lambda: len(receiver.received(phone)) == 1)
        stop.set()
        await running

    assert failed == [True]
