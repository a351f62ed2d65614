"""The read side of the household overview: the household's members, where its trajectory stands and what
waits in it, and who is involved, as far as the person looking may see them (``Can``).

What the page asks about the household itself (its latest trajectory with the next step, the visit mark,
the gespreksverslag, the doorbraak and the regisseur) is one row of one statement; the members with their
passkeys are a second. Each statement is built once per shape (what the person may see), with its values
bound at execution, so that a request does not pay for building it again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.domain import involvement, lifecycle, people
from server.domain.errors import NotFound
from server.domain.involvement import Involved
from server.domain.models import Household, Member, Person, Team, Trajectory
from server.domain.offline import service as offline
from server.domain.policy import Actor, Can, HouseholdRef, InvolvedView
from server.domain.teamwork import escalation as escalations
from server.domain.teamwork.model import Escalation
from server.domain.workspace import handover as handovers
from server.domain.workspace import intake as intakes
from server.domain.workspace import steps
from server.domain.workspace.handover import PendingHandover
from server.domain.workspace.steps import NextStep


@dataclass(frozen=True)
class MemberRow:
    id: uuid.UUID
    person_id: uuid.UUID | None
    first_name: str
    is_adult: bool


@dataclass(frozen=True)
class OverviewHousehold:
    id: uuid.UUID
    name: str
    members: list[MemberRow]


@dataclass(frozen=True)
class Overview:
    household: OverviewHousehold
    # The latest trajectory (closed or not), and what comes next in it.
    trajectory: Trajectory | None
    next_step: NextStep
    # Passkeys per member's person (for those who enrol members; a person without passkeys is left out).
    passkey_counts: dict[uuid.UUID, int] = field(default_factory=dict)
    # "Beschikbaar voor huisbezoek": the person looking keeps the household's pages on her devices.
    visit_marked: bool = False
    has_report: bool = False
    pending_handover: PendingHandover | None = None
    # The doorbraak: open, or else the latest decision.
    escalation: Escalation | None = None
    involved: list[Involved] = field(default_factory=list)


@cache
def _members_statement(passkeys: bool) -> Select[Any]:
    household_id: BindParameter[uuid.UUID] = bindparam("household_id", type_=Member.household_id.type)
    columns: list[Any] = [Member.id, Member.person_id, Member.first_name, Member.is_adult]
    if passkeys:
        columns.append(people.passkey_count(Member.person_id).label("passkeys"))
    return select(*columns).where(Member.household_id == household_id).order_by(Member.created_at)


@cache
def _state_statement(visit: bool, report: bool, escalation: bool, regisseur: bool) -> Select[Any]:
    """The household's row: its latest trajectory (by the day it started) with the next step, and, as far as
    asked, the visit mark, whether a gespreksverslag exists, the doorbraak and the regisseur with the team."""
    household_id: BindParameter[uuid.UUID] = bindparam("household_id", type_=Household.id.type)
    newer = aliased(Trajectory)
    latest_trajectory = (
        select(newer.id)
        .where(newer.household_id == household_id)
        .order_by(newer.started_on.desc())
        .limit(1)
        .scalar_subquery()
    )
    columns: list[Any] = [Trajectory, *steps.next_step_columns()]
    if visit:
        person_id: BindParameter[uuid.UUID] = bindparam("person_id", type_=Person.id.type)
        columns.append(offline.is_marked(person_id, household_id).label("visit_marked"))
    if report:
        columns.append(intakes.has_report(household_id).label("has_report"))
    if regisseur:
        columns += [involvement.current_regisseur_name(household_id).label("regisseur"), Team.name.label("team")]
    if escalation:
        columns.append(Escalation)
    statement = select(*columns).select_from(Household).outerjoin(Trajectory, Trajectory.id == latest_trajectory)
    if regisseur:
        statement = statement.join(Team, Team.id == Household.team_id)
    if escalation:
        statement = statement.outerjoin(Escalation, Escalation.id == escalations.latest_id(household_id))
    return statement.where(Household.id == household_id)


async def overview(db: AsyncSession, household: HouseholdRef, actor: Actor, can: Can) -> Overview:
    """What the household overview shows of the household to ``actor``. Two statements, then the handover that
    waits (for whoever manages the trajectory) and who is involved (as far as ``can.involved`` allows)."""
    members = (await db.execute(_members_statement(can.enrol_members), {"household_id": household.id})).all()
    visit, report = can.mark_for_visit, can.read_report
    regisseur = can.involved is not InvolvedView.NONE
    statement = _state_statement(visit, report, can.raise_escalation, regisseur)
    parameters = {"household_id": household.id, "person_id": actor.id} if visit else {"household_id": household.id}
    row = (await db.execute(statement, parameters)).one_or_none()
    if row is None:
        raise NotFound
    trajectory: Trajectory | None = row.Trajectory
    started = trajectory is not None and trajectory.phase not in lifecycle.BEFORE_TRIAGE
    current_regisseur = involvement.regisseur_involved(row.regisseur, row.team) if regisseur else None
    return Overview(
        household=OverviewHousehold(
            household.id, household.name, [MemberRow(m.id, m.person_id, m.first_name, m.is_adult) for m in members]
        ),
        trajectory=trajectory,
        next_step=steps.next_step(trajectory, row.intake_completed_at, row.next_checkin, row.planned_evaluation_id),
        passkey_counts={m.person_id: m.passkeys for m in members if m.person_id and m.passkeys}
        if can.enrol_members
        else {},
        visit_marked=bool(visit and row.visit_marked),
        # A gespreksverslag exists only after an intake: before the triage there is none to show.
        has_report=bool(report and started and row.has_report),
        pending_handover=await handovers.pending_for_household(db, household.id) if can.manage_trajectory else None,
        escalation=row.Escalation if can.raise_escalation else None,
        involved=await involvement.involved_around(db, household.id, can.involved, current_regisseur),
    )
