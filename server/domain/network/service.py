"""The people around a household (the netwerkkaart), inviting them to help, and ending their access.

The household and its regisseur keep the map. Only the household invites someone from it or withdraws
someone's access: the plan is theirs. An invited person gets a network-member role for this household
only; what they then see is narrowed by ``plan.load_plan`` to the goals shared with them and the actions
assigned to them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import text
from server.domain.errors import N_, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import Passkey, Person, Role, RoleAssignment, utcnow
from server.domain.network.model import NetworkPerson, NetworkRelation
from server.domain.people import create_person, end_sessions
from server.domain.plan import service as plan
from server.domain.plan.model import ActionStatus, PlanAction, Share, WhoType
from server.domain.policy import Actor, Relation
from server.domain.rows import find_in_household, get_in_household
from server.domain.volunteering.model import HelpOffer, HelpOfferStatus, HelpRequest, HelpRequestStatus
from server.domain.volunteering.service import record_involvement

MAX_NAME = 120
MAX_HELP = 300
MAX_REASON = 300
MAX_MESSAGE = 300
MAX_NOTE = 300
RINGS = (1, 2, 3)
FORMAL = "formeel"
INFORMAL = "informeel"
OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.BEZIG)


# --------------------------------------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------------------------------------


@dataclass
class NetworkPersonInput:
    """Someone on the map as typed in the form; ``validate`` cleans it or raises ``InvalidInput``."""

    name: str = ""
    relation: str = ""
    kind: str = INFORMAL
    ring: str = "2"
    can_help_with: str = ""
    # "ja" when the household does not want this person involved (a checkbox).
    not_involved: str = ""
    not_involved_reason: str = ""

    def validate(self) -> dict[str, object]:
        errors: dict[str, str] = {}
        name = text.clean(self.name)
        help_with = text.clean(self.can_help_with)
        reason = text.clean(self.not_involved_reason)
        if not name:
            errors["name"] = N_("Vul een naam in. Een voornaam of 'buurvrouw' is genoeg.")
        elif len(name) > MAX_NAME:
            errors["name"] = N_("De naam is te lang (hoogstens %(max)s tekens).", max=MAX_NAME)
        if self.relation not in {r.value for r in NetworkRelation}:
            errors["relation"] = N_("Kies wie deze persoon voor jullie is.")
        if self.kind not in (FORMAL, INFORMAL):
            errors["kind"] = N_("Kies of deze persoon helpt als familie of vriend, of vanuit werk of een organisatie.")
        if self.ring not in {str(r) for r in RINGS}:
            errors["ring"] = N_("Kies hoe dichtbij deze persoon staat.")
        if len(help_with) > MAX_HELP:
            errors["can_help_with"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_HELP)
        if len(reason) > MAX_REASON:
            errors["not_involved_reason"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_REASON)
        errors.update(
            text.refused(name=self.name, can_help_with=self.can_help_with, not_involved_reason=self.not_involved_reason)
        )
        if errors:
            raise InvalidInput(errors)
        return {
            "name": name,
            "relation": NetworkRelation(self.relation),
            "is_formal": self.kind == FORMAL,
            "ring": int(self.ring),
            "can_help_with": help_with,
            "not_involved": self.not_involved == "ja",
            "not_involved_reason": reason if self.not_involved == "ja" else "",
        }

    @classmethod
    def of(cls, row: NetworkPerson) -> NetworkPersonInput:
        return cls(
            name=row.name,
            relation=str(row.relation),
            kind=FORMAL if row.is_formal else INFORMAL,
            ring=str(row.ring),
            can_help_with=row.can_help_with,
            not_involved="ja" if row.not_involved else "",
            not_involved_reason=row.not_involved_reason,
        )


async def people_of(db: AsyncSession, household_id: uuid.UUID) -> list[NetworkPerson]:
    """Everyone on the household's map, closest ring first."""
    result = await db.scalars(
        select(NetworkPerson)
        .where(NetworkPerson.household_id == household_id)
        .order_by(NetworkPerson.ring, NetworkPerson.name, NetworkPerson.id)
    )
    return list(result)


async def get_person(db: AsyncSession, household_id: uuid.UUID, network_person_id: uuid.UUID) -> NetworkPerson:
    return await get_in_household(db, NetworkPerson, network_person_id, household_id)


