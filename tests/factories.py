"""Factories for test data, built through the domain's own functions, and a real passkey sign-in."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth import enrolment
from server.domain.models import Household, Member, Municipality, Organisation, OrganisationKind, Person, Role, Team
from server.domain.people import HouseholdInput, MemberInput, create_person, register_household
from server.domain.policy import actor_for
from tests.soft_authenticator import SoftPasskey

_seq = itertools.count(1)
TEST_ORIGIN = "http://testserver.local"
TEST_RP_ID = "testserver.local"


@dataclass
class World:
    """A gemeente with two teams, a partner and a volunteer organisation, and their people."""

    municipality: Municipality
    team: Team
    other_team: Team
    partner: Organisation
    volunteer_org: Organisation
    regisseur: Person
    colleague: Person
    other_regisseur: Person
    team_lead: Person
    admin: Person
    coordinator: Person


async def make_world(db: AsyncSession) -> World:
    n = next(_seq)
    municipality = Municipality(name=f"Gemeente {n}", slug=f"gemeente-{n}-{uuid.uuid4().hex[:6]}")
    db.add(municipality)
    await db.flush()
    team = Team(municipality_id=municipality.id, name="Wijkteam Centrum")
    other_team = Team(municipality_id=municipality.id, name="Wijkteam Noord")
    partner = Organisation(municipality_id=municipality.id, name="MEE", kind=OrganisationKind.PARTNER)
    volunteer_org = Organisation(municipality_id=municipality.id, name="Handje Helpen", kind=OrganisationKind.VOLUNTEER)
    db.add_all([team, other_team, partner, volunteer_org])
    await db.flush()

    async def person(name: str, role: Role, **context: Any) -> Person:
        return await create_person(db, municipality_id=municipality.id, display_name=name, role=role, **context)

    world = World(
        municipality=municipality,
        team=team,
        other_team=other_team,
        partner=partner,
        volunteer_org=volunteer_org,
        regisseur=await person("Fatima", Role.REGISSEUR, team_id=team.id),
        colleague=await person("Joost", Role.REGISSEUR, team_id=team.id),
        other_regisseur=await person("Ilse", Role.REGISSEUR, team_id=other_team.id),
        team_lead=await person("Karin", Role.TEAM_LEAD, team_id=team.id),
        admin=await person("Bram", Role.ADMIN),
        coordinator=await person("Ria", Role.VOLUNTEER_COORDINATOR, organisation_id=volunteer_org.id),
    )
    await db.commit()
    return world


async def make_household(
    db: AsyncSession, regisseur: Person, name: str = "Bakker", adults: tuple[str, ...] = ("Sanne",), children: int = 1
) -> tuple[Household, list[Person]]:
    await db.refresh(regisseur, ["roles"])
    members = [MemberInput(a, True) for a in adults] + [MemberInput(f"Kind {i + 1}", False) for i in range(children)]
    household = await register_household(
        db, actor_for(regisseur), HouseholdInput(name=name, wijk="Molenvliet", members=members)
    )
    await db.commit()
    await db.refresh(household, ["members"])
    adults_people = []
    for member in household.members:
        if member.person_id:
            person = await db.get(Person, member.person_id)
            assert person is not None
            adults_people.append(person)
    return household, adults_people


async def adult_member(db: AsyncSession, household: Household) -> Member:
    await db.refresh(household, ["members"])
    return next(m for m in household.members if m.is_adult)


async def issue_link(db: AsyncSession, person: Person) -> str:
    link = await enrolment.issue(db, person=person, created_by=None, origin=TEST_ORIGIN)
    await db.commit()
    return link.url.split("/aanmelden/")[1]


async def csrf_header(client: AsyncTestClient[Litestar]) -> dict[str, str]:
    """A browser has the CSRF cookie from the first page it opened; fetch() sends it back as a header."""
    if "onsplan_csrf" not in client.cookies:
        await client.get("/")
    return {"x-csrftoken": client.cookies["onsplan_csrf"]}


async def enrol(client: AsyncTestClient[Litestar], token: str, passkey: SoftPasskey, name: str = "Telefoon") -> Any:
    headers = await csrf_header(client)
    options = await client.post("/passkeys/registratie/opties", json={"token": token}, headers=headers)
    assert options.status_code == 200, options.text
    credential = passkey.register(options.json()["publicKey"])
    return await client.post("/passkeys/registratie", json={"credential": credential, "name": name}, headers=headers)


async def sign_in(client: AsyncTestClient[Litestar], passkey: SoftPasskey, next_path: str = "") -> Any:
    headers = await csrf_header(client)
    options = await client.post("/passkeys/inloggen/opties", headers=headers)
    assert options.status_code == 200, options.text
    credential = passkey.sign_in(options.json()["publicKey"])
    return await client.post("/passkeys/inloggen", json={"credential": credential, "next": next_path}, headers=headers)


async def signed_in_as(client: AsyncTestClient[Litestar], db: AsyncSession, person: Person) -> SoftPasskey:
    """Enrol ``person`` with a fresh link and a software passkey; the client is then signed in."""
    passkey = SoftPasskey(rp_id=TEST_RP_ID, origin=TEST_ORIGIN)
    response = await enrol(client, await issue_link(db, person), passkey)
    assert response.status_code == 200, response.text
    return passkey
