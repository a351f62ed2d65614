"""The regisseur's caseload on /mijn ("Mijn huishoudens"): what needs her today, per household, most urgent
first, with a filter by phase; its cost in statements does not grow with her households. And the voice of
the household's pages: "Ons plan" to the household, "Plan van Bakker" to a professional."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import access_log, lifecycle
from server.domain.access_log import Look
from server.domain.events import EventKind, record_event
from server.domain.models import AccessLogEntry, Household, Person, Phase, Role, TimelineEvent, Trajectory, utcnow
from server.domain.people import create_person
from server.domain.plan.model import ActionStatus, Goal, Horizon, PlanAction, WhoType
from server.domain.plan.service import HOUSEHOLD_WRITER
from server.domain.policy import Relation, actor_for
from server.domain.ratings import instruments
from server.domain.ratings import service as ratings
from server.domain.volunteering.model import HelpRequest, HelpRequestStatus
from server.domain.workspace.model import CheckIn, Handover, HandoverKind
from server.views.presenters import day
from tests.factories import World, make_household, make_world, signed_in_as

TODAY = utcnow().date()
CARD = re.compile(r'<li class="card caseload-card[^"]*">(.*?)\n    </li>', re.S)
CARD_NAME = re.compile(r'<h3 class="caseload-card__name"><a href="/huishoudens/([0-9a-f-]+)">([^<]+)</a>')
TAG = re.compile(r"<[^>]+>")


def cards(html: str) -> dict[str, str]:
    """The caseload's cards in the order shown: household name -> the card's text."""
    found: dict[str, str] = {}
    for body in CARD.findall(html):
        name = CARD_NAME.search(body)
        assert name is not None, body
        found[name.group(2)] = " ".join(TAG.sub(" ", body).split())
    return found


async def trajectory_of(db: AsyncSession, household: Household) -> Trajectory:
    trajectory = await db.scalar(
        select(Trajectory).where(Trajectory.household_id == household.id).execution_options(populate_existing=True)
    )
    assert trajectory is not None
    return trajectory


async def goal_of(db: AsyncSession, household: Household) -> Goal:
    goal = Goal(
        household_id=household.id,
        domain_key="financien",
        text="Rust in de brievenbus",
        horizon=Horizon.EERST,
        written_by_role=HOUSEHOLD_WRITER,
    )
    db.add(goal)
    await db.flush()
    return goal


# --------------------------------------------------------------------------------------------------------
# One signal each
# --------------------------------------------------------------------------------------------------------


async def evaluation_overdue(db: AsyncSession, household: Household, _w: World, _m: Person) -> None:
    (await trajectory_of(db, household)).next_evaluation_on = TODAY - dt.timedelta(days=3)


async def overdue_actions(db: AsyncSession, household: Household, _w: World, _m: Person) -> None:
    goal = await goal_of(db, household)
    yesterday = TODAY - dt.timedelta(days=1)
    db.add_all(
        [
            PlanAction(
                goal_id=goal.id, household_id=household.id, what="Bellen", who_type=WhoType.ZELF, due_on=yesterday
            ),
            PlanAction(
                goal_id=goal.id,
                household_id=household.id,
                what="Formulier",
                who_type=WhoType.ZELF,
                due_on=yesterday,
                status=ActionStatus.BEZIG,
            ),
            # Not overdue: done, stopped, due today, no date.
            PlanAction(
                goal_id=goal.id,
                household_id=household.id,
                what="Brief",
                who_type=WhoType.ZELF,
                due_on=yesterday,
                status=ActionStatus.GEDAAN,
            ),
            PlanAction(
                goal_id=goal.id,
                household_id=household.id,
                what="Afspraak",
                who_type=WhoType.ZELF,
                due_on=yesterday,
                status=ActionStatus.GESTOPT,
            ),
            PlanAction(goal_id=goal.id, household_id=household.id, what="Vandaag", who_type=WhoType.ZELF, due_on=TODAY),
            PlanAction(goal_id=goal.id, household_id=household.id, what="Ooit", who_type=WhoType.ZELF),
        ]
    )


async def ratings_differ(db: AsyncSession, household: Household, world: World, member: Person) -> None:
    """On one leefgebied the household says 1 and the regisseur 4; on another they are one step apart. She
    looked after the household rated, so that nothing else is new."""
    instrument = await instruments.for_municipality(db, household.municipality_id)
    first, second = instrument.domains[0].key, instrument.domains[1].key
    sides = (
        (actor_for(member), Relation.MEMBER, {first: "1", second: "3"}),
        (actor_for(world.regisseur), Relation.REGISSEUR, {first: "4", second: "4"}),
    )
    for actor, relation, scores in sides:
        await ratings.start_assessment(db, actor, relation, household.id, instrument, "nulmeting")
        for key, score in scores.items():
            await ratings.rate(db, actor, relation, household.id, instrument, key, score)
        # She saw the household's scores before giving her own: no news since her visit.
        await access_log.record_look(
            db, Look.of(actor_for(world.regisseur), Relation.REGISSEUR, household.id, "ratings")
        )


async def changed_since_visit(db: AsyncSession, household: Household, world: World, member: Person) -> None:
    """The regisseur looked an hour ago; the household added something after that."""
    await access_log.record_look(db, Look.of(actor_for(world.regisseur), Relation.REGISSEUR, household.id, "plan"))
    event_ = await record_event(db, household_id=household.id, actor=member, kind=EventKind.GOAL_CREATED)
    event_.created_at = utcnow() + dt.timedelta(seconds=5)


async def help_without_volunteer(db: AsyncSession, household: Household, world: World, _m: Person) -> None:
    goal = await goal_of(db, household)
    chores = [
        PlanAction(goal_id=goal.id, household_id=household.id, what=f"Klus {n}", who_type=WhoType.VRIJWILLIGER)
        for n in range(2)
    ]
    db.add_all(chores)
    await db.flush()
    db.add_all(
        [
            HelpRequest(
                household_id=household.id,
                action_id=chores[0].id,
                municipality_id=household.municipality_id,
                what="Boodschappen",
            ),
            # Taken on by a volunteer: not waiting any more.
            HelpRequest(
                household_id=household.id,
                action_id=chores[1].id,
                municipality_id=household.municipality_id,
                what="Verhuizen",
                status=HelpRequestStatus.ACCEPTED,
                volunteer_id=world.coordinator.id,
            ),
        ]
    )


async def handover_waiting(db: AsyncSession, household: Household, world: World, _m: Person) -> None:
    trajectory = await trajectory_of(db, household)
    db.add(
        Handover(
            household_id=household.id,
            trajectory_id=trajectory.id,
            kind=HandoverKind.REGISSEUR,
            from_person_id=world.regisseur.id,
            to_person_id=world.colleague.id,
        )
    )


SIGNALS = {
    "Evaluatie": (evaluation_overdue, "Evaluatie te laat: gepland op"),
    "Acties": (overdue_actions, "2 acties over de datum"),
    "Scores": (ratings_differ, "Scores verschillen 2 stappen of meer bij 1 leefgebied"),
    "Veranderd": (changed_since_visit, "Er is iets veranderd sinds je laatste bezoek"),
    "Hulpvraag": (help_without_volunteer, "1 hulpvraag nog zonder vrijwilliger"),
    "Overdracht": (handover_waiting, "Overdracht wacht op Joost"),
}


async def caseload_with_one_signal_each(db: AsyncSession) -> tuple[World, dict[str, Household]]:
    world = await make_world(db)
    households: dict[str, Household] = {}
    for name, (arrange, _text) in SIGNALS.items():
        household, (member,) = await make_household(db, world.regisseur, name, (f"Lid {name}",))
        await arrange(db, household, world, member)
        await db.commit()
        households[name] = household
    households["Rustig"], _ = await make_household(db, world.regisseur, "Rustig", ("Lid Rustig",))
    return world, households


async def test_each_signal_shows_on_its_own_household_only(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world, _households = await caseload_with_one_signal_each(db)
    # A household of a colleague, with signals of its own, is never on her list.
    other, (other_member,) = await make_household(db, world.colleague, "Van Collega", ("Piet",))
    await evaluation_overdue(db, other, world, other_member)
    await db.commit()

    await signed_in_as(client, db, world.regisseur)
    page = await client.get("/mijn")
    assert page.status_code == 200
    shown = cards(page.text)
    assert set(shown) == {*SIGNALS, "Rustig"}
    assert "Van Collega" not in page.text
    texts = {text for _arrange, text in SIGNALS.values()}
    for name, (_arrange, text) in SIGNALS.items():
        assert text in shown[name], f"{name}: {shown[name]}"
        for other_text in texts - {text}:
            assert other_text not in shown[name], f"{name} also shows {other_text!r}: {shown[name]}"
    assert "Niets dat nu op je wacht." in shown["Rustig"]
    assert "Nog geen evaluatie gepland" in shown["Rustig"]
    for card in shown.values():
        assert f"Fase: aanmelding · sinds {TODAY.day} " in card


async def test_an_overdue_evaluation_comes_first_then_the_most_signals(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    people: dict[str, tuple[Household, Person]] = {}
    for name in ("Aalders", "Bos", "Claes", "Dekker"):
        household, (member,) = await make_household(db, world.regisseur, name, (f"Lid {name}",))
        people[name] = (household, member)
    households = {name: household for name, (household, _member) in people.items()}
    # Dekker: an overdue evaluation only. Claes: three other signals. Bos: one, a warm handover to a partner.
    # Aalders: none.
    await evaluation_overdue(db, households["Dekker"], world, people["Dekker"][1])
    for arrange in (overdue_actions, help_without_volunteer, handover_waiting):
        await arrange(db, households["Claes"], world, people["Claes"][1])
    partner = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Marieke",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=world.partner.id,
    )
    db.add(
        Handover(
            household_id=households["Bos"].id,
            trajectory_id=(await trajectory_of(db, households["Bos"])).id,
            kind=HandoverKind.WARM,
            from_person_id=world.regisseur.id,
            to_person_id=partner.id,
            to_organisation_id=world.partner.id,
        )
    )
    # An evaluation planned later is no signal.
    (await trajectory_of(db, households["Aalders"])).next_evaluation_on = TODAY + dt.timedelta(days=10)
    await db.commit()

    await signed_in_as(client, db, world.regisseur)
    shown = cards((await client.get("/mijn")).text)
    assert list(shown) == ["Dekker", "Claes", "Bos", "Aalders"]
    assert "Overdracht wacht op Marieke (MEE)" in shown["Bos"]
    assert "Volgende evaluatie:" in shown["Aalders"] and "te laat" not in shown["Aalders"]


async def test_the_household_changed_nothing_since_her_last_visit(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (member,) = await make_household(db, world.regisseur, "Bakker")
    # The member changed something an hour ago, and she looked after that; her own changes are no news.
    change = await record_event(db, household_id=household.id, actor=member, kind=EventKind.GOAL_CREATED)
    change.created_at = utcnow() - dt.timedelta(hours=1)
    await access_log.record_look(db, Look.of(actor_for(world.regisseur), Relation.REGISSEUR, household.id, "plan"))
    own = await record_event(db, household_id=household.id, actor=world.regisseur, kind=EventKind.GOAL_CREATED)
    own.created_at = utcnow() + dt.timedelta(minutes=1)
    await db.commit()

    await signed_in_as(client, db, world.regisseur)
    assert "Er is iets veranderd" not in cards((await client.get("/mijn")).text)["Bakker"]
    # A member's new change after her visit is.
    await record_event(db, household_id=household.id, actor=member, kind=EventKind.GOAL_UPDATED)
    await db.commit()
    assert "Er is iets veranderd sinds je laatste bezoek" in cards((await client.get("/mijn")).text)["Bakker"]


async def test_the_phase_and_since_when_come_from_the_last_move(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, _ = await make_household(db, world.regisseur, "Bakker")
    trajectory = await trajectory_of(db, household)
    trajectory.started_on = TODAY - dt.timedelta(days=40)
    await lifecycle.move(db, trajectory, Phase.TRIAGE, world.regisseur)
    await db.commit()
    moved = await db.scalar(
        select(func.max(TimelineEvent.created_at)).where(TimelineEvent.household_id == household.id)
    )
    assert moved is not None

    await signed_in_as(client, db, world.regisseur)
    card = cards((await client.get("/mijn")).text)["Bakker"]
    assert f"Fase: triage · sinds {moved.day} " in card


async def test_the_phase_filter_is_a_form_that_works_without_javascript(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    for name in ("Aanmelder", "Triagist"):
        await make_household(db, world.regisseur, name, (f"Lid {name}",))
    triage = await db.scalar(select(Household).where(Household.name == "Triagist"))
    assert triage is not None
    await lifecycle.move(db, await trajectory_of(db, triage), Phase.TRIAGE, world.regisseur)
    await db.commit()

    await signed_in_as(client, db, world.regisseur)
    page = await client.get("/mijn")
    assert set(cards(page.text)) == {"Aanmelder", "Triagist"}
    assert "Alle fases (2)" in page.text and "triage (1)" in page.text and "intake (0)" in page.text

    filtered = await submit(page, "/mijn", {"fase": "triage"})
    assert filtered.status_code == 200 and str(filtered.url).endswith("/mijn?fase=triage")
    assert set(cards(filtered.text)) == {"Triagist"}
    assert '<option value="triage" selected>' in filtered.text

    empty = await submit(filtered, "/mijn", {"fase": "intake"})
    assert cards(empty.text) == {} and "Geen huishoudens in deze fase." in empty.text
    everything = await submit(empty, "/mijn", {"fase": ""})
    assert set(cards(everything.text)) == {"Aanmelder", "Triagist"}
    # An unknown phase in the address shows everything, not an error.
    unknown = await client.get("/mijn?fase=afgesloten")
    assert unknown.status_code == 200 and set(cards(unknown.text)) == {"Aanmelder", "Triagist"}


async def test_a_closed_trajectory_leaves_the_caseload(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    world = await make_world(db)
    household, _ = await make_household(db, world.regisseur, "Bakker")
    trajectory = await trajectory_of(db, household)
    await lifecycle.move(db, trajectory, Phase.TRIAGE, world.regisseur)
    await lifecycle.move(db, trajectory, Phase.AFGESLOTEN, world.regisseur, reason="verhuisd")
    await db.commit()
    await signed_in_as(client, db, world.regisseur)
    page = await client.get("/mijn")
    assert cards(page.text) == {} and "Je hebt nog geen huishoudens." in page.text


async def test_her_own_caseload_writes_no_look_and_the_team_lead_keeps_the_team_list(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world, households = await caseload_with_one_signal_each(db)
    before = await db.scalar(select(func.count()).select_from(AccessLogEntry))
    await signed_in_as(client, db, world.regisseur)
    assert (await client.get("/mijn")).status_code == 200
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(AccessLogEntry)) == before

    client.cookies.clear()
    await signed_in_as(client, db, world.team_lead)
    page = await client.get("/team")
    assert "Huishoudens van het team" in page.text and cards(page.text) == {}
    assert all(name in page.text for name in households)
    await db.rollback()
    looks = await db.scalars(select(AccessLogEntry.resource).where(AccessLogEntry.actor_id == world.team_lead.id))
    assert set(looks) == {"team_overview"}


# --------------------------------------------------------------------------------------------------------
# Statements: the same for one household as for six
# --------------------------------------------------------------------------------------------------------


@contextmanager
def counting(app: Litestar) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    engine = app.state.db_config.get_engine().sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def household_with_every_signal(db: AsyncSession, world: World, name: str) -> None:
    household, (member,) = await make_household(db, world.regisseur, name, (f"Lid {name}",))
    for arrange, _text in SIGNALS.values():
        await arrange(db, household, world, member)
    await db.commit()


async def test_the_caseload_costs_the_same_statements_for_one_household_as_for_six(
    app: Litestar, client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    await household_with_every_signal(db, world, "Huishouden 0")
    await signed_in_as(client, db, world.regisseur)
    assert (await client.get("/mijn")).status_code == 200  # the first page of the session

    with counting(app) as one:
        small = await client.get("/mijn")
    assert len(cards(small.text)) == 1
    for n in range(1, 6):
        await household_with_every_signal(db, world, f"Huishouden {n}")
    with counting(app) as six:
        large = await client.get("/mijn")
    shown = cards(large.text)
    assert len(shown) == 6
    assert all(text in card for card in shown.values() for _arrange, text in SIGNALS.values())
    listing = "\n".join(six)
    assert len(six) == len(one), f"{len(one)} statements for one household, {len(six)} for six:\n{listing}"


# --------------------------------------------------------------------------------------------------------
# The voice: the household's own words for the household, the professional's for professionals
# --------------------------------------------------------------------------------------------------------


def main(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


def h1(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert found is not None
    return " ".join(TAG.sub("", found.group(1)).split())


async def test_the_household_reads_ons_plan_and_the_regisseur_plan_van(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur, "Bakker")
    base = f"/huishoudens/{household.id}"

    await signed_in_as(client, db, sanne)
    overview = await client.get(base)
    assert ">Ons plan</a>" in overview.text and "Wie keek in ons plan" in overview.text
    assert h1((await client.get(f"{base}/plan")).text) == "Ons plan"
    assert h1((await client.get(f"{base}/inzage")).text) == "Wie keek in ons plan"
    assert h1((await client.get(f"{base}/scores")).text) == "Hoe gaat het?"
    assert "Wie staan er om jullie heen" in (await client.get(f"{base}/netwerk")).text
    assert "layout-wide" not in overview.text

    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    overview = await client.get(base)
    assert ">Plan van Bakker</a>" in overview.text and "Ons plan" not in overview.text
    assert "Wie keek in het plan van Bakker" in overview.text and "jullie" not in main(overview.text)
    assert 'class="page layout-wide"' in overview.text
    plan = await client.get(f"{base}/plan")
    assert h1(plan.text) == "Plan van Bakker" and "Ons plan" not in plan.text
    scores = await client.get(f"{base}/scores")
    assert h1(scores.text) == "Scores van Bakker" and "Ons plan" not in scores.text
    history = await client.get(f"{base}/scores/verloop")
    assert "Scores van Bakker" in history.text
    assert h1((await client.get(f"{base}/inzage")).text) == "Wie keek in het plan van Bakker"
    network = await client.get(f"{base}/netwerk")
    assert "Wie staan er om het huishouden heen" in network.text and "Ons plan" not in network.text
    timeline = await client.get(f"{base}/tijdlijn")
    assert "Tijdlijn van Bakker" in timeline.text


async def test_a_professional_page_is_wide_and_the_caseload_has_its_grid(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    world = await make_world(db)
    await make_household(db, world.regisseur, "Bakker")
    await signed_in_as(client, db, world.regisseur)
    page = await client.get("/mijn")
    assert 'class="page layout-wide"' in page.text and 'class="list-plain caseload-list"' in page.text
    css = await client.get(re.findall(r'href="([^"]*app[^"]*\.css)"', page.text)[0])
    assert "@media (min-width: 900px)" in css.text and "repeat(2, minmax(0, 1fr))" in css.text


async def test_a_household_in_waakvlam_shows_its_next_check_in(
    db: AsyncSession, client: AsyncTestClient[Litestar]
) -> None:
    world = await make_world(db)
    household, _members = await make_household(db, world.regisseur, name="Waakvlam")
    trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == household.id))
    assert trajectory is not None
    trajectory.phase = Phase.WAAKVLAM
    soon = dt.date.today() + dt.timedelta(days=9)
    db.add(
        CheckIn(
            household_id=household.id,
            trajectory_id=trajectory.id,
            due_on=soon - dt.timedelta(days=30),
            done_on=soon - dt.timedelta(days=30),
            went_well=True,
        )
    )
    db.add(CheckIn(household_id=household.id, trajectory_id=trajectory.id, due_on=soon))
    db.add(CheckIn(household_id=household.id, trajectory_id=trajectory.id, due_on=soon + dt.timedelta(days=30)))
    await db.commit()
    await signed_in_as(client, db, world.regisseur)
    page = await client.get("/mijn")
    assert page.status_code == 200
    card = page.text.split(">Waakvlam<", 1)[1].split("</li>", 1)[0]
    assert f"Volgende check-in: {day(soon)}" in card
