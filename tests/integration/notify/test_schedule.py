"""The scheduler step: evaluation reminders from the dates, once per evaluation and kind, on the gemeente's days,
also when two workers run it at the same moment."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.db import make_engine
from server.domain.models import OutboxMessage, Phase, Trajectory, utcnow
from server.domain.notifications.schedule import due_kind, run_scheduler
from server.domain.teamwork.model import cover_day
from server.domain.workspace.model import Evaluation, EvaluationStatus
from tests.integration.notify.helpers import Scene

WEEK = "evaluation.due_week"
TOMORROW = "evaluation.due_tomorrow"
OVERDUE = "evaluation.overdue"


async def planned(
    db: AsyncSession,
    scene: Scene,
    day: dt.date,
    status: EvaluationStatus = EvaluationStatus.GEPLAND,
    phase: Phase = Phase.UITVOERING,
) -> uuid.UUID:
    """An evaluation on ``day``, of a trajectory of its own (at most one is planned per trajectory)."""
    trajectory = Trajectory(household_id=scene.household_id, phase=phase, regisseur_id=scene.world.regisseur.id)
    db.add(trajectory)
    await db.flush()
    evaluation = Evaluation(household_id=scene.household_id, trajectory_id=trajectory.id, planned_on=day, status=status)
    db.add(evaluation)
    await db.commit()
    return evaluation.id


async def reminders(db: AsyncSession) -> list[tuple[str, uuid.UUID | None, str | None]]:
    result = await db.execute(
        select(OutboxMessage.kind, OutboxMessage.subject_id, OutboxMessage.dedupe_key)
        .where(OutboxMessage.kind.like("evaluation.%"))
        .order_by(OutboxMessage.kind, OutboxMessage.dedupe_key)
    )
    return list(result.tuples())


async def schedule(db: AsyncSession, moment: dt.datetime | None = None) -> int:
    async with AsyncSession(db.bind) as worker, worker.begin():
        return await run_scheduler(worker, moment=moment)


def test_which_reminder_a_day_calls_for() -> None:
    today = dt.date(2026, 3, 2)
    days = {offset: due_kind(today + dt.timedelta(days=offset), today) for offset in range(-9, 10)}
    assert [offset for offset, kind in days.items() if kind == WEEK] == [2, 3, 4, 5, 6, 7]
    assert [offset for offset, kind in days.items() if kind == TOMORROW] == [1]
    assert [offset for offset, kind in days.items() if kind == OVERDUE] == [-7, -6, -5, -4, -3, -2, -1]
    assert days[0] is None and days[8] is None and days[-8] is None


async def test_each_evaluation_near_today_gets_its_reminder_once(db: AsyncSession, scene: Scene) -> None:
    today = cover_day()
    in_five_days = await planned(db, scene, today + dt.timedelta(days=5))
    tomorrow = await planned(db, scene, today + dt.timedelta(days=1))
    yesterday = await planned(db, scene, today - dt.timedelta(days=1))
    await planned(db, scene, today)  # today: it is held today, nothing to remind of
    await planned(db, scene, today + dt.timedelta(days=30))
    await planned(db, scene, today - dt.timedelta(days=1), status=EvaluationStatus.GEHOUDEN)
    await planned(db, scene, today - dt.timedelta(days=2), status=EvaluationStatus.VERZET)
    await planned(db, scene, today + dt.timedelta(days=3), phase=Phase.AFGESLOTEN)

    assert await schedule(db) == 3

    assert set(await reminders(db)) == {
        (WEEK, in_five_days, f"{WEEK}:{in_five_days}"),
        (TOMORROW, tomorrow, f"{TOMORROW}:{tomorrow}"),
        (OVERDUE, yesterday, f"{OVERDUE}:{yesterday}"),
    }
    rows = await db.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("evaluation.%")))
    assert {(row.household_id, row.actor_id, row.processed_at) for row in rows} == {(scene.household_id, None, None)}

    # A minute later nothing new. The next day only today's evaluation, then overdue, is new: the others were
    # told of already (the one in four days is still "within the week").
    assert await schedule(db) == 0
    assert await schedule(db, utcnow() + dt.timedelta(days=1)) == 1
    kinds = [kind for kind, _subject, _key in await reminders(db)]
    assert sorted(kinds) == sorted([WEEK, TOMORROW, OVERDUE, OVERDUE])


async def test_the_day_is_the_gemeentes_day(db: AsyncSession, scene: Scene) -> None:
    """At 23:30 UTC on 1 March it is already 2 March in the Netherlands: an evaluation on 3 March is tomorrow."""
    evaluation = await planned(db, scene, dt.date(2026, 3, 3))

    assert await schedule(db, dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)) == 1

    assert await reminders(db) == [(TOMORROW, evaluation, f"{TOMORROW}:{evaluation}")]


async def test_two_schedulers_at_the_same_moment_make_each_reminder_once(
    db: AsyncSession, settings: Settings, scene: Scene
) -> None:
    today = cover_day()
    for offset in (-3, 1, 4, 6):
        await planned(db, scene, today + dt.timedelta(days=offset))
    first_engine, second_engine = make_engine(settings), make_engine(settings)
    try:
        async with AsyncSession(first_engine) as first, AsyncSession(second_engine) as second:
            # The first has made its rows and not committed yet when the second runs: the second's rows wait at
            # the unique key for the first to commit, and then add nothing.
            made_first = await run_scheduler(first)
            later = asyncio.create_task(run_scheduler(second))
            await asyncio.sleep(0.2)
            await first.commit()
            made_second = await later
            await second.commit()
        assert (made_first, made_second) == (4, 0)

        # And both at once, from the start: two evaluations come near the next day.
        for offset in (2, 5):
            await planned(db, scene, today + dt.timedelta(days=offset))

        async def one(engine: object) -> int:
            async with AsyncSession(engine) as session, session.begin():  # type: ignore[arg-type]
                return await run_scheduler(session, moment=utcnow() + dt.timedelta(days=1))

        both = await asyncio.gather(one(first_engine), one(second_engine))
    finally:
        await first_engine.dispose()
        await second_engine.dispose()

    keys = [key for _kind, _subject, key in await reminders(db)]
    assert len(keys) == len(set(keys))
    assert len(keys) == 6
    assert sum(both) == 2


@pytest.mark.parametrize("overdue_by", [8, 30, 400])
async def test_a_long_overdue_evaluation_is_not_looked_at_again(
    db: AsyncSession, scene: Scene, overdue_by: int
) -> None:
    await planned(db, scene, cover_day() - dt.timedelta(days=overdue_by))

    assert await schedule(db) == 0


async def test_an_evaluation_under_way_at_the_table_is_not_reminded_of(db: AsyncSession, scene: Scene) -> None:
    # Opened at the table yesterday and not yet decided: it is being held, not late.
    opened = await planned(db, scene, cover_day() - dt.timedelta(days=1))
    evaluation = await db.get(Evaluation, opened)
    assert evaluation is not None
    evaluation.started_on = cover_day() - dt.timedelta(days=1)
    await db.commit()

    assert await schedule(db) == 0
    assert await reminders(db) == []
