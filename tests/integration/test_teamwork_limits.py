"""Where the team's work stops: a cover gives access during its days in the Netherlands and not an hour after;
the covering colleague's start page tells each household it showed; a team lead acts on their own team only.
Both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import lifecycle
from server.domain.models import AccessLogEntry
from server.domain.policy import actor_for
from server.domain.teamwork import escalation as escalations
from server.domain.teamwork.escalation import EscalationInput
from server.domain.teamwork.model import Cover, Escalation, EscalationStatus, cover_day
from tests.factories import make_household, make_world, signed_in_as


async def test_a_cover_ends_with_its_last_day_in_the_netherlands(
    client: AsyncTestClient[Litestar], db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await make_world(db)
    household, _ = await make_household(db, world.regisseur, "Bakker")
    last_day = cover_day()
    db.add(
        Cover(
            team_id=world.team.id,
            absent_id=world.regisseur.id,
            covering_id=world.colleague.id,
            starts_on=last_day - dt.timedelta(days=3),
            ends_on=last_day,
            created_by_id=world.team_lead.id,
        )
    )
    await db.commit()
    await signed_in_as(client, db, world.colleague)
    home = f"/huishoudens/{household.id}"

    # Late in the evening of the last day, in the Netherlands: still covering.
    evening = dt.datetime.combine(last_day, dt.time(21, 30), tzinfo=dt.UTC)
    monkeypatch.setattr("server.domain.teamwork.model.utcnow", lambda: evening)
    assert (await client.get(home)).status_code == 200
    # Just after midnight in the Netherlands, while in UTC it is still the last day: no longer.
    after_midnight = dt.datetime.combine(last_day, dt.time(23, 30), tzinfo=dt.UTC)
    monkeypatch.setattr("server.domain.teamwork.model.utcnow", lambda: after_midnight)
    assert (await client.get(home)).status_code == 404
    # And the day after.
    next_day = evening + dt.timedelta(days=1)
    monkeypatch.setattr("server.domain.teamwork.model.utcnow", lambda: next_day)
    assert (await client.get(home)).status_code == 404
    assert "Je neemt waar" not in (await client.get("/mijn")).text


async def test_the_covering_colleagues_start_page_tells_each_household_it_shows(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, _ = await make_household(db, world.regisseur, "Bakker")
    today = cover_day()
    db.add(
        Cover(
            team_id=world.team.id,
            absent_id=world.regisseur.id,
            covering_id=world.colleague.id,
            starts_on=today,
            ends_on=today + dt.timedelta(days=3),
            created_by_id=world.team_lead.id,
        )
    )
    await db.commit()
    await signed_in_as(client, db, world.colleague)
    start = await client.get("/mijn")
    assert "Bakker" in start.text
    await db.rollback()
    looks = (
        await db.execute(
            select(AccessLogEntry.actor_role, AccessLogEntry.resource).where(
                AccessLogEntry.household_id == household.id, AccessLogEntry.actor_id == world.colleague.id
            )
        )
    ).all()
    assert [tuple(look) for look in looks] == [("waarneming", "cover_start")]


async def test_a_team_lead_decides_and_ends_for_their_own_team_only(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, _ = await make_household(db, world.other_regisseur, "Noord")
    trajectory = await lifecycle.open_trajectory(db, household.id)
    asked = await escalations.raise_escalation(
        db,
        actor_for(world.other_regisseur),
        trajectory,
        EscalationInput(blocked="Wachtlijst", blocked_by="Schuldhulp", needed="Voorrang"),
    )
    other_cover = Cover(
        team_id=world.other_team.id,
        absent_id=world.other_regisseur.id,
        covering_id=world.other_regisseur.id,
        starts_on=cover_day(),
        ends_on=cover_day() + dt.timedelta(days=2),
    )
    db.add(other_cover)
    await db.commit()

    await signed_in_as(client, db, world.team_lead)
    page = f"/huishoudens/{household.id}/doorbraak/{asked.id}"
    assert (await client.get(page)).status_code in (403, 404)
    decided = await client.post(page, data={"outcome": "toegekend", "arranged": "Geregeld"})
    assert decided.status_code in (403, 404)
    assert "Noord" not in (await client.get("/team/doorbraken")).text
    assert "Noord" not in (await client.get("/team")).text
    confirm = f"/team/waarneming/{other_cover.id}/beeindigen"
    assert (await client.get(confirm)).status_code == 404
    assert (await client.post(confirm)).status_code in (403, 404)
    reassign = await client.get(f"/huishoudens/{household.id}/regisseur")
    assert reassign.status_code in (403, 404)
    await db.rollback()
    assert await db.scalar(select(Escalation.status).where(Escalation.id == asked.id)) == EscalationStatus.OPEN
    assert await db.scalar(select(Cover.ended_at).where(Cover.id == other_cover.id)) is None
