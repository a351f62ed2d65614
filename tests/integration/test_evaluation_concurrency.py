"""Two requests on one evaluation at the same moment (a double click, or the regisseur and a covering colleague):
the second waits for the first and then finds what it did, and is refused in words; it never ends in an error
page, a second planned evaluation, a second decision or a second review. Each test holds the first request's
transaction open while the second starts, as a slower first request would."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.config import Settings
from server.db import make_engine
from server.domain import lifecycle
from server.domain.errors import IllegalTransition
from server.domain.events import EventKind
from server.domain.lifecycle import TriageInput
from server.domain.models import Person, Phase, TimelineEvent, Trajectory, utcnow
from server.domain.policy import actor_for
from server.domain.workspace import evaluation as evaluations
from server.domain.workspace import steps
from server.domain.workspace.evaluation import PlanInput, ReviewInput
from server.domain.workspace.model import Evaluation, EvaluationStatus, GoalReview
from server.domain.workspace.steps import CloseInput, DecisionInput
from tests.factories import make_household, make_world
from tests.unit.domain.test_evaluation import in_uitvoering, opened, review_all

TODAY = utcnow().date()
# Long enough for the second request to have read what it reads before the first commits.
HEAD_START = 0.3

Step = Callable[[AsyncSession], Awaitable[Any]]


async def first_then_second(settings: Settings, first: Step, second: Step) -> BaseException | None:
    """Run ``first`` in a transaction that stays open while ``second`` starts in another, then commit the first.
    Returns what the second raised (None when it went through; it is committed then)."""
    engine = make_engine(settings)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def run_second() -> BaseException | None:
        async with sessions() as db:
            try:
                await second(db)
            except Exception as exc:  # the refusal (or, before the fix, the database's error)
                await db.rollback()
                return exc
            await db.commit()
            return None

    try:
        async with sessions() as db:
            await first(db)
            waiting = asyncio.create_task(run_second())
            await asyncio.sleep(HEAD_START)
            await db.commit()
        return await waiting
    finally:
        await engine.dispose()


async def trajectory_in(db: AsyncSession, household_id: uuid.UUID) -> Trajectory:
    return await lifecycle.open_trajectory(db, household_id)


async def person_in(db: AsyncSession, person_id: uuid.UUID) -> Person:
    person = await db.get(Person, person_id)
    assert person is not None
    return person


async def planned_rows(db: AsyncSession, trajectory_id: uuid.UUID) -> list[Evaluation]:
    return list(
        await db.scalars(
            select(Evaluation)
            .where(Evaluation.trajectory_id == trajectory_id, Evaluation.status == EvaluationStatus.GEPLAND)
            .execution_options(populate_existing=True)
        )
    )


async def test_two_plans_at_once_make_one_evaluation_and_refuse_the_second_in_words(
    db: AsyncSession, settings: Settings
) -> None:
    world = await make_world(db)
    household, _people = await make_household(db, world.regisseur)
    trajectory = await lifecycle.open_trajectory(db, household.id)
    # Straight to uitvoering after the triage: nothing planned yet, so the regisseur plans one by hand.
    await lifecycle.decide_triage(db, trajectory, world.regisseur, TriageInput("kortstondig", "Snel iets regelen"))
    await db.commit()
    first_day, second_day = TODAY + dt.timedelta(days=20), TODAY + dt.timedelta(days=21)

    def plan(day: dt.date) -> Step:
        async def step(session: AsyncSession) -> Evaluation:
            return await evaluations.plan_by_hand(
                session,
                await person_in(session, world.regisseur.id),
                await trajectory_in(session, household.id),
                PlanInput(day.isoformat()),
            )

        return step

    refused = await first_then_second(settings, plan(first_day), plan(second_day))
    assert isinstance(refused, IllegalTransition), repr(refused)
    assert refused.message == "Er is al een evaluatie gepland. Verzet die als de dag niet goed is."
    await db.rollback()
    (planned,) = await planned_rows(db, trajectory.id)
    assert planned.planned_on == first_day
    await db.refresh(trajectory)
    assert trajectory.next_evaluation_on == first_day


async def test_two_decisions_at_once_hold_the_evaluation_once(db: AsyncSession, settings: Settings) -> None:
    s = await in_uitvoering(db)
    evaluation = await opened(db, s)
    await review_all(db, s, evaluation)
    await db.commit()
    next_day = TODAY + dt.timedelta(days=91)

    async def decide(session: AsyncSession) -> Evaluation:
        return await steps.decide_evaluation(
            session,
            await person_in(session, s.regisseur.id),
            await trajectory_in(session, s.household.id),
            evaluation.id,
            DecisionInput(decision="doorgaan", next_on=next_day.isoformat()),
        )

    refused = await first_then_second(settings, decide, decide)
    assert isinstance(refused, IllegalTransition), repr(refused)
    assert refused.message == "Over deze evaluatie is al besloten, of ze ging niet door."
    await db.rollback()
    held = await db.scalar(
        select(func.count())
        .select_from(TimelineEvent)
        .where(TimelineEvent.household_id == s.household.id, TimelineEvent.kind == EventKind.EVALUATION_HELD)
    )
    assert held == 1
    (planned,) = await planned_rows(db, s.trajectory.id)
    assert planned.planned_on == next_day and planned.id != evaluation.id


@pytest.mark.parametrize("outcome", ["bereikt", "loopt"])
async def test_a_goal_reviewed_twice_at_once_has_one_review(db: AsyncSession, settings: Settings, outcome: str) -> None:
    s = await in_uitvoering(db)
    evaluation = await opened(db, s)
    await db.commit()
    goal = s.goals[0]

    async def review(session: AsyncSession) -> GoalReview:
        return await evaluations.review_goal(
            session,
            actor_for(await person_in(session, s.regisseur.id)),
            s.household.id,
            evaluation.id,
            s.instrument,
            ReviewInput(str(goal.id), outcome, "Gaat goed"),
        )

    assert await first_then_second(settings, review, review) is None
    await db.rollback()
    reviews = list(await db.scalars(select(GoalReview).where(GoalReview.evaluation_id == evaluation.id)))
    assert [(r.goal_id, r.outcome) for r in reviews] == [(goal.id, outcome)]


async def test_a_trajectory_closed_while_an_evaluation_is_planned_lapses_that_evaluation(
    db: AsyncSession, settings: Settings
) -> None:
    world = await make_world(db)
    household, _people = await make_household(db, world.regisseur)
    trajectory = await lifecycle.open_trajectory(db, household.id)
    await lifecycle.decide_triage(db, trajectory, world.regisseur, TriageInput("kortstondig", "Snel iets regelen"))
    await db.commit()

    async def plan(session: AsyncSession) -> Evaluation:
        return await evaluations.plan_by_hand(
            session,
            await person_in(session, world.regisseur.id),
            await trajectory_in(session, household.id),
            PlanInput((TODAY + dt.timedelta(days=20)).isoformat()),
        )

    async def close(session: AsyncSession) -> None:
        await steps.close(
            session,
            await person_in(session, world.regisseur.id),
            await trajectory_in(session, household.id),
            CloseInput(reason="doelen bereikt", without_eindmeting="ja"),
        )

    assert await first_then_second(settings, plan, close) is None
    await db.rollback()
    await db.refresh(trajectory)
    assert (trajectory.phase, trajectory.next_evaluation_on) == (Phase.AFGESLOTEN, None)
    assert await planned_rows(db, trajectory.id) == []
    (lapsed,) = await db.scalars(select(Evaluation).where(Evaluation.trajectory_id == trajectory.id))
    assert (lapsed.status, lapsed.reason) == (EvaluationStatus.VERVALLEN, evaluations.LAPSED_CLOSED)
