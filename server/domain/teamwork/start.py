"""What the start page ("/mijn") shows of the team's work: for the team lead, the doorbraken waiting for a
decision, the budget entries waiting for approval and the covers of the team; for a colleague who covers for
an absent regisseur, whose households they look after now (the absent regisseur's caseload)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access_log import Look, record_page_looks
from server.domain.caseload import Caseload, caseloads_of
from server.domain.models import Role
from server.domain.policy import Actor, Relation
from server.domain.teamwork.cover import CoverRow, covering_now, team_covers
from server.domain.teamwork.escalation import EscalationRow, team_escalations
from server.domain.teamwork.model import cover_day
from server.domain.teamwork.team import awaiting_budget_count

# What the household reads in its access log when the covering colleague's start page showed its name.
COVER_START_RESOURCE = "cover_start"


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
    today = today or cover_day()
    covering: list[Covering] = []
    if actor.has_role(Role.REGISSEUR):
        covers = await covering_now(db, actor, today=today)
        # The absent regisseur's households of the cover's team (those the guard opens to her), all covers in
        # the same statements. Names and phases outside a household's page: each household is told.
        pairs = list(dict.fromkeys((c.absent_id, c.team_id) for c in covers if c.team_id is not None))
        loads = await caseloads_of(db, actor, pairs, today=today)
        covering = [Covering(cover, loads[(cover.absent_id, cover.team_id)]) for cover in covers if cover.team_id]
        await record_page_looks(
            db,
            [
                Look.of(actor, Relation.COVERING, household_id, COVER_START_RESOURCE)
                for household_id in dict.fromkeys(row.household_id for c in covering for row in c.caseload.rows)
            ],
        )
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
