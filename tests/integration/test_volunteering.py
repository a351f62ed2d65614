"""Help requests through real forms: anonymous cards, offers, acceptance, details only after, done and confirmed."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import (
    AccessLogEntry,
    Household,
    Member,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    utcnow,
)
from server.domain.people import create_person
from server.domain.plan.model import ActionStatus, Goal, PlanAction
from server.domain.volunteering.model import HelpOffer, HelpRequest, InvolvementCount
from tests.conftest import csrf_from
from tests.factories import World, signed_in_as
from tests.forms import forms_on, submit_form
from tests.integration.test_plan import add_action, member_with_plan

ADDRESS = "Van Oldenbarneveltlaan 12"


async def volunteer(
    db: AsyncSession, world: World, name: str = "Sem", organisation: Organisation | None = None
) -> Person:
    person = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name=name,
        role=Role.VOLUNTEER,
        organisation_id=(organisation or world.volunteer_org).id,
    )
    await db.commit()
    return person


async def published_request(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> tuple[World, Household, Person, PlanAction]:
    world, household, anouk, goal = await member_with_plan(client, db, submit)
    household_row = await db.get(Household, household.id)
    assert household_row is not None
    household_row.address, household_row.phone = ADDRESS, "06-11122233"
    await db.commit()
    await add_action(
        submit, household, goal, what="Milan naar school brengen op slechte dagen", who_type="vrijwilliger"
    )
    action = await db.scalar(select(PlanAction).where(PlanAction.goal_id == goal.id))
    assert action is not None
    plan = await client.get(f"/huishoudens/{household.id}/plan")
    assert "Vraag een vrijwilliger" in plan.text
    url = f"/huishoudens/{household.id}/plan/acties/{action.id}/hulpvraag"
    form = await client.get(url)
    assert "Geen naam, geen adres." in form.text
    response = await submit(
        url, url, {"what": "Een kind naar school brengen", "when_text": "Op slechte dagen, 8.15 uur"}
    )
    assert response.status_code == 303, response.text[response.text.find("<main") :][:3000]
    return world, household, anouk, action


async def offer_as(
    client: AsyncTestClient[Litestar], db: AsyncSession, person: Person, message: str = "", *, card_shown: bool = True
) -> Any:
    """Sign in as ``person`` and offer help on the card of the help request. With ``card_shown=False`` the
    board shows that person no card, so the offer can only be a hand-made post with the board's token."""
    client.cookies.clear()
    await signed_in_as(client, db, person)
    board = await client.get("/taken")
    request = await db.scalar(select(HelpRequest))
    assert request is not None
    action = f"/taken/{request.id}/aanbieden"
    if card_shown:
        return board, await submit_form(client, board, action, {"message": message})
    assert action not in [form.action for form in forms_on(board.text, str(board.url))]
    return board, await client.post(
        action, data={"_csrf_token": csrf_from(board.text), "message": message}, follow_redirects=False
    )


