"""The netwerkkaart, inviting a network member, what they see, and ending their access, through real forms."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import AccessLogEntry, Household, Person, TimelineEvent
from server.domain.network.model import NetworkPerson
from server.domain.plan.model import ActionStatus, Goal, PlanAction
from tests.conftest import csrf_from
from tests.factories import TEST_ORIGIN, TEST_RP_ID, World, enrol, make_household, make_world, sign_in, signed_in_as
from tests.integration.test_plan import add_action, add_goal, member_with_plan
from tests.soft_authenticator import SoftPasskey

TOKEN = re.compile(r"/aanmelden/([A-Za-z0-9_-]+)")
OMA = {"name": "Oma Ineke", "relation": "familie", "kind": "informeel", "ring": "1", "can_help_with": "Milan ophalen"}
MESSAGE = "Hoi mam, wil je op woensdag Milan ophalen? Dan zie je het hier."


def _map(household: Household) -> str:
    return f"/huishoudens/{household.id}/netwerk"


async def add_person(submit: Any, household: Household, *, hostile: bool = False, **fields: Any) -> Any:
    return await submit(f"{_map(household)}/nieuw", _map(household), {**OMA, **fields}, hostile=hostile)


async def network_person(db: AsyncSession, household: Household, name: str) -> NetworkPerson:
    row = await db.scalar(
        select(NetworkPerson).where(NetworkPerson.household_id == household.id, NetworkPerson.name == name)
    )
    assert row is not None, f"{name} is not on the map"
    return row


async def invite(
    submit: Any, household: Household, row: NetworkPerson, action: PlanAction | None, message: str = MESSAGE
) -> Any:
    page = f"{_map(household)}/uitnodigen" + (f"?actie={action.id}" if action else "")
    form = {"network_person": str(row.id), "action": str(action.id) if action else "", "message": message}
    return await submit(page, f"{_map(household)}/uitnodigen", form)


async def grandmother_invited(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> tuple[World, Household, Person, Goal, PlanAction, str]:
    """Anouk's plan with an action for the network and one for herself; Oma Ineke on the map and invited
    for the first. Returns the enrolment token from the link page."""
    world, household, anouk, goal = await member_with_plan(client, db, submit)
    await add_action(submit, household, goal, what="Oma vragen of zij woensdag Milan ophaalt", who_type="netwerk")
    await add_action(submit, household, goal, what="Zelf de juf bellen over Milan", who_type="zelf")
    await add_goal(submit, household, domain_key="financien", text="Ik wil overzicht over mijn geld.")
    grandma_action = await db.scalar(select(PlanAction).where(PlanAction.who_type == "netwerk"))
    assert grandma_action is not None
    assert (await add_person(submit, household)).status_code == 303
    row = await network_person(db, household, "Oma Ineke")

    plan_page = await client.get(f"/huishoudens/{household.id}/plan")
    assert f"/netwerk/uitnodigen?actie={grandma_action.id}" in plan_page.text
    invited = await invite(submit, household, row, grandma_action)
    assert invited.status_code == 303
    assert invited.headers["location"] == f"/huishoudens/{household.id}/netwerk/link"
    link_page = await client.get(invited.headers["location"])
    assert "Aanmeldlink voor Oma Ineke" in link_page.text
    assert MESSAGE in link_page.text
    assert "<svg" in link_page.text
    found = TOKEN.search(link_page.text)
    assert found
    return world, household, anouk, goal, grandma_action, found.group(1)


async def sign_in_grandmother(client: AsyncTestClient[Litestar], token: str) -> SoftPasskey:
    client.cookies.clear()
    welcome = await client.get(f"/aanmelden/{token}")
    assert "Welkom, Oma Ineke" in welcome.text
    assert MESSAGE in welcome.text and "Bericht van Anouk" in welcome.text
    passkey = SoftPasskey(rp_id=TEST_RP_ID, origin=TEST_ORIGIN)
    response = await enrol(client, token, passkey)
    assert response.status_code == 200, response.text
    return passkey


async def test_the_map_draws_and_lists_everyone_and_keeps_apart_who_should_not_be_involved(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, _goal = await member_with_plan(client, db, submit)
    assert (await add_person(submit, household)).status_code == 303
    juf = {"name": "Juf Mirjam", "relation": "anders", "kind": "formeel", "ring": "2", "can_help_with": ""}
    assert (await add_person(submit, household, **juf)).status_code == 303
    father = {"name": "Vader van Milan", "ring": "3", "not_involved": "ja", "not_involved_reason": "Te veel onrust."}
    assert (await add_person(submit, household, **father)).status_code == 303

    page = await client.get(_map(household))
    assert page.status_code == 200
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    # One circle for Oma (informal), one square for the juf (formal), plus one of each in the legend.
    assert svg.count('class="map__informal"') == 2
    assert svg.count('class="map__formal"') == 2
    assert "Oma Ineke" in svg and "Juf Mirjam" in svg
    assert "Vader van Milan" not in svg
    assert "Heel dichtbij: 1, dichtbij: 1, verder weg: 0" in svg
    listed = page.text[page.text.index('id="people-title"') : page.text.index('id="not-involved-title"')]
    assert "Oma Ineke" in listed and "familie · informeel · heel dichtbij" in listed
    assert "Kan helpen met: Milan ophalen" in listed
    assert "Juf Mirjam" in listed and "formeel · dichtbij" in listed
    apart = page.text[page.text.index('id="not-involved-title"') :]
    assert "Vader van Milan" in apart and "Waarom: Te veel onrust." in apart
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert "Anouk zette Oma Ineke op de netwerkkaart." in timeline.text


async def test_a_wrong_person_is_refused_with_dutch_messages_and_nothing_is_stored(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, _goal = await member_with_plan(client, db, submit)
    # "buurman" and ring 7 are not among the form's choices: sent as a hostile client would.
    response = await add_person(
        submit, household, name="  ", relation="buurman", ring="7", can_help_with="Koken", hostile=True
    )
    assert response.status_code == 400
    assert "Vul een naam in." in response.text
    assert "Kies wie deze persoon voor jullie is." in response.text
    assert "Kies hoe dichtbij deze persoon staat." in response.text
    assert ">Koken</textarea>" in response.text
    assert await db.scalar(select(func.count()).select_from(NetworkPerson)) == 0


async def test_a_grandmother_invited_from_an_action_sees_only_her_action_ticks_it_and_adds_a_note(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, goal, action, token = await grandmother_invited(client, db, submit)
    other, _people = await make_household(db, world.regisseur, "Jansen", ("Peter",))
    await sign_in_grandmother(client, token)

    me = await client.get("/mijn")
    assert "Plan van De Vries" in me.text
    plan_page = await client.get(f"/huishoudens/{household.id}/plan")
    assert plan_page.status_code == 200
    assert "Oma vragen of zij woensdag Milan ophaalt" in plan_page.text
    assert goal.text in plan_page.text
    assert "Zelf de juf bellen over Milan" not in plan_page.text
    assert "Ik wil overzicht over mijn geld." not in plan_page.text
    for closed in (
        f"/huishoudens/{household.id}/scores",
        f"/huishoudens/{household.id}/netwerk",
        f"/huishoudens/{household.id}/tijdlijn",
        f"/huishoudens/{other.id}/plan",
    ):
        assert (await client.get(closed)).status_code == 404, closed

    ticked = await submit(plan_page, f"/huishoudens/{household.id}/plan/acties/{action.id}/afvinken", {"gedaan": "ja"})
    assert ticked.status_code == 303
    noted = await submit(
        f"/huishoudens/{household.id}/plan",
        f"/huishoudens/{household.id}/plan/acties/{action.id}/notitie",
        {"note": "Milan was blij, volgende week weer."},
    )
    assert noted.status_code == 303
    await db.refresh(action)
    assert action.status == ActionStatus.GEDAAN
    assert action.note == "Milan was blij, volgende week weer."
    looks = await db.scalar(
        select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.household_id == household.id)
    )
    assert looks and looks >= 1

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    seen = await client.get(f"/huishoudens/{household.id}/plan")
    assert "Notitie: Milan was blij, volgende week weer." in seen.text
    log = await client.get(f"/huishoudens/{household.id}/inzage")
    assert "Oma Ineke keek " in log.text and "Bekeken: jullie plan" in log.text
    assert "iemand uit jullie netwerk die jullie uitnodigden" in log.text
    assert "jullie vroegen Oma Ineke om: \u201cOma vragen of zij woensdag Milan ophaalt\u201d" in log.text
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert "Anouk nodigde Oma Ineke uit voor:" in timeline.text
    assert "Oma Ineke vinkte" in timeline.text


async def test_the_household_withdraws_access_and_the_next_request_is_refused(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, anouk, _goal, action, token = await grandmother_invited(client, db, submit)
    passkey = await sign_in_grandmother(client, token)
    assert (await client.get(f"/huishoudens/{household.id}/plan")).status_code == 200
    grandma_cookies = dict(client.cookies)

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    row = await network_person(db, household, "Oma Ineke")
    map_page = await client.get(_map(household))
    assert "Kijkt mee met jullie plan" in map_page.text
    withdrawn = await submit(map_page, f"{_map(household)}/{row.id}/toegang-intrekken")
    assert withdrawn.status_code == 303
    after = await client.get(withdrawn.headers["location"])
    assert "De toegang is ingetrokken." in after.text
    await db.refresh(action)
    assert action.assigned_person_id is None

    client.cookies.clear()
    client.cookies.update(grandma_cookies)
    # Her open session ended with her access: the old cookie is signed out.
    refused = await client.get(f"/huishoudens/{household.id}/plan", follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/inloggen")
    client.cookies.clear()
    # Her passkey still signs her in, but the plan is no longer among hers.
    me = await signed_in_again(client, passkey)
    assert "Plan van De Vries" not in me
    assert (await client.get(f"/huishoudens/{household.id}/plan")).status_code == 404


async def signed_in_again(client: AsyncTestClient[Litestar], passkey: SoftPasskey) -> str:
    response = await sign_in(client, passkey)
    assert response.status_code == 200, response.text
    return str((await client.get("/mijn")).text)


async def test_a_network_member_can_leave_the_plan(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, anouk, _goal, _action, token = await grandmother_invited(client, db, submit)
    await sign_in_grandmother(client, token)
    left = await submit("/mijn", f"/huishoudens/{household.id}/verlaten")
    assert left.status_code == 303
    assert "Je doet niet meer mee met dat plan." in (await client.get(left.headers["location"])).text
    assert (await client.get(f"/huishoudens/{household.id}/plan")).status_code == 404

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert "Oma Ineke doet niet meer mee met jullie plan." in timeline.text


async def test_one_helper_with_too_many_open_actions_gives_a_warning(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    await add_person(submit, household)
    row = await network_person(db, household, "Oma Ineke")
    for day in ("maandag", "dinsdag", "woensdag", "donderdag"):
        await add_action(submit, household, goal, what=f"Op {day} Milan ophalen", who_type="netwerk")
    actions = list(await db.scalars(select(PlanAction).order_by(PlanAction.created_at)))
    for index, action in enumerate(actions):
        assert (await invite(submit, household, row, action)).status_code == 303
        page = await client.get(_map(household))
        warned = "Oma Ineke heeft 4 open acties." in page.text
        # The first invitation makes a link; later ones need none until she has a passkey.
        assert warned == (index == 3), index
    assert "Let op: vraag niet alles aan één persoon" in page.text


async def test_someone_the_household_does_not_want_involved_cannot_be_invited(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, _goal = await member_with_plan(client, db, submit)
    await add_person(submit, household, name="Vader van Milan", not_involved="ja")
    row = await network_person(db, household, "Vader van Milan")
    # The invitation page does not offer him (only someone new): the post is made by hand with the page's token.
    page = await client.get(f"{_map(household)}/uitnodigen")
    assert str(row.id) not in page.text and "Vader van Milan" not in page.text
    response = await client.post(
        f"{_map(household)}/uitnodigen",
        data={"_csrf_token": csrf_from(page.text), "network_person": str(row.id), "action": "", "message": MESSAGE},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "Jullie willen deze persoon liever niet betrekken." in response.text
    assert row.person_id is None
    assert (
        await db.scalar(select(func.count()).select_from(TimelineEvent).where(TimelineEvent.kind == "network.invited"))
        == 0
    )


async def test_the_regisseur_keeps_the_map_with_the_household_but_only_the_household_invites(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, _people = await make_world_with_household(db)
    await signed_in_as(client, db, world.regisseur)
    assert (await add_person(submit, household, name="Buurvrouw Trees", relation="buur")).status_code == 303
    row = await network_person(db, household, "Buurvrouw Trees")
    page = await client.get(_map(household))
    assert "Buurvrouw Trees" in page.text
    assert "Uitnodigen" not in page.text
    assert (await client.get(f"{_map(household)}/uitnodigen")).status_code == 404
    # No page shows the regisseur an invitation form: the post is forged with the map page's token.
    refused = await client.post(
        f"{_map(household)}/uitnodigen",
        data={"_csrf_token": csrf_from(page.text), "network_person": str(row.id), "message": ""},
        follow_redirects=False,
    )
    assert refused.status_code == 404
    assert row.person_id is None


async def make_world_with_household(db: AsyncSession) -> tuple[World, Household, list[Person]]:
    world = await make_world(db)
    household, people = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    return world, household, people


async def test_marking_someone_as_rather_not_involved_ends_their_access(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, anouk, _goal, _action, token = await grandmother_invited(client, db, submit)
    await sign_in_grandmother(client, token)
    grandma_cookies = dict(client.cookies)

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    row = await network_person(db, household, "Oma Ineke")
    changed = await submit(
        f"{_map(household)}/{row.id}/bewerken",
        f"{_map(household)}/{row.id}/bewerken",
        {**OMA, "not_involved": "ja", "not_involved_reason": "Even niet."},
    )
    assert changed.status_code == 303
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert "Anouk trok de toegang van Oma Ineke tot jullie plan in." in timeline.text

    client.cookies.clear()
    client.cookies.update(grandma_cookies)
    refused = await client.get(f"/huishoudens/{household.id}/plan", follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/inloggen")
