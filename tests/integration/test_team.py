"""The team lead's overview (names and phases, logged) and giving a household another regisseur. Real forms,
both databases."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import AccessLogEntry, Trajectory
from tests.factories import make_household, make_world, signed_in_as
from tests.forms import find_form, send


async def test_overview_shows_the_team_and_logs_a_look_each(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    bakker, _ = await make_household(db, world.regisseur, "Bakker")
    jansen, _ = await make_household(db, world.colleague, "Jansen")
    await signed_in_as(client, db, world.team_lead)
    page = await client.get("/team")
    assert page.status_code == 200
    assert "Bakker" in page.text and "Jansen" in page.text and "Caseload per regisseur" in page.text
    assert world.regisseur.display_name in page.text
    # The start page no longer lists the households; it links to the overview.
    start = await client.get("/mijn")
    assert 'href="/team"' in start.text and "Bakker" not in start.text
    await db.rollback()
    looks = list(
        await db.scalars(select(AccessLogEntry.household_id).where(AccessLogEntry.resource == "team_overview"))
    )
    assert sorted(looks) == sorted([bakker.id, jansen.id])


async def test_reassign_and_the_former_regisseur_is_refused(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, _ = await make_household(db, world.regisseur, "Bakker")
    home = f"/huishoudens/{household.id}"
    await signed_in_as(client, db, world.team_lead)
    page = await client.get(f"{home}/regisseur")
    assert page.status_code == 200
    form = find_form(page, f"{home}/regisseur")
    # Someone of another team is not among the choices; sent anyway, the form refuses.
    refused = await send(client, form, {"regisseur": str(world.other_regisseur.id)}, hostile=True)
    assert refused.status_code == 400 and "Kies een regisseur uit het team van dit huishouden." in refused.text
    done = await send(client, form, {"regisseur": str(world.colleague.id)})
    assert done.status_code == 303
    await db.rollback()
    trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == household.id))
    assert trajectory is not None and trajectory.regisseur_id == world.colleague.id

    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    assert (await client.get(home)).status_code == 404
    client.cookies.clear()
    await signed_in_as(client, db, world.colleague)
    timeline = await client.get(f"{home}/tijdlijn")
    expected = f"{world.team_lead.display_name} (teamleider) heeft {world.colleague.display_name} jullie nieuwe"
    assert expected in timeline.text
