"""Inviting someone for an action in one flow, also when they are not on the network map yet: the action form
saves the action and goes on to the invitation, where the household puts the person on the map (name and
relation) and makes the link in the same step, without JavaScript and without losing what was typed."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.network.model import NetworkPerson
from server.domain.plan.model import PlanAction
from tests.integration.test_network import TOKEN
from tests.integration.test_plan import member_with_plan

WHAT = "Oma vragen of zij op woensdag Milan ophaalt"
SAVE_AND_INVITE = "Bewaar en nodig iemand uit ons netwerk uit"


async def test_an_action_for_someone_not_on_the_map_is_saved_and_that_person_invited_in_one_flow(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    home = f"/huishoudens/{household.id}"
    form_url = f"{home}/plan/doelen/{goal.id}/acties/nieuw"
    form = await client.get(form_url)
    assert SAVE_AND_INVITE in form.text

    saved = await submit(
        form,
        f"{home}/plan/doelen/{goal.id}/acties",
        {"what": WHAT, "who_type": "netwerk", "performer": "Oma Ineke", "status": "open"},
        button=SAVE_AND_INVITE,
    )
    assert saved.status_code == 303
    action = await db.scalar(select(PlanAction).where(PlanAction.goal_id == goal.id))
    assert action is not None and action.what == WHAT and action.performer == "Oma Ineke"
    assert saved.headers["location"] == f"{home}/netwerk/uitnodigen?actie={action.id}"

    # Nobody is on the map yet: the invitation asks for the new person, with the name typed in the action.
    invitation = await client.get(saved.headers["location"])
    assert invitation.status_code == 200
    assert "Zet eerst iemand op de netwerkkaart" not in invitation.text
    assert f"Voor de actie: {WHAT}" in invitation.text
    assert 'value="Oma Ineke"' in invitation.text

    # Left without a relation: nothing is stored, the form keeps what was typed.
    incomplete = await submit(invitation, f"{home}/netwerk/uitnodigen", {"message": "Hoi mam, help je mee?"})
    assert incomplete.status_code == 400
    assert "Kies wie deze persoon voor jullie is." in incomplete.text
    assert 'value="Oma Ineke"' in incomplete.text and "Hoi mam, help je mee?" in incomplete.text
    assert await db.scalar(select(func.count()).select_from(NetworkPerson)) == 0

    invited = await submit(
        incomplete, f"{home}/netwerk/uitnodigen", {"new_relation": "familie", "message": "Hoi mam, help je mee?"}
    )
    assert invited.status_code == 303
    assert invited.headers["location"] == f"{home}/netwerk/link"
    link_page = await client.get(invited.headers["location"])
    assert "Aanmeldlink voor Oma Ineke" in link_page.text
    assert TOKEN.search(link_page.text)
    # Back from the link: to the action in the plan.
    assert f"{home}/plan#actie-{action.id}" in link_page.text

    row = await db.scalar(select(NetworkPerson).where(NetworkPerson.household_id == household.id))
    assert row is not None and row.name == "Oma Ineke" and row.relation == "familie" and row.person_id is not None
    await db.refresh(action)
    assert action.assigned_person_id == row.person_id
    timeline = await client.get(f"{home}/tijdlijn")
    assert "Anouk zette Oma Ineke op de netwerkkaart." in timeline.text
    assert f"Anouk nodigde Oma Ineke uit voor: \u201c{WHAT}\u201d." in timeline.text
    network_map = await client.get(f"{home}/netwerk")
    assert "Oma Ineke" in network_map.text


async def test_save_and_invite_asks_for_an_action_for_the_network_and_keeps_what_was_typed(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    home = f"/huishoudens/{household.id}"
    refused = await submit(
        f"{home}/plan/doelen/{goal.id}/acties/nieuw",
        f"{home}/plan/doelen/{goal.id}/acties",
        {"what": WHAT, "who_type": "zelf", "status": "open"},
        button=SAVE_AND_INVITE,
    )
    assert refused.status_code == 400
    assert "kies dan bij \u2018Wie doet het?\u2019 iemand uit jullie netwerk" in refused.text
    assert WHAT in refused.text
    assert await db.scalar(select(func.count()).select_from(PlanAction)) == 0


async def test_someone_already_on_the_map_is_chosen_and_a_new_name_beside_it_is_refused(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    home = f"/huishoudens/{household.id}"
    added = await submit(f"{home}/netwerk/nieuw", f"{home}/netwerk", {"name": "Buurvrouw Els", "relation": "buur"})
    assert added.status_code == 303
    els = await db.scalar(select(NetworkPerson).where(NetworkPerson.name == "Buurvrouw Els"))
    assert els is not None
    saved = await submit(
        f"{home}/plan/doelen/{goal.id}/acties/nieuw",
        f"{home}/plan/doelen/{goal.id}/acties",
        {"what": "Els vragen om boodschappen", "who_type": "netwerk", "status": "open"},
        button=SAVE_AND_INVITE,
    )
    invitation = await client.get(saved.headers["location"])
    both = await submit(
        invitation, f"{home}/netwerk/uitnodigen", {"network_person": str(els.id), "new_name": "Oom Kees"}
    )
    assert both.status_code == 400
    assert "Kies iemand van de netwerkkaart of vul een nieuwe naam in, niet allebei." in both.text
    chosen = await submit(both, f"{home}/netwerk/uitnodigen", {"network_person": str(els.id), "new_name": ""})
    assert chosen.status_code == 303
    assert await db.scalar(select(func.count()).select_from(NetworkPerson)) == 1
