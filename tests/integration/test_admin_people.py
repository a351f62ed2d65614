"""The functional admin and the people of the gemeente: roles added and ended (today or from a later day), a
person deactivated (their open session stops at the next request, their passkey no longer signs in) and
reactivated, and every destructive step asked on a page of its own. Real forms, with the CSRF token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Organisation, OrganisationKind, Passkey, Person, Role, RoleAssignment, WebSession
from server.domain.people import local_today
from tests.factories import issue_link, make_world, sign_in, signed_in_as


async def roles_of(db: AsyncSession, person: Person) -> list[RoleAssignment]:
    return list(
        await db.scalars(
            select(RoleAssignment)
            .where(RoleAssignment.person_id == person.id)
            .execution_options(populate_existing=True)
        )
    )


def browser(client: AsyncTestClient[Litestar]) -> dict[str, str]:
    """The cookies of the browser the client is now, to go on as that browser later (``use``)."""
    return dict(client.cookies)


def use(client: AsyncTestClient[Litestar], cookies: dict[str, str]) -> None:
    """Go on as the browser with these cookies."""
    client.cookies.clear()
    client.cookies.update(cookies)


async def post_anyway(client: AsyncTestClient[Litestar], path: str, data: dict[str, str]) -> Any:
    """A post that no form on the page offers, with the session's own CSRF token."""
    token = client.cookies["onsplan_csrf"]
    return await client.post(path, data={"_csrf_token": token, **data}, headers={"x-csrftoken": token})


async def fresh(db: AsyncSession, person: Person) -> Person:
    found = await db.scalar(select(Person).where(Person.id == person.id).execution_options(populate_existing=True))
    assert found is not None
    return found


async def test_the_admin_gives_a_role_and_sees_it_with_its_team_and_since_when(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.admin)
    people = await client.get("/beheer/mensen")
    assert f'href="/beheer/mensen/{world.colleague.id}"' in people.text
    page = await client.get(f"/beheer/mensen/{world.colleague.id}")
    assert page.status_code == 200 and "Wijkteam Centrum" in page.text and "regisseur" in page.text

    # Without a team the role is refused beside the field, and nothing is stored.
    refused = await submit(page, f"/beheer/mensen/{world.colleague.id}/rollen", {"role": "team_lead", "context": ""})
    assert refused.status_code == 400 and "Kies het team waarin deze persoon werkt." in refused.text
    assert len(await roles_of(db, world.colleague)) == 1

    response = await submit(
        refused,
        f"/beheer/mensen/{world.colleague.id}/rollen",
        {"role": "team_lead", "context": str(world.other_team.id)},
    )
    assert response.status_code == 303
    shown = await client.get(response.headers["location"])
    assert "De rol is toegevoegd." in shown.text and "teamleider" in shown.text and "Wijkteam Noord" in shown.text
    roles = await roles_of(db, world.colleague)
    assert {(r.role, r.team_id) for r in roles} == {
        (Role.REGISSEUR, world.team.id),
        (Role.TEAM_LEAD, world.other_team.id),
    }
    added = next(r for r in roles if r.role == Role.TEAM_LEAD)
    assert added.granted_at is not None

    # The same role in the same team twice is refused.
    again = await submit(
        shown, f"/beheer/mensen/{world.colleague.id}/rollen", {"role": "team_lead", "context": str(world.other_team.id)}
    )
    assert again.status_code == 400 and "Deze persoon heeft deze rol hier al." in again.text


