"""Waarneming through the pages: the team lead names a colleague, who reads the absent regisseur's households
(logged as waarneming) until the team lead ends it. Real forms, both databases."""

from __future__ import annotations

import datetime as dt

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import AccessLogEntry, utcnow
from tests.factories import make_household, make_world, signed_in_as
from tests.forms import find_form, send


async def test_cover_start_access_and_end(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    household, _ = await make_household(db, world.regisseur, "Bakker")
    home = f"/huishoudens/{household.id}"
    today = utcnow().date()

    # Before any cover the colleague has no access.
    await signed_in_as(client, db, world.colleague)
    assert (await client.get(home)).status_code == 404

    client.cookies.clear()
    await signed_in_as(client, db, world.team_lead)
    page = await client.get("/team/waarneming")
    form = find_form(page, "/team/waarneming")
    same = {
        "absent": str(world.regisseur.id),
        "covering": str(world.regisseur.id),
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=7)).isoformat(),
    }
    bad = await send(client, form, same)
    assert bad.status_code == 400 and "Kies een andere collega" in bad.text
    past = {**same, "covering": str(world.colleague.id), "starts_on": (today - dt.timedelta(days=2)).isoformat()}
    assert (await send(client, form, past)).status_code == 400
    long = {**same, "covering": str(world.colleague.id), "ends_on": (today + dt.timedelta(days=200)).isoformat()}
    assert "hoogstens 6 maanden" in (await send(client, form, long)).text
    done = await send(client, form, {**same, "covering": str(world.colleague.id)})
    assert done.status_code == 303
    assert world.colleague.display_name in (await client.get("/team/waarneming")).text

    client.cookies.clear()
    await signed_in_as(client, db, world.colleague)
    start = await client.get("/mijn")
    assert f"Je neemt waar voor {world.regisseur.display_name}" in start.text and "Bakker" in start.text
    assert (await client.get(home)).status_code == 200
    assert (await client.get(f"{home}/plan")).status_code == 200
    await db.rollback()
    roles = set(
        await db.scalars(select(AccessLogEntry.actor_role).where(AccessLogEntry.actor_id == world.colleague.id))
    )
    assert roles == {"waarneming"}

    client.cookies.clear()
    await signed_in_as(client, db, world.team_lead)
    covers = await client.get("/team/waarneming")
    confirm_link = covers.text.split('href="/team/waarneming/')[1].split('"')[0]
    confirm = await client.get(f"/team/waarneming/{confirm_link}")
    assert confirm.status_code == 200 and "Waarneming beëindigen?" in confirm.text
    ended = await send(client, find_form(confirm, f"/team/waarneming/{confirm_link}"))
    assert ended.status_code == 303

    client.cookies.clear()
    await signed_in_as(client, db, world.colleague)
    assert (await client.get(home)).status_code == 404
