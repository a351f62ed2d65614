"""Passkeys, enrolment links and sessions, through the real endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.app import create_app
from server.auth.sessions import hash_token
from server.config import Settings
from server.domain.models import EnrolmentToken, Passkey, WebSession
from tests.factories import (
    TEST_ORIGIN,
    TEST_RP_ID,
    csrf_header,
    enrol,
    issue_link,
    make_household,
    make_world,
    sign_in,
    signed_in_as,
)
from tests.soft_authenticator import SoftPasskey


def new_passkey() -> SoftPasskey:
    return SoftPasskey(rp_id=TEST_RP_ID, origin=TEST_ORIGIN)


async def test_enrol_through_link_signs_in_and_the_link_then_stops_working(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    token = await issue_link(db, sanne)

    page = await client.get(f"/aanmelden/{token}")
    assert page.status_code == 200
    assert "Welkom, Sanne" in page.text

    response = await enrol(client, token, new_passkey())
    assert response.status_code == 200, response.text
    assert response.json()["redirect"] == "/mijn?welkom=1"
    overview = await client.get("/mijn?welkom=1")
    assert "Hallo Sanne" in overview.text
    assert "Je passkey is gemaakt" in overview.text

    again = await client.get(f"/aanmelden/{token}")
    assert again.status_code == 404
    assert "werkt niet" in again.text


async def test_used_link_cannot_make_a_second_passkey(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    token = await issue_link(db, sanne)
    assert (await enrol(client, token, new_passkey())).status_code == 200
    client.cookies.clear()
    headers = await csrf_header(client)
    options = await client.post("/passkeys/registratie/opties", json={"token": token}, headers=headers)
    assert options.status_code == 400
    assert "werkt niet" in options.json()["error"]
    count = await db.scalar(select(func.count()).select_from(Passkey).where(Passkey.person_id == sanne.id))
    assert count == 1


async def test_expired_and_unknown_links_are_refused(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    token = await issue_link(db, sanne)
    row = await db.scalar(select(EnrolmentToken).where(EnrolmentToken.person_id == sanne.id))
    assert row is not None
    row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    await db.commit()
    assert (await client.get(f"/aanmelden/{token}")).status_code == 404
    assert (await client.get("/aanmelden/onbekend-token-van-niemand")).status_code == 404


async def test_new_link_makes_the_earlier_one_stop_working(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    first = await issue_link(db, sanne)
    second = await issue_link(db, sanne)
    assert (await client.get(f"/aanmelden/{first}")).status_code == 404
    assert (await client.get(f"/aanmelden/{second}")).status_code == 200


async def test_replayed_registration_answer_is_refused(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    passkey = await signed_in_as(client, db, sanne)
    headers = await csrf_header(client)
    options = await client.post("/passkeys/registratie/opties", json={}, headers=headers)
    second = SoftPasskey(rp_id=TEST_RP_ID, origin=TEST_ORIGIN)
    credential = second.register(options.json()["publicKey"])
    first = await client.post(
        "/passkeys/registratie", json={"credential": credential, "name": "Laptop"}, headers=headers
    )
    assert first.status_code == 200, first.text
    replay = await client.post(
        "/passkeys/registratie", json={"credential": credential, "name": "Laptop"}, headers=headers
    )
    assert replay.status_code == 400
    assert passkey.credential_id != second.credential_id


async def test_replayed_sign_in_answer_is_refused(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    passkey = await signed_in_as(client, db, sanne)
    client.cookies.clear()
    headers = await csrf_header(client)
    options = await client.post("/passkeys/inloggen/opties", headers=headers)
    credential = passkey.sign_in(options.json()["publicKey"])
    first = await client.post("/passkeys/inloggen", json={"credential": credential}, headers=headers)
    assert first.status_code == 200, first.text
    # The browser now holds the new session's CSRF token; the replay carries it, and still gets nowhere.
    headers = await csrf_header(client)
    replay = await client.post("/passkeys/inloggen", json={"credential": credential}, headers=headers)
    assert replay.status_code == 400
    assert "verlopen" in replay.json()["error"]


async def test_answer_for_another_origin_is_refused(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    passkey = await signed_in_as(client, db, sanne)
    client.cookies.clear()
    headers = await csrf_header(client)
    options = await client.post("/passkeys/inloggen/opties", headers=headers)
    credential = passkey.sign_in(options.json()["publicKey"], origin="https://phishing.example")
    response = await client.post("/passkeys/inloggen", json={"credential": credential}, headers=headers)
    assert response.status_code == 400
    assert (await client.get("/mijn", follow_redirects=False)).status_code == 303


async def test_session_id_changes_at_sign_in_and_sign_out(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    passkey = await signed_in_as(client, db, sanne)
    client.cookies.clear()
    headers = await csrf_header(client)
    await client.post("/passkeys/inloggen/opties", headers=headers)
    before = client.cookies["onsplan_session"]
    response = await sign_in(client, passkey)
    assert response.status_code == 200
    after = client.cookies["onsplan_session"]
    assert before != after
    assert (await client.get("/mijn")).status_code == 200

    out = await submit("/mijn", "/uitloggen")
    assert out.status_code == 303
    assert client.cookies["onsplan_session"] != after
    # The old session id is gone from the database: a stolen cookie is worthless after sign-out.
    client.cookies.set("onsplan_session", after)
    assert (await client.get("/mijn", follow_redirects=False)).status_code == 303
    remaining = await db.scalar(
        select(func.count()).select_from(WebSession).where(WebSession.token_hash == hash_token(after))
    )
    assert remaining == 0


async def test_unknown_passkey_is_refused_without_saying_whose(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    response = await sign_in(client, new_passkey())
    assert response.status_code == 400
    assert "kennen we niet" in response.json()["error"]


async def test_sign_in_is_rate_limited(settings: Settings) -> None:
    strict = Settings(**{**settings.__dict__, "rate_limit_per_minute": 3})
    async with AsyncTestClient(app=create_app(strict), base_url=TEST_ORIGIN) as client:
        headers = await csrf_header(client)
        statuses = [(await client.post("/passkeys/inloggen/opties", headers=headers)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


async def test_second_passkey_and_removing_one(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, sanne)
    headers = await csrf_header(client)
    options = await client.post("/passkeys/registratie/opties", json={}, headers=headers)
    laptop = new_passkey()
    added = await client.post(
        "/passkeys/registratie",
        json={"credential": laptop.register(options.json()["publicKey"]), "name": "Laptop"},
        headers=headers,
    )
    assert added.json()["redirect"] == "/mijn/passkeys"
    page = await client.get("/mijn/passkeys")
    assert "Laptop" in page.text and "Telefoon" in page.text

    keys = list(await db.scalars(select(Passkey).where(Passkey.person_id == sanne.id).order_by(Passkey.created_at)))
    removed = await submit(page, f"/mijn/passkeys/{keys[0].id}/verwijderen", follow_redirects=True)
    assert removed.status_code == 200
    assert "Telefoon" not in removed.text and "Laptop" in removed.text

    # The last one needs an explicit confirmation.
    # Without ticking the box the form now shows.
    refused = await submit(removed, f"/mijn/passkeys/{keys[1].id}/verwijderen", follow_redirects=True)
    assert "Dit is je laatste passkey" in refused.text
    assert await db.scalar(select(func.count()).select_from(Passkey).where(Passkey.person_id == sanne.id)) == 1
