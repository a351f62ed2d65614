"""The regisseur's workspace, first two steps: the aanmelding on the registration form (a household that
already has an open trajectory is not registered twice) and the triage with its four outcomes. Real forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import AccessLogEntry, Household, Phase, Trajectory
from tests.factories import World, make_household, make_world, signed_in_as

NEW = "/huishoudens/nieuw"
REGISTRATION = {
    "name": "De Vries",
    "wijk": "Schilderskwartier",
    "address": "Rembrandtlaan 4",
    "phone": "06 12345678",
    "referral_source": "ketenpartner",
    "referred_by": "jeugdverpleegkundige",
    "question": "We willen weer rust, de brieven stapelen zich op.",
    "registered_on": "2026-11-02",
    "member_0_name": "Petra",
    "member_0_adult": "ja",
}


async def households_named(db: AsyncSession, name: str) -> int:
    return int(await db.scalar(select(func.count()).select_from(Household).where(Household.name == name)) or 0)


async def register(submit: Any, **changes: str) -> Any:
    return await submit(NEW, NEW, {**REGISTRATION, **changes})


async def trajectory_of(db: AsyncSession, household_id: object) -> Trajectory:
    trajectory = await db.scalar(
        select(Trajectory).where(Trajectory.household_id == household_id).execution_options(populate_existing=True)
    )
    assert trajectory is not None
    return trajectory


async def registered(client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, world: World) -> Household:
    await signed_in_as(client, db, world.regisseur)
    response = await register(submit)
    assert response.status_code == 303, response.text
    household = await db.scalar(select(Household).where(Household.name == "De Vries"))
    assert household is not None
    return household


async def test_registration_keeps_the_aanmelding(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household = await registered(client, db, submit, world)
    trajectory = await trajectory_of(db, household.id)
    assert trajectory.phase == Phase.AANMELDING and trajectory.referral_source == "ketenpartner"
    assert trajectory.referred_by == "jeugdverpleegkundige"
    assert trajectory.question == "We willen weer rust, de brieven stapelen zich op."
    assert trajectory.started_on == dt.date(2026, 11, 2)

    overview = await client.get(f"/huishoudens/{household.id}")
    assert "Fase: aanmelding · sinds 2 november 2026" in overview.text
    assert f'href="/huishoudens/{household.id}/triage"' in overview.text
    page = await client.get(f"/huishoudens/{household.id}/triage")
    assert page.status_code == 200
    for text in ("2 november 2026", "via een ketenpartner (jeugdverpleegkundige)", "de brieven stapelen zich op"):
        assert text in page.text
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert (
        "Fatima heeft jullie huishouden aangemeld. Jullie vraag: \u201cWe willen weer rust, de brieven stapelen zich "
        "op.\u201d" in timeline.text
    )


async def test_a_refused_registration_keeps_the_aanmelding_as_typed(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.regisseur)
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)).isoformat()
    response = await register(submit, registered_on=tomorrow, question="Brieven\x07")
    assert response.status_code == 400
    assert "De datum van aanmelding kan niet in de toekomst liggen." in response.text
    assert "Hier staat een teken in dat niet kan" in response.text
    assert f'value="{tomorrow}"' in response.text and 'value="Rembrandtlaan 4"' in response.text
    assert await households_named(db, "De Vries") == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"wijk": "", "phone": "", "address": "rembrandtlaan 4"},  # the same address, written differently
        {"address": "", "phone": "+31 6 1234 5678"},  # the same number, written differently
        {"name": "de vries", "address": "Elders 1"},  # the same phone number
    ],
)
async def test_a_second_registration_of_an_open_household_is_caught(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, changes: dict[str, str]
) -> None:
    world = await make_world(db)
    household = await registered(client, db, submit, world)
    response = await register(submit, **changes, member_0_name="Kees")
    assert response.status_code == 409
    assert "Dit huishouden is al aangemeld" in response.text
    # Her own household: a link to it, and what she typed is still there.
    assert f'href="/huishoudens/{household.id}"' in response.text
    assert 'value="Kees"' in response.text
    assert await db.scalar(select(func.count()).select_from(Household)) == 1


async def test_someone_elses_household_is_named_by_its_team_only(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household = await registered(client, db, submit, world)
    for regisseur in (world.other_regisseur, world.colleague):
        await signed_in_as(client, db, regisseur)
        response = await register(submit)
        assert response.status_code == 409
        assert "bij Wijkteam Centrum" in response.text and "Vraag dit team wie de regisseur is" in response.text
        assert str(household.id) not in response.text and "Fatima" not in response.text
    assert await db.scalar(select(func.count()).select_from(Household)) == 1
    # The household reads in its access log that others learned it was registered.
    looks = await db.scalars(
        select(AccessLogEntry.actor_name).where(
            AccessLogEntry.household_id == household.id, AccessLogEntry.resource == "household.duplicate"
        )
    )
    assert sorted(looks) == ["Ilse", "Joost"]


async def test_no_match_without_the_same_address_or_phone_nor_after_the_trajectory_ended(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household = await registered(client, db, submit, world)
    # Another household of the same name.
    response = await register(submit, address="Kerkstraat 1", phone="")
    assert response.status_code == 303
    # The first one is handed over (closed): it may be registered anew.
    page = await submit(
        f"/huishoudens/{household.id}/triage",
        f"/huishoudens/{household.id}/triage",
        {"outcome": "geen_regie", "reason": "Het loopt goed", "organisation": "MEE"},
    )
    assert page.status_code == 303
    response = await register(submit)
    assert response.status_code == 303
    assert await households_named(db, "De Vries") == 3


@pytest.mark.parametrize(
    ("outcome", "phase", "sentence"),
    [
        ("regisseur", "intake", "Fatima is jullie regisseur en houdt het overzicht."),
        ("kortstondig", "uitvoering", "Fatima helpt jullie een korte tijd om zaken vlot te trekken."),
        ("vrijwilligers", "uitvoering", "Fatima helpt jullie een tijdje om vrijwilligers te vinden"),
    ],
)
async def test_each_triage_outcome_leads_to_its_phase(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, outcome: str, phase: str, sentence: str
) -> None:
    world = await make_world(db)
    household = await registered(client, db, submit, world)
    triage = f"/huishoudens/{household.id}/triage"
    # The organisation is typed, then the choice changes: only a handover keeps it.
    response = await submit(triage, triage, {"outcome": outcome, "reason": "Zeven instanties", "organisation": "MEE"})
    assert response.status_code == 303 and response.headers["location"] == f"/huishoudens/{household.id}"
    trajectory = await trajectory_of(db, household.id)
    assert (trajectory.phase, trajectory.triage_outcome) == (phase, outcome)
    assert trajectory.triage_reason == "Zeven instanties" and trajectory.handed_over_to == ""

    overview = await client.get(f"/huishoudens/{household.id}")
    assert f"Fase: {phase}" in overview.text and "/triage" not in overview.text
    timeline = (await client.get(f"/huishoudens/{household.id}/tijdlijn")).text
    assert "Fatima kijkt samen met jullie welke hulp nodig is." in timeline
    assert sentence in timeline and "Waarom: Zeven instanties" in timeline
    # Done is done: the page says so, and a second decision is refused.
    again = await client.get(triage)
    assert "De triage is al gedaan." in again.text and '<form method="post" action="' + triage not in again.text


async def test_geen_regie_hands_over_and_closes(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur, "Bakker", ("Sanne",))
    await signed_in_as(client, db, world.regisseur)
    triage = f"/huishoudens/{household.id}/triage"
    data = {"outcome": "geen_regie", "reason": "De hulp loopt goed", "organisation": "Maatschappelijk werk"}
    response = await submit(triage, triage, data)
    assert response.status_code == 303 and response.headers["location"] == "/mijn"
    trajectory = await trajectory_of(db, household.id)
    assert trajectory.phase == Phase.AFGESLOTEN and trajectory.exit_reason == "overgedragen: Maatschappelijk werk"
    assert trajectory.handed_over_to == "Maatschappelijk werk" and trajectory.closed_on is not None
    # No longer her household.
    assert (await client.get(f"/huishoudens/{household.id}")).status_code == 404
    # The household reads what happened, in plain words.
    await signed_in_as(client, db, sanne)
    timeline = (await client.get(f"/huishoudens/{household.id}/tijdlijn")).text
    assert (
        "Fatima keek met jullie mee: jullie hebben geen regisseur nodig. Maatschappelijk werk helpt jullie verder. "
        "Waarom: De hulp loopt goed" in timeline
    )


async def test_a_refused_triage_keeps_what_was_typed(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, _adults = await make_household(db, world.regisseur)
    await signed_in_as(client, db, world.regisseur)
    triage = f"/huishoudens/{household.id}/triage"
    response = await submit(triage, triage, {"outcome": "geen_regie", "reason": "Het gaat goed met de hulp"})
    assert response.status_code == 400
    assert "Vul in welke organisatie het huishouden verder helpt." in response.text
    assert 'value="geen_regie" checked' in response.text and ">Het gaat goed met de hulp</textarea>" in response.text
    response = await submit(response, triage, {"outcome": "regisseur", "reason": ""})
    assert response.status_code == 400 and "Schrijf in een paar woorden waarom." in response.text
    trajectory = await trajectory_of(db, household.id)
    assert trajectory.phase == Phase.AANMELDING and trajectory.triage_outcome is None


async def test_a_decided_triage_is_refused_by_the_domain(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, _adults = await make_household(db, world.regisseur)
    await signed_in_as(client, db, world.regisseur)
    triage = f"/huishoudens/{household.id}/triage"
    page = await client.get(triage)
    first = await submit(page, triage, {"outcome": "regisseur", "reason": "Coördinatie nodig"})
    assert first.status_code == 303
    # The same form, left open in a second tab, sent again.
    second = await submit(page, triage, {"outcome": "kortstondig", "reason": "Toch kort"})
    assert second.status_code == 409 and "De triage is al gedaan." in second.text
    assert (await trajectory_of(db, household.id)).phase == Phase.INTAKE


async def test_only_the_households_own_regisseur_does_the_triage(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, world.regisseur)
    triage = f"/huishoudens/{household.id}/triage"
    for person in (world.colleague, world.other_regisseur, world.team_lead, world.admin, sanne):
        await signed_in_as(client, db, person)
        assert (await client.get(triage)).status_code == 404, person.display_name
        # No form on their screen: sent as the triage form would be, with their own session's token.
        await client.get("/mijn")
        token = client.cookies["onsplan_csrf"]
        form = {"_csrf_token": token, "outcome": "regisseur", "reason": "Ik neem het over"}
        refused = await client.post(triage, data=form, headers={"x-csrftoken": token})
        assert refused.status_code == 404, person.display_name
        overview = await client.get(f"/huishoudens/{household.id}")
        assert "/triage" not in overview.text
    assert (await trajectory_of(db, household.id)).phase == Phase.AANMELDING
