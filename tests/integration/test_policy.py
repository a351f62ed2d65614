"""The one policy, as people meet it: who can open which household, and what is logged."""

from __future__ import annotations

import uuid

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import AccessLogEntry
from server.domain.policy import HOUSEHOLD_ACTIONS, PUBLIC, Action
from tests.factories import make_household, make_world, signed_in_as


def main_text(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


def test_every_route_declares_a_policy(app: Litestar) -> None:
    undeclared = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.http_methods == {"OPTIONS"}:
                # Litestar's automatic OPTIONS answers declare nothing; the guard refuses them (tested below).
                continue
            policy = handler.opt.get("policy")
            if policy != PUBLIC and policy not in set(Action):
                undeclared.append(f"{sorted(handler.http_methods)} {route.path}")
    assert undeclared == []


async def test_route_without_a_policy_is_closed(client: AsyncTestClient[Litestar]) -> None:
    response = await client.options("/mijn")
    assert response.status_code == 403


def test_household_routes_carry_the_household_in_their_path(app: Litestar) -> None:
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if handler.opt.get("policy") in HOUSEHOLD_ACTIONS:
                assert "{household_id:uuid}" in route.path, route.path


async def test_member_of_one_household_cannot_open_another(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    own, (sanne,) = await make_household(db, world.regisseur, "Bakker", ("Sanne",))
    other, _ = await make_household(db, world.regisseur, "Jansen", ("Ahmed",))
    await signed_in_as(client, db, sanne)

    assert (await client.get(f"/huishoudens/{own.id}")).status_code == 200
    refused = await client.get(f"/huishoudens/{other.id}")
    missing = await client.get(f"/huishoudens/{uuid.uuid4()}")
    assert refused.status_code == missing.status_code == 404
    # The refusal reads exactly like a household that does not exist.
    assert main_text(refused.text) == main_text(missing.text)
    assert "Jansen" not in refused.text
    for path in ("inzage", "tijdlijn", "link"):
        assert (await client.get(f"/huishoudens/{other.id}/{path}")).status_code == 404


@pytest.mark.parametrize("who", ["other_regisseur", "colleague", "team_lead", "admin", "coordinator"])
async def test_professionals_without_a_relation_cannot_open_a_household(
    client: AsyncTestClient[Litestar], db: AsyncSession, who: str
) -> None:
    world = await make_world(db)
    household, _ = await make_household(db, world.regisseur)
    await signed_in_as(client, db, getattr(world, who))
    for path in ("", "/inzage", "/tijdlijn"):
        response = await client.get(f"/huishoudens/{household.id}{path}")
        assert response.status_code == 404, (who, path)
    assert await db.scalar(select(func.count()).select_from(AccessLogEntry)) == 0


async def test_regisseur_look_is_logged_and_shown_to_the_household(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur)

    await signed_in_as(client, db, world.regisseur)
    page = await client.get(f"/huishoudens/{household.id}")
    assert page.status_code == 200
    assert "Aanmeldlink maken" in page.text
    entries = list(await db.scalars(select(AccessLogEntry).where(AccessLogEntry.household_id == household.id)))
    assert [(e.actor_name, e.actor_role, e.resource) for e in entries] == [("Fatima", "regisseur", "household")]

    client.cookies.clear()
    await signed_in_as(client, db, sanne)
    await client.get(f"/huishoudens/{household.id}")
    log_page = await client.get(f"/huishoudens/{household.id}/inzage")
    assert log_page.status_code == 200
    assert "Fatima keek 1 keer op " in log_page.text and "Bekeken: jullie overzicht." in log_page.text
    assert "Waarom mag dit: jullie regisseur." in log_page.text
    # The household's own looks are not logged.
    assert await db.scalar(select(func.count()).select_from(AccessLogEntry)) == 1


async def test_regisseur_can_issue_a_link_and_sees_it_once_with_a_qr_code(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: object
) -> None:
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur)
    member = next(m for m in household.members if m.person_id == sanne.id)
    await signed_in_as(client, db, world.regisseur)
    response = await submit(  # type: ignore[operator]
        f"/huishoudens/{household.id}", f"/huishoudens/{household.id}/leden/{member.id}/link", {}
    )
    assert response.status_code == 303
    shown = await client.get(response.headers["location"])
    assert "Aanmeldlink voor Sanne" in shown.text
    assert "<svg" in shown.text and 'aria-label="QR-code' in shown.text
    assert "/aanmelden/" in shown.text
    assert shown.headers["cache-control"] == "no-store"
    # Shown once: the page does not show the link again.
    again = await client.get(response.headers["location"], follow_redirects=False)
    assert again.status_code == 303
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert "Fatima maakte een nieuwe aanmeldlink voor Sanne." in timeline.text