async def test_the_whole_path_from_card_to_confirmed_with_details_only_after_acceptance(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, action = await published_request(client, db, submit)
    sem = await volunteer(db, world)

    board, offered = await offer_as(client, db, sem, "Ik woon om de hoek.")
    assert "Een kind naar school brengen" in board.text
    assert "Wijk: Molenvliet" in board.text
    for identifying in (household.name, "Anouk", ADDRESS, "06-11122233", "Milan"):
        assert identifying not in board.text
    assert offered.status_code == 303
    request = await db.scalar(select(HelpRequest))
    assert request is not None
    # Before acceptance the volunteer sees nothing of the household.
    assert (await client.get(f"/huishoudens/{household.id}/hulpvragen/{request.id}/taak")).status_code == 404
    assert (await client.get(f"/huishoudens/{household.id}")).status_code == 404

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    requests_page = await client.get(f"/huishoudens/{household.id}/hulpvragen")
    assert "Sem van Handje Helpen wil helpen." in requests_page.text
    assert "Ik woon om de hoek." in requests_page.text
    offer = await db.scalar(select(HelpOffer))
    assert offer is not None
    accepted = await submit(requests_page, f"/huishoudens/{household.id}/hulpvragen/aanbod/{offer.id}/accepteren")
    assert accepted.status_code == 303
    share_url = f"/huishoudens/{household.id}/hulpvragen/aanbod/{offer.id}/delen"
    assert accepted.headers["location"].startswith(share_url)

    # Until the household chose, the volunteer reads the card and nothing about the household.
    client.cookies.clear()
    await signed_in_as(client, db, sem)
    board = await client.get("/taken")
    assert "Mijn taken" in board.text
    task = await client.get(f"/huishoudens/{household.id}/hulpvragen/{request.id}/taak")
    assert task.status_code == 200
    assert "Het huishouden kiest nog wat je mag weten." in task.text
    for detail in ("Anouk", ADDRESS, "06-11122233"):
        assert detail not in task.text

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    share_page = await client.get(share_url)
    assert "Wat mag Sem weten?" in share_page.text
    member = await db.scalar(select(Member).where(Member.household_id == household.id))
    assert member is not None
    shared = await submit(share_page, share_url, {"members": [str(member.id)], "place": "adres", "phone": "ja"})
    assert shared.status_code == 303

    client.cookies.clear()
    await signed_in_as(client, db, sem)
    task = await client.get(f"/huishoudens/{household.id}/hulpvragen/{request.id}/taak")
    assert task.status_code == 200
    assert "Anouk" in task.text and ADDRESS in task.text and "06-11122233" in task.text
    look = await db.scalar(select(AccessLogEntry).where(AccessLogEntry.actor_id == sem.id))
    assert look is not None and look.actor_role == "volunteer"
    done = await submit(task, f"/huishoudens/{household.id}/hulpvragen/{request.id}/gedaan")
    assert done.status_code == 303

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    page = await client.get(f"/huishoudens/{household.id}/hulpvragen")
    assert "de vrijwilliger meldt: gedaan" in page.text
    confirmed = await submit(page, f"/huishoudens/{household.id}/hulpvragen/{request.id}/bevestigen")
    assert confirmed.status_code == 303
    await db.refresh(action)
    assert action.status == ActionStatus.GEDAAN
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert "nam het aanbod van Sem aan" in timeline.text
    count = await db.scalar(select(InvolvementCount).where(InvolvementCount.household_id == household.id))
    assert count is not None and count.volunteers == 1 and count.professionals >= 1

    # The task is over: the volunteer's access ends.
    client.cookies.clear()
    await signed_in_as(client, db, sem)
    assert (await client.get(f"/huishoudens/{household.id}/hulpvragen/{request.id}/taak")).status_code == 404


async def test_withdrawing_the_request_ends_the_volunteers_access_at_once(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, action = await published_request(client, db, submit)
    sem = await volunteer(db, world)
    await offer_as(client, db, sem)
    offer = await db.scalar(select(HelpOffer))
    request = await db.scalar(select(HelpRequest))
    assert offer is not None and request is not None

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    requests_url = f"/huishoudens/{household.id}/hulpvragen"
    await submit(requests_url, f"{requests_url}/aanbod/{offer.id}/accepteren")
    withdrawn = await submit(requests_url, f"{requests_url}/{request.id}/intrekken")
    assert withdrawn.status_code == 303
    await db.refresh(action)
    assert action.assigned_person_id is None

    client.cookies.clear()
    await signed_in_as(client, db, sem)
    assert (await client.get(f"/huishoudens/{household.id}/hulpvragen/{request.id}/taak")).status_code == 404


async def test_volunteers_of_an_organisation_the_gemeente_does_not_work_with_see_no_cards(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, _household, _anouk, _action = await published_request(client, db, submit)
    outside = Organisation(
        municipality_id=world.municipality.id,
        name="Eigen Clubje",
        kind=OrganisationKind.VOLUNTEER,
        works_with_municipality=False,
    )
    db.add(outside)
    await db.flush()
    kees = await volunteer(db, world, "Kees", outside)
    board, offered = await offer_as(client, db, kees, card_shown=False)
    assert "Een kind naar school brengen" not in board.text
    assert "werkt (nog) niet met deze gemeente samen" in board.text
    assert offered.status_code == 404
    assert await db.scalar(select(HelpOffer)) is None


async def test_volunteers_of_an_organisation_the_admin_ended_see_no_cards(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, _household, _anouk, _action = await published_request(client, db, submit)
    ended = Organisation(
        municipality_id=world.municipality.id, name="Oud Clubje", kind=OrganisationKind.VOLUNTEER, ended_at=utcnow()
    )
    db.add(ended)
    await db.flush()
    kees = await volunteer(db, world, "Kees", ended)
    board, offered = await offer_as(client, db, kees, card_shown=False)
    assert "Een kind naar school brengen" not in board.text
    assert offered.status_code == 404
    assert await db.scalar(select(HelpOffer)) is None


async def test_only_actions_for_a_volunteer_become_a_card_and_a_declined_offer_stays_declined(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, _action = await published_request(client, db, submit)
    goal = await db.scalar(select(Goal))
    assert goal is not None
    await add_action(submit, household, goal, what="Zelf bellen", who_type="zelf")
    own = await db.scalar(select(PlanAction).where(PlanAction.what == "Zelf bellen"))
    assert own is not None
    url = f"/huishoudens/{household.id}/plan/acties/{own.id}/hulpvraag"
    refused = await submit(url, url, {"what": "Zelf bellen"})
    assert refused.status_code == 409

    sem = await volunteer(db, world)
    await offer_as(client, db, sem)
    offer = await db.scalar(select(HelpOffer))
    assert offer is not None
    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    declined = await submit(
        f"/huishoudens/{household.id}/hulpvragen", f"/huishoudens/{household.id}/hulpvragen/aanbod/{offer.id}/afwijzen"
    )
    assert declined.status_code == 303
    await db.refresh(offer)
    assert offer.status == "declined"
    request = await db.scalar(select(HelpRequest))
    assert request is not None and request.status == "open"
