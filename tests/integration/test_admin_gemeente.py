"""The functional admin keeps the gemeente: teams and organisations created, renamed and ended (a team with
open trajectories is not ended), and the settings within their bounds, used for new sessions and for the
first evaluation. The admin's pages show no dossier content. Real forms, with the CSRF token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Municipality, Organisation, OrganisationKind, Team, WebSession, utcnow
from tests.factories import make_household, make_world, signed_in_as
from tests.integration.test_trajectory_steps import in_intake, trajectory_of


async def gemeente_of(db: AsyncSession, municipality_id: Any) -> Municipality:
    found = await db.scalar(
        select(Municipality).where(Municipality.id == municipality_id).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def test_the_admin_creates_renames_and_ends_a_team(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.admin)
    page = await client.get("/beheer/teams")
    assert page.status_code == 200 and "Wijkteam Centrum" in page.text

    # A name that an active team already has is refused, as typed.
    refused = await submit(page, "/beheer/teams", {"name": "wijkteam centrum"})
    assert refused.status_code == 400 and "Er is al een team met deze naam." in refused.text
    assert 'value="wijkteam centrum"' in refused.text
    response = await submit(refused, "/beheer/teams", {"name": "Wijkteam Zuid"})
    assert response.status_code == 303
    assert "Het team is gemaakt." in (await client.get(response.headers["location"])).text
    team = await db.scalar(select(Team).where(Team.name == "Wijkteam Zuid"))
    assert team is not None and team.municipality_id == world.municipality.id

    page = await client.get(f"/beheer/teams/{team.id}")
    response = await submit(page, f"/beheer/teams/{team.id}", {"name": "Wijkteam Zuid-West"})
    assert response.status_code == 303
    assert "De naam is veranderd." in (await client.get(response.headers["location"])).text
    await db.refresh(team)
    assert team.name == "Wijkteam Zuid-West"

    confirm = await client.get(f"/beheer/teams/{team.id}/beeindigen")
    assert confirm.status_code == 200 and "Wijkteam Zuid-West beëindigen?" in confirm.text
    await db.refresh(team)
    assert team.ended_at is None
    response = await submit(confirm, f"/beheer/teams/{team.id}/beeindigen", {})
    assert response.status_code == 303
    teams = await client.get(response.headers["location"])
    assert "Het team is beëindigd." in teams.text and "Beëindigde teams" in teams.text
    await db.refresh(team)
    assert team.ended_at is not None
    # The ended team is no longer offered for a new person; its name is free again.
    people = await client.get("/beheer/mensen")
    assert "Wijkteam Zuid-West" not in people.text
    page = await client.get("/beheer/teams")
    assert (await submit(page, "/beheer/teams", {"name": "Wijkteam Zuid-West"})).status_code == 303


async def test_a_team_with_open_trajectories_is_not_ended(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await make_household(db, world.regisseur, "Bakker")
    await make_household(db, world.regisseur, "Jansen", ("Ahmed",))
    await signed_in_as(client, db, world.admin)
    confirm = await client.get(f"/beheer/teams/{world.team.id}/beeindigen")
    assert "Dit team heeft nog 2 huishoudens met een lopend traject." in confirm.text
    # No household is named: the admin sees no dossier.
    assert "Bakker" not in confirm.text and "Jansen" not in confirm.text
    token = client.cookies["onsplan_csrf"]
    refused = await client.post(
        f"/beheer/teams/{world.team.id}/beeindigen", data={"_csrf_token": token}, headers={"x-csrftoken": token}
    )
    assert refused.status_code == 400 and "Dit team heeft nog 2 huishoudens met een lopend traject." in refused.text
    await db.refresh(world.team)
    assert world.team.ended_at is None


async def test_the_admin_creates_renames_and_ends_an_organisation(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.admin)
    page = await client.get("/beheer/organisaties")
    assert "MEE" in page.text and "Handje Helpen" in page.text
    refused = await submit(page, "/beheer/organisaties", {"name": "Schuldhulp Midden"})
    assert refused.status_code == 400 and "Kies wat voor organisatie het is." in refused.text
    response = await submit(refused, "/beheer/organisaties", {"name": "Schuldhulp Midden", "kind": "partner"})
    assert response.status_code == 303
    organisation = await db.scalar(select(Organisation).where(Organisation.name == "Schuldhulp Midden"))
    assert organisation is not None and organisation.kind == OrganisationKind.PARTNER

    page = await client.get(f"/beheer/organisaties/{organisation.id}")
    taken = await submit(page, f"/beheer/organisaties/{organisation.id}", {"name": "MEE"})
    assert taken.status_code == 400 and "Er is al een organisatie met deze naam." in taken.text
    response = await submit(taken, f"/beheer/organisaties/{organisation.id}", {"name": "Schuldhulp Utrecht"})
    assert response.status_code == 303
    await db.refresh(organisation)
    assert organisation.name == "Schuldhulp Utrecht"

    confirm = await client.get(f"/beheer/organisaties/{organisation.id}/beeindigen")
    assert confirm.status_code == 200 and "Schuldhulp Utrecht beëindigen?" in confirm.text
    response = await submit(confirm, f"/beheer/organisaties/{organisation.id}/beeindigen", {})
    assert response.status_code == 303
    listed = await client.get(response.headers["location"])
    assert "De organisatie is beëindigd." in listed.text and "Beëindigde organisaties" in listed.text
    await db.refresh(organisation)
    assert organisation.ended_at is not None
    assert "Schuldhulp Utrecht" not in (await client.get("/beheer/mensen")).text


async def test_an_ended_organisation_is_not_offered_to_share_with(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    from server.domain.plan.service import share_targets

    world = await make_world(db)
    household, _people = await make_household(db, world.regisseur)
    names = {t.name for t in await share_targets(db, household.id, world.municipality.id)}
    assert "MEE" in names
    world.partner.ended_at = utcnow()
    db.add(world.partner)
    await db.commit()
    names = {t.name for t in await share_targets(db, household.id, world.municipality.id)}
    assert "MEE" not in names


async def test_the_settings_are_saved_within_their_bounds_and_refused_outside(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.admin)
    page = await client.get("/beheer/instellingen")
    assert page.status_code == 200 and 'value="13"' in page.text and 'value="500"' in page.text

    wrong = {
        "evaluation_interval_weeks": "3",
        "budget_mandate": "10.000,01",
        "professional_idle_minutes": "90",
        "household_idle_days": "0",
    }
    refused = await submit(page, "/beheer/instellingen", wrong)
    assert refused.status_code == 400
    for message in (
        "Vul een aantal weken in van 4 tot en met 52.",
        "Vul een bedrag in euro in van 0 tot en met 10.000",
        "Vul een aantal minuten in van 5 tot en met 60.",
        "Vul een aantal dagen in van 1 tot en met 30.",
    ):
        assert message in refused.text
    assert 'value="10.000,01"' in refused.text
    # One wrong field keeps the others from being saved too.
    half = await submit(refused, "/beheer/instellingen", {**wrong, "evaluation_interval_weeks": "6"})
    assert half.status_code == 400
    gemeente = await gemeente_of(db, world.municipality.id)
    assert gemeente.evaluation_interval_weeks == 13 and gemeente.budget_mandate_cents == 50000

    response = await submit(
        half,
        "/beheer/instellingen",
        {
            "evaluation_interval_weeks": "6",
            "budget_mandate": "1.250,50",
            "professional_idle_minutes": "15",
            "household_idle_days": "3",
        },
    )
    assert response.status_code == 303
    saved = await client.get(response.headers["location"])
    assert "De instellingen zijn bewaard." in saved.text and 'value="1250,50"' in saved.text
    gemeente = await gemeente_of(db, world.municipality.id)
    assert (
        gemeente.evaluation_interval_weeks,
        gemeente.budget_mandate_cents,
        gemeente.professional_idle_minutes,
        gemeente.household_idle_days,
    ) == (6, 125050, 15, 3)


async def test_the_set_of_leefgebieden_does_not_change_once_households_have_ratings(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    from server.domain.ratings.instruments import built_in

    world = await make_world(db)
    other = next(key for key in built_in() if key != "zrm11")
    await signed_in_as(client, db, world.admin)
    page = await client.get("/beheer/instellingen")
    response = await submit(page, "/beheer/instellingen", {"instrument": other})
    assert response.status_code == 303
    assert (await gemeente_of(db, world.municipality.id)).instrument_key == other
    page = await client.get("/beheer/instellingen")
    assert (await submit(page, "/beheer/instellingen", {"instrument": "zrm11"})).status_code == 303
    assert (await gemeente_of(db, world.municipality.id)).instrument_key == "zrm11"

    await in_intake(db, world)  # the regisseur rated one leefgebied at the intake
    page = await client.get("/beheer/instellingen")
    assert "1 huishouden heeft al metingen met de set" in page.text
    refused = await submit(page, "/beheer/instellingen", {"instrument": other})
    assert refused.status_code == 400 and "daarom kan de set niet meer wisselen" in refused.text
    assert (await gemeente_of(db, world.municipality.id)).instrument_key == "zrm11"


async def test_the_gemeentes_idle_time_is_used_for_a_new_session(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.admin)
    page = await client.get("/beheer/instellingen")
    response = await submit(
        page, "/beheer/instellingen", {"professional_idle_minutes": "10", "household_idle_days": "2"}
    )
    assert response.status_code == 303
    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    _household, (sanne,) = await make_household(db, world.regisseur)
    rows = list(await db.scalars(select(WebSession).where(WebSession.person_id == world.regisseur.id)))
    assert [row.data["idle_minutes"] for row in rows] == [10]
    client.cookies.clear()
    await signed_in_as(client, db, sanne)
    rows = list(await db.scalars(select(WebSession).where(WebSession.person_id == sanne.id)))
    assert [row.data["idle_minutes"] for row in rows] == [2 * 24 * 60]


async def test_the_first_evaluation_follows_the_gemeentes_interval(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.admin)
    page = await client.get("/beheer/instellingen")
    assert (await submit(page, "/beheer/instellingen", {"evaluation_interval_weeks": "6"})).status_code == 303
    household, _sanne = await in_intake(db, world)
    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    base = f"/huishoudens/{household.id}"
    today = utcnow().date()
    page = await client.get(f"{base}/akkoord/aan-tafel")
    response = await submit(page, f"{base}/akkoord/aan-tafel", {"agreed_on": today.isoformat()})
    assert response.status_code == 303
    trajectory = await trajectory_of(db, household)
    assert trajectory.next_evaluation_on == today + dt.timedelta(weeks=6)
    execution = await client.get(f"{base}/uitvoering")
    assert f'value="{(today + dt.timedelta(weeks=6)).isoformat()}"' in execution.text


async def test_the_admins_start_page_lands_on_work_and_no_dossier(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, _people = await make_household(db, world.regisseur, "Bakker")
    await signed_in_as(client, db, world.admin)
    start = await client.get("/mijn")
    assert start.status_code == 200
    for link in ('href="/beheer/mensen"', 'href="/beheer/teams"', 'href="/beheer/organisaties"'):
        assert link in start.text
    assert 'href="/beheer/instellingen"' in start.text
    assert "hebben nog geen passkey" in start.text
    for path in ("/beheer/mensen", "/beheer/teams", f"/beheer/teams/{world.team.id}", "/beheer/instellingen"):
        page = await client.get(path)
        assert page.status_code == 200 and "Bakker" not in page.text and "Sanne" not in page.text
    # A household's pages stay closed to the admin.
    for path in ("", "/plan", "/tijdlijn"):
        assert (await client.get(f"/huishoudens/{household.id}{path}")).status_code == 404


async def test_a_regisseur_of_an_ended_team_registers_no_new_household(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.admin)
    confirm = await client.get(f"/beheer/teams/{world.other_team.id}/beeindigen")
    assert "1 medewerker heeft hier nog een rol." in confirm.text
    assert (await submit(confirm, f"/beheer/teams/{world.other_team.id}/beeindigen", {})).status_code == 303
    client.cookies.clear()
    await signed_in_as(client, db, world.other_regisseur)
    page = await client.get("/huishoudens/nieuw")
    refused = await submit(
        page, "/huishoudens/nieuw", {"name": "De Vries", "member_0_name": "Petra", "member_0_adult": "ja"}
    )
    assert refused.status_code == 403 and "Je team is beëindigd." in refused.text
