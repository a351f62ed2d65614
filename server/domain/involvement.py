"""Who is involved with a household ("dat"-information): everyone with access sees *that* others are
involved, with their role and since when; *what* they do is visible only where the household shared it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import (
    HelpRequest,
    HelpRequestStatus,
    Organisation,
    Person,
    Role,
    RoleAssignment,
    Share,
)


@dataclass(frozen=True)
class Involved:
    name: str
    role: Role
    since: dt.datetime | None = None


async def involved_with(db: AsyncSession, household_id: uuid.UUID) -> list[Involved]:
    """Partner organisations with a share, volunteers with an accepted task, and network members with access.
    (The regisseur is shown by the page itself.) A fixed number of queries."""
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