async def test_a_role_ended_today_stops_at_once_and_one_ended_tomorrow_works_until_then(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    # Joost and Fatima are signed in, each in their own browser, while the admin ends their roles.
    await signed_in_as(client, db, world.colleague)
    assert (await client.get("/huishoudens/nieuw")).status_code == 200
    joost = browser(client)
    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    assert (await client.get("/huishoudens/nieuw")).status_code == 200
    fatima = browser(client)
    client.cookies.clear()
    await signed_in_as(client, db, world.admin)
    admin = browser(client)

    (role,) = await roles_of(db, world.colleague)
    confirm = await client.get(f"/beheer/mensen/{world.colleague.id}/rollen/{role.id}/beeindigen")
    assert confirm.status_code == 200 and "Rol beëindigen" in confirm.text
    # Opening the page changed nothing.
    assert (await roles_of(db, world.colleague))[0].revoked_at is None

    past = (local_today() - dt.timedelta(days=1)).isoformat()
    refused = await submit(
        confirm, f"/beheer/mensen/{world.colleague.id}/rollen/{role.id}/beeindigen", {"ends_on": past}
    )
    assert refused.status_code == 400 and "Kies vandaag of een latere dag." in refused.text
    assert (await roles_of(db, world.colleague))[0].revoked_at is None

    # From tomorrow: today Joost still works as regisseur.
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    response = await submit(
        refused, f"/beheer/mensen/{world.colleague.id}/rollen/{role.id}/beeindigen", {"ends_on": tomorrow}
    )
    assert response.status_code == 303
    person_page = await client.get(response.headers["location"])
    assert "De rol is beëindigd." in person_page.text
    assert (await roles_of(db, world.colleague))[0].revoked_at is not None
    use(client, joost)
    assert (await client.get("/huishoudens/nieuw")).status_code == 200

    # Fatima's role ends today: her next request no longer has it.
    use(client, admin)
    (role,) = await roles_of(db, world.regisseur)
    confirm = await client.get(f"/beheer/mensen/{world.regisseur.id}/rollen/{role.id}/beeindigen")
    response = await submit(
        confirm,
        f"/beheer/mensen/{world.regisseur.id}/rollen/{role.id}/beeindigen",
        {"ends_on": local_today().isoformat()},
    )
    assert response.status_code == 303
    page = await client.get(f"/beheer/mensen/{world.regisseur.id}")
    assert "Eerdere rollen" in page.text
    use(client, fatima)
    assert (await client.get("/huishoudens/nieuw")).status_code == 403


async def test_the_admin_does_not_end_their_own_admin_role_nor_deactivate_themselves(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.admin)
    (role,) = await roles_of(db, world.admin)
    page = await client.get(f"/beheer/mensen/{world.admin.id}/rollen/{role.id}/beeindigen")
    assert "Je kunt je eigen rol als beheerder niet beëindigen." in page.text
    assert "<form" not in page.text.split('<main id="main"', 1)[1]
    # Sent anyway (the page has no form for it): refused with the same message, nothing stored.
    refused = await post_anyway(
        client, f"/beheer/mensen/{world.admin.id}/rollen/{role.id}/beeindigen", {"ends_on": local_today().isoformat()}
    )
    assert refused.status_code == 400 and "Je kunt je eigen rol als beheerder niet beëindigen." in refused.text
    assert (await roles_of(db, world.admin))[0].revoked_at is None

    confirm = await client.get(f"/beheer/mensen/{world.admin.id}/deactiveren")
    assert "Je kunt jezelf niet deactiveren." in confirm.text
    refused = await post_anyway(client, f"/beheer/mensen/{world.admin.id}/deactiveren", {})
    assert refused.status_code == 403 and "Je kunt jezelf niet deactiveren." in refused.text
    assert (await fresh(db, world.admin)).deactivated_at is None


async def test_a_deactivated_person_is_signed_out_at_the_next_request_and_cannot_sign_in(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    passkey = await signed_in_as(client, db, world.colleague)
    assert (await client.get("/mijn")).status_code == 200
    joost = browser(client)
    client.cookies.clear()
    await signed_in_as(client, db, world.admin)
    admin = browser(client)

    confirm = await client.get(f"/beheer/mensen/{world.colleague.id}/deactiveren")
    assert confirm.status_code == 200 and "Joost deactiveren?" in confirm.text
    assert "overal uitgelogd" in confirm.text
    # The question alone changes nothing: Joost still works.
    assert (await fresh(db, world.colleague)).deactivated_at is None
    use(client, joost)
    assert (await client.get("/mijn")).status_code == 200

    use(client, admin)
    response = await submit(confirm, f"/beheer/mensen/{world.colleague.id}/deactiveren", {})
    assert response.status_code == 303
    shown = await client.get(response.headers["location"])
    assert "Joost is gedeactiveerd en overal uitgelogd." in shown.text
    assert (await fresh(db, world.colleague)).deactivated_at is not None
    sessions = await db.scalar(
        select(func.count()).select_from(WebSession).where(WebSession.person_id == world.colleague.id)
    )
    assert sessions == 0
    people = await client.get("/beheer/mensen")
    assert "Gedeactiveerd" in people.text

    # His open browser gets the sign-in page on its next request; his passkey no longer signs him in.
    use(client, joost)
    next_request = await client.get("/mijn", follow_redirects=False)
    assert next_request.status_code == 303 and next_request.headers["location"].startswith("/inloggen")
    client.cookies.clear()
    refused = await sign_in(client, passkey)
    assert refused.status_code == 400 and "Je toegang tot Ons Plan is uitgezet." in refused.json()["error"]

    # Reactivated: the same passkey signs in again.
    use(client, admin)
    response = await submit(shown, f"/beheer/mensen/{world.colleague.id}/heractiveren", {})
    assert response.status_code == 303
    assert "Joost kan weer inloggen." in (await client.get(response.headers["location"])).text
    client.cookies.clear()
    assert (await sign_in(client, passkey)).status_code == 200
    assert (await client.get("/mijn")).status_code == 200


async def test_an_enrolment_link_of_a_deactivated_person_does_not_work(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    token = await issue_link(db, world.colleague)
    await signed_in_as(client, db, world.admin)
    confirm = await client.get(f"/beheer/mensen/{world.colleague.id}/deactiveren")
    assert (await submit(confirm, f"/beheer/mensen/{world.colleague.id}/deactiveren", {})).status_code == 303
    admin = browser(client)
    client.cookies.clear()
    page = await client.get(f"/aanmelden/{token}")
    assert "Deze link werkt niet (meer)." in page.text
    # Given access again, the old link stays dead; a new one works.
    use(client, admin)
    shown = await client.get(f"/beheer/mensen/{world.colleague.id}")
    assert (await submit(shown, f"/beheer/mensen/{world.colleague.id}/heractiveren", {})).status_code == 303
    client.cookies.clear()
    assert "Deze link werkt niet (meer)." in (await client.get(f"/aanmelden/{token}")).text
    assert (
        "Deze link werkt niet (meer)."
        not in (await client.get(f"/aanmelden/{await issue_link(db, world.colleague)}")).text
    )


async def test_switching_off_passkeys_asks_first_on_a_page_of_its_own(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    await signed_in_as(client, db, world.colleague)
    client.cookies.clear()
    await signed_in_as(client, db, world.admin)
    page = await client.get(f"/beheer/mensen/{world.colleague.id}")
    # No one-click button: a link to the question.
    assert f'href="/beheer/mensen/{world.colleague.id}/passkeys-intrekken"' in page.text
    assert f'action="/beheer/mensen/{world.colleague.id}/passkeys-intrekken"' not in page.text
    confirm = await client.get(f"/beheer/mensen/{world.colleague.id}/passkeys-intrekken")
    assert confirm.status_code == 200 and "Passkeys van Joost uitzetten?" in confirm.text
    keys = select(func.count()).select_from(Passkey).where(Passkey.person_id == world.colleague.id)
    assert await db.scalar(keys) == 1
    response = await submit(confirm, f"/beheer/mensen/{world.colleague.id}/passkeys-intrekken", {})
    assert response.status_code == 303
    assert "De passkeys zijn uitgezet." in (await client.get(response.headers["location"])).text
    assert await db.scalar(keys) == 0


async def test_the_admin_manages_only_people_of_their_own_gemeente(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    elsewhere = await make_world(db)
    (role,) = await roles_of(db, elsewhere.regisseur)
    await signed_in_as(client, db, world.admin)
    assert (await client.get(f"/beheer/mensen/{elsewhere.regisseur.id}")).status_code == 404
    assert (await client.get(f"/beheer/mensen/{elsewhere.regisseur.id}/deactiveren")).status_code == 404
    assert (await client.get(f"/beheer/mensen/{world.colleague.id}/rollen/{role.id}/beeindigen")).status_code == 404


async def test_ended_teams_and_organisations_are_not_offered_for_a_new_role(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    gone = Organisation(municipality_id=world.municipality.id, name="Oud Partner", kind=OrganisationKind.PARTNER)
    db.add(gone)
    world.other_team.ended_at = gone.ended_at = dt.datetime.now(dt.UTC)
    db.add(world.other_team)
    await db.commit()
    await signed_in_as(client, db, world.admin)
    page = await client.get("/beheer/mensen")
    assert "Wijkteam Centrum" in page.text
    assert "Wijkteam Noord" not in page.text and "Oud Partner" not in page.text
    refused = await submit(
        page,
        "/beheer/mensen",
        {"name": "Tess", "role": "regisseur", "context": str(world.other_team.id)},
        hostile=True,
    )
    assert refused.status_code == 400 and "Kies het team waarin deze persoon werkt." in refused.text
