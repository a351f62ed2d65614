"""The access log ("Wie keek in ons plan"): append-only and hash-chained per household."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import aliased

from server.domain.models import AccessLogEntry, Household, Organisation, Role, utcnow
from server.domain.policy import Actor, Relation

# A colleague covering for the absent regisseur looks as "waarneming" (no role of its own: a regisseur's
# role, for a period).
COVERING_ROLE = "waarneming"

# The role a person looked in, as shown to the household.
RELATION_ROLE: dict[Relation, str] = {
    Relation.REGISSEUR: Role.REGISSEUR,
    Relation.COVERING: COVERING_ROLE,
    Relation.TEAM_COLLEAGUE: Role.REGISSEUR,
    Relation.PARTNER_WITH_SHARE: Role.PARTNER_PROFESSIONAL,
    Relation.PARTNER_WITH_RATINGS_SHARE: Role.PARTNER_PROFESSIONAL,
    Relation.ESCALATION_LEAD: Role.TEAM_LEAD,
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
    role: str
    organisation_id: uuid.UUID | None
    household_id: uuid.UUID
    resource: str

    @classmethod
    def of(cls, actor: Actor, relation: Relation, household_id: uuid.UUID, resource: str) -> Look:
        role = RELATION_ROLE.get(relation, Role.HOUSEHOLD_MEMBER)
        if relation is Relation.HANDOVER_RECEIVER:
            # A handover is offered to a partner professional (warm) or to a colleague regisseur.
            role = Role.PARTNER_PROFESSIONAL if actor.has_role(Role.PARTNER_PROFESSIONAL) else Role.REGISSEUR
        organisation_id = next(
            (r.organisation_id for r in actor.roles if r.role == role and r.organisation_id),
            None,
        )
        return cls(actor.id, actor.person.display_name, role, organisation_id, household_id, resource)


async def record_look(db: AsyncSession | AsyncConnection, look: Look) -> AccessLogEntry:
    """Append one entry to the household's chain, after every entry that came before it."""
    (entry,) = await record_looks(db, [look])
    return entry


async def record_looks(db: AsyncSession | AsyncConnection, looks: Sequence[Look]) -> list[AccessLogEntry]:
    """Append entries to their households' chains, in order, in the caller's transaction.

    A fixed number of short statements (SQL Core, no unit of work), however many looks and households:
    take the households' write locks, read each chain's head, insert every entry. The lock comes before the
    head is read (a row lock per household on PostgreSQL, taken in the order of their ids; the one writer's
    lock on SQLite), so two writers at the same moment chain one after the other and never fork a chain.
    """
    if not looks:
        return []
    household_ids = sorted({look.household_id for look in looks})
    organisation_ids = {look.organisation_id for look in looks if look.organisation_id}
    organisation_names: dict[uuid.UUID, str] = {}
    if organisation_ids:
        rows = await db.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(organisation_ids)))
        organisation_names = dict(rows.tuples().all())
    await db.execute(update(Household).where(Household.id.in_(household_ids)).values(updated_at=Household.updated_at))
    later = aliased(AccessLogEntry)
    newest = (
        select(later.id)
        .where(later.household_id == Household.id)
        .order_by(later.created_at.desc(), later.id.desc())
        .limit(1)
        .correlate(Household)
        .scalar_subquery()
    )
    heads = await db.execute(
        select(Household.id, AccessLogEntry.entry_hash, AccessLogEntry.created_at)
        .outerjoin(AccessLogEntry, AccessLogEntry.id == newest)
        .where(Household.id.in_(household_ids))
    )
    previous = {household_id: (entry_hash or "", at) for household_id, entry_hash, at in heads.tuples()}
    entries = []
    for look in looks:
        prev_hash, prev_at = previous.get(look.household_id, ("", None))
        # The chain is read in time order: an entry is always later than the one before it, even when the
        # clock gives the same moment twice (or steps back).
        now = utcnow()
        created_at = max(now, prev_at + _TICK) if prev_at else now
        entry = AccessLogEntry(
            id=uuid.uuid4(),
            household_id=look.household_id,
            actor_id=look.actor_id,
            actor_name=look.actor_name,
            actor_role=str(look.role),
            organisation_name=organisation_names.get(look.organisation_id, "") if look.organisation_id else "",
            resource=look.resource,
            action="read",
            created_at=created_at,
            prev_hash=prev_hash,
        )
        entry.entry_hash = _entry_hash(entry)
        previous[look.household_id] = (entry.entry_hash, created_at)
        entries.append(entry)
    await db.execute(insert(AccessLogEntry), [{c: getattr(entry, c) for c in _COLUMNS} for entry in entries])
    return entries


_TICK = dt.timedelta(microseconds=1)
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
