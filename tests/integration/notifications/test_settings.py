"""'Mijn meldingen': the explanation and the button to turn push on (with the server's public key for the
browser), the devices push is on for and turning one off, and per topic "alleen in de app" or "ook als
pushbericht", with the defaults of the person's role. A device comes in as the browser's subscription (JSON,
with the CSRF header); a subscription that is not one to send to is refused with a clear message."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.app import create_app
from server.domain.models import Role
from server.domain.notifications.model import (
    DeliveryStatus,
    NotificationPreference,
    PushDelivery,
    PushSubscription,
)
from server.domain.people import create_person
from server.notify import vapid
from tests.conftest import settings_for
from tests.factories import csrf_header, issue_link, make_household, make_world, signed_in_as
from tests.forms import find_form
from tests.integration.notifications.messages import (
    CHROME_ON_ANDROID,
    FIREFOX_ON_WINDOWS,
    message,
    subscription,
)
from tests.soft_authenticator import SoftPasskey

SETTINGS = "/mijn/meldingen/instellingen"
DEVICES = "/mijn/meldingen/apparaten"


async def stored_choices(db: AsyncSession, person_id: Any) -> dict[str, bool]:
    rows = await db.execute(
        select(NotificationPreference.topic, NotificationPreference.push)
        .where(NotificationPreference.person_id == person_id)
        .execution_options(populate_existing=True)
    )
    return dict(rows.tuples().all())


def checked(page: httpx.Response, topic: str) -> str:
    """Which option of a topic's choice is checked on the page."""
    return str(find_form(page, SETTINGS).value(topic))


async def devices_of(db: AsyncSession, person_id: Any) -> list[PushSubscription]:
    return list(
        await db.scalars(
            select(PushSubscription)
            .where(PushSubscription.person_id == person_id)
            .execution_options(populate_existing=True)
        )
    )


async def test_the_page_explains_push_and_gives_the_key_without_asking_anything(
    client: AsyncTestClient[Litestar], db: AsyncSession, settings: Any
) -> None:
    world = await make_world(db)
    _household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    await signed_in_as(client, db, anouk)
    page = await client.get(SETTINGS)
    assert page.status_code == 200
    assert "Er is iets nieuws in Ons Plan" in page.text
    assert "Pushberichten aanzetten op dit apparaat" in page.text
    assert "Op geen enkel apparaat staan pushberichten aan." in page.text
    keys = await vapid.keys(db, settings)
    assert f'data-public-key="{keys.public_key}"' in page.text
    # The button is a button for the script, no form: nothing happens until it is tapped.
    assert "data-push-enable" in page.text


async def test_defaults_per_role_and_own_choices_stored(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    _household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))

    # The household member: evaluations and help come by push unless she chooses otherwise; she is never
    # asked about doorbraken or shares.
    await signed_in_as(client, db, anouk)
    page = await client.get(SETTINGS)
    assert checked(page, "evaluation") == "push" and checked(page, "help") == "push"
    assert "Doorbraken" not in page.text and "Wat huishoudens delen" not in page.text
    saved = await submit(page, SETTINGS, {"help": "app", "evaluation": "push"})
    assert saved.status_code == 303
    after = await client.get(saved.headers["location"])
    assert "Je keuzes zijn opgeslagen." in after.text
    assert checked(after, "help") == "app" and checked(after, "evaluation") == "push"
    # Only the choice that differs from her role's default is kept: the default keeps counting for the rest.
    assert await stored_choices(db, anouk.id) == {"help": False}
    back = await submit(after, SETTINGS, {"help": "push"})
    assert back.status_code == 303 and await stored_choices(db, anouk.id) == {}

    # The regisseur: doorbraken by push, help in the app, by default.
    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    page = await client.get(SETTINGS)
    assert checked(page, "escalation") == "push" and checked(page, "help") == "app"
    assert "Standaard voor jou: ook als pushbericht." in page.text


