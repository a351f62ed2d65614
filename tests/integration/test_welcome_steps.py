"""A household member's first visit: "Begin hier", three short steps on her start page, each skippable,
until she finished or skipped them."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Person
from tests.factories import make_household, make_world, signed_in_as
from tests.integration.test_network import add_person
from tests.integration.test_plan import add_goal


def visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def test_a_new_member_sees_begin_hier_skips_each_step_and_does_not_see_it_again(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    start = await client.get("/mijn")
    text = visible(start.text)
    assert "Begin hier" in text and "Stap 1: Hoe gaat het?" in text
    assert f'href="/huishoudens/{household.id}/scores/stap/1"' in start.text

    # Overslaan: on to step 2, then step 3, with no JavaScript (a link each).
    second = await client.get("/mijn?begin-hier=2")
    assert f'href="/huishoudens/{household.id}/plan/doelen/nieuw"' in second.text
    assert 'href="/mijn?begin-hier=3#begin-hier"' in second.text
    third = await client.get("/mijn?begin-hier=3")
    assert f'href="/huishoudens/{household.id}/netwerk"' in third.text

    skipped = await submit(third, "/mijn/begin-hier/klaar", button="Overslaan en klaar")
    assert skipped.status_code == 303 and skipped.headers["location"].startswith("/mijn")
    await db.refresh(anouk)
    assert anouk.welcome_done_at is not None
    after = await client.get(skipped.headers["location"])
    assert after.status_code == 200 and "Begin hier" not in visible(after.text)
    assert "Begin hier" not in visible((await client.get("/mijn")).text)
    # Her household's pages are still there.
    assert f'href="/huishoudens/{household.id}"' in after.text


async def test_steps_done_are_marked_and_a_member_who_did_all_three_does_not_see_begin_hier(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)
    base = f"/huishoudens/{household.id}"

    scored = await submit(f"{base}/scores/stap/1", f"{base}/scores/leefgebied/financien", {"score": "2"})
    assert scored.status_code == 303
    start = visible((await client.get("/mijn")).text)
    # Step 1 is done: the card goes on with step 2.
    assert "Stap 1: Hoe gaat het? (gedaan)" in start and "Schrijf een doel" in start

    assert (await add_goal(submit, household)).status_code == 303
    start = visible((await client.get("/mijn")).text)
    assert "Stap 2: Wat wil je als eerste? (gedaan)" in start and "Naar de netwerkkaart" in start

    assert (await add_person(submit, household)).status_code == 303
    start = visible((await client.get("/mijn")).text)
    assert "Begin hier" not in start


async def test_begin_hier_is_only_for_household_members(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    await make_household(db, world.regisseur)
    await signed_in_as(client, db, world.regisseur)
    start = await client.get("/mijn")
    assert start.status_code == 200 and "Begin hier" not in visible(start.text)
    person = await db.get(Person, world.regisseur.id)
    assert person is not None and person.welcome_done_at is None
