"""A household member's first visit: three short steps ("Begin hier"), each skippable, until she finished or
skipped them (``Person.welcome_done_at``).

1. How are things? (scores, one leefgebied at a time)
2. What do you want first? (a goal in your own words)
3. Who can help? (someone on the network map)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Person, utcnow
from server.domain.network.model import NetworkPerson
from server.domain.plan.model import Goal
from server.domain.ratings.model import Assessment, Perspective, Rating

STEPS = 3


@dataclass(frozen=True)
class FirstSteps:
    household_id: uuid.UUID
    scored: bool
    has_goal: bool
    has_network: bool

    @property
    def done(self) -> tuple[bool, bool, bool]:
        return (self.scored, self.has_goal, self.has_network)

    @property
    def all_done(self) -> bool:
        return all(self.done)

    def current(self, asked: int = 1) -> int:
        """The step to show: the one asked for (a skip goes on to the next), or else the first still to do."""
        for number in range(max(asked, 1), STEPS + 1):
            if not self.done[number - 1]:
                return number
        return 0


async def first_steps(db: AsyncSession, person: Person, household_id: uuid.UUID | None) -> FirstSteps | None:
    """The steps for this household member, or None once she finished or skipped them (one query)."""
    if household_id is None or person.welcome_done_at is not None:
        return None
    scored = exists().where(
        Rating.household_id == household_id,
        Rating.assessment_id == Assessment.id,
        Assessment.perspective == Perspective.HOUSEHOLD,
    )
    goal = exists().where(Goal.household_id == household_id, Goal.removed_at.is_(None))
    network = exists().where(NetworkPerson.household_id == household_id)
    row = (await db.execute(select(scored.label("s"), goal.label("g"), network.label("n")))).one()
    steps = FirstSteps(household_id=household_id, scored=bool(row.s), has_goal=bool(row.g), has_network=bool(row.n))
    return None if steps.all_done else steps


async def finish(db: AsyncSession, person: Person) -> None:
    """Finished or skipped: the steps are not shown again."""
    if person.welcome_done_at is None:
        person.welcome_done_at = utcnow()
        await db.flush()
