"""What a device may keep for reading without a connection, and the regisseur's "beschikbaar voor huisbezoek"."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Trajectory
from server.domain.offline.service import MAX_VISIT_HOUSEHOLDS
from server.domain.teamwork.model import cover_day
from server.domain.workspace import evaluation as evaluations
from tests.factories import make_household, make_world, signed_in_as
from tests.forms import find_form, send

KEPT = "/mijn/offline"


async def kept(client: AsyncTestClient[Litestar]) -> dict[str, Any]:
    answer = await client.get(KEPT, headers={"accept": "application/json"})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body: dict[str, Any] = answer.json()
    return body


def household_pages(household_id: object) -> set[str]:
    base = f"/huishoudens/{household_id}"
    return {f"{base}/plan", f"{base}/scores", f"{base}/netwerk"}


async def test_a_household_member_keeps_her_own_plan_scores_and_network_map_only(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur)
    other, _ = await make_household(db, world.regisseur, name="Jansen", adults=("Piet",))
    await signed_in_as(client, db, sanne)
    pages = await kept(client)
    assert set(pages["pages"]) == {"/mijn", f"/huishoudens/{household.id}"} | household_pages(household.id)
    assert pages["households"] == [f"/huishoudens/{household.id}/"]
    assert str(other.id) not in str(pages)


async def test_the_regisseur_keeps_a_household_she_marks_for_a_home_visit_and_stops_when_she_unmarks(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, _ = await make_household(db, world.regisseur)
    await signed_in_as(client, db, world.regisseur)
    # Not her start page either: it lists her whole caseload.
    assert (await kept(client))["pages"] == []

    overview = await client.get(f"/huishoudens/{household.id}")
    form = find_form(overview, button="Beschikbaar maken voor huisbezoek")
    marked = await send(client, form)
    assert marked.status_code == 303
    page = await client.get(marked.headers["location"])
    assert "worden nu op dit apparaat gezet" in page.text
    assert "Niet meer op mijn apparaat bewaren" in page.text
    pages = await kept(client)
    assert household_pages(household.id) | {f"/huishoudens/{household.id}"} <= set(pages["pages"])
    assert pages["households"] == [f"/huishoudens/{household.id}/"]

    # Marking again from a page left open changes nothing; unmarking drops the household.
    await send(client, find_form(overview, button="Beschikbaar maken voor huisbezoek"))
    unmarked = await send(client, find_form(page, button="Niet meer op mijn apparaat bewaren"))
    assert unmarked.status_code == 303
    assert "niet meer op je apparaten bewaard" in (await client.get(unmarked.headers["location"])).text
    assert (await kept(client))["pages"] == []


async def test_a_household_handed_over_is_no_longer_kept_and_one_with_an_evaluation_today_is(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    handed_over, _ = await make_household(db, world.regisseur)
    visited_today, _ = await make_household(db, world.regisseur, name="Jansen", adults=("Piet",))
    await signed_in_as(client, db, world.regisseur)
    await send(
        client,
        find_form(await client.get(f"/huishoudens/{handed_over.id}"), button="Beschikbaar maken voor huisbezoek"),
    )

    trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == handed_over.id))
    assert trajectory is not None
    trajectory.regisseur_id = world.colleague.id
    today = await db.scalar(select(Trajectory).where(Trajectory.household_id == visited_today.id))
    assert today is not None
    await evaluations.plan_evaluation(db, today, world.regisseur, cover_day(), announce=False)
    await db.commit()

    pages = set((await kept(client))["pages"])
    assert household_pages(visited_today.id) <= pages
    assert not any(str(handed_over.id) in page for page in pages)


async def test_a_household_page_says_it_is_on_her_device_only_while_it_is_among_those_kept(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    """Her devices keep the households she marked last; marking one more lets the oldest go, and that one's
    page offers to keep it again instead of saying it is kept. A visit planned today comes on top."""
    world = await make_world(db)
    households = [
        (await make_household(db, world.regisseur, name=f"Gezin {n}", adults=(f"Volwassene {n}",), children=0))[0]
        for n in range(MAX_VISIT_HOUSEHOLDS + 1)
    ]
    await signed_in_as(client, db, world.regisseur)
    for household in households:
        overview = await client.get(f"/huishoudens/{household.id}")
        marked = await send(client, find_form(overview, button="Beschikbaar maken voor huisbezoek"))
        assert marked.status_code == 303

    oldest, *latest = households
    assert set((await kept(client))["households"]) == {f"/huishoudens/{h.id}/" for h in latest}
    page = await client.get(f"/huishoudens/{oldest.id}")
    assert "staan op je apparaat" not in page.text
    assert find_form(page, button="Beschikbaar maken voor huisbezoek")
    for household in (latest[0], latest[-1]):
        page = await client.get(f"/huishoudens/{household.id}")
        assert "staan op je apparaat" in page.text
        assert find_form(page, button="Niet meer op mijn apparaat bewaren")

    trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == oldest.id))
    assert trajectory is not None
    await evaluations.plan_evaluation(db, trajectory, world.regisseur, cover_day(), announce=False)
    await db.commit()
    assert set((await kept(client))["households"]) == {f"/huishoudens/{h.id}/" for h in households}


async def test_answers_name_the_signed_in_person_by_a_tag_that_tells_nothing_about_them(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    _household, (sanne,) = await make_household(db, world.regisseur)
    anonymous = await client.get("/")
    assert "x-onsplan-person" not in anonymous.headers
    await signed_in_as(client, db, sanne)
    first = (await client.get("/mijn")).headers["x-onsplan-person"]
    assert first == (await client.get(KEPT)).headers["x-onsplan-person"]
    assert str(sanne.id) not in first and str(sanne.id).replace("-", "") not in first
    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    assert (await client.get("/mijn")).headers["x-onsplan-person"] != first


async def test_the_offline_pages_and_the_worker_need_no_sign_in_and_hold_no_personal_data(
    client: AsyncTestClient[Litestar],
) -> None:
    offline = await client.get("/offline")
    assert offline.status_code == 200 and "Je hebt nu geen verbinding" in offline.text
    queued = await client.get("/offline/bewaard")
    assert queued.status_code == 200 and "Je wijziging is bewaard op dit apparaat" in queued.text
    worker = await client.get("/sw.js")
    assert worker.headers["cache-control"] == "no-cache"
    assert worker.text.startswith("self.ONSPLAN = ")
    prelude = worker.text.split(";\n", 1)[0]
    assert '"/offline"' in prelude and '"/offline/bewaard"' in prelude and "/static/js/offline." in prelude
    for asset in [part.strip('" ') for part in prelude.split("[", 1)[1].split("]", 1)[0].split(",")]:
        assert (await client.get(asset)).status_code == 200, asset
