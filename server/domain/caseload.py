"""Lists of households: a member's own, the regisseur's caseload, the team lead's team list ("dat" only)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access_log import Look, record_looks
from server.domain.models import Household, Member, Person, Phase, Role, Trajectory
from server.domain.policy import Actor, Relation

TEAM_LIST_RESOURCE = "caseload.team"


@dataclass(frozen=True)
class TeamRow:
    household_id: uuid.UUID
    name: str
    phase: Phase
    regisseur: str


async def team_list(db: AsyncSession, actor: Actor) -> list[TeamRow]:
    """The team lead's list: which households, which phase, which regisseur; no content. Each household on it
    is told, in its access log, that the team lead saw its name and phase."""
    teams = actor.teams(Role.TEAM_LEAD)
    if not teams:
        return []
    result = await db.execute(
        select(Household.id, Household.name, Trajectory.phase, Person.display_name)
        .join(Trajectory, Trajectory.household_id == Household.id)
        .outerjoin(Person, Person.id == Trajectory.regisseur_id)
        .where(Household.team_id.in_(teams))
        .order_by(Household.name)
    )
    rows = [TeamRow(h, n, Phase(p), r or "") for h, n, p, r in result.tuples()]
    await record_looks(
        db,
        [
            Look.of(actor, Relation.TEAM_LEAD, household_id, TEAM_LIST_RESOURCE)
            for household_id in dict.fromkeys(row.household_id for row in rows)
        ],
    )
    return rows


async def households_of_member(session: AsyncSession, actor: Actor) -> list[Household]:
    result = await session.scalars(
        select(Household).join(Member, Member.household_id == Household.id).where(Member.person_id == actor.id)
    )
    return list(result)


async def caseload(session: AsyncSession, actor: Actor) -> list[tuple[Household, Trajectory]]:
    """The regisseur's own households with their open trajectory."""
    result = await session.execute(
        select(Household, Trajectory)
        .join(Trajectory, Trajectory.household_id == Household.id)
        .where(Trajectory.regisseur_id == actor.id, Trajectory.phase != Phase.AFGESLOTEN)
        .order_by(Household.name)
    )
    return [(h, t) for h, t in result.tuples()]
