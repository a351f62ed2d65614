"""Who is involved with a household ("dat"-information): everyone with access sees *that* others are
involved, with their role and since when; *what* they do is visible only where the household shared it.
How much of this a person sees is the policy's answer (``InvolvedView``), applied here and nowhere else."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Household, Organisation, Person, Phase, Role, RoleAssignment, Team, Trajectory
from server.domain.plan.model import Share
from server.domain.policy import InvolvedView
from server.domain.volunteering.model import HelpRequest, HelpRequestStatus


@dataclass(frozen=True)
class Involved:
    name: str
    # Empty when the viewer may see names only.
    role: Role | None = None
    since: dt.datetime | None = None
    # The regisseur's team.
    team: str = ""


async def involved_with(db: AsyncSession, household_id: uuid.UUID) -> list[Involved]:
    """Partner organisations with a share, volunteers with an accepted task, and network members with access.
    (The regisseur comes from ``involved_for``.) A fixed number of queries."""
    organisations = await db.execute(
        select(Organisation.name, func.min(Share.created_at))
        .join(Share, Share.organisation_id == Organisation.id)
        .where(Share.household_id == household_id, Share.revoked_at.is_(None))
        .group_by(Organisation.name)
        .order_by(Organisation.name)
    )
    volunteers = await db.execute(
        select(Person.display_name, func.min(HelpRequest.accepted_at))
        .join(HelpRequest, HelpRequest.volunteer_id == Person.id)
        .where(
            HelpRequest.household_id == household_id,
            HelpRequest.status.in_([HelpRequestStatus.ACCEPTED, HelpRequestStatus.DONE]),
        )
        .group_by(Person.display_name)
        .order_by(Person.display_name)
    )
    network = await db.execute(
        select(Person.display_name)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            RoleAssignment.household_id == household_id,
            RoleAssignment.role == Role.NETWORK_MEMBER,
            RoleAssignment.revoked_at.is_(None),
        )
        .order_by(Person.display_name)
    )
    return (
        [Involved(name, Role.PARTNER_PROFESSIONAL, since) for name, since in organisations.tuples()]
        + [Involved(name, Role.VOLUNTEER, since) for name, since in volunteers.tuples()]
        + [Involved(name, Role.NETWORK_MEMBER) for (name,) in network.tuples()]
    )


async def involved_for(db: AsyncSession, household: Household, view: InvolvedView) -> list[Involved]:
    """Who is involved, as far as ``view`` allows: the regisseur first, then the others."""
    if view is InvolvedView.NONE:
        return []
    row = (
        await db.execute(
            select(Person.display_name, Trajectory.started_on, Team.name)
            .join(Trajectory, Trajectory.regisseur_id == Person.id)
            .join(Household, Household.id == Trajectory.household_id)
            .join(Team, Team.id == Household.team_id)
            .where(Trajectory.household_id == household.id, Trajectory.phase != Phase.AFGESLOTEN)
            .order_by(Trajectory.started_on.desc())
            .limit(1)
        )
    ).first()
    everyone = [Involved(row[0], Role.REGISSEUR, team=row[2])] if row else []
    everyone += await involved_with(db, household.id)
    if view is InvolvedView.NAMES:
        # The names of people only: an organisation's name (a GGZ, debt counselling) would say what help the
        # household gets.
        return [Involved(item.name) for item in everyone if item.role is not Role.PARTNER_PROFESSIONAL]
    return everyone