async def add_person(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, data: NetworkPersonInput
) -> NetworkPerson:
    row = NetworkPerson(household_id=household_id, created_by_id=actor.id, **data.validate())
    db.add(row)
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.NETWORK_ADDED, detail={"name": row.name}
    )
    return row


async def update_person(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, network_person_id: uuid.UUID, data: NetworkPersonInput
) -> NetworkPerson:
    row = await get_person(db, household_id, network_person_id)
    for key, value in data.validate().items():
        setattr(row, key, value)
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.NETWORK_UPDATED, detail={"name": row.name}
    )
    if row.not_involved and row.person_id is not None and await _end_access(db, household_id, row.person_id):
        # Someone the household no longer wants involved keeps no access, and the timeline says so.
        await record_event(
            db,
            household_id=household_id,
            actor=actor.person,
            kind=EventKind.NETWORK_WITHDRAWN,
            detail={"name": row.name},
        )
    return row


# --------------------------------------------------------------------------------------------------------
# Inviting and withdrawing
# --------------------------------------------------------------------------------------------------------


@dataclass
class InviteInput:
    """The invitation form: who from the map (an id), optionally for which action, with a short message."""

    network_person: str = ""
    action: str = ""
    message: str = ""
    # Someone not on the map yet, put on it (name and relation) and invited in the same step.
    new_name: str = ""
    new_relation: str = ""


@dataclass
class NoteInput:
    note: str = ""


@dataclass(frozen=True)
class Invitation:
    person: Person
    network_person: NetworkPerson
    # False when the person already has a passkey: they simply see the new action, no link is needed.
    needs_link: bool
    message: str


async def _active_role(db: AsyncSession, household_id: uuid.UUID, person_id: uuid.UUID) -> RoleAssignment | None:
    result: RoleAssignment | None = await db.scalar(
        select(RoleAssignment).where(
            RoleAssignment.person_id == person_id,
            RoleAssignment.household_id == household_id,
            RoleAssignment.role == Role.NETWORK_MEMBER,
            RoleAssignment.revoked_at.is_(None),
        )
    )
    return result


async def invitable_actions(db: AsyncSession, household_id: uuid.UUID) -> list[PlanAction]:
    """Actions someone from the network could take on: who-type network, not done or stopped."""
    result = await db.scalars(
        select(PlanAction)
        .where(
            PlanAction.household_id == household_id,
            PlanAction.who_type == WhoType.NETWERK,
            PlanAction.status.in_(OPEN_STATUSES),
        )
        .order_by(PlanAction.created_at, PlanAction.id)
    )
    return list(result)


async def invite(
    db: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    municipality_id: uuid.UUID,
    network_person_id: uuid.UUID,
    *,
    message: str,
    action_id: uuid.UUID | None,
) -> Invitation:
    """Give someone from the map access to this household's plan, and optionally an action to do.

    The caller issues the enrolment link when ``needs_link`` is true (the person has no passkey yet)."""
    words = text.clean(message)
    errors: dict[str, str] = text.refused(("message",), message=message)
    row = await find_in_household(db, NetworkPerson, network_person_id, household_id)
    if row is None:
        errors["network_person"] = N_("Kies wie jullie uitnodigen.")
    elif row.not_involved:
        errors["network_person"] = N_(
            "Jullie willen deze persoon liever niet betrekken. Pas dat eerst aan op de netwerkkaart."
        )
    if len(words) > MAX_MESSAGE:
        errors["message"] = N_("Het bericht is te lang (hoogstens %(max)s tekens).", max=MAX_MESSAGE)
    action: PlanAction | None = None
    if action_id is not None:
        action = await find_in_household(db, PlanAction, action_id, household_id)
        if action is None or action.who_type != WhoType.NETWERK or action.status not in OPEN_STATUSES:
            errors["action"] = N_("Kies een actie voor iemand uit jullie netwerk die nog niet klaar is.")
    if errors or row is None:
        raise InvalidInput(errors)

    person = await db.get(Person, row.person_id) if row.person_id else None
    if person is None:
        person = await create_person(
            db,
            municipality_id=municipality_id,
            display_name=row.name,
            role=Role.NETWORK_MEMBER,
            household_id=household_id,
        )
        row.person_id = person.id
    elif await _active_role(db, household_id, person.id) is None:
        db.add(RoleAssignment(person_id=person.id, role=Role.NETWORK_MEMBER, household_id=household_id))
    if action is not None:
        action.assigned_person_id = person.id
        action.performer = action.performer or row.name
    await db.flush()
    has_passkey = await db.scalar(select(Passkey.id).where(Passkey.person_id == person.id).limit(1))
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.NETWORK_INVITED,
        detail={"name": row.name, "action": action.what if action else ""},
        subject_id=row.id,
    )
    await record_involvement(db, household_id)
    return Invitation(person=person, network_person=row, needs_link=has_passkey is None, message=words)


