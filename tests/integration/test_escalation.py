"""Doorbraak through the pages: the regisseur asks, the team lead reads the goal it is about (logged) and
decides; the household reads both in its timeline; the team lead's reading right ends with the decision.
Real forms, both databases."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import AccessLogEntry, Phase, Trajectory
from server.domain.plan import service as plan
from server.domain.plan.service import ActionInput, GoalInput
from server.domain.policy import Relation, actor_for
from server.domain.ratings import instruments
from server.domain.teamwork.model import Escalation, EscalationStatus
from tests.factories import make_household, make_world, signed_in_as
from tests.forms import find_form, send


async def scene(db: AsyncSession):  # type: ignore[no-untyped-def]
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur)
    trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == household.id))
    assert trajectory is not None
    trajectory.phase = Phase.UITVOERING
    instrument = await instruments.for_municipality(db, household.municipality_id)
    me = actor_for(sanne)
    first = await plan.create_goal(
        db, me, Relation.MEMBER, household.id, instrument, GoalInput(instrument.domains[0].key, "Schulden weg", "eerst")
    )
    second = await plan.create_goal(
        db, me, Relation.MEMBER, household.id, instrument, GoalInput(instrument.domains[1].key, "Rust in huis", "eerst")
    )
    await plan.create_action(db, me, household.id, first.id, ActionInput(what="Budgetplan maken", who_type="zelf"))
    await plan.create_action(db, me, household.id, second.id, ActionInput(what="Geheime actie", who_type="zelf"))
    await db.commit()
    return world, household, first


async def test_raise_decide_and_the_timeline(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world, household, goal = await scene(db)
    home = f"/huishoudens/{household.id}"
    await signed_in_as(client, db, world.regisseur)
    overview = await client.get(home)
    assert "Doorbraak vragen aan de teamleider" in overview.text
    page = await client.get(f"{home}/doorbraak")
    form = find_form(page, f"{home}/doorbraak")
    bad = await send(
        client, form, {"blocked": "", "blocked_by": "Schuldhulp", "needed": "Voorrang", "goal": str(goal.id)}
    )
    assert bad.status_code == 400 and "Schrijf op wat er vastzit." in bad.text and "Schuldhulp" in bad.text
    done = await send(
        client,
        form,
        {
            "blocked": "Wachtlijst van een half jaar",
            "blocked_by": "Schuldhulp",
            "needed": "Voorrang",
            "goal": str(goal.id),
        },
    )
    assert done.status_code == 303
    again = await send(client, form, {"blocked": "Nog iets", "blocked_by": "X", "needed": "Y", "goal": "plan"})
    assert again.status_code == 400 and "Er staat al een doorbraak open" in again.text
    mine = await client.get("/mijn")
    assert "Doorbraak gevraagd" in mine.text
    escalation = await db.scalar(select(Escalation).where(Escalation.household_id == household.id))
    assert escalation is not None and escalation.status == EscalationStatus.OPEN

    client.cookies.clear()
    await signed_in_as(client, db, world.team_lead)
    start = await client.get("/mijn")
    assert f"/doorbraak/{escalation.id}" in start.text
    lead_page = await client.get(f"{home}/doorbraak/{escalation.id}")
    assert lead_page.status_code == 200
    assert "Schulden weg" in lead_page.text and "Budgetplan maken" in lead_page.text
    assert "Rust in huis" not in lead_page.text and "Geheime actie" not in lead_page.text
    plan_page = await client.get(f"{home}/plan")
    assert plan_page.status_code == 200 and "Geheime actie" not in plan_page.text
    # No way from there into the household's overview, which is not hers to read; back to the doorbraken.
    assert f'href="{home}"' not in plan_page.text and 'href="/team/doorbraken"' in plan_page.text
    form = find_form(lead_page, f"{home}/doorbraak/{escalation.id}")
    missing = await send(client, form, {"outcome": "toegekend", "arranged": ""})
    assert missing.status_code == 400 and "Schrijf op wat je hebt geregeld." in missing.text
    decided = await send(client, form, {"outcome": "toegekend", "arranged": "Voorrang geregeld bij Schuldhulp"})
    assert decided.status_code == 303
    # The decision ends the team lead's reading right at once.
    assert (await client.get(f"{home}/doorbraak/{escalation.id}")).status_code == 404
    assert (await client.get(f"{home}/plan")).status_code == 404
    await db.rollback()
    roles = set(
        await db.scalars(
            select(AccessLogEntry.resource).where(
                AccessLogEntry.actor_id == world.team_lead.id, AccessLogEntry.household_id == household.id
            )
        )
    )
    assert {"escalation", "plan"} <= roles

    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    timeline = await client.get(f"{home}/tijdlijn")
    assert "heeft de teamleider om een doorbraak gevraagd" in timeline.text
    assert "(teamleider) heeft de doorbraak toegekend: Voorrang geregeld bij Schuldhulp" in timeline.text
    assert "Voorrang geregeld bij Schuldhulp" in (await client.get(home)).text
    assert "Doorbraak toegekend" in (await client.get("/mijn")).text


async def test_refused_and_withdrawn(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world, household, _goal = await scene(db)
    home = f"/huishoudens/{household.id}"
    await signed_in_as(client, db, world.regisseur)
    page = await client.get(f"{home}/doorbraak")
    form = find_form(page, f"{home}/doorbraak")
    fields = {"blocked": "Geen woning", "blocked_by": "Regel van de corporatie", "needed": "Urgentie", "goal": "plan"}
    assert (await send(client, form, fields)).status_code == 303
    overview = await client.get(home)
    withdraw = find_form(overview, button="Doorbraak intrekken")
    assert (await send(client, withdraw)).status_code == 303
    assert "ingetrokken" in (await client.get(f"{home}/tijdlijn")).text
    # Asked again from a new form: the first form's key was used, and sending it again changes nothing.
    assert (await send(client, form, fields)).headers.get("x-onsplan-repeat") == "1"
    again = find_form(await client.get(f"{home}/doorbraak"), f"{home}/doorbraak")
    assert (await send(client, again, fields)).status_code == 303
    escalation = await db.scalar(
        select(Escalation).where(Escalation.household_id == household.id, Escalation.status == EscalationStatus.OPEN)
    )
    assert escalation is not None

    client.cookies.clear()
    await signed_in_as(client, db, world.team_lead)
    lead_page = await client.get(f"{home}/doorbraak/{escalation.id}")
    # About the plan as a whole: the goals' texts, no actions.
    assert "Schulden weg" in lead_page.text and "Budgetplan maken" not in lead_page.text
    form = find_form(lead_page, f"{home}/doorbraak/{escalation.id}")
    assert (await send(client, form, {"outcome": "afgewezen", "reason": "Daar gaan wij niet over"})).status_code == 303
    listing = await client.get("/team/doorbraken")
    assert "afgewezen door" in listing.text

    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    assert "heeft de doorbraak afgewezen: Daar gaan wij niet over" in (await client.get(f"{home}/tijdlijn")).text
