"""Help that fits real life, through real forms: a request for set days in a period, several volunteers each
taking some of the days, a day given to one volunteer only, the rota on the household's page, the volunteer's
own days on her start page, names in the text pointed out before publishing, and the household choosing what
each accepted volunteer gets to know."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.domain.errors import IllegalTransition
from server.domain.models import AccessLogEntry, Household, Member, Person
from server.domain.network.model import NetworkPerson
from server.domain.plan.model import PlanAction
from server.domain.policy import actor_for
from server.domain.volunteering import service as volunteering
from server.domain.volunteering.model import HelpOffer, HelpRequest, HelpRotaDay
from server.domain.volunteering.service import local_today
from tests.factories import World, signed_in_as
from tests.forms import submit_form
from tests.integration.test_evaluation_concurrency import first_then_second
from tests.integration.test_plan import add_action, member_with_plan
from tests.integration.test_volunteering import volunteer

ADDRESS = "Van Oldenbarneveltlaan 12"
PHONE = "06-11122233"
SCHOOL = "Bij het hek van basisschool De Regenboog"
# A Monday a few weeks ahead, so that "the next time" is a known day whatever day the test runs.
FIRST_MONDAY = local_today() + dt.timedelta(days=14 - local_today().weekday())
LAST_DAY = FIRST_MONDAY + dt.timedelta(weeks=8)


async def school_run_household(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> tuple[World, Household, Person, PlanAction, str]:
    """Anouk's household with her son Sem and grandmother Ria Bakker on the network map, and an action for a
    volunteer. Returns the publish form's path too."""
    world, household, anouk, goal = await member_with_plan(client, db, submit)
    row = await db.get(Household, household.id)
    assert row is not None
    row.address, row.phone = ADDRESS, PHONE
    db.add(Member(household_id=household.id, first_name="Sem", is_adult=False))
    db.add(NetworkPerson(household_id=household.id, name="Ria Bakker", relation="familie", ring=1))
    await db.commit()
    await add_action(submit, household, goal, what="Sem naar school brengen op slechte dagen", who_type="vrijwilliger")
    action = await db.scalar(select(PlanAction).where(PlanAction.goal_id == goal.id))
    assert action is not None
    return world, household, anouk, action, f"/huishoudens/{household.id}/plan/acties/{action.id}/hulpvraag"


RECURRING = {
    "what": "Een kind naar school brengen",
    "when_text": "om 8.15 uur",
    "kind": "vaste_dagen",
    "weekdays": ["ma", "di", "do", "vr"],
    "starts_on": FIRST_MONDAY.isoformat(),
    "ends_on": LAST_DAY.isoformat(),
}


async def recurring_request(client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any) -> tuple[Any, ...]:
    world, household, anouk, _action, url = await school_run_household(client, db, submit)
    published = await submit(url, url, RECURRING)
    assert published.status_code == 303
    request = await db.scalar(select(HelpRequest))
    assert request is not None
    return world, household, anouk, request


async def offer_days(client: AsyncTestClient[Litestar], db: AsyncSession, person: Person, days: list[str]) -> Any:
    client.cookies.clear()
    await signed_in_as(client, db, person)
    board = await client.get("/taken")
    request = await db.scalar(select(HelpRequest))
    assert request is not None
    return await submit_form(client, board, f"/taken/{request.id}/aanbieden", {"weekdays": days})


async def as_household(client: AsyncTestClient[Litestar], db: AsyncSession, anouk: Person) -> None:
    client.cookies.clear()
    await signed_in_as(client, db, anouk)


