"""The web push sender against a push service on loopback: what a device receives (decrypted), and what the
sender does with each answer of the push service."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.domain.models import utcnow
from server.domain.notifications.model import DeliveryStatus, PushDelivery, PushSubscription
from server.notify import sender
from server.notify.sender import FIRST_RETRY, MAX_ATTEMPTS, deliver_due
from tests.conftest import BACKEND
from tests.factories import make_household, make_world
from tests.integration.notify.helpers import delivery_state, device, row_of, waiting_message
from tests.push_receiver import PushReceiver


async def send(db: AsyncSession, settings: Settings, moment: dt.datetime | None = None) -> int:
    """One batch, in a session and transaction of its own, as the worker runs it."""
    async with AsyncSession(db.bind) as worker, worker.begin():
        return await deliver_due(worker, settings, moment=moment)


async def test_the_device_receives_a_neutral_title_and_the_address_of_the_message(
    db: AsyncSession, settings: Settings, receiver: PushReceiver
) -> None:
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur, name="Bakker", adults=("Sanne",))
    phone = await device(db, settings, receiver, sanne)
    notification, delivery = await waiting_message(db, sanne, phone, url=f"/huishoudens/{household.id}/hulpvragen")

    assert await send(db, settings) == 1

    assert receiver.rejected == []
    (message,) = receiver.received(phone)
    assert message.payload == {"title": "Er is iets nieuws in Ons Plan", "url": f"/mijn/meldingen/{notification.id}"}
    # Nothing that names the household, the person or what happened; and kept a day for an offline phone.
    text = json.dumps(message.payload)
    for word in ("Bakker", "Sanne", "Fatima", "hulp", str(household.id)):
        assert word not in text
    assert message.ttl == 24 * 60 * 60
    stored = await delivery_state(db, delivery.id)
    assert stored is not None
    assert (stored.status, stored.attempts, stored.last_error) == (DeliveryStatus.SENT, 1, "")
    assert stored.sent_at is not None
    row = await row_of(db, phone)
    assert row is not None and row.last_sent_at is not None

    # Sent is sent: the next batch finds nothing.
    assert await send(db, settings) == 0
    assert len(receiver.received(phone)) == 1


@pytest.mark.parametrize("status", [404, 410])
async def test_a_device_the_push_service_says_is_gone_is_deleted_with_its_deliveries(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, status: int
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    gone = await device(db, settings, receiver, sanne)
    other = await device(db, settings, receiver, sanne)
    _n, first = await waiting_message(db, sanne, gone)
    _n2, second = await waiting_message(db, sanne, gone)
    _n3, elsewhere = await waiting_message(db, sanne, other)
    receiver.answer(gone, status, times=None)

    assert await send(db, settings) == 3

    assert await row_of(db, gone) is None
    assert await delivery_state(db, first.id) is None
    assert await delivery_state(db, second.id) is None
    # The person's other device is not touched.
    assert await row_of(db, other) is not None
    kept = await delivery_state(db, elsewhere.id)
    assert kept is not None and kept.status == DeliveryStatus.SENT
    assert len(receiver.received(other)) == 1


async def test_a_server_error_is_tried_again_later_and_then_delivered_once(
    db: AsyncSession, settings: Settings, receiver: PushReceiver
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    phone = await device(db, settings, receiver, sanne)
    _notification, delivery = await waiting_message(db, sanne, phone)
    receiver.answer(phone, 500)
    start = utcnow()

    assert await send(db, settings, start) == 1
    waiting = await delivery_state(db, delivery.id)
    assert waiting is not None
    assert (waiting.status, waiting.attempts) == (DeliveryStatus.PENDING, 1)
    assert waiting.last_error == "HTTP 500 Internal Server Error"
    assert waiting.next_attempt_at == start + FIRST_RETRY
    assert receiver.received(phone) == []

    # Not before its time.
    assert await send(db, settings, start + FIRST_RETRY - dt.timedelta(seconds=1)) == 0
    assert await send(db, settings, start + FIRST_RETRY) == 1

    done = await delivery_state(db, delivery.id)
    assert done is not None
    assert (done.status, done.attempts) == (DeliveryStatus.SENT, 2)
    assert len(receiver.received(phone)) == 1
    assert receiver.attempts[phone.id] == 2


async def test_the_wait_doubles_and_a_retry_after_is_honoured(
    db: AsyncSession, settings: Settings, receiver: PushReceiver
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    phone = await device(db, settings, receiver, sanne)
    _notification, delivery = await waiting_message(db, sanne, phone)
    receiver.answer(phone, 503, times=2)
    receiver.answer(phone, 429, retry_after=600)
    moment = utcnow()
    waits = []
    for _attempt in range(3):
        assert await send(db, settings, moment) == 1
        state = await delivery_state(db, delivery.id)
        assert state is not None
        waits.append(state.next_attempt_at - moment)
        moment = state.next_attempt_at
    assert waits == [dt.timedelta(seconds=30), dt.timedelta(seconds=60), dt.timedelta(seconds=600)]


async def test_after_too_many_failures_a_delivery_is_failed_with_the_last_answer(
    db: AsyncSession, settings: Settings, receiver: PushReceiver
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    phone = await device(db, settings, receiver, sanne)
    _notification, delivery = await waiting_message(db, sanne, phone)
    receiver.answer(phone, 502, times=None)
    moment = utcnow()
    for _attempt in range(MAX_ATTEMPTS):
        assert await send(db, settings, moment) == 1
        moment += dt.timedelta(hours=1)

    failed = await delivery_state(db, delivery.id)
    assert failed is not None
    assert (failed.status, failed.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert failed.last_error == "HTTP 502 Bad Gateway"
    # Failed is final: nothing more is sent, and the device stays.
    assert await send(db, settings, moment + dt.timedelta(days=1)) == 0
    assert receiver.attempts[phone.id] == MAX_ATTEMPTS
    assert await row_of(db, phone) is not None


async def test_a_request_the_push_service_refuses_is_failed_at_once(
    db: AsyncSession, settings: Settings, receiver: PushReceiver
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    phone = await device(db, settings, receiver, sanne)
    _notification, delivery = await waiting_message(db, sanne, phone)
    receiver.answer(phone, 413)

    assert await send(db, settings) == 1

    failed = await delivery_state(db, delivery.id)
    assert failed is not None
    assert (failed.status, failed.attempts, failed.last_error) == (
        DeliveryStatus.FAILED,
        1,
        "HTTP 413 Request Entity Too Large",
    )


async def test_a_push_service_that_cannot_be_reached_is_tried_again(
    db: AsyncSession, settings: Settings, receiver: PushReceiver
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    phone = await device(db, settings, receiver, sanne)
    _notification, delivery = await waiting_message(db, sanne, phone)
    receiver.close()  # the service is down: nothing listens on its port any more

    assert await send(db, settings) == 1

    waiting = await delivery_state(db, delivery.id)
    assert waiting is not None
    assert (waiting.status, waiting.attempts) == (DeliveryStatus.PENDING, 1)
    assert waiting.last_error.startswith("network: ")


async def test_a_message_signed_with_another_key_is_refused_by_the_push_service(
    db: AsyncSession, settings: Settings, receiver: PushReceiver
) -> None:
    """The receiver checks the VAPID signature for real: a subscription made for another server's key
    refuses our messages (403), and the sender does not try that again."""
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    phone = await device(db, settings, receiver, sanne)
    phone.application_server_key = "BOtherServersKey"
    _notification, delivery = await waiting_message(db, sanne, phone)

    assert await send(db, settings) == 1

    assert receiver.received(phone) == []
    assert receiver.rejected == [(phone.id, "vapid key is not the application server key of the subscription")]
    failed = await delivery_state(db, delivery.id)
    assert failed is not None and failed.status == DeliveryStatus.FAILED
    assert (await db.scalars(select(PushDelivery))).all() != []


async def test_nothing_more_goes_to_a_person_the_admin_deactivated(
    db: AsyncSession, settings: Settings, receiver: PushReceiver
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    phone = await device(db, settings, receiver, sanne)
    _notification, delivery = await waiting_message(db, sanne, phone)
    sanne.deactivated_at = utcnow()
    await db.commit()

    assert await send(db, settings) == 1

    assert receiver.attempts[phone.id] == 0
    stopped = await delivery_state(db, delivery.id)
    assert stopped is not None
    assert (stopped.status, stopped.last_error) == (DeliveryStatus.FAILED, "not sent: person deactivated")


async def test_one_delivery_failing_unexpectedly_does_not_send_the_rest_of_its_batch_again(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever one attempt raises stays with that delivery: the others of the batch are recorded as sent, so
    that the next batch does not send them a second time."""
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    phone, tablet = await device(db, settings, receiver, sanne), await device(db, settings, receiver, sanne)
    _n, on_phone = await waiting_message(db, sanne, phone)
    _n2, on_tablet = await waiting_message(db, sanne, tablet)
    real = sender.webpush_async

    async def tablet_breaks(*args: Any, **kwargs: Any) -> Any:
        if kwargs["subscription_info"]["endpoint"] == tablet.endpoint:
            raise RuntimeError("something nobody expected")
        return await real(*args, **kwargs)

    monkeypatch.setattr(sender, "webpush_async", tablet_breaks)
    start = utcnow()

    assert await send(db, settings, start) == 2

    sent = await delivery_state(db, on_phone.id)
    assert sent is not None and (sent.status, sent.attempts) == (DeliveryStatus.SENT, 1)
    waiting = await delivery_state(db, on_tablet.id)
    assert waiting is not None
    assert (waiting.status, waiting.attempts, waiting.last_error) == (
        DeliveryStatus.PENDING,
        1,
        "error: RuntimeError",
    )
    # The next batches try the tablet again; the phone has its message once.
    monkeypatch.setattr(sender, "webpush_async", real)
    assert await send(db, settings, start + FIRST_RETRY) == 1
    assert len(receiver.received(phone)) == 1 and len(receiver.received(tablet)) == 1