async def test_a_wrong_choice_comes_back_and_nothing_is_stored(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    _household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    page = await client.get(SETTINGS)
    refused = await submit(page, SETTINGS, {"help": "app", "evaluation": "altijd"}, hostile=True)
    assert refused.status_code == 400
    assert "Kies: alleen in de app, of ook als pushbericht." in refused.text
    assert checked(refused, "help") == "app"
    assert await stored_choices(db, anouk.id) == {}


async def test_a_device_is_added_listed_moved_and_turned_off(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    _household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    await signed_in_as(client, db, anouk)
    phone = subscription()
    added = await client.post(
        DEVICES, json=phone, headers={**await csrf_header(client), "user-agent": CHROME_ON_ANDROID}
    )
    assert added.status_code == 200 and added.json() == {"redirect": f"{SETTINGS}?aangezet=1"}
    page = await client.get(added.json()["redirect"])
    assert "Pushberichten staan aan op dit apparaat." in page.text
    assert "Chrome op Android" in page.text
    (stored,) = await devices_of(db, anouk.id)
    assert stored.endpoint == phone["endpoint"] and stored.p256dh == phone["keys"]["p256dh"]
    assert stored.auth == phone["keys"]["auth"]

    # The browser subscribes again with new keys: the same device, updated.
    renewed = subscription(phone["endpoint"])
    again = await client.post(
        DEVICES, json=renewed, headers={**await csrf_header(client), "user-agent": CHROME_ON_ANDROID}
    )
    assert again.status_code == 200
    (stored,) = await devices_of(db, anouk.id)
    assert stored.p256dh == renewed["keys"]["p256dh"]
    laptop = subscription()
    await client.post(DEVICES, json=laptop, headers={**await csrf_header(client), "user-agent": FIREFOX_ON_WINDOWS})
    assert len(await devices_of(db, anouk.id)) == 2

    # Someone else signs in on the same phone and turns push on: the device is theirs now, and what still
    # waited to be sent to it for Anouk goes.
    waiting = await message(db, anouk, "help.offered")
    db.add(PushDelivery(notification_id=waiting.id, subscription_id=stored.id, status=DeliveryStatus.PENDING))
    await db.commit()
    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    moved = await client.post(
        DEVICES, json=phone, headers={**await csrf_header(client), "user-agent": CHROME_ON_ANDROID}
    )
    assert moved.status_code == 200
    assert [d.endpoint for d in await devices_of(db, world.regisseur.id)] == [phone["endpoint"]]
    assert [d.endpoint for d in await devices_of(db, anouk.id)] == [laptop["endpoint"]]
    assert await db.scalar(select(PushDelivery).where(PushDelivery.notification_id == waiting.id)) is None

    # Turning a device off: her own only.
    (hers,) = await devices_of(db, anouk.id)
    (his,) = await devices_of(db, world.regisseur.id)
    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    page = await client.get(SETTINGS)
    assert "Firefox op Windows" in page.text and "Chrome op Android" not in page.text
    token = (await csrf_header(client))["x-csrftoken"]
    refused = await client.post(
        f"{DEVICES}/{his.id}/uitzetten", data={"_csrf_token": token}, headers={"x-csrftoken": token}
    )
    assert refused.status_code == 404
    off = await submit(page, f"{DEVICES}/{hers.id}/uitzetten", {})
    assert off.status_code == 303
    after = await client.get(off.headers["location"])
    assert "Pushberichten staan uit op dat apparaat." in after.text
    assert await devices_of(db, anouk.id) == []
    assert len(await devices_of(db, world.regisseur.id)) == 1


async def test_bad_subscriptions_are_refused_with_a_clear_message(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    _household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    headers = await csrf_header(client)

    async def refused(body: Any) -> dict[str, Any]:
        answer = await client.post(DEVICES, json=body, headers=headers)
        assert answer.status_code == 400, answer.text
        data: dict[str, Any] = answer.json()
        assert data["error"] == "Pushberichten aanzetten lukte niet op dit apparaat."
        return data

    plain = await refused(subscription("http://push.example.net/send/abc"))
    assert plain["errors"] == {"endpoint": "Pushberichten gaan alleen via een beveiligd adres (https)."}
    assert (await refused(subscription("ftp://push.example.net/x")))["errors"].keys() == {"endpoint"}
    assert (await refused(subscription("https://user:pw@push.example.net/x")))["errors"].keys() == {"endpoint"}
    short = await refused(subscription(auth="AAAA"))
    assert short["errors"] == {"auth": "De sleutel van deze browser klopt niet. Probeer het opnieuw."}
    # 65 bytes, but not a point on the curve.
    assert (await refused(subscription(p256dh="B" * 87)))["errors"].keys() == {"p256dh"}
    assert (await refused(subscription(p256dh="not base64!")))["errors"].keys() == {"p256dh"}
    assert (await refused({}))["errors"].keys() == {"endpoint", "p256dh", "auth"}
    assert (await refused(["not", "an", "object"]))["errors"].keys() == {"endpoint", "p256dh", "auth"}
    not_json = await client.post(DEVICES, content=b"endpoint=x", headers={**headers, "content-type": "text/plain"})
    assert not_json.status_code == 400
    # Without the CSRF header the request is refused before anything is read.
    forged = await client.post(DEVICES, json=subscription())
    assert forged.status_code == 403
    assert await devices_of(db, anouk.id) == []
    # A push service on this machine over plain http: for development and the tests, not in production.
    local = await client.post(DEVICES, json=subscription("http://127.0.0.1:8765/push/abc"), headers=headers)
    assert local.status_code == 200


HTTPS_ORIGIN = "https://onsplan.test"


async def test_production_refuses_a_push_service_without_tls(database_url: str, db: AsyncSession) -> None:
    settings = settings_for(
        database_url, environment="production", secure_cookies=True, origin=HTTPS_ORIGIN, rp_id="onsplan.test"
    )
    settings.check()
    world = await make_world(db)
    _household, (anouk,) = await make_household(db, world.regisseur)
    link = await issue_link(db, anouk)
    async with AsyncTestClient(app=create_app(settings), base_url=HTTPS_ORIGIN) as client:
        passkey = SoftPasskey(rp_id="onsplan.test", origin=HTTPS_ORIGIN)
        headers = await csrf_header(client)
        options = await client.post("/passkeys/registratie/opties", json={"token": link}, headers=headers)
        credential = passkey.register(options.json()["publicKey"])
        enrolled = await client.post("/passkeys/registratie", json={"credential": credential}, headers=headers)
        assert enrolled.status_code == 200, enrolled.text
        headers = await csrf_header(client)
        local = await client.post(DEVICES, json=subscription("http://127.0.0.1:8765/push/abc"), headers=headers)
        assert local.status_code == 400
        assert local.json()["errors"] == {"endpoint": "Pushberichten gaan alleen via een beveiligd adres (https)."}
        # The server POSTs to the address it is given: in production only to the browsers' push services, never
        # to a host inside its own network or anyone's server.
        for inside in ("https://10.0.0.5/push/abc", "https://localhost/push/abc", "https://push.example.net/send/a"):
            refused = await client.post(DEVICES, json=subscription(inside), headers=headers)
            assert refused.status_code == 400
            assert refused.json()["errors"] == {"endpoint": "Deze browser gaf geen geldig adres voor pushberichten."}
        secure = await client.post(
            DEVICES, json=subscription("https://fcm.googleapis.com/fcm/send/abc:APA91b"), headers=headers
        )
        assert secure.status_code == 200
    assert [device.endpoint for device in await devices_of(db, anouk.id)] == [
        "https://fcm.googleapis.com/fcm/send/abc:APA91b"
    ]


async def test_a_volunteer_chooses_for_help_actions_and_the_account(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    sem = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Sem",
        role=Role.VOLUNTEER,
        organisation_id=world.volunteer_org.id,
    )
    await db.commit()
    await signed_in_as(client, db, sem)
    page = await client.get(SETTINGS)
    topics = [name for name in find_form(page, SETTINGS).fields if name not in ("_csrf_token", "_sleutel")]
    assert sorted(topics) == ["account", "action", "help"]
    assert checked(page, "account") == "push" and checked(page, "help") == "push"
