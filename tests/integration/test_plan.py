"""The household's plan through real forms: goals, actions, ticks, versions, sharing, and query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import AccessLogEntry, Household, Person, Role, TimelineEvent
from server.domain.people import create_person
from server.domain.plan.model import ActionStatus, Goal, PlanAction, Share
from tests.conftest import csrf_from
from tests.factories import World, make_household, make_world, signed_in_as
from tests.forms import find_form

GOAL_TEXT = "Ik wil mensen om me heen die ik kan bellen als het niet gaat."


async def add_goal(submit: Any, household: Household, *, hostile: bool = False, **fields: str) -> Any:
    form = {"domain_key": "sociaal_netwerk", "text": GOAL_TEXT, "horizon": "drie_maanden", "target_score": "4"}
    form.update(fields)
    return await submit(
        f"/huishoudens/{household.id}/plan/doelen/nieuw",
        f"/huishoudens/{household.id}/plan/doelen",
        form,
        hostile=hostile,
    )


async def add_action(submit: Any, household: Household, goal: Goal, **fields: str) -> Any:
    form = {"what": "Milan naar school brengen op slechte dagen", "who_type": "zelf", "status": "open"}
    form.update(fields)
    base = f"/huishoudens/{household.id}/plan/doelen/{goal.id}/acties"
    return await submit(f"{base}/nieuw", base, form)


async def only_goal(db: AsyncSession, household: Household) -> Goal:
    goal = await db.scalar(select(Goal).where(Goal.household_id == household.id))
    assert goal is not None
    return goal


async def member_with_plan(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> tuple[World, Household, Person, Goal]:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    await signed_in_as(client, db, anouk)
    assert (await add_goal(submit, household)).status_code == 303
    return world, household, anouk, await only_goal(db, household)


async def test_member_writes_a_goal_that_shows_in_the_plan_with_its_writer(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    assert goal.written_by_role == "household"
    page = await client.get(f"/huishoudens/{household.id}/plan")
    assert page.status_code == 200
    assert GOAL_TEXT in page.text
    assert "Geschreven door Anouk (huishouden)" in page.text
    assert "Waar willen we over 3 maanden zijn?" in page.text
    assert "Wat doen we eerst?" in page.text and "Waar willen we over een jaar zijn?" in page.text


async def test_invalid_goal_is_refused_with_dutch_messages_and_keeps_what_was_typed(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    await signed_in_as(client, db, anouk)

    empty = await add_goal(submit, household, text="   ")
    assert empty.status_code == 400
    assert "Schrijf op wat jullie willen bereiken." in empty.text

    # One character more than the form's maxlength lets a person type.
    too_long = await add_goal(submit, household, text="x" * 501, hostile=True)
    assert too_long.status_code == 400
    assert "te lang" in too_long.text
    assert "x" * 501 in too_long.text

    unknown = await add_goal(submit, household, domain_key="toverkunst", text="Iets bereiken", hostile=True)
    assert unknown.status_code == 400
    assert "Kies een leefgebied" in unknown.text
    assert "Iets bereiken" in unknown.text

    outside = await add_goal(submit, household, target_score="9", hostile=True)
    assert outside.status_code == 400
    assert "Kies een score van 1 tot en met 5" in outside.text

    assert await db.scalar(select(func.count()).select_from(Goal)) == 0


async def test_actions_are_added_ticked_and_unticked_and_every_change_is_on_the_timeline(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert (await add_action(submit, household, goal, due_on=tomorrow)).status_code == 303
    assert (
        await add_action(submit, household, goal, what="Twee vrijwilligers vinden", who_type="vrijwilliger")
    ).status_code == 303
    actions = list(await db.scalars(select(PlanAction).order_by(PlanAction.created_at)))
    assert [a.who_type for a in actions] == ["zelf", "vrijwilliger"]

    plan_url = f"/huishoudens/{household.id}/plan"
    tick_url = f"/huishoudens/{household.id}/plan/acties/{actions[0].id}/afvinken"
    # With htmx: the answer is the action's own fragment, now ticked off.
    ticked = await submit(plan_url, tick_url, {"gedaan": "ja"}, htmx=True)
    assert ticked.status_code == 200
    assert "<html" not in ticked.text
    assert "Toch niet gedaan" in ticked.text
    await db.refresh(actions[0])
    assert actions[0].status == ActionStatus.GEDAAN

    # Without JavaScript: Post/Redirect/Get back to the action in the plan.
    undone = await submit(plan_url, tick_url, {"gedaan": "nee"})
    assert undone.status_code == 303
    assert undone.headers["location"].endswith(f"#actie-{actions[0].id}")
    await db.refresh(actions[0])
    assert actions[0].status == ActionStatus.OPEN

    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    for sentence in (
        "Anouk schreef een doel bij Mensen om je heen",
        "Anouk voegde een actie toe: “Twee vrijwilligers vinden”.",
        "Anouk vinkte “Milan naar school brengen op slechte dagen” af.",
        "Anouk zette “Milan naar school brengen op slechte dagen” terug op niet gedaan.",
    ):
        assert sentence in timeline.text


async def test_action_rules_professional_asks_why_and_due_dates_are_not_in_the_past(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    professional = await add_action(submit, household, goal, what="Schulden regelen", who_type="professional")
    assert professional.status_code == 400
    assert "waarom een professional" in professional.text
    assert "Schulden regelen" in professional.text

    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    past = await add_action(submit, household, goal, due_on=yesterday)
    assert past.status_code == 400
    assert "Deze datum is al voorbij" in past.text

    empty = await add_action(submit, household, goal, what="")
    assert empty.status_code == 400
    assert await db.scalar(select(func.count()).select_from(PlanAction)) == 0

    with_reason = await add_action(
        submit,
        household,
        goal,
        what="Schulden regelen",
        who_type="professional",
        professional_reason="Het gaat om een schuldregeling bij de rechter.",
        performer="Schuldhulpverlening",
    )
    assert with_reason.status_code == 303
    plan = await client.get(f"/huishoudens/{household.id}/plan")
    assert "Waarom een professional: Het gaat om een schuldregeling bij de rechter." in plan.text


async def test_an_edit_based_on_an_old_version_shows_both_versions_and_overwrites_nothing(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    edit_url = f"/huishoudens/{household.id}/plan/doelen/{goal.id}/bewerken"
    # Two people open the same edit form; both save what they typed on the page as they opened it.
    form_page = await client.get(edit_url)
    base = {"domain_key": "sociaal_netwerk", "horizon": "drie_maanden", "target_score": "4"}
    target = f"/huishoudens/{household.id}/plan/doelen/{goal.id}"
    version = find_form(form_page, target).value("version")
    assert version is not None

    first = await submit(form_page, target, {**base, "text": "Versie van de regisseur"})
    assert first.status_code == 303
    second = await submit(form_page, target, {**base, "text": "Versie van Anouk"})
    assert second.status_code == 409
    assert "Iemand anders heeft dit intussen veranderd" in second.text
    assert "Versie van de regisseur" in second.text  # the version that is stored now
    assert "Versie van Anouk" in second.text  # what this person typed, kept in the form
    await db.refresh(goal)
    assert goal.text == "Versie van de regisseur"

    # Choosing "bewaar mijn versie" posts again, now based on the version that was shown.
    current = find_form(second, target).value("version")
    assert current is not None and current != version
    kept = await submit(second, target, button="Bewaar mijn versie")
    assert kept.status_code == 303
    await db.refresh(goal)
    assert goal.text == "Versie van Anouk"


async def test_regisseur_is_reminded_when_the_household_wrote_none_of_the_goals(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world = await make_world(db)
    household, _ = await make_household(db, world.regisseur)
    await signed_in_as(client, db, world.regisseur)
    assert (await add_goal(submit, household)).status_code == 303
    page = await client.get(f"/huishoudens/{household.id}/plan")
    assert "Geschreven door Fatima (regisseur)" in page.text
    assert "Het huishouden schreef nog geen van deze doelen zelf" in page.text
    looks = await db.scalar(select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.resource == "plan"))
    assert looks and looks >= 1


async def test_sharing_a_goal_shows_only_that_goal_and_withdrawing_ends_access(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, goal = await member_with_plan(client, db, submit)
    assert (
        await add_goal(submit, household, text="Mijn schulden zijn geregeld", domain_key="financien")
    ).status_code == 303
    oma = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Oma Ineke",
        role=Role.NETWORK_MEMBER,
        household_id=household.id,
    )
    await db.commit()

    missing_purpose = await submit(
        f"/huishoudens/{household.id}/plan/doelen/{goal.id}/delen",
        f"/huishoudens/{household.id}/plan/doelen/{goal.id}/delen",
        {"target": f"person:{oma.id}", "purpose": ""},
    )
    assert missing_purpose.status_code == 400
    assert "waarvoor diegene dit moet zien" in missing_purpose.text

    shared = await submit(
        f"/huishoudens/{household.id}/plan/doelen/{goal.id}/delen",
        f"/huishoudens/{household.id}/plan/doelen/{goal.id}/delen",
        {"target": f"person:{oma.id}", "purpose": "om Milan naar school te brengen"},
    )
    assert shared.status_code == 303
    plan = await client.get(f"/huishoudens/{household.id}/plan")
    assert "Oma Ineke, om: om Milan naar school te brengen" in plan.text

    client.cookies.clear()
    await signed_in_as(client, db, oma)
    seen = await client.get(f"/huishoudens/{household.id}/plan")
    assert seen.status_code == 200
    assert GOAL_TEXT in seen.text
    assert "Mijn schulden zijn geregeld" not in seen.text
    assert (await client.get(f"/huishoudens/{household.id}/scores")).status_code == 404
    log = await db.scalar(
        select(AccessLogEntry).where(AccessLogEntry.actor_id == oma.id, AccessLogEntry.resource == "plan")
    )
    assert log is not None and log.actor_role == "network_member"

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    share = await db.scalar(select(Share).where(Share.person_id == oma.id))
    assert share is not None
    stopped = await submit(
        f"/huishoudens/{household.id}/plan", f"/huishoudens/{household.id}/plan/delingen/{share.id}/intrekken"
    )
    assert stopped.status_code == 303

    client.cookies.clear()
    await signed_in_as(client, db, oma)
    after = await client.get(f"/huishoudens/{household.id}/plan")
    assert GOAL_TEXT not in after.text


async def test_partner_organisation_sees_a_shared_goal_but_not_the_ratings(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, _anouk, goal = await member_with_plan(client, db, submit)
    ruud = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Ruud",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=world.partner.id,
    )
    await db.commit()
    await submit(
        f"/huishoudens/{household.id}/plan/doelen/{goal.id}/delen",
        f"/huishoudens/{household.id}/plan/doelen/{goal.id}/delen",
        {"target": f"organisation:{world.partner.id}", "purpose": "begeleiding bij het netwerk"},
    )
    client.cookies.clear()
    await signed_in_as(client, db, ruud)
    plan = await client.get(f"/huishoudens/{household.id}/plan")
    assert plan.status_code == 200
    assert GOAL_TEXT in plan.text
    assert (await client.get(f"/huishoudens/{household.id}/scores")).status_code == 404
    assert (await client.get(f"/huishoudens/{household.id}/tijdlijn")).status_code == 404
    # Only the household shares; a partner cannot share further.
    assert (await client.get(f"/huishoudens/{household.id}/plan/doelen/{goal.id}/delen")).status_code == 404


async def test_outsiders_cannot_tick_or_edit(client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any) -> None:
    world, household, _anouk, goal = await member_with_plan(client, db, submit)
    await add_action(submit, household, goal)
    action = await db.scalar(select(PlanAction))
    assert action is not None
    client.cookies.clear()
    await signed_in_as(client, db, world.colleague)
    # No page shows Joost this form: the tick is forged with the token of a page he can open.
    page = await client.get("/mijn")
    token = csrf_from(page.text)
    tick = await client.post(
        f"/huishoudens/{household.id}/plan/acties/{action.id}/afvinken",
        data={"_csrf_token": token, "gedaan": "ja"},
        follow_redirects=False,
    )
    assert tick.status_code == 404
    await db.refresh(action)
    assert action.status == ActionStatus.OPEN


@contextmanager
def count_queries(db_url_engine: Any) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db_url_engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db_url_engine, "before_cursor_execute", before)


async def test_the_plan_page_takes_the_same_number_of_queries_for_a_small_and_a_large_plan(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any, app: Litestar
) -> None:
    _world, household, anouk, goal = await member_with_plan(client, db, submit)
    await add_action(submit, household, goal)
    engine = app.state.db_config.get_engine().sync_engine
    with count_queries(engine) as small:
        assert (await client.get(f"/huishoudens/{household.id}/plan")).status_code == 200

    for i in range(15):
        extra = Goal(
            household_id=household.id,
            domain_key="financien",
            text=f"Doel {i}",
            horizon="eerst",
            written_by_id=anouk.id,
            written_by_name="Anouk",
            written_by_role="household",
        )
        db.add(extra)
        await db.flush()
        for j in range(3):
            db.add(PlanAction(goal_id=extra.id, household_id=household.id, what=f"Actie {i}.{j}", who_type="zelf"))
    await db.commit()
    with count_queries(engine) as large:
        page = await client.get(f"/huishoudens/{household.id}/plan")
    assert "Actie 14.2" in page.text
    assert len(large) == len(small), "\n".join(large)


async def test_timeline_events_name_who_did_it(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, _household, anouk, _goal = await member_with_plan(client, db, submit)
    event_row = await db.scalar(select(TimelineEvent).where(TimelineEvent.kind == "goal.created"))
    assert event_row is not None and event_row.actor_id == anouk.id
