"""Who enrols whom: a regisseur registers a household, the admin enrols professionals, a coordinator
enrols volunteers. Real forms, with the CSRF token from the page."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Household, Member, Person, Role, RoleAssignment, TimelineEvent, Trajectory
from tests.factories import make_world, signed_in_as

HOUSEHOLD_FORM = {
    "name": "De Vries",
    "wijk": "Schilderskwartier",
    "address": "Rembrandtlaan 4",
    "phone": "06 12345678",
    "referral_source": "ketenpartner",
    "referred_by": "jeugdverpleegkundige",
    "member_0_name": "Petra",
    "member_0_adult": "ja",
    "member_1_name": "Mo",
}


async def test_regisseur_registers_a_household_with_its_members(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.regisseur)
    response = await submit("/huishoudens/nieuw", "/huishoudens/nieuw", HOUSEHOLD_FORM)
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Huishouden De Vries" in page.text
    assert "Petra" in page.text and "Mo" in page.text and "(kind)" in page.text

    household = await db.scalar(select(Household).where(Household.name == "De Vries"))
    assert household is not None and household.team_id == world.team.id
    trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == household.id))
    assert trajectory is not None and trajectory.regisseur_id == world.regisseur.id
    assert trajectory.phase == "aanmelding" and trajectory.referral_source == "ketenpartner"
    members = list(await db.scalars(select(Member).where(Member.household_id == household.id)))
    assert {(m.first_name, m.person_id is not None) for m in members} == {("Petra", True), ("Mo", False)}
    role = await db.scalar(select(RoleAssignment).where(RoleAssignment.household_id == household.id))
    assert role is not None and role.role == Role.HOUSEHOLD_MEMBER
    assert (
        await db.scalar(
            select(func.count()).select_from(TimelineEvent).where(TimelineEvent.household_id == household.id)
        )
        == 1
    )


async def test_invalid_household_form_keeps_what_was_typed_and_stores_nothing(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.regisseur)
    form = {**HOUSEHOLD_FORM, "name": "  ", "member_0_adult": ""}
    response = await submit("/huishoudens/nieuw", "/huishoudens/nieuw", form)
    assert response.status_code == 400
    assert "Geef het huishouden een naam" in response.text
    assert "Vul ten minste één volwassene in." in response.text
    assert 'value="Schilderskwartier"' in response.text
    assert 'value="Petra"' in response.text
    assert await db.scalar(select(func.count()).select_from(Household)) == 0


async def test_household_member_cannot_register_households(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.team_lead)
    assert (await client.get("/huishoudens/nieuw")).status_code == 403


async def test_admin_enrols_a_professional_and_gets_a_link(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.admin)
    response = await submit(
        "/beheer/mensen",
        "/beheer/mensen",
        {"name": "Noor de Boer", "role": "partner_professional", "context": str(world.partner.id)},
    )
    assert response.status_code == 303
    shown = await client.get(response.headers["location"])
    assert "Aanmeldlink voor Noor de Boer" in shown.text
    noor = await db.scalar(select(Person).where(Person.display_name == "Noor de Boer"))
    assert noor is not None
    role = await db.scalar(select(RoleAssignment).where(RoleAssignment.person_id == noor.id))
    assert role is not None and role.organisation_id == world.partner.id


async def test_admin_form_refuses_a_regisseur_without_team(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.admin)
    response = await submit("/beheer/mensen", "/beheer/mensen", {"name": "Tess", "role": "regisseur", "context": ""})
    assert response.status_code == 400
    assert "Kies het team" in response.text
    assert 'value="Tess"' in response.text
    assert await db.scalar(select(Person).where(Person.display_name == "Tess")) is None


async def test_regisseur_cannot_manage_people(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.regisseur)
    assert (await client.get("/beheer/mensen")).status_code == 403
    assert (await client.get("/vrijwilligers")).status_code == 403


async def test_coordinator_enrols_a_volunteer_of_their_own_organisation(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.coordinator)
    response = await submit("/vrijwilligers", "/vrijwilligers", {"name": "Henk"})
    assert response.status_code == 303
    shown = await client.get(response.headers["location"])
    assert "Aanmeldlink voor Henk" in shown.text
    henk = await db.scalar(select(Person).where(Person.display_name == "Henk"))
    assert henk is not None
    role = await db.scalar(select(RoleAssignment).where(RoleAssignment.person_id == henk.id))
    assert role is not None and role.role == Role.VOLUNTEER and role.organisation_id == world.volunteer_org.id
    page = await client.get("/vrijwilligers")
    assert "Henk" in page.text


async def test_lost_phone_regisseur_switches_off_the_members_passkeys(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, app: Litestar
) -> None:
    from tests.factories import make_household, sign_in

    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur)
    sanne_key = await signed_in_as(client, db, sanne)
    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    member = next(m for m in household.members if m.person_id == sanne.id)
    response = await submit(
        f"/huishoudens/{household.id}", f"/huishoudens/{household.id}/leden/{member.id}/passkeys-intrekken", {}
    )
    assert response.status_code == 303
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert "Fatima zette de passkeys van Sanne uit." in timeline.text
    client.cookies.clear()
    refused = await sign_in(client, sanne_key)
    assert refused.status_code == 400
