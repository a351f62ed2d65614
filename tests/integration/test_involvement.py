"""The involvement register ("dat"-information): the regisseur adds and ends rows through the page's forms,
the household reads them with how to reach everyone, others as far as the policy lets them, and partner
organisations that get a share or an action in the plan appear by themselves, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import involvement
from server.domain.models import Household, Person, TimelineEvent, utcnow
from server.domain.plan.model import Goal
from server.domain.policy import actor_for
from server.domain.workspace.model import Involvement
from tests.factories import World, make_household, make_world, signed_in_as
from tests.integration.test_plan import add_action, add_goal, member_with_plan, only_goal
from tests.matrix_world import (
    ADMIN,
    COLLEAGUE,
    MEMBER,
    NETWORK_SHARED,
    PARTNER_SHARED,
    REGISSEUR,
    TEAM_LEAD,
    VOLUNTEER_ACCEPTED,
    build_matrix_world,
)

JORIS = {
    "organisation_name": "Schuldhulp Woerden",
    "professional_name": "Joris de Wit",
    "contact": "0348 123 456",
    "from_on": "2026-03-03",
}


def register_url(household_id: object) -> str:
    return f"/huishoudens/{household_id}/betrokkenen"


def main_text(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


async def rows_of(db: AsyncSession, household_id: object) -> list[Involvement]:
    # End the session's read, so that it sees what the app wrote meanwhile (without expiring anything).
    await db.commit()
    found = await db.scalars(
        select(Involvement)
        .where(Involvement.household_id == household_id)
        .order_by(Involvement.organisation_name)
        .execution_options(populate_existing=True)
    )
    return list(found)


async def timeline_text(client: AsyncTestClient[Litestar], household_id: object) -> str:
    page = await client.get(f"/huishoudens/{household_id}/tijdlijn")
    assert page.status_code == 200
    return page.text


async def regisseur_with_household(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> tuple[World, Household, Person]:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    await signed_in_as(client, db, world.regisseur)
    return world, household, anouk


async def test_the_regisseur_adds_and_ends_a_row_and_the_household_reads_it_with_the_contact(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk = await regisseur_with_household(client, db)
    url = register_url(household.id)
    overview = await client.get(f"/huishoudens/{household.id}")
    assert f'href="{url}"' in overview.text and "Betrokken organisaties bijhouden" in overview.text

    added = await submit(url, url, JORIS)
    assert added.status_code == 303 and added.headers["location"] == f"{url}?toegevoegd=1"
    (row,) = await rows_of(db, household.id)
    assert (row.organisation_name, row.professional_name, row.contact) == (
        "Schuldhulp Woerden",
        "Joris de Wit",
        "0348 123 456",
    )
    assert row.from_on == dt.date(2026, 3, 3) and row.to_on is None and row.created_by_id == world.regisseur.id
    page = await client.get(added.headers["location"])
    assert "Toegevoegd aan de lijst" in page.text
    assert 'href="tel:0348123456"' in page.text and "sinds 3 maart 2026" in page.text

    # The household reads it in its own words, with how to reach Joris; it keeps no forms to change it.
    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    own = await client.get(url)
    assert own.status_code == 200
    text = main_text(own.text)
    assert "Wie helpen jullie mee" in text and "Jullie regisseur houdt deze lijst bij" in text
    assert "Schuldhulp Woerden" in text and "Joris de Wit" in text and "0348 123 456" in text
    assert "<form" not in text
    overview = await client.get(f"/huishoudens/{household.id}")
    involved = overview.text.split('id="involved-title"')[1].split("</section>")[0]
    assert "Schuldhulp Woerden (Joris de Wit), 0348 123 456" in involved and "sinds 3 maart 2026" in involved
    assert f'href="{url}"' in involved
    assert "Fatima zette Schuldhulp Woerden (Joris de Wit) bij wie er meehelpen, sinds 3 maart" in await timeline_text(
        client, household.id
    )
    refused = await client.post(
        f"{url}/{row.id}/beeindigen", data={"_csrf_token": client.cookies["onsplan_csrf"]}, follow_redirects=False
    )
    assert refused.status_code == 404

    # The regisseur ends it: the row stays, with its last day, among those who helped earlier.
    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    ended = await submit(url, f"{url}/{row.id}/beeindigen", {"to_on": utcnow().date().isoformat()})
    assert ended.status_code == 303 and ended.headers["location"] == f"{url}?beeindigd=1"
    (row,) = await rows_of(db, household.id)
    assert row.to_on == utcnow().date()
    page = await client.get(url)
    earlier = page.text.split('id="ended-title"')[1]
    assert "Schuldhulp Woerden" in earlier and "tot en met" in earlier
    assert f"{url}/{row.id}/beeindigen" not in page.text
    overview = await client.get(f"/huishoudens/{household.id}")
    assert "Schuldhulp Woerden" not in overview.text.split('id="involved-title"')[1].split("</section>")[0]
    assert "Fatima schreef op dat Schuldhulp Woerden (Joris de Wit) niet meer meehelpt." in await timeline_text(
        client, household.id
    )


async def test_bad_input_comes_back_with_messages_and_nothing_is_stored(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk = await regisseur_with_household(client, db)
    url = register_url(household.id)
    typed = {**JORIS, "organisation_name": "", "contact": "bel maar even", "to_on": "2026-01-01"}
    refused = await submit(url, url, typed)
    assert refused.status_code == 400
    assert "Vul in welke organisatie meehelpt." in refused.text
    assert "Vul een telefoonnummer of een e-mailadres in" in refused.text
    assert "Het einde kan niet voor het begin liggen." in refused.text
    assert 'value="bel maar even"' in refused.text and 'value="Joris de Wit"' in refused.text
    assert await rows_of(db, household.id) == []

    assert (await submit(url, url, JORIS)).status_code == 303
    (row,) = await rows_of(db, household.id)
    end = f"{url}/{row.id}/beeindigen"
    too_early = await submit(url, end, {"to_on": "2026-03-02"})
    assert too_early.status_code == 400
    assert "Het einde kan niet voor het begin liggen." in too_early.text
    assert f'id="field-to_on-{row.id}"' in too_early.text and 'value="2026-03-02"' in too_early.text
    (row,) = await rows_of(db, household.id)
    assert row.to_on is None
    events = await db.scalar(
        select(func.count()).select_from(TimelineEvent).where(TimelineEvent.kind == "involvement.ended")
    )
    assert events == 0


async def test_who_may_read_the_register_and_how_much(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    """Household A of the matrix world: MEE got a share of a goal (so it is in the register by itself) and
    the regisseur added Schuldhulp (Lieke)."""
    world = await build_matrix_world(db)
    url = register_url(world.a.household)
    await signed_in_as(client, db, world.people[REGISSEUR])
    assert (await submit(url, url, {**JORIS, "contact": "j.dewit@schuldhulp-woerden.nl"})).status_code == 303

    async def page_as(role: str) -> Any:
        client.cookies.clear()
        await signed_in_as(client, db, world.people[role])
        return await client.get(url)

    # A partner with a share sees it all, without the forms.
    partner = await page_as(PARTNER_SHARED)
    assert partner.status_code == 200
    text = main_text(partner.text)
    for seen in ("MEE", "Schuldhulp Woerden", "Joris de Wit", "j.dewit@schuldhulp-woerden.nl", "Schuldhulp", "Lieke"):
        assert seen in text, seen
    assert 'href="mailto:j.dewit@schuldhulp-woerden.nl"' in text and "<form" not in text

    # A network member with a share: names of people only; no organisation, nor its professional.
    network = await page_as(NETWORK_SHARED)
    assert network.status_code == 200
    text = main_text(network.text)
    assert "Fatima" in text
    for hidden in ("MEE", "Schuldhulp", "Joris de Wit", "Lieke", "0348", "j.dewit"):
        assert hidden not in text, hidden

    # The household may read but not keep the register.
    member = await page_as(MEMBER)
    assert member.status_code == 200 and "Joris de Wit" in member.text
    csrf = {"_csrf_token": client.cookies["onsplan_csrf"]}
    assert (await client.post(url, data={**csrf, **JORIS}, follow_redirects=False)).status_code == 404

    for role in (VOLUNTEER_ACCEPTED, COLLEAGUE, TEAM_LEAD, ADMIN):
        refused = await page_as(role)
        assert refused.status_code == 404, role
        assert "Schuldhulp" not in refused.text
        csrf = {"_csrf_token": client.cookies["onsplan_csrf"]}
        posted = await client.post(url, data={**csrf, **JORIS}, follow_redirects=False)
        assert posted.status_code == 404, role
        ended = await client.post(f"{url}/{world.a.involvement}/beeindigen", data=csrf, follow_redirects=False)
        assert ended.status_code == 404, role
    rows = await rows_of(db, world.a.household)
    assert sorted((r.organisation_name, r.to_on is None) for r in rows) == [
        ("MEE", True),
        ("Schuldhulp", True),
        ("Schuldhulp Woerden", True),
        # The household shared its scores with the wijkverpleging (tests/matrix_world.py).
        ("Wijkverpleging", True),
    ]


async def test_a_share_with_an_organisation_puts_it_in_the_register_once(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, goal = await member_with_plan(client, db, submit)
    assert (await add_goal(submit, household, domain_key="financien", text="Overzicht over geld")).status_code == 303

    async def share(goal_id: object, purpose: str) -> None:
        url = f"/huishoudens/{household.id}/plan/doelen/{goal_id}/delen"
        shared = await submit(url, url, {"target": f"organisation:{world.partner.id}", "purpose": purpose})
        assert shared.status_code == 303

    await share(goal.id, "begeleiding bij het netwerk")
    await db.commit()
    other = await db.scalar(select(Goal).where(Goal.household_id == household.id, Goal.id != goal.id))
    assert other is not None
    await share(other.id, "meekijken met het geld")

    (row,) = await rows_of(db, household.id)
    assert row.organisation_id == world.partner.id and row.organisation_name == "MEE"
    assert row.from_on == utcnow().date() and row.to_on is None and row.created_by_id == anouk.id
    timeline = await timeline_text(client, household.id)
    assert timeline.count("MEE helpt nu mee, omdat Anouk een doel met hen deelde.") == 1

    # Withdrawing a share does not end the involvement: the regisseur does that.
    plan_page = await client.get(f"/huishoudens/{household.id}/plan")
    stop = plan_page.text.split(f"/huishoudens/{household.id}/plan/delingen/")[1].split("/intrekken")[0]
    assert (await submit(plan_page, f"/huishoudens/{household.id}/plan/delingen/{stop}/intrekken")).status_code == 303
    (row,) = await rows_of(db, household.id)
    assert row.to_on is None
    overview = await client.get(f"/huishoudens/{household.id}")
    assert "MEE" in overview.text.split('id="involved-title"')[1].split("</section>")[0]


async def test_a_professional_action_for_a_partner_organisation_puts_it_in_the_register(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, _anouk, goal = await member_with_plan(client, db, submit)
    reason = {"who_type": "professional", "professional_reason": "Zij kennen de regels"}
    # A person's name, or an organisation the gemeente does not know, adds nothing.
    assert (await add_action(submit, household, goal, what="Formulier", performer="Joris", **reason)).status_code == 303
    assert await rows_of(db, household.id) == []
    made = await add_action(submit, household, goal, what="Budgetplan maken", performer="mee", **reason)
    assert made.status_code == 303
    assert (await add_action(submit, household, goal, what="Nabellen", performer="MEE", **reason)).status_code == 303
    (row,) = await rows_of(db, household.id)
    assert row.organisation_id == world.partner.id and row.organisation_name == "MEE"
    timeline = await timeline_text(client, household.id)
    assert timeline.count("MEE helpt nu mee: ze doen een actie in jullie plan.") == 1


async def test_a_row_the_regisseur_typed_is_not_doubled_by_a_share(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk = await regisseur_with_household(client, db)
    url = register_url(household.id)
    assert (
        await submit(url, url, {**JORIS, "organisation_name": "mee", "professional_name": "Ruud"})
    ).status_code == 303
    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    assert (await add_goal(submit, household)).status_code == 303
    goal = await only_goal(db, household)
    share = f"/huishoudens/{household.id}/plan/doelen/{goal.id}/delen"
    assert (
        await submit(share, share, {"target": f"organisation:{world.partner.id}", "purpose": "meekijken"})
    ).status_code == 303
    (row,) = await rows_of(db, household.id)
    assert row.professional_name == "Ruud"


async def test_an_organisation_taking_over_is_added_once_with_its_professional(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    """What a warme overdracht calls when the partner accepts: a row from today with the professional's name,
    or, when the organisation is already there without one, that row with the name filled in."""
    world, household, anouk = await regisseur_with_household(client, db)
    fatima = actor_for(world.regisseur)
    added = await involvement.involve_organisation(
        db,
        fatima,
        household.id,
        organisation_name="GGZ Oost",
        professional_name="Ruud",
        because=involvement.BY_HANDOVER,
    )
    assert added is not None and added.from_on == utcnow().date()
    await involvement.involve_organisation(
        db, fatima, household.id, organisation_name="MEE", organisation_id=world.partner.id
    )
    again = await involvement.involve_organisation(
        db, fatima, household.id, organisation_name="MEE", organisation_id=world.partner.id, professional_name="Mirjam"
    )
    assert again is None
    await db.commit()
    rows = await rows_of(db, household.id)
    assert [(r.organisation_name, r.professional_name) for r in rows] == [("GGZ Oost", "Ruud"), ("MEE", "Mirjam")]
    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    timeline = await timeline_text(client, household.id)
    assert "GGZ Oost (Ruud) helpt jullie vanaf nu verder en staat bij wie er meehelpen." in timeline
