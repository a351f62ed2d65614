"""One-time enrolment links: how a person gets their first (or a new) passkey.

The token has 256 bits of randomness and is stored only as its SHA-256, so a copy of the database does not
give anyone a working link. A link works once and for seven days.

Recovery is never silent. A link that someone else makes for a person who already enrolled is a recovery:
when it is used, the person's passkeys stop working and all their sessions end, and the person (and, for a
household member, the household) sees who made the link. Otherwise whoever may make links could quietly
become that person. A professional's recovery link works only after a second person approved it (the team
lead of their team, or another admin). Nobody makes a recovery link for themselves: a person adds a new
device of their own from "Mijn passkeys".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

import segno
from markupsafe import Markup, escape
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, IllegalTransition, NotAllowed, NotFound
from server.domain.events import EventKind, enqueue, record_event
from server.domain.models import PROFESSIONAL_ROLES, AccountEvent, EnrolmentToken, Member, Passkey, Person, Role, utcnow
from server.domain.network.model import NetworkPerson
from server.domain.people import end_sessions
from server.domain.policy import Actor

VALID_FOR = dt.timedelta(days=7)
ENROL_PATH = "/aanmelden/"


class EnrolmentLinkInvalid(NotFound):
    message = N_("Deze link werkt niet (meer). Vraag om een nieuwe link.")


class LinkAwaitsApproval(NotFound):
    message = N_(
        "Deze herstellink werkt pas als een teamleider of een tweede beheerder hem heeft goedgekeurd. "
        "Vraag hen dat te doen en open de link daarna opnieuw."
    )


class PersonDeactivated(IllegalTransition):
    message = N_("Deze persoon is gedeactiveerd. Zet de toegang eerst weer aan; daarna kun je een link maken.")


class NoLinkForYourself(NotAllowed):
    message = N_("Je kunt geen herstellink voor jezelf maken. Een nieuw apparaat voeg je zelf toe bij Mijn passkeys.")


@dataclass(frozen=True)
class IssuedLink:
    person: Person
    url: str
    expires_at: dt.datetime
    needs_approval: bool = False


@dataclass(frozen=True)
class PendingRecovery:
    id: uuid.UUID
    person_name: str
    made_by: str
    created_at: dt.datetime


def _is_professional(person: Person) -> bool:
    now = utcnow()
    return any(r.role in PROFESSIONAL_ROLES and r.active_at(now) for r in person.roles)


async def _account_event(db: AsyncSession, person_id: uuid.UUID, kind: str, by: Person | None) -> None:
    db.add(AccountEvent(person_id=person_id, kind=kind, actor_name=by.display_name if by else "", created_at=utcnow()))
    await db.flush()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue(
    db: AsyncSession,
    *,
    person: Person,
    created_by: Person | None,
    origin: str,
    revoke_earlier: bool = True,
    message: str = "",
) -> IssuedLink:
    """Create a new link for ``person``, with an optional personal ``message`` shown when it is opened.
    Earlier unused links of the person stop working."""
    if created_by is not None and created_by.id == person.id:
        raise NoLinkForYourself
    if person.deactivated_at is not None:
        raise PersonDeactivated
    recovery = created_by is not None and person.enrolled_at is not None
    needs_approval = recovery and _is_professional(person)
    now = utcnow()
    if revoke_earlier:
        await db.execute(
            update(EnrolmentToken)
            .where(EnrolmentToken.person_id == person.id, EnrolmentToken.used_at.is_(None))
            .values(used_at=now)
        )
    token = secrets.token_urlsafe(32)
    row = EnrolmentToken(
        person_id=person.id,
        token_hash=_hash(token),
        created_by_id=created_by.id if created_by else None,
        created_at=now,
        expires_at=now + VALID_FOR,
        message=message,
        is_recovery=recovery,
        needs_approval=needs_approval,
    )
    db.add(row)
    await db.flush()
    if recovery:
        await _account_event(db, person.id, "recovery.issued", created_by)
    if created_by is not None:
        # A household sees every link made for one of its members.
        for household_id in await _households_of(db, person):
            await record_event(
                db,
                household_id=household_id,
                actor=created_by,
                kind=EventKind.PERSON_LINK_ISSUED,
                detail={"person_name": person.display_name},
            )
    return IssuedLink(
        person=person,
        url=f"{origin.rstrip('/')}{ENROL_PATH}{token}",
        expires_at=row.expires_at,
        needs_approval=needs_approval,
    )


async def find_valid(db: AsyncSession, token: str) -> tuple[EnrolmentToken, Person]:
    """The unused, unexpired link for ``token``; anything else is refused with the same answer."""
    if not token or len(token) > 100:
        raise EnrolmentLinkInvalid
    row = await db.scalar(select(EnrolmentToken).where(EnrolmentToken.token_hash == _hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise EnrolmentLinkInvalid
    if row.needs_approval and row.approved_at is None:
        raise LinkAwaitsApproval
    person = await db.get(Person, row.person_id)
    # A deactivated person's links stop working with the rest of their access.
    if person is None or person.deactivated_at is not None:
        raise EnrolmentLinkInvalid
    return row, person


async def consume(db: AsyncSession, token: str) -> Person:
    """Mark the link used, atomically: of two concurrent uses only one succeeds."""
    row, person = await find_valid(db, token)
    result = await db.execute(
        update(EnrolmentToken)
        .where(EnrolmentToken.id == row.id, EnrolmentToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if getattr(result, "rowcount", 0) != 1:
        raise EnrolmentLinkInvalid
    if row.is_recovery:
        await _recover(db, row, person)
    else:
        await _invitation_accepted(db, person)
    return person


async def _invitation_accepted(db: AsyncSession, person: Person) -> None:
    """Someone a household invited from its network uses their link: the household is told (once per
    household; a later link for the same person, after a lost phone, is a recovery and tells nothing here)."""
    if await db.scalar(select(Passkey.id).where(Passkey.person_id == person.id).limit(1)) is not None:
        return
    for row in await db.scalars(select(NetworkPerson).where(NetworkPerson.person_id == person.id)):
        await record_event(
            db,
            household_id=row.household_id,
            actor=person,
            kind=EventKind.NETWORK_JOINED,
            detail={"name": row.name},
            subject_id=row.id,
        )


async def _households_of(db: AsyncSession, person: Person) -> list[uuid.UUID]:
    return list(await db.scalars(select(Member.household_id).where(Member.person_id == person.id)))


async def _recover(db: AsyncSession, row: EnrolmentToken, person: Person) -> None:
    """The recovery link is used: the old passkeys stop working and every session of the person ends, and
    the person and their household are told who made the link."""
    maker = await db.get(Person, row.created_by_id) if row.created_by_id else None
    await db.execute(delete(Passkey).where(Passkey.person_id == person.id))
    await end_sessions(db, person.id)
    await _account_event(db, person.id, "recovery.used", maker)
    for household_id in await _households_of(db, person):
        await record_event(
            db,
            household_id=household_id,
            actor=maker,
            kind=EventKind.PERSON_RECOVERED,
            detail={"person_name": person.display_name},
        )
    # The person is told too, on the devices where they turned push on: if it was not them, they know.
    await enqueue(db, kind=EventKind.ACCOUNT_RECOVERED, subject_id=person.id, actor=maker)


def may_approve(actor: Actor, row: EnrolmentToken, person: Person) -> bool:
    """A second person: never whoever made the link or the person it is for. Another admin of the same
    gemeente; for a regisseur the team lead of their team; for a partner professional or a team lead any
    team lead of the gemeente; for an admin only another admin."""
    if actor.id in (row.created_by_id, row.person_id) or person.municipality_id != actor.person.municipality_id:
        return False
    if actor.has_role(Role.ADMIN):
        return True
    if not actor.has_role(Role.TEAM_LEAD):
        return False
    now = utcnow()
    held = {r.role for r in person.roles if r.active_at(now)}
    if Role.ADMIN in held:
        return False
    teams = {r.team_id for r in person.roles if r.role == Role.REGISSEUR and r.active_at(now) and r.team_id}
    if teams & actor.teams(Role.TEAM_LEAD):
        return True
    # A partner professional or a team lead has no team lead of their own: any team lead of the gemeente is
    # the second person.
    return bool(held & {Role.PARTNER_PROFESSIONAL, Role.TEAM_LEAD}) and Role.REGISSEUR not in held


async def _awaiting(db: AsyncSession, actor: Actor) -> list[tuple[EnrolmentToken, Person]]:
    result = await db.execute(
        select(EnrolmentToken, Person)
        .join(Person, Person.id == EnrolmentToken.person_id)
        .where(
            EnrolmentToken.needs_approval.is_(True),
            EnrolmentToken.approved_at.is_(None),
            EnrolmentToken.used_at.is_(None),
            EnrolmentToken.expires_at > utcnow(),
            Person.municipality_id == actor.person.municipality_id,
        )
        .order_by(EnrolmentToken.created_at)
    )
    return [(row, person) for row, person in result.tuples() if may_approve(actor, row, person)]


async def awaiting_approval(db: AsyncSession, actor: Actor) -> list[PendingRecovery]:
    """Recovery links this person may approve."""
    pending = await _awaiting(db, actor)
    makers = {
        p.id: p.display_name
        for p in await db.scalars(select(Person).where(Person.id.in_([r.created_by_id for r, _p in pending])))
    }
    return [
        PendingRecovery(row.id, person.display_name, makers.get(row.created_by_id or person.id, ""), row.created_at)
        for row, person in pending
    ]


async def approve(db: AsyncSession, actor: Actor, link_id: uuid.UUID) -> None:
    """Approve a recovery link; a link this person may not approve looks like no link at all."""
    row = next((r for r, _p in await _awaiting(db, actor) if r.id == link_id), None)
    if row is None:
        raise NotFound
    row.approved_by_id, row.approved_at = actor.id, utcnow()
    await _account_event(db, row.person_id, "recovery.approved", actor.person)


async def account_events(db: AsyncSession, person_id: uuid.UUID, limit: int = 20) -> list[AccountEvent]:
    result = await db.scalars(
        select(AccountEvent)
        .where(AccountEvent.person_id == person_id)
        .order_by(AccountEvent.created_at.desc())
        .limit(limit)
    )
    return list(result)


def qr_svg(url: str, *, label: str) -> Markup:
    """The link as an SVG QR code, to scan at the kitchen table. No inline styles (the CSP forbids them)."""
    qr = segno.make(url, error="m")
    svg: str = qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(svg)  # noqa: S704 - segno's own SVG, with an escaped label
