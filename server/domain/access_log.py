"""The access log ("Wie keek in ons plan"): append-only and hash-chained per household."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from server.domain.models import AccessLogEntry, Household, Organisation, Role, utcnow
from server.domain.policy import Actor, Relation

# The role a person looked in, as shown to the household.
RELATION_ROLE = {
    Relation.REGISSEUR: Role.REGISSEUR,
    Relation.TEAM_COLLEAGUE: Role.REGISSEUR,
    Relation.PARTNER_WITH_SHARE: Role.PARTNER_PROFESSIONAL,
    Relation.NETWORK_WITH_SHARE: Role.NETWORK_MEMBER,
    Relation.VOLUNTEER_ACCEPTED: Role.VOLUNTEER,
    Relation.TEAM_LEAD: Role.TEAM_LEAD,
    Relation.ADMIN: Role.ADMIN,
}


def _entry_hash(entry: AccessLogEntry) -> str:
    fields = [
        entry.prev_hash,
        str(entry.household_id),
        str(entry.actor_id),
        entry.actor_role,
        entry.organisation_name,
        entry.resource,
        entry.action,
        entry.created_at.isoformat(),
    ]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


@dataclass(frozen=True)
class Look:
    """Someone outside the household is shown something of it: who, in which role, what. Plain values, so
    that it can be written after the request's own session has ended."""

    actor_id: uuid.UUID
    actor_name: str
    role: Role
    organisation_id: uuid.UUID | None
    household_id: uuid.UUID
    resource: str

    @classmethod
    def of(cls, actor: Actor, relation: Relation, household_id: uuid.UUID, resource: str) -> Look:
        role = RELATION_ROLE.get(relation, Role.HOUSEHOLD_MEMBER)
        organisation_id = next((r.organisation_id for r in actor.roles if r.role == role and r.organisation_id), None)
        return cls(actor.id, actor.person.display_name, role, organisation_id, household_id, resource)


async def record_look(db: AsyncSession | AsyncConnection, look: Look) -> AccessLogEntry:
    """Append one entry to the household's chain, after every entry that came before it.

    Three short statements in the caller's transaction (SQL Core, no unit of work): take the household's
    write lock, read the chain's head, insert.
    """
    household_id = look.household_id
    organisation_name = ""
    if look.organisation_id:
        organisation_name = (
            await db.scalar(select(Organisation.name).where(Organisation.id == look.organisation_id)) or ""
        )
    # Take the household's write lock before reading the chain's head: a row lock on PostgreSQL, the one
    # writer's lock on SQLite. Two looks at the same moment then chain one after the other.
    await db.execute(update(Household).where(Household.id == household_id).values(updated_at=Household.updated_at))
    prev_hash = await db.scalar(
        select(AccessLogEntry.entry_hash)
        .where(AccessLogEntry.household_id == household_id)
        .order_by(AccessLogEntry.created_at.desc(), AccessLogEntry.id.desc())
        .limit(1)
    )
    entry = AccessLogEntry(
        id=uuid.uuid4(),
        household_id=household_id,
        actor_id=look.actor_id,
        actor_name=look.actor_name,
        actor_role=str(look.role),
        organisation_name=organisation_name,
        resource=look.resource,
        action="read",
        created_at=utcnow(),
        prev_hash=prev_hash or "",
    )
    entry.entry_hash = _entry_hash(entry)
    await db.execute(insert(AccessLogEntry).values({c: getattr(entry, c) for c in _COLUMNS}))
    return entry


_COLUMNS = (
    "id",
    "household_id",
    "actor_id",
    "actor_name",
    "actor_role",
    "organisation_name",
    "resource",
    "action",
    "created_at",
    "prev_hash",
    "entry_hash",
)


async def entries_for(session: AsyncSession, household_id: uuid.UUID, limit: int = 200) -> list[AccessLogEntry]:
    result = await session.scalars(
        select(AccessLogEntry)
        .where(AccessLogEntry.household_id == household_id)
        .order_by(AccessLogEntry.created_at.desc(), AccessLogEntry.id.desc())
        .limit(limit)
    )
    return list(result)


async def chain_is_intact(session: AsyncSession, household_id: uuid.UUID) -> bool:
    """Recompute every hash from the first entry on; any change or gap breaks the chain."""
    result = await session.scalars(
        select(AccessLogEntry)
        .where(AccessLogEntry.household_id == household_id)
        .order_by(AccessLogEntry.created_at, AccessLogEntry.id)
    )
    previous = ""
    for entry in result:
        if entry.prev_hash != previous or _entry_hash(entry) != entry.entry_hash:
            return False
        previous = entry.entry_hash
    return True