async def offer_of(db: AsyncSession, person: Person) -> HelpOffer:
    found = await db.scalar(
        select(HelpOffer).where(HelpOffer.volunteer_id == person.id).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def accept(submit: Any, household: Household, offer: HelpOffer) -> Any:
    page = f"/huishoudens/{household.id}/hulpvragen"
    return await submit(page, f"{page}/aanbod/{offer.id}/accepteren")


# ------------------------------------------------------------------------------------------------------


async def test_a_request_for_set_days_is_published_with_its_days_and_period(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, _anouk, _action, url = await school_run_household(client, db, submit)
    form = await client.get(url)
    # The text is the household's own: the action's words (with the child's name) are not in the field.
    assert "Sem naar school brengen" not in form.text.split('name="what"', 1)[1].split("</textarea>", 1)[0]

    no_days = await submit(url, url, {**RECURRING, "weekdays": []})
    assert no_days.status_code == 400
    assert "Kies op welke dagen jullie hulp zoeken." in no_days.text
    backwards = await submit(url, url, {**RECURRING, "ends_on": (FIRST_MONDAY - dt.timedelta(days=1)).isoformat()})
    assert backwards.status_code == 400
    assert "De laatste dag komt na de eerste dag." in backwards.text
    assert await db.scalar(select(func.count()).select_from(HelpRequest)) == 0

    published = await submit(url, url, RECURRING)
    assert published.status_code == 303
    request = await db.scalar(select(HelpRequest))
    assert request is not None
    assert (request.weekdays, request.starts_on, request.ends_on) == ("ma,di,do,vr", FIRST_MONDAY, LAST_DAY)
    page = await client.get(f"/huishoudens/{household.id}/hulpvragen")
    assert "Rooster: wie doet welke dag" in page.text
    assert page.text.count("nog open") == 4
    assert "Nog open: maandag, dinsdag, donderdag en vrijdag." in page.text

    lotte = await volunteer(db, world, "Lotte")
    client.cookies.clear()
    await signed_in_as(client, db, lotte)
    board = await client.get("/taken")
    assert "Vaste dagen: maandag, dinsdag, donderdag en vrijdag" in board.text
    assert "Wijk: Molenvliet" in board.text
    for identifying in ("Sem", "Anouk", ADDRESS, "De Vries"):
        assert identifying not in board.text


async def test_names_of_the_household_and_its_network_are_pointed_out_before_publishing(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, _action, url = await school_run_household(client, db, submit)
    requests_url = f"/huishoudens/{household.id}/hulpvragen"
    named = {**RECURRING, "what": "SEM naar school brengen", "when_text": "oma ria weet de weg"}
    warned = await submit(url, url, named)
    assert warned.status_code == 400
    assert (
        "In je tekst staat ‘SEM’. Dat is de naam van iemand uit jullie huishouden." in warned.text
        and "In je tekst staat ‘ria’. Dat is de naam van iemand op jullie netwerkkaart." in warned.text
        and "Vrijwilligers zien deze tekst voordat jullie ze kennen." in warned.text
    )
    assert await db.scalar(select(func.count()).select_from(HelpRequest)) == 0

    # The household changes the text on the page it got back: published, no names.
    changed = await submit(warned, url, {"what": "Een kind naar school brengen", "when_text": "om 8.15 uur"})
    assert changed.status_code == 303
    request = await db.scalar(select(HelpRequest))
    assert request is not None and request.what == "Een kind naar school brengen"
    assert (await submit(requests_url, f"{requests_url}/{request.id}/intrekken")).status_code == 303

    # Or it publishes the text as it is, by its explicit choice.
    warned = await submit(url, url, named)
    assert warned.status_code == 400
    # A name typed in after the warning is pointed out again: the choice was about the names it was shown.
    added = await submit(
        warned,
        url,
        {"what": "SEM en Anouk naar school brengen"},
        button="Toch zo op het takenbord zetten, met deze namen",
    )
    assert added.status_code == 400
    assert "In je tekst staat ‘Anouk’. Dat is de naam van iemand uit jullie huishouden." in added.text
    assert await db.scalar(select(func.count()).select_from(HelpRequest)) == 1
    anyway = await submit(warned, url, button="Toch zo op het takenbord zetten, met deze namen")
    assert anyway.status_code == 303
    texts = set(await db.scalars(select(HelpRequest.what)))
    assert texts == {"Een kind naar school brengen", "SEM naar school brengen"}


async def test_ordinary_words_and_parts_of_words_are_no_names(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, _household, _anouk, _action, url = await school_run_household(client, db, submit)
    # "Kind 1" is a member too, "Semester" starts with Sem, "Riagg" with Ria, "de" is in "De Vries".
    text = {"what": "Een kind naar school brengen, ook in het nieuwe semester", "when_text": "na de Riagg-afspraak"}
    published = await submit(url, url, text)
    assert published.status_code == 303
    assert await db.scalar(select(func.count()).select_from(HelpRequest)) == 1


async def test_three_volunteers_each_take_days_and_the_rota_shows_who_does_which_day(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, request = await recurring_request(client, db, submit)
    lotte, kees, noor = [await volunteer(db, world, name) for name in ("Lotte", "Kees", "Noor")]
    assert (await offer_days(client, db, lotte, ["ma", "di"])).status_code == 303
    assert (await offer_days(client, db, kees, ["do"])).status_code == 303
    # A day the request does not have is not among the checkboxes.
    with pytest.raises(AssertionError, match="has no value"):
        await offer_days(client, db, noor, ["wo"])
    assert (await offer_days(client, db, noor, ["vr"])).status_code == 303

    await as_household(client, db, anouk)
    page = await client.get(f"/huishoudens/{household.id}/hulpvragen")
    assert "Lotte van Handje Helpen wil helpen. Op maandag en dinsdag." in page.text
    for person in (lotte, kees):
        assert (await accept(submit, household, await offer_of(db, person))).status_code == 303
    page = await client.get(f"/huishoudens/{household.id}/hulpvragen")
    assert "Nog open: vrijdag." in page.text
    await db.refresh(request)
    assert request.status == "open"

    # Still on the board for the day that is open.
    client.cookies.clear()
    await signed_in_as(client, db, await volunteer(db, world, "Fatma"))
    board = await client.get("/taken")
    assert "Nog open: vrijdag." in board.text

    await as_household(client, db, anouk)
    assert (await accept(submit, household, await offer_of(db, noor))).status_code == 303
    page = await client.get(f"/huishoudens/{household.id}/hulpvragen")
    rota = page.text.split("Rooster: wie doet welke dag", 1)[1].split("</table>", 1)[0]
    for weekday, name in (("maandag", "Lotte"), ("dinsdag", "Lotte"), ("donderdag", "Kees"), ("vrijdag", "Noor")):
        assert f'<th scope="row">{weekday}</th><td>{name}</td>' in rota
    assert "nog open" not in rota
    await db.refresh(request)
    assert request.status == "accepted"
    # Every day has its volunteer: off the board.
    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    who = await client.get(f"/huishoudens/{household.id}")
    assert all(name in who.text for name in ("Lotte", "Kees", "Noor"))


async def test_a_day_that_has_a_volunteer_is_refused_to_a_second_and_nothing_is_saved(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, request = await recurring_request(client, db, submit)
    lotte, kees = await volunteer(db, world, "Lotte"), await volunteer(db, world, "Kees")
    await offer_days(client, db, lotte, ["di", "do"])
    await offer_days(client, db, kees, ["do", "vr"])

    await as_household(client, db, anouk)
    assert (await accept(submit, household, await offer_of(db, lotte))).status_code == 303
    page = await client.get(f"/huishoudens/{household.id}/hulpvragen")
    assert "Let op: donderdag heeft al een vrijwilliger." in page.text
    refused = await accept(submit, household, kees_offer := await offer_of(db, kees))
    assert refused.status_code == 409
    assert "Op donderdag helpt Lotte al. Een dag kan maar door één vrijwilliger gedaan worden." in refused.text
    assert "Er is niets veranderd." in refused.text
    await db.refresh(kees_offer)
    assert kees_offer.status == "pending"
    days = dict((await db.execute(select(HelpRotaDay.weekday, HelpRotaDay.volunteer_id))).tuples().all())
    assert days == {1: lotte.id, 3: lotte.id}
    # Kees sees nothing of the household.
    client.cookies.clear()
    await signed_in_as(client, db, kees)
    assert (await client.get(f"/huishoudens/{household.id}/hulpvragen/{request.id}/taak")).status_code == 404

    # The database itself keeps a day to one volunteer, whatever the code before it did.
    db.add(HelpRotaDay(help_request_id=request.id, weekday=3, offer_id=kees_offer.id, volunteer_id=kees.id))
    with pytest.raises(IntegrityError):
        await db.flush()
    await db.rollback()


async def test_two_acceptances_for_the_same_day_at_the_same_moment_give_it_once(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, settings: Settings
) -> None:
    """Two members of the household (or a double tap on two phones) accept two offers that share a day: the
    second waits for the first and is refused in words."""
    world, household, anouk, request = await recurring_request(client, db, submit)
    lotte, kees = await volunteer(db, world, "Lotte"), await volunteer(db, world, "Kees")
    await offer_days(client, db, lotte, ["di", "do"])
    await offer_days(client, db, kees, ["do", "vr"])
    first, second = await offer_of(db, lotte), await offer_of(db, kees)

    def accepting(offer: HelpOffer) -> Any:
        async def step(session: AsyncSession) -> Any:
            me = await session.get(Person, anouk.id)
            assert me is not None
            await session.refresh(me, ["roles"])
            return await volunteering.decide(session, actor_for(me), household.id, offer.id, accept=True)

        return step

    refused = await first_then_second(settings, accepting(first), accepting(second))
    assert isinstance(refused, IllegalTransition), repr(refused)
    assert "Op donderdag helpt Lotte al." in refused.message
    days = dict((await db.execute(select(HelpRotaDay.weekday, HelpRotaDay.volunteer_id))).tuples().all())
    assert days == {1: lotte.id, 3: lotte.id}
    statuses = dict((await db.execute(select(HelpOffer.volunteer_id, HelpOffer.status))).tuples().all())
    assert statuses == {lotte.id: "accepted", kees.id: "pending"}
    assert request.id


async def test_the_volunteers_start_page_shows_her_days_tasks_and_the_next_date(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, _request = await recurring_request(client, db, submit)
    lotte = await volunteer(db, world, "Lotte")
    client.cookies.clear()
    await signed_in_as(client, db, lotte)
    start = await client.get("/mijn")
    assert "Je hebt nog geen taken." in start.text and 'href="/taken"' in start.text

    await offer_days(client, db, lotte, ["di", "do"])
    await as_household(client, db, anouk)
    await accept(submit, household, await offer_of(db, lotte))

    client.cookies.clear()
    await signed_in_as(client, db, lotte)
    start = await client.get("/mijn")
    assert "Mijn dagen en taken" in start.text
    assert "Dinsdag en donderdag: Een kind naar school brengen, om 8.15 uur" in start.text
    tuesday = FIRST_MONDAY + dt.timedelta(days=1)
    assert f"De volgende keer: dinsdag {tuesday.day} " in start.text
    assert str(tuesday.year) in start.text.split("De volgende keer:", 1)[1].split("</p>", 1)[0]


async def test_a_volunteer_sees_only_what_the_household_chose_and_nothing_once_it_ends(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, request = await recurring_request(client, db, submit)
    lotte, kees = await volunteer(db, world, "Lotte"), await volunteer(db, world, "Kees")
    await offer_days(client, db, lotte, ["ma", "di"])
    await offer_days(client, db, kees, ["do", "vr"])
    task_url = f"/huishoudens/{household.id}/hulpvragen/{request.id}/taak"

    await as_household(client, db, anouk)
    lotte_offer = await offer_of(db, lotte)
    accepted = await accept(submit, household, lotte_offer)
    share_url = f"/huishoudens/{household.id}/hulpvragen/aanbod/{lotte_offer.id}/delen"
    assert accepted.headers["location"].startswith(share_url)
    share = await client.get(accepted.headers["location"])
    assert "Jullie hebben het aanbod van Lotte aangenomen." in share.text
    sem = await db.scalar(select(Member).where(Member.household_id == household.id, Member.first_name == "Sem"))
    assert sem is not None
    choice = {"members": [str(sem.id)], "place": "plek", "place_text": SCHOOL, "note": "Sem heeft een blauwe jas."}
    assert (await submit(share, share_url, choice)).status_code == 303

    # Kees offered but was not accepted: nothing.
    client.cookies.clear()
    await signed_in_as(client, db, kees)
    assert (await client.get(task_url)).status_code == 404
    assert (await client.get(f"/huishoudens/{household.id}")).status_code == 404

    client.cookies.clear()
    await signed_in_as(client, db, lotte)
    looks_before = await db.scalar(select(func.count()).select_from(AccessLogEntry))
    task = await client.get(task_url)
    assert task.status_code == 200
    assert "Sem" in task.text and SCHOOL in task.text and "Sem heeft een blauwe jas." in task.text
    assert "Jouw dagen: maandag en dinsdag" in task.text
    for hidden in ("Anouk", ADDRESS, PHONE, "Ria Bakker", "De Vries", "Kind 1"):
        assert hidden not in task.text, hidden
    look = await db.scalar(
        select(AccessLogEntry).where(AccessLogEntry.actor_id == lotte.id).order_by(AccessLogEntry.created_at.desc())
    )
    assert look is not None and look.actor_role == "volunteer"
    assert await db.scalar(select(func.count()).select_from(AccessLogEntry)) == (looks_before or 0) + 1
    # The household's own page names everyone in it: not for her, whose task page shows what she may know.
    assert (await client.get(f"/huishoudens/{household.id}")).status_code == 404

    # The household changes its choice: the address and the phone number instead of the school.
    await as_household(client, db, anouk)
    share = await client.get(share_url)
    assert SCHOOL in share.text  # the earlier choice, filled in
    changed = {"members": [], "place": "adres", "place_text": "", "phone": "ja", "note": ""}
    assert (await submit(share, share_url, changed)).status_code == 303
    client.cookies.clear()
    await signed_in_as(client, db, lotte)
    task = await client.get(task_url)
    assert ADDRESS in task.text and PHONE in task.text
    assert SCHOOL not in task.text and "Sem" not in task.text.split("Wat het huishouden je vertelt", 1)[1]

    # The household ends Lotte's part: her days are open again and she reads nothing more.
    await as_household(client, db, anouk)
    requests_url = f"/huishoudens/{household.id}/hulpvragen"
    ended = await submit(requests_url, f"{requests_url}/aanbod/{lotte_offer.id}/stoppen")
    assert ended.status_code == 303
    page = await client.get(f"/huishoudens/{household.id}/hulpvragen")
    assert "Nog open: maandag, dinsdag, donderdag en vrijdag." in page.text
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert "stopte de hulp van Lotte bij: “Een kind naar school brengen”." in timeline.text
    client.cookies.clear()
    await signed_in_as(client, db, lotte)
    assert (await client.get(task_url)).status_code == 404
    assert "Je hebt nog geen taken." in (await client.get("/mijn")).text

    # Kees accepted, then the whole request withdrawn: his access ends too.
    await as_household(client, db, anouk)
    await accept(submit, household, await offer_of(db, kees))
    client.cookies.clear()
    await signed_in_as(client, db, kees)
    assert (await client.get(task_url)).status_code == 200
    await as_household(client, db, anouk)
    withdrawn = await submit(
        f"/huishoudens/{household.id}/hulpvragen", f"/huishoudens/{household.id}/hulpvragen/{request.id}/intrekken"
    )
    assert withdrawn.status_code == 303
    client.cookies.clear()
    await signed_in_as(client, db, kees)
    assert (await client.get(task_url)).status_code == 404


async def test_the_choice_of_what_to_share_is_refused_for_an_offer_not_accepted(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, _request = await recurring_request(client, db, submit)
    kees = await volunteer(db, world, "Kees")
    await offer_days(client, db, kees, ["do"])
    await as_household(client, db, anouk)
    pending = await offer_of(db, kees)
    page = await client.get(f"/huishoudens/{household.id}/hulpvragen/aanbod/{pending.id}/delen")
    assert page.status_code == 409
    assert "Dan krijgt de vrijwilliger niets te zien." in page.text


async def test_after_the_last_day_of_the_period_the_volunteers_read_nothing_more(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, request = await recurring_request(client, db, submit)
    lotte = await volunteer(db, world, "Lotte")
    await offer_days(client, db, lotte, ["ma"])
    await as_household(client, db, anouk)
    await accept(submit, household, await offer_of(db, lotte))
    task_url = f"/huishoudens/{household.id}/hulpvragen/{request.id}/taak"
    client.cookies.clear()
    await signed_in_as(client, db, lotte)
    assert (await client.get(task_url)).status_code == 200

    # The period is over (as if the weeks had passed): her task, her day and the card are gone for volunteers.
    await db.refresh(request)
    request.starts_on, request.ends_on = local_today() - dt.timedelta(weeks=9), local_today() - dt.timedelta(days=1)
    await db.commit()
    assert (await client.get(task_url)).status_code == 404
    assert "Je hebt nog geen taken." in (await client.get("/mijn")).text
    client.cookies.clear()
    await signed_in_as(client, db, await volunteer(db, world, "Kees"))
    assert "Een kind naar school brengen" not in (await client.get("/taken")).text

    await as_household(client, db, anouk)
    page = await client.get(f"/huishoudens/{household.id}/hulpvragen")
    assert "De laatste dag van deze hulpvraag is voorbij. Vrijwilligers zien hem niet meer." in page.text


async def test_a_mistyped_year_in_the_period_is_refused_in_words(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, _household, _anouk, _action, url = await school_run_household(client, db, submit)
    refused = await submit(url, url, {**RECURRING, "starts_on": "9999-12-31"})
    assert refused.status_code == 400
    assert "Vul een datum in, zoals 2026-12-01." in refused.text
    assert await db.scalar(select(func.count()).select_from(HelpRequest)) == 0
