"""The household strikes a goal out of its plan ("doel schrappen"), through the confirm page's real form: the
goal leaves the plan with its open actions, a help request for one of them and its shares, and stays in the
timeline with its text; only the household may, twice is harmless, and a goal changed meanwhile is asked
about again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import TimelineEvent
from server.domain.plan.model import ActionStatus, Goal, PlanAction, Share
from server.domain.volunteering.model import HelpRequest, HelpRequestStatus
from tests.conftest import csrf_from
from tests.factories import signed_in_as
from tests.integration.test_partner import _assign_to_mee, _goal, _setup
from tests.integration.test_plan import GOAL_TEXT, add_action, add_goal, member_with_plan


def _remove_url(goal: Goal) -> str:
    return f"/huishoudens/{goal.household_id}/plan/doelen/{goal.id}/schrappen"


async def test_the_household_strikes_a_goal_out_and_the_timeline_keeps_it_with_its_text(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    await add_goal(submit, household, domain_key="financien", text="Ik wil overzicht over mijn geld.")
    await add_action(submit, household, goal, what="Oma bellen", who_type="zelf")
    await add_action(submit, household, goal, what="Een kind naar school brengen", who_type="vrijwilliger")
    await add_action(submit, household, goal, what="Al gedaan", who_type="zelf", status="gedaan")
    volunteer_action = await db.scalar(select(PlanAction).where(PlanAction.who_type == "vrijwilliger"))
    assert volunteer_action is not None
    help_url = f"/huishoudens/{household.id}/plan/acties/{volunteer_action.id}/hulpvraag"
    published = await submit(help_url, help_url, {"what": "Een kind naar school brengen", "when_text": "Maandag"})
    assert published.status_code == 303

    plan = await client.get(f"/huishoudens/{household.id}/plan")
    assert _remove_url(goal) in plan.text and "Doel schrappen" in plan.text
    confirm = await client.get(_remove_url(goal))
    assert confirm.status_code == 200
    assert GOAL_TEXT in confirm.text

    # Without the tick in the confirm box nothing happens, and the page says what to do.
    unticked = await submit(confirm, _remove_url(goal), {})
    assert unticked.status_code == 400
    assert "Zet een vinkje als je dit doel echt wilt schrappen." in unticked.text
    await db.refresh(goal)
    assert goal.removed_at is None

    removed = await submit(unticked, _remove_url(goal), {"zeker": "ja"})
    assert removed.status_code == 303
    assert removed.headers["location"] == f"/huishoudens/{household.id}/plan?geschrapt=1"
    after = await client.get(removed.headers["location"])
    assert "Het doel is geschrapt." in after.text
    assert GOAL_TEXT not in after.text and "Oma bellen" not in after.text
    assert "Ik wil overzicht over mijn geld." in after.text

    household_id = household.id
    db.expire_all()
    await db.refresh(goal)
    assert goal.removed_at is not None
    statuses = {a.what: a.status for a in await db.scalars(select(PlanAction).where(PlanAction.goal_id == goal.id))}
    # The open actions stop; what was done stays done.
    assert statuses == {
        "Oma bellen": ActionStatus.GESTOPT,
        "Een kind naar school brengen": ActionStatus.GESTOPT,
        "Al gedaan": ActionStatus.GEDAAN,
    }
    help_request = await db.scalar(select(HelpRequest).where(HelpRequest.action_id == volunteer_action.id))
    assert help_request is not None and help_request.status == HelpRequestStatus.WITHDRAWN

    timeline = await client.get(f"/huishoudens/{household_id}/tijdlijn")
    assert f"Doel geschrapt: \u201c{GOAL_TEXT}\u201d. Anouk schrapte het uit jullie plan." in timeline.text
    assert "trok de hulpvraag \u201cEen kind naar school brengen\u201d in" in timeline.text

    # A plan page left open cannot tick an action of the goal any more.
    stale_tick = await submit(plan, f"/huishoudens/{household_id}/plan/acties/{volunteer_action.id}/afvinken", {})
    assert stale_tick.status_code == 404
    # The goal can no longer be changed or given actions; its confirm page leads back to the plan.
    assert (await client.get(f"/huishoudens/{household_id}/plan/doelen/{goal.id}/bewerken")).status_code == 404
    assert (await client.get(f"/huishoudens/{household_id}/plan/doelen/{goal.id}/acties/nieuw")).status_code == 404
    again = await client.get(_remove_url(goal), follow_redirects=False)
    assert again.status_code == 303

    # The dossier keeps it, marked as struck out.
    dossier = await client.get(f"/huishoudens/{household_id}/dossier.json")
    assert dossier.status_code == 200
    goals = {g["doel"]: g for g in dossier.json()["doelen"]}
    assert goals[GOAL_TEXT]["geschrapt_op"] is not None
    assert goals["Ik wil overzicht over mijn geld."]["geschrapt_op"] is None


async def test_removing_twice_from_two_open_pages_is_harmless(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    first_tab = await client.get(_remove_url(goal))
    second_tab = await client.get(_remove_url(goal))
    assert (await submit(first_tab, _remove_url(goal), {"zeker": "ja"})).status_code == 303
    second = await submit(second_tab, _remove_url(goal), {"zeker": "ja"})
    assert second.status_code == 303
    assert second.headers["location"] == f"/huishoudens/{household.id}/plan?geschrapt=1"
    removed_events = await db.scalar(
        select(func.count()).select_from(TimelineEvent).where(TimelineEvent.kind == "goal.removed")
    )
    assert removed_events == 1


async def test_a_goal_changed_after_the_confirm_page_opened_is_asked_about_again(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    confirm = await client.get(_remove_url(goal))
    edit_url = f"/huishoudens/{household.id}/plan/doelen/{goal.id}/bewerken"
    changed = await submit(
        edit_url,
        f"/huishoudens/{household.id}/plan/doelen/{goal.id}",
        {"text": "Ik wil twee mensen die ik kan bellen."},
    )
    assert changed.status_code == 303

    stale = await submit(confirm, _remove_url(goal), {"zeker": "ja"})
    assert stale.status_code == 409
    assert "Iemand heeft dit doel intussen veranderd." in stale.text
    assert "Ik wil twee mensen die ik kan bellen." in stale.text
    await db.refresh(goal)
    assert goal.removed_at is None

    # Confirmed again, on the goal as it is now: struck out.
    assert (await submit(stale, _remove_url(goal), {"zeker": "ja"})).status_code == 303
    await db.refresh(goal)
    assert goal.removed_at is not None


async def test_only_the_household_strikes_a_goal_out_and_a_partner_loses_the_shared_goal_with_it(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, ruud, _daan = await _setup(db)
    await signed_in_as(client, db, anouk)
    goal = await _goal(client, db, submit, household)
    await _assign_to_mee(submit, db, world, household, goal, dt.date.today() + dt.timedelta(days=7))
    share = await db.scalar(select(Share).where(Share.goal_id == goal.id))
    assert share is not None

    # The partner with the share and the regisseur read the plan, but get neither the link nor the page, and
    # a hand-made post is refused as if the goal did not exist.
    for outsider in (ruud, world.regisseur):
        client.cookies.clear()
        await signed_in_as(client, db, outsider)
        plan = await client.get(f"/huishoudens/{household.id}/plan")
        assert plan.status_code == 200 and "Grip op ons geld" in plan.text
        assert _remove_url(goal) not in plan.text
        assert (await client.get(_remove_url(goal))).status_code == 404
        refused = await client.post(
            _remove_url(goal),
            data={"_csrf_token": csrf_from(plan.text), "version": str(goal.version), "zeker": "ja"},
            follow_redirects=False,
        )
        assert refused.status_code == 404
        await db.refresh(goal)
        assert goal.removed_at is None

    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    assert (await submit(_remove_url(goal), _remove_url(goal), {"zeker": "ja"})).status_code == 303
    await db.refresh(share)
    assert share.revoked_at is not None
    timeline = await client.get(f"/huishoudens/{household.id}/tijdlijn")
    assert "Anouk stopte met delen van \u201cGrip op ons geld\u201d met MEE." in timeline.text

    client.cookies.clear()
    await signed_in_as(client, db, ruud)
    assert (await client.get(f"/huishoudens/{household.id}/plan")).status_code == 404