async def test_a_device_turned_off_while_its_batch_is_sent_leaves_the_rest_of_the_batch_sent(
    db: AsyncSession, settings: Settings, receiver: PushReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the worker holds no lock while it waits for the push services (the web server writes on
    meanwhile): a device turned off in that moment has its delivery gone when the batch records what came of
    it. The others of the batch are still recorded as sent, and not sent again. On PostgreSQL (any number of
    workers) the device's row stays locked while it is sent to: turning it off waits for the batch (here it is
    refused at once by a short lock timeout), so what was sent is always recorded."""
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    phone, tablet = await device(db, settings, receiver, sanne), await device(db, settings, receiver, sanne)
    _n, on_phone = await waiting_message(db, sanne, phone)
    _n, on_tablet = await waiting_message(db, sanne, tablet)
    real = sender.webpush_async
    tried: list[str] = []

    async def tablet_turned_off_meanwhile(*args: Any, **kwargs: Any) -> Any:
        answer = await real(*args, **kwargs)
        if kwargs["subscription_info"]["endpoint"] == tablet.endpoint:
            async with AsyncSession(db.bind) as web:
                try:
                    async with web.begin():
                        if BACKEND == "postgresql":
                            await web.execute(text("SET LOCAL lock_timeout = '200ms'"))
                        await web.execute(delete(PushSubscription).where(PushSubscription.endpoint == tablet.endpoint))
                    tried.append("turned off")
                except DBAPIError:
                    tried.append("waits for the batch")
        return answer

    monkeypatch.setattr(sender, "webpush_async", tablet_turned_off_meanwhile)
    start = utcnow()

    assert await send(db, settings, start) == 2

    sent = await delivery_state(db, on_phone.id)
    assert sent is not None and (sent.status, sent.attempts) == (DeliveryStatus.SENT, 1)
    if BACKEND == "postgresql":
        assert tried == ["waits for the batch"]
        on_tablet_now = await delivery_state(db, on_tablet.id)
        assert on_tablet_now is not None and on_tablet_now.status == DeliveryStatus.SENT
        assert await row_of(db, tablet) is not None
    else:
        assert tried == ["turned off"]
        assert await row_of(db, tablet) is None
    monkeypatch.setattr(sender, "webpush_async", real)
    assert await send(db, settings, start + dt.timedelta(hours=1)) == 0
    assert len(receiver.received(phone)) == 1 and len(receiver.received(tablet)) == 1
