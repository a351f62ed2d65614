"""The team lead's view of the team ("dat"-information only, no plan content) and giving a household another
regisseur of the team.

The overview costs a fixed number of statements however big the team: one for the households with their
signals (correlated subqueries), one for the team's regisseurs, and the looks. Names and phases are
"dat"-information: each household shown is told in its access log that the team lead saw them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access_log import Look, record_page_looks
from server.domain.budget.model import BudgetEntry, EntryStatus
from server.domain.caseload import overdue_actions, phase_moved_at
from server.domain.errors import N_, IllegalTransition, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import (
    Household,
    Person,
    Phase,
    Role,
    RoleAssignment,
    Trajectory,
    utcnow,
)
from server.domain.policy import Actor, Relation
from server.domain.workspace import handover as handovers

TEAM_OVERVIEW_RESOURCE = "team_overview"
OPEN_PHASES = tuple(phase for phase in Phase if phase is not Phase.AFGESLOTEN)


@dataclass(frozen=True)
class TeamHousehold:
    household_id: uuid.UUID
    name: str
    regisseur_id: uuid.UUID | None
    regisseur: str
    phase: Phase
    phase_since: dt.date
    days_in_phase: int
    next_evaluation_on: dt.date | None
    evaluation_overdue: bool
    overdue_actions: int


@dataclass
class RegisseurLoad:
    """One regisseur's caseload in numbers: households, per phase, and how many evaluations are overdue."""

    person_id: uuid.UUID | None
    name: str
    households: int = 0
    per_phase: Counter[Phase] = field(default_factory=Counter)
    evaluations_overdue: int = 0


@dataclass(frozen=True)
class TeamOverview:
    households: list[TeamHousehold]
    regisseurs: list[RegisseurLoad]


async def team_regisseurs(db: AsyncSession, team_ids: frozenset[uuid.UUID]) -> list[tuple[uuid.UUID, str]]:
    """The regisseurs of these teams whose role has not ended, by name."""
    if not team_ids:
        return []
    rows = await db.execute(
        select(Person.id, Person.display_name)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            RoleAssignment.team_id.in_(team_ids),
            RoleAssignment.role == Role.REGISSEUR,
            RoleAssignment.active_clause(),
            Person.deactivated_at.is_(None),
        )
        .distinct()
        .order_by(Person.display_name, Person.id)
    )
    return [(person_id, name) for person_id, name in rows.tuples()]


async def team_overview(db: AsyncSession, actor: Actor, *, today: dt.date | None = None) -> TeamOverview:
    """Every household of the team lead's team(s) with an open trajectory, with its regisseur, phase, days in
    phase, next evaluation and overdue actions; and the caseload per regisseur."""
    teams = actor.teams(Role.TEAM_LEAD)
    if not teams:
        return TeamOverview([], [])
    today = today or utcnow().date()
    phase_moved = phase_moved_at()
    overdue = overdue_actions(today)
    result = await db.execute(
        select(
            Household.id,
            Household.name,
            Trajectory.regisseur_id,
            Person.display_name,
            Trajectory.phase,
            Trajectory.started_on,
            phase_moved,
            Trajectory.next_evaluation_on,
            overdue,
        )
        .join(Trajectory, Trajectory.household_id == Household.id)
        .outerjoin(Person, Person.id == Trajectory.regisseur_id)
        .where(Household.team_id.in_(teams), Trajectory.phase != Phase.AFGESLOTEN)
        .order_by(Household.name, Household.id)
    )
    households = []
    for household_id, name, regisseur_id, regisseur, phase, started_on, moved, evaluation, actions in result.tuples():
        # A phase event of an earlier trajectory of the household is older than this one's start.
        since = max(started_on, moved.date()) if moved else started_on
        households.append(
            TeamHousehold(
                household_id=household_id,
                name=name,
                regisseur_id=regisseur_id,
                regisseur=regisseur or "",
                phase=Phase(phase),
                phase_since=since,
                days_in_phase=max(0, (today - since).days),
                next_evaluation_on=evaluation,
                evaluation_overdue=evaluation is not None and evaluation < today,
                overdue_actions=int(actions or 0),
            )
        )
    loads: dict[uuid.UUID | None, RegisseurLoad] = {
        person_id: RegisseurLoad(person_id, name) for person_id, name in await team_regisseurs(db, teams)
    }
    for row in households:
        # A household whose regisseur left the team still counts, under that name.
        load = loads.setdefault(row.regisseur_id, RegisseurLoad(row.regisseur_id, row.regisseur))
        load.households += 1
        load.per_phase[row.phase] += 1
        load.evaluations_overdue += row.evaluation_overdue
    await record_page_looks(
        db,
        [
            Look.of(actor, Relation.TEAM_LEAD, household_id, TEAM_OVERVIEW_RESOURCE)
            for household_id in dict.fromkeys(row.household_id for row in households)
        ],
    )
    return TeamOverview(households, sorted(loads.values(), key=lambda load: load.name.casefold()))


async def awaiting_budget_count(db: AsyncSession, actor: Actor) -> int:
    """How many budget entries of the team lead's team(s) wait for approval (above the regisseur's mandate)."""
    teams = actor.teams(Role.TEAM_LEAD)
    if not teams:
        return 0
    count = await db.scalar(
        select(func.count(BudgetEntry.id)).where(
            BudgetEntry.team_id.in_(teams), BudgetEntry.status == EntryStatus.AWAITING
        )
    )
    return int(count or 0)


# ------------------------------------------------------------------------------------------------------------
# Another regisseur
# ------------------------------------------------------------------------------------------------------------


@dataclass
class ReassignInput:
    regisseur: str = ""

    def validate(self) -> uuid.UUID:
        try:
            return uuid.UUID(self.regisseur)
        except ValueError:
            raise InvalidInput({"regisseur": N_("Kies een regisseur uit het team.")}) from None


async def reassign(
    db: AsyncSession, actor: Actor, trajectory: Trajectory, data: ReassignInput, *, today: dt.date | None = None
) -> Person:
    """The team lead makes another regisseur of the household's team its regisseur, from today. The former
    regisseur's access ends at once (it follows ``Trajectory.regisseur_id``); a handover she offered and
    nobody answered yet is withdrawn, since it was hers to offer. The household reads it in its timeline."""
    person_id = data.validate()
    today = today or utcnow().date()
    if trajectory.phase == Phase.AFGESLOTEN:
        raise IllegalTransition(N_("Dit traject is afgesloten."))
    household = await db.get(Household, trajectory.household_id)
    if household is None or household.team_id not in actor.teams(Role.TEAM_LEAD):
        raise NotFound
    if person_id == trajectory.regisseur_id:
        raise InvalidInput({"regisseur": N_("Deze persoon is al de regisseur. Kies iemand anders.")})
    chosen = dict(await team_regisseurs(db, frozenset({household.team_id})))
    if person_id not in chosen:
        raise InvalidInput({"regisseur": N_("Kies een regisseur uit het team van dit huishouden.")})
    former = await db.get(Person, trajectory.regisseur_id) if trajectory.regisseur_id else None
    if await handovers.pending_for_trajectory(db, trajectory.id) is not None:
        await handovers.withdraw(db, actor, trajectory)
    trajectory.regisseur_id = person_id
    trajectory.regisseur_since = today
    trajectory.version += 1
    await record_event(
        db,
        household_id=household.id,
        actor=actor.person,
        kind=EventKind.REGISSEUR_ASSIGNED,
        detail={"to": chosen[person_id], "from": former.display_name if former else "", "since": today.isoformat()},
    )
    person = await db.get(Person, person_id)
    assert person is not None
    return person
