"""The demo shows the regisseur's work in every phase: a visitor signing in as Fatima finds a household in
aanmelding, in triage, halfway through the intake, in uitvoering and in waakvlam, a closed one, and a
handover waiting for her."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.demo import load_demo
from server.domain.models import Household, Person, Phase, Trajectory
from server.domain.ratings import instruments
from server.domain.workspace import intake as intakes
from server.domain.workspace.intake import PartState
from server.domain.workspace.model import Handover, HandoverStatus


async def test_the_demo_has_a_household_in_every_phase_of_the_work(db: AsyncSession, settings: Settings) -> None:
    await load_demo(settings)
    phases = dict((await db.execute(select(Household.name, Trajectory.phase).join(Trajectory))).tuples().all())
    assert {Phase(p) for p in phases.values()} >= {
        Phase.AANMELDING,
        Phase.TRIAGE,
        Phase.INTAKE,
        Phase.UITVOERING,
        Phase.WAAKVLAM,
        Phase.AFGESLOTEN,
    }

    # The intake of El Amrani is half done: some parts done, one left for later with a reason, some missing.
    trajectory = await db.scalar(
        select(Trajectory).join(Household).where(Household.name == "El Amrani", Trajectory.phase == Phase.INTAKE)
    )
    assert trajectory is not None
    intake = await intakes.find_intake(db, trajectory.id)
    assert intake is not None
    parts = await intakes.completeness(
        db, trajectory.household_id, trajectory, intake, instruments.built_in()[instruments.DEFAULT_KEY]
    )
    states = {part.state for part in parts}
    assert states == {PartState.DONE, PartState.SKIPPED, PartState.MISSING}

    waiting = await db.scalar(
        select(Person.display_name)
        .join(Handover, Handover.to_person_id == Person.id)
        .where(Handover.status == HandoverStatus.PENDING)
    )
    assert waiting == "Fatima"
