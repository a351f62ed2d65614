"""The partner professional through real forms: the household gives an action to MEE, Ruud (MEE) finds it on
his start page, picks it up, writes a note and ticks it; the household sees his note and his looks, and ends
his access by stopping the share. A ratings share lets an organisation read the scores and nothing more."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import AccessLogEntry, Household, Organisation, OrganisationKind, Person, Role, utcnow
from server.domain.people import create_person
from server.domain.plan.model import ActionStatus, Goal, PlanAction, Share, ShareSubject
from server.domain.workspace.model import Involvement
from tests.factories import World, make_household, make_world, signed_in_as

WHAT = "Een budgetplan maken met de hele familie"
REASON = "Wij weten niet hoe dat moet, MEE wel"


async def _setup(db: AsyncSession) -> tuple[World, Household, Person, Person, Person]:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    other = Organisation(municipality_id=world.municipality.id, name="GGZ Oost", kind=OrganisationKind.PARTNER)
    db.add(other)
    await db.flush()
    ruud = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Ruud",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=world.partner.id,
    )
    daan = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Daan",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=other.id,
    )
    await db.commit()
    return world, household, anouk, ruud, daan


async def _goal(client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, household: Household) -> Goal:
    answer = await submit(
        f"/huishoudens/{household.id}/plan/doelen/nieuw",
        f"/huishoudens/{household.id}/plan/doelen",
        {"domain_key": "financien", "text": "Grip op ons geld", "horizon": "eerst"},
    )
    assert answer.status_code == 303, answer.text
    goal = await db.scalar(select(Goal).where(Goal.household_id == household.id))
    assert goal is not None
    return goal


async def _assign_to_mee(
    submit: Any, db: AsyncSession, world: World, household: Household, goal: Goal, due: dt.date, what: str = WHAT
) -> PlanAction:
    base = f"/huishoudens/{household.id}/plan/doelen/{goal.id}/acties"
    form = {
        "what": what,
        "who_type": "professional",
        "professional_reason": REASON,
        "organisation": str(world.partner.id),
        "due_on": due.isoformat(),
        "status": "open",
    }
    answer = await submit(f"{base}/nieuw", base, form)
    assert answer.status_code == 303, answer.text
    action = await db.scalar(select(PlanAction).where(PlanAction.what == what))
    assert action is not None
    return action


async def test_an_action_for_mee_is_found_picked_up_noted_and_ticked_by_ruud_and_ends_with_the_share(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, ruud, daan = await _setup(db)
    await signed_in_as(client, db, anouk)
    goal = await _goal(client, db, submit, household)
    base = f"/huishoudens/{household.id}/plan/doelen/{goal.id}/acties"

    # Choosing a professional asks which organisation and why.
    form_page = await client.get(f"{base}/nieuw")
    assert "Alleen bij een professional: welke organisatie?" in form_page.text and ">MEE<" in form_page.text
    no_reason = await submit(
        form_page, base, {"what": WHAT, "who_type": "professional", "organisation": str(world.partner.id)}
    )
    assert no_reason.status_code == 400
    assert "waarom een professional dit doet" in no_reason.text and WHAT in no_reason.text
    foreign = await submit(
        form_page,
        base,
        {"what": WHAT, "who_type": "professional", "professional_reason": REASON, "organisation": str(world.team.id)},
        hostile=True,
    )
    assert foreign.status_code == 400 and "Kies een organisatie uit de lijst." in foreign.text
    assert await db.scalar(select(PlanAction).where(PlanAction.what == WHAT)) is None

    action = await _assign_to_mee(submit, db, world, household, goal, utcnow().date() + dt.timedelta(days=3))
    assert action.assigned_organisation_id == world.partner.id and action.performer == "MEE"
    share = await db.scalar(select(Share).where(Share.organisation_id == world.partner.id))
    assert share is not None and share.goal_id == goal.id and share.purpose == f"voor de actie: {WHAT}"
    involved = list(await db.scalars(select(Involvement).where(Involvement.household_id == household.id)))
    assert [row.organisation_name for row in involved] == ["MEE"]
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert f"gaf de actie \u201c{WHAT}\u201d aan MEE" in timeline.text

    # Ruud finds it on his start page, with the household, the goal and the purpose.
    await signed_in_as(client, db, ruud)
    start = await client.get("/mijn")
    assert start.status_code == 200
    assert "Huishouden De Vries" in start.text and "Grip op ons geld" in start.text
    assert f"voor de actie: {WHAT}" in start.text and WHAT in start.text
    looks = list(
        await db.scalars(
            select(AccessLogEntry).where(
                AccessLogEntry.household_id == household.id, AccessLogEntry.actor_id == ruud.id
            )
        )
    )
    assert [(e.resource, e.actor_role, e.organisation_name) for e in looks] == [
        ("partner_start", Role.PARTNER_PROFESSIONAL, "MEE")
    ]

    # "Wij pakken dit op", back to his start page.
    taken = await submit(start, f"/huishoudens/{household.id}/plan/acties/{action.id}/oppakken")
    assert taken.status_code == 303 and taken.headers["location"] == "/mijn"
    await db.refresh(action)
    assert action.performer == "Ruud, MEE" and action.assigned_person_id == ruud.id
    assert action.status == ActionStatus.BEZIG
    start = await client.get("/mijn")
    assert "opgepakt door Ruud, MEE" in start.text

    # On the plan: his note; from the start page: the tick.
    plan = await client.get(f"/huishoudens/{household.id}/plan")
    assert plan.status_code == 200 and "Opgepakt door Ruud, MEE" in plan.text
    noted = await submit(
        plan, f"/huishoudens/{household.id}/plan/acties/{action.id}/notitie", {"note": "Eerste gesprek is gepland."}
    )
    assert noted.status_code == 303
    ticked = await submit(start, f"/huishoudens/{household.id}/plan/acties/{action.id}/afvinken")
    assert ticked.status_code == 303 and ticked.headers["location"] == "/mijn"
    await db.refresh(action)
    assert action.status == ActionStatus.GEDAAN and action.note == "Eerste gesprek is gepland."

    # Someone of another partner organisation sees nothing of it.
    await signed_in_as(client, db, daan)
    elsewhere = await client.get("/mijn")
    assert "Nog niets gedeeld met GGZ Oost" in elsewhere.text and "De Vries" not in elsewhere.text
    assert (await client.get(f"/huishoudens/{household.id}/plan")).status_code == 404

    # The household reads his note, his step in the timeline and his looks.
    await signed_in_as(client, db, anouk)
    plan = await client.get(f"/huishoudens/{household.id}/plan")
    assert "Notitie: Eerste gesprek is gepland." in plan.text
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert f"Ruud van MEE pakt de actie \u201c{WHAT}\u201d op." in timeline.text
    log = await client.get(f"/huishoudens/{household.id}/inzage")
    assert "Ruud" in log.text and "MEE" in log.text

    # Stopping the share ends his access at once.
    shares = await client.get(f"/huishoudens/{household.id}/delingen")
    assert f"voor de actie: {WHAT}" in shares.text
    stopped = await submit(shares, f"/huishoudens/{household.id}/plan/delingen/{share.id}/intrekken")
    assert stopped.status_code == 303 and "/delingen" in stopped.headers["location"]
    await signed_in_as(client, db, ruud)
    assert (await client.get(f"/huishoudens/{household.id}/plan")).status_code == 404
    start = await client.get("/mijn")
    assert "De Vries" not in start.text and "Nog niets gedeeld met MEE" in start.text


async def test_the_start_page_puts_overdue_actions_first(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, ruud, _daan = await _setup(db)
    await signed_in_as(client, db, anouk)
    goal = await _goal(client, db, submit, household)
    later = await _assign_to_mee(submit, db, world, household, goal, utcnow().date() + dt.timedelta(days=20))
    # An action that was due yesterday (set so in the past; the form refuses a date already gone).
    overdue = await _assign_to_mee(
        submit, db, world, household, goal, utcnow().date() + dt.timedelta(days=1), what="Eerst dit"
    )
    overdue.due_on = utcnow().date() - dt.timedelta(days=1)
    await db.commit()
    assert later.id != overdue.id
    await signed_in_as(client, db, ruud)
    start = await client.get("/mijn")
    assert start.text.index("Eerst dit") < start.text.index(WHAT)
    assert "Te laat" in start.text


async def test_a_ratings_share_lets_the_organisation_read_the_scores_and_nothing_more(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, _ruud, _daan = await _setup(db)
    nursing = Organisation(municipality_id=world.municipality.id, name="Wijkverpleging", kind=OrganisationKind.PARTNER)
    db.add(nursing)
    await db.flush()
    hanna = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Hanna",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=nursing.id,
    )
    await db.commit()
    await signed_in_as(client, db, anouk)
    await _goal(client, db, submit, household)
    page = f"/huishoudens/{household.id}/delingen"
    action = f"/huishoudens/{household.id}/delingen/scores"

    without_purpose = await submit(page, action, {"organisation": str(nursing.id), "purpose": " "})
    assert without_purpose.status_code == 400
    assert "waarvoor de organisatie de scores moet zien" in without_purpose.text
    shared = await submit(page, action, {"organisation": str(nursing.id), "purpose": "Zorg thuis afstemmen"})
    assert shared.status_code == 303
    share = await db.scalar(select(Share).where(Share.organisation_id == nursing.id))
    assert share is not None and share.subject == ShareSubject.RATINGS and share.goal_id is None
    twice = await submit(page, action, {"organisation": str(nursing.id), "purpose": "Nog een keer"})
    assert twice.status_code == 400 and "Jullie delen de scores al met Wijkverpleging." in twice.text
    listing = await client.get(page)
    assert "De scores" in listing.text and "Zorg thuis afstemmen" in listing.text
    involved = await db.scalar(select(Involvement.organisation_name).where(Involvement.household_id == household.id))
    assert involved == "Wijkverpleging"
    dossier = (await client.get(f"/huishoudens/{household.id}/dossier.json")).json()
    assert dossier["scores_gedeeld_met"][0]["met"] == "Wijkverpleging"
    # The plan itself shows no ratings share under a goal, and loads.
    assert (await client.get(f"/huishoudens/{household.id}/plan")).status_code == 200
    assert "deelde jullie scores met Wijkverpleging" in (await client.get(f"/huishoudens/{household.id}/tijdlijn")).text

    await signed_in_as(client, db, hanna)
    start = await client.get("/mijn")
    assert "De scores" in start.text and "Zorg thuis afstemmen" in start.text
    scores = await client.get(f"/huishoudens/{household.id}/scores")
    assert scores.status_code == 200 and "Scores van De Vries" in scores.text
    assert "/scores/leefgebied/" not in scores.text and "Nieuwe meting beginnen" not in scores.text
    overview = await client.get(f"/huishoudens/{household.id}")
    assert overview.status_code == 200 and f"/huishoudens/{household.id}/scores" in overview.text
    assert "Grip op ons geld" not in overview.text
    for nothing_more in ("plan", "netwerk", "tijdlijn", "inzage", "betrokkenen", "eerdere-hulp"):
        assert (await client.get(f"/huishoudens/{household.id}/{nothing_more}")).status_code == 404, nothing_more
    rated = await client.post(f"/huishoudens/{household.id}/scores/leefgebied/financien", data={"score": "2"})
    assert rated.status_code in (403, 404)

    await signed_in_as(client, db, anouk)
    stop = await submit(page, f"/huishoudens/{household.id}/plan/delingen/{share.id}/intrekken")
    assert stop.status_code == 303
    assert (
        "stopte met delen van jullie scores met Wijkverpleging"
        in (await client.get(f"/huishoudens/{household.id}/tijdlijn")).text
    )
    await signed_in_as(client, db, hanna)
    assert (await client.get(f"/huishoudens/{household.id}/scores")).status_code == 404


async def test_an_ended_organisation_is_not_offered_and_the_back_address_stays_on_this_site(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, ruud, _daan = await _setup(db)
    await signed_in_as(client, db, anouk)
    goal = await _goal(client, db, submit, household)
    action = await _assign_to_mee(submit, db, world, household, goal, utcnow().date() + dt.timedelta(days=5))
    partner = await db.get(Organisation, world.partner.id)
    assert partner is not None
    partner.ended_at = utcnow()
    await db.commit()
    base = f"/huishoudens/{household.id}/plan/doelen/{goal.id}/acties"
    form_page = await client.get(f"{base}/nieuw")
    assert ">MEE<" not in form_page.text
    refused = await submit(
        form_page,
        base,
        {
            "what": "Nog iets",
            "who_type": "professional",
            "professional_reason": REASON,
            "organisation": str(partner.id),
        },
        hostile=True,
    )
    assert refused.status_code == 400
    partner.ended_at = None
    await db.commit()

    await signed_in_as(client, db, ruud)
    start = await client.get("/mijn")
    elsewhere = await submit(
        start,
        f"/huishoudens/{household.id}/plan/acties/{action.id}/oppakken",
        {"terug": "//elders.example/mijn"},
        hostile=True,
    )
    assert elsewhere.status_code == 303
    assert elsewhere.headers["location"] == f"/huishoudens/{household.id}/plan#actie-{action.id}"
