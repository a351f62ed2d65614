"""The functional admin's list of push messages that did not arrive: when, which kind, the error and whose
device, for the people of the admin's own gemeente, and nothing of what a message was about. Nobody else opens
it."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.events import EventKind
from server.domain.models import Person
from server.domain.notifications.model import DeliveryStatus, PushDelivery, PushSubscription
from tests.factories import make_household, make_world, signed_in_as
from tests.integration.notifications.messages import message


async def delivery(
    db: AsyncSession, person: Person, kind: str, status: DeliveryStatus, error: str, device: str
) -> None:
    note = await message(db, person, kind, url="/mijn")
    phone = PushSubscription(
        person_id=person.id, endpoint=f"https://push.example.net/{note.id}", p256dh="-", auth="-", device=device
    )
    db.add(phone)
    await db.flush()
    db.add(PushDelivery(notification_id=note.id, subscription_id=phone.id, status=status, attempts=5, last_error=error))


async def test_the_admin_sees_failed_push_messages_of_the_gemeente(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    elsewhere = await make_world(db)
    _household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    await delivery(
        db, anouk, EventKind.HELP_OFFERED, DeliveryStatus.FAILED, "503 Service Unavailable", "Chrome/Android"
    )
    await delivery(db, world.regisseur, EventKind.EVALUATION_DUE_WEEK, DeliveryStatus.SENT, "", "Firefox/Windows")
    await delivery(db, elsewhere.regisseur, EventKind.HANDOVER_OFFERED, DeliveryStatus.FAILED, "500 Boom", "Safari/Mac")
    await db.commit()

    await signed_in_as(client, db, world.admin)
    start = await client.get("/mijn")
    assert 'href="/beheer/meldingen"' in start.text
    page = await client.get("/beheer/meldingen")
    assert page.status_code == 200
    assert "Anouk" in page.text and "Chrome op Android" in page.text and "503 Service Unavailable" in page.text
    assert "Hulp aanbieden en vragen" in page.text
    # Sent messages and other gemeenten are not there; nor is the household the message was about.
    assert "Firefox op Windows" not in page.text and "500 Boom" not in page.text
    assert "De Vries" not in page.text


async def test_nobody_but_the_admin_opens_the_list(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    _household, (anouk,) = await make_household(db, world.regisseur)
    for person in (world.regisseur, world.team_lead, anouk):
        client.cookies.clear()
        await signed_in_as(client, db, person)
        refused = await client.get("/beheer/meldingen")
        assert refused.status_code == 403, person.display_name
    client.cookies.clear()
    assert (await client.get("/beheer/meldingen", follow_redirects=False)).headers["location"].startswith("/inloggen")


async def test_an_empty_list_says_so(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.admin)
    page = await client.get("/beheer/meldingen")
    assert "Alle pushberichten kwamen aan. Er is niets mislukt." in page.text