def _uuid_or_none(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        return None


async def newcomer_for_action(db: AsyncSession, household_id: uuid.UUID, action: str, chosen: str) -> str:
    """The name typed as "wie precies" on an action for the network, when that person is not on the map yet
    and nobody is chosen: the invitation offers to put them on it."""
    action_id = _uuid_or_none(action) if action.strip() else None
    if action_id is None or chosen.strip():
        return ""
    row = await find_in_household(db, PlanAction, action_id, household_id)
    if row is None or row.who_type != WhoType.NETWERK or not row.performer:
        return ""
    names = await db.scalars(select(NetworkPerson.name).where(NetworkPerson.household_id == household_id))
    return "" if row.performer.casefold() in {name.casefold() for name in names} else row.performer


# The fields of the map's form, as the invitation form names them for someone new.
NEW_PERSON_FIELDS = {"name": "new_name", "relation": "new_relation"}


async def invite_someone(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, municipality_id: uuid.UUID, data: InviteInput
) -> Invitation:
    """The invitation form: someone from the map, or someone new who is put on the map first (an action for
    "iemand uit ons netwerk" is often for someone the household has not drawn yet). Nothing is stored unless
    the whole form is right."""
    errors: dict[str, str] = {}
    person_id = _uuid_or_none(data.network_person) if data.network_person.strip() else None
    new = NetworkPersonInput(name=data.new_name, relation=data.new_relation)
    adding = bool(data.new_name.strip())
    if data.network_person.strip() and person_id is None:
        errors["network_person"] = N_("Kies wie jullie uitnodigen.")
    elif person_id is not None and adding:
        errors["new_name"] = N_(
            "Kies iemand van de netwerkkaart of vul een nieuwe naam in, niet allebei. Zet de keuze op "
            "‘iemand nieuw’ of maak de naam leeg."
        )
    elif person_id is None and not adding:
        errors["network_person"] = N_(
            "Kies wie jullie uitnodigen, of vul de naam in van iemand die nog niet op de netwerkkaart staat."
        )
    if adding and person_id is None:
        try:
            new.validate()
        except InvalidInput as exc:
            errors.update({NEW_PERSON_FIELDS.get(k, k): v for k, v in exc.errors.items()})
    action_id = _uuid_or_none(data.action) if data.action.strip() else None
    if data.action.strip() and action_id is None:
        errors["action"] = N_("Kies een actie voor iemand uit jullie netwerk die nog niet klaar is.")
    if errors:
        raise InvalidInput(errors)
    if person_id is None:
        person_id = (await add_person(db, actor, household_id, new)).id
    # A refusal from here on (a message too long, an action done meanwhile) rolls the new map entry back with
    # the rest of the request.
    return await invite(db, actor, household_id, municipality_id, person_id, message=data.message, action_id=action_id)


async def _end_access(
    db: AsyncSession, household_id: uuid.UUID, person_id: uuid.UUID, *, sign_out: bool = True
) -> bool:
    """Revoke the person's network role and shares for this household and hand their open actions back.
    When the household ends it, the person is also signed out everywhere at once. True when there was
    access to end."""
    now = utcnow()
    revoked = await db.execute(
        update(RoleAssignment)
        .where(
            RoleAssignment.person_id == person_id,
            RoleAssignment.household_id == household_id,
            RoleAssignment.role == Role.NETWORK_MEMBER,
            RoleAssignment.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    await db.execute(
        update(Share)
        .where(Share.household_id == household_id, Share.person_id == person_id, Share.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await db.execute(
        update(PlanAction)
        .where(
            PlanAction.household_id == household_id,
            PlanAction.assigned_person_id == person_id,
            PlanAction.status.in_(OPEN_STATUSES),
        )
        .values(assigned_person_id=None, version=PlanAction.version + 1)
    )
    await record_involvement(db, household_id)
    ended = bool(getattr(revoked, "rowcount", 0))
    if ended and sign_out:
        await end_sessions(db, person_id)
    return ended


async def withdraw_access(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, network_person_id: uuid.UUID
) -> NetworkPerson:
    """The household ends someone's access at once: their next request is refused."""
    row = await get_person(db, household_id, network_person_id)
    if row.person_id is None or not await _end_access(db, household_id, row.person_id):
        raise InvalidInput({"network_person": N_("Deze persoon heeft geen toegang tot jullie plan.")})
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.NETWORK_WITHDRAWN, detail={"name": row.name}
    )
    return row


async def leave(db: AsyncSession, actor: Actor, household_id: uuid.UUID) -> None:
    """A network member leaves the household's plan of their own accord."""
    # Leaving is the person's own step: they stay signed in and see their own page.
    if not await _end_access(db, household_id, actor.id, sign_out=False):
        raise NotFound
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.NETWORK_LEFT,
        detail={"name": actor.person.display_name},
    )


async def add_note(
    db: AsyncSession, actor: Actor, relation: Relation, household_id: uuid.UUID, action_id: uuid.UUID, note: str
) -> PlanAction:
    """A short note on an action by whoever does it (or by the household and its regisseur)."""
    action = await plan.get_action(db, household_id, action_id)
    if not await plan.may_work_on(db, action, actor, relation):
        raise NotFound
    text.check("note", note, long_text=True)
    words = text.clean(note)
    if len(words) > MAX_NOTE:
        raise InvalidInput({"note": N_("De notitie is te lang (hoogstens %(max)s tekens).", max=MAX_NOTE)})
    action.note = words
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.ACTION_NOTED,
        detail={"action": action.what, "note": words},
    )
    return action


# --------------------------------------------------------------------------------------------------------
# Who carries what
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HelperLoad:
    name: str
    open_actions: int
    too_many: bool
    is_volunteer: bool


async def helper_load(db: AsyncSession, household_id: uuid.UUID, *, limit: int) -> list[HelperLoad]:
    """Per helper (network member or volunteer) how many open actions they carry, most first; ``too_many``
    when it is more than ``limit``. Three queries, whatever the size of the plan."""
    assigned = await db.scalars(
        select(PlanAction.assigned_person_id).where(
            PlanAction.household_id == household_id,
            PlanAction.assigned_person_id.is_not(None),
            PlanAction.status.in_(OPEN_STATUSES),
        )
    )
    counts = Counter(pid for pid in assigned if pid is not None)
    if not counts:
        return []
    rows = await db.execute(select(Person.id, Person.display_name).where(Person.id.in_(list(counts))))
    # A Result has .keys() (its column names), so dict(rows) would take it for a mapping.
    names = {row[0]: row[1] for row in rows.tuples()}
    volunteers = set(
        await db.scalars(
            select(HelpOffer.volunteer_id)
            .join(HelpRequest, HelpRequest.id == HelpOffer.help_request_id)
            .where(
                HelpRequest.household_id == household_id,
                HelpOffer.volunteer_id.in_(list(counts)),
                HelpOffer.status == HelpOfferStatus.ACCEPTED,
                HelpRequest.status.in_([HelpRequestStatus.OPEN, HelpRequestStatus.ACCEPTED, HelpRequestStatus.DONE]),
            )
        )
    )
    loads = [HelperLoad(names.get(pid, ""), n, n > limit, pid in volunteers) for pid, n in counts.items()]
    return sorted(loads, key=lambda h: (-h.open_actions, h.name))


async def access_by_person(db: AsyncSession, household_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """The people (accounts) with network access to this household right now."""
    result = await db.scalars(
        select(RoleAssignment.person_id).where(
            RoleAssignment.household_id == household_id,
            RoleAssignment.role == Role.NETWORK_MEMBER,
            RoleAssignment.revoked_at.is_(None),
        )
    )
    return frozenset(result)
