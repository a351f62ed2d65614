"""What the start page ("/mijn") shows of the team's work: for the team lead, the doorbraken waiting for a
decision, the budget entries waiting for approval and the covers of the team; for a colleague who covers for
an absent regisseur, whose households they look after now (the absent regisseur's caseload)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.caseload import Caseload, caseload
from server.domain.models import Person, Role, utcnow
from server.domain.policy import Actor
from server.domain.teamwork.cover import CoverRow, covering_now, team_covers
from server.domain.teamwork.escalation import EscalationRow, team_escalations
from server.domain.teamwork.team import awaiting_budget_count


@dataclass(frozen=True)
class Covering:
    """A cover this person works in today, with the absent regisseur's households."""

    cover: CoverRow
    caseload: Caseload


@dataclass(frozen=True)
class TeamStart:
    is_lead: bool = False
    open_escalations: list[EscalationRow] = field(default_factory=list)
    budget_waiting: int = 0
    covers: list[CoverRow] = field(default_factory=list)
    covering: list[Covering] = field(default_factory=list)


async def team_start(db: AsyncSession, actor: Actor, *, today: dt.date | None = None) -> TeamStart:
    today = today or utcnow().date()
    covering: list[Covering] = []
    if actor.has_role(Role.REGISSEUR):
        for cover in await covering_now(db, actor, today=today):
            absent = await db.get(Person, cover.absent_id)
            if absent is not None:
                # Her caseload as she would see it; the covering colleague's own looks are logged on each page.
                covering.append(Covering(cover, await caseload(db, Actor(person=absent), today=today)))
    if not actor.has_role(Role.TEAM_LEAD):
        return TeamStart(covering=covering)
    escalations = await team_escalations(db, actor, today=today, open_only=True)
    return TeamStart(
        is_lead=True,
        open_escalations=escalations.open,
        budget_waiting=await awaiting_budget_count(db, actor),
        covers=await team_covers(db, actor, today=today),
        covering=covering,
    )
