"""The partner professional (ketenpartner): actions assigned to their organisation, the household's ratings
shared with it, and their start page.

A partner professional sees only what a household shared with their organisation: a goal with its actions (a
share the household can revoke at once), or its ratings. An action the household assigns to a partner
organisation shares its goal with that organisation, and puts the organisation in the involvement register.
The professionals of that organisation tick it, note on it, and say "wij pakken dit op".
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import Exists, and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import involvement
from server.domain.access_log import Look, record_page_looks
from server.domain.errors import N_, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import Household, Organisation, OrganisationKind, Person, Role, utcnow
from server.domain.plan.model import ActionStatus, Goal, PlanAction, Share, ShareSubject
from server.domain.policy import Actor, Relation
from server.domain.rows import get_in_household
from server.domain.text import clean, refused

MAX_PURPOSE = 200
MAX_PERFORMER = 120
START_RESOURCE = "partner_start"
# What an organisation sees of a goal it is given an action for; stored with the share, read by the household.
ACTION_PURPOSE = "voor de actie: {what}"


def partner_organisations(actor: Actor) -> frozenset[uuid.UUID]:
    """The organisations this person works for as a partner professional."""
    return frozenset(
        r.organisation_id for r in actor.roles if r.role == Role.PARTNER_PROFESSIONAL and r.organisation_id
    )


# --------------------------------------------------------------------------------------------------------
# Assigning an action to a partner organisation
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerOrganisation:
    id: uuid.UUID
    name: str


async def assignable_organisations(db: AsyncSession, municipality_id: uuid.UUID) -> list[PartnerOrganisation]:
    """The gemeente's partner organisations that still work with it (not ended by the admin)."""
    rows = await db.execute(
        select(Organisation.id, Organisation.name)
        .where(
            Organisation.municipality_id == municipality_id,
            Organisation.kind == OrganisationKind.PARTNER,
            Organisation.ended_at.is_(None),
        )
        .order_by(Organisation.name)
    )
    return [PartnerOrganisation(oid, name) for oid, name in rows.tuples()]


async def chosen_organisation(
    db: AsyncSession, household_id: uuid.UUID, raw: str, *, field_name: str = "organisation"
) -> PartnerOrganisation | None:
    """The partner organisation picked in a form (an id), checked against the household's gemeente; None when
    none was picked. Anything else is refused with a message beside the field."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        organisation_id = uuid.UUID(raw)
    except ValueError:
        organisation_id = None
    found = None
    if organisation_id is not None:
        found = (
            await db.execute(
                select(Organisation.id, Organisation.name)
                .join(Household, Household.municipality_id == Organisation.municipality_id)
                .where(
                    Household.id == household_id,
                    Organisation.id == organisation_id,
                    Organisation.kind == OrganisationKind.PARTNER,
                    Organisation.ended_at.is_(None),
                )
            )
        ).first()
    if found is None:
        raise InvalidInput({field_name: N_("Kies een organisatie uit de lijst.")})
    return PartnerOrganisation(found[0], found[1])


async def _active_share(
    db: AsyncSession,
    household_id: uuid.UUID,
    organisation_id: uuid.UUID,
    subject: ShareSubject,
    goal_id: uuid.UUID | None,
) -> Share | None:
    goal_clause = Share.goal_id == goal_id if goal_id is not None else Share.goal_id.is_(None)
    found: Share | None = await db.scalar(
        select(Share)
        .where(
            Share.household_id == household_id,
            Share.organisation_id == organisation_id,
            Share.subject == subject,
            goal_clause,
            Share.revoked_at.is_(None),
        )
        .limit(1)
    )
    return found


async def assign_to_organisation(
    db: AsyncSession, actor: Actor, action: PlanAction, goal: Goal, organisation: PartnerOrganisation
) -> None:
    """After an action was given to a partner organisation: its goal is shared with the organisation (unless a
    share stands already), the organisation is in the involvement register (once), and the household reads it in
    its timeline. Runs in the transaction of the action's own save."""
    household_id = action.household_id
    if await _active_share(db, household_id, organisation.id, ShareSubject.GOAL, goal.id) is None:
        db.add(
            Share(
                household_id=household_id,
                goal_id=goal.id,
                subject=ShareSubject.GOAL,
                organisation_id=organisation.id,
                purpose=ACTION_PURPOSE.format(what=action.what)[:MAX_PURPOSE],
                created_by_id=actor.id,
                created_at=utcnow(),
            )
        )
        await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.ACTION_ASSIGNED,
        detail={"action": action.what, "goal": goal.text, "organisation": organisation.name},
        subject_id=action.id,
    )
    await involvement.involve_organisation(
        db,
        actor,
        household_id,
        organisation_name=organisation.name,
        organisation_id=organisation.id,
        because=involvement.BY_ACTION,
    )


def _goal_shared_with(organisations: frozenset[uuid.UUID]) -> Exists:
    """An active share of the action's goal with one of these organisations (for a correlated query on
    PlanAction)."""
    return exists().where(
        Share.goal_id == PlanAction.goal_id,
        Share.household_id == PlanAction.household_id,
        Share.organisation_id.in_(organisations),
        Share.subject == ShareSubject.GOAL,
        Share.revoked_at.is_(None),
    )


async def shared_goal_ids(db: AsyncSession, household_id: uuid.UUID, actor: Actor) -> frozenset[uuid.UUID]:
    """The goals of this household shared (now) with the person's partner organisations."""
    organisations = partner_organisations(actor)
    if not organisations:
        return frozenset()
    rows = await db.scalars(
        select(Share.goal_id).where(
            Share.household_id == household_id,
            Share.organisation_id.in_(organisations),
            Share.subject == ShareSubject.GOAL,
            Share.revoked_at.is_(None),
        )
    )
    return frozenset(goal_id for goal_id in rows if goal_id is not None)


def works_on(action: PlanAction, actor: Actor, shared_goals: frozenset[uuid.UUID]) -> bool:
    """A partner professional works on an action assigned to their organisation, while its goal is shared."""
    return action.assigned_organisation_id in partner_organisations(actor) and action.goal_id in shared_goals


async def take_action(db: AsyncSession, actor: Actor, household_id: uuid.UUID, action_id: uuid.UUID) -> PlanAction:
    """ "Wij pakken dit op": the action names this professional as its performer ("Ruud (MEE)") and is under way.
    Refused as absent for an action that is not their organisation's (or whose goal is no longer shared)."""
    action = await get_in_household(db, PlanAction, action_id, household_id)
    if not works_on(action, actor, await shared_goal_ids(db, household_id, actor)):
        raise NotFound
    if action.assigned_person_id == actor.id:
        return action
    organisation = await db.scalar(select(Organisation.name).where(Organisation.id == action.assigned_organisation_id))
    name = actor.person.display_name
    action.performer = f"{name}, {organisation}"[:MAX_PERFORMER] if organisation else name[:MAX_PERFORMER]
    action.assigned_person_id = actor.id
    if action.status == ActionStatus.OPEN:
        action.status = ActionStatus.BEZIG
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.ACTION_TAKEN,
        detail={"action": action.what, "name": name, "organisation": organisation or ""},
    )
    return action


# --------------------------------------------------------------------------------------------------------
# The ratings, shared with a partner organisation
# --------------------------------------------------------------------------------------------------------


@dataclass
class RatingsShareInput:
    organisation: str = ""
    purpose: str = ""


async def share_ratings(db: AsyncSession, actor: Actor, household_id: uuid.UUID, data: RatingsShareInput) -> Share:
    """The household shares its scores per leefgebied with a partner organisation, for a purpose. The
    organisation is put in the involvement register."""
    errors: dict[str, str] = {}
    organisation: PartnerOrganisation | None = None
    if not data.organisation.strip():
        errors["organisation"] = N_("Kies met welke organisatie jullie de scores delen.")
    else:
        try:
            organisation = await chosen_organisation(db, household_id, data.organisation)
        except InvalidInput as exc:
            errors.update(exc.errors)
    purpose = clean(data.purpose)
    if not purpose:
        errors["purpose"] = N_("Schrijf in een paar woorden waarvoor de organisatie de scores moet zien.")
    elif len(purpose) > MAX_PURPOSE:
        errors["purpose"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_PURPOSE)
    errors.update(refused(purpose=data.purpose))
    already = (
        organisation is not None
        and not errors
        and await _active_share(db, household_id, organisation.id, ShareSubject.RATINGS, None) is not None
    )
    if already and organisation is not None:
        errors["organisation"] = N_("Jullie delen de scores al met %(name)s.", name=organisation.name)
    if errors or organisation is None:
        raise InvalidInput(errors)
    share = Share(
        household_id=household_id,
        goal_id=None,
        subject=ShareSubject.RATINGS,
        organisation_id=organisation.id,
        purpose=purpose,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    db.add(share)
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.SHARE_CREATED,
        detail={"subject": ShareSubject.RATINGS.value, "goal": "", "with": organisation.name, "purpose": purpose},
        subject_id=share.id,
    )
    await involvement.involve_organisation(
        db,
        actor,
        household_id,
        organisation_name=organisation.name,
        organisation_id=organisation.id,
        because=involvement.BY_SHARE,
    )
    return share


@dataclass(frozen=True)
class ShareRow:
    """One standing share of the household: what (a goal's text, or the ratings), with whom, for what."""

    id: uuid.UUID
    subject: ShareSubject
    goal_id: uuid.UUID | None
    goal: str
    name: str
    is_person: bool
    purpose: str
    since: dt.datetime


async def household_shares(db: AsyncSession, household_id: uuid.UUID) -> list[ShareRow]:
    """Everything the household shares now, with whom and for what: one statement."""
    rows = await db.execute(
        select(Share, Goal.text, Person.display_name, Organisation.name)
        .outerjoin(Goal, Goal.id == Share.goal_id)
        .outerjoin(Person, Person.id == Share.person_id)
        .outerjoin(Organisation, Organisation.id == Share.organisation_id)
        .where(Share.household_id == household_id, Share.revoked_at.is_(None))
        .order_by(Share.created_at, Share.id)
    )
    return [
        ShareRow(
            id=share.id,
            subject=ShareSubject(share.subject),
            goal_id=share.goal_id,
            goal=goal or "",
            name=person or organisation or "",
            is_person=share.person_id is not None,
            purpose=share.purpose,
            since=share.created_at,
        )
        for share, goal, person, organisation in rows.tuples()
    ]


# --------------------------------------------------------------------------------------------------------
# The start page
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedItem:
    subject: ShareSubject
    goal_id: uuid.UUID | None
    goal: str
    organisation: str
    purpose: str
    since: dt.datetime


@dataclass
class SharedHousehold:
    household_id: uuid.UUID
    name: str
    items: list[SharedItem] = field(default_factory=list)

    @property
    def has_goal(self) -> bool:
        return any(item.subject is ShareSubject.GOAL for item in self.items)

    @property
    def has_ratings(self) -> bool:
        return any(item.subject is ShareSubject.RATINGS for item in self.items)


@dataclass(frozen=True)
class AssignedAction:
    id: uuid.UUID
    household_id: uuid.UUID
    household: str
    goal: str
    what: str
    due_on: dt.date | None
    status: ActionStatus
    overdue: bool
    # Who at the organisation picked it up ("Wij pakken dit op"); empty while nobody did.
    taken_by: str
    taken_by_me: bool


@dataclass
class PartnerStart:
    organisations: list[str]
    households: list[SharedHousehold]
    actions: list[AssignedAction]


async def partner_start(db: AsyncSession, actor: Actor) -> PartnerStart | None:
    """The partner professional's start page: the households that share something with their organisation(s)
    and what, and the open actions assigned to their organisation(s), overdue first and then by due date. Each
    household shown is a look from outside, written to its access log. A fixed number of statements, however
    many households share with them. None for someone who is no partner professional."""
    organisations = partner_organisations(actor)
    if not organisations:
        return None
    names = list(
        await db.scalars(
            select(Organisation.name).where(Organisation.id.in_(organisations)).order_by(Organisation.name)
        )
    )
    shares = await db.execute(
        select(Share, Household.name, Goal.text, Organisation.name)
        .join(Household, Household.id == Share.household_id)
        .join(Organisation, Organisation.id == Share.organisation_id)
        .outerjoin(Goal, Goal.id == Share.goal_id)
        .where(Share.organisation_id.in_(organisations), Share.revoked_at.is_(None))
        .order_by(Household.name, Household.id, Share.created_at, Share.id)
    )
    households: dict[uuid.UUID, SharedHousehold] = {}
    for share, household_name, goal, organisation in shares.tuples():
        row = households.setdefault(share.household_id, SharedHousehold(share.household_id, household_name))
        row.items.append(
            SharedItem(
                subject=ShareSubject(share.subject),
                goal_id=share.goal_id,
                goal=goal or "",
                organisation=organisation,
                purpose=share.purpose,
                since=share.created_at,
            )
        )
    taker = Person.display_name
    assigned = await db.execute(
        select(PlanAction, Household.name, Goal.text, taker)
        .join(Household, Household.id == PlanAction.household_id)
        .join(Goal, Goal.id == PlanAction.goal_id)
        .outerjoin(Person, Person.id == PlanAction.assigned_person_id)
        .where(
            and_(
                PlanAction.assigned_organisation_id.in_(organisations),
                PlanAction.status.in_([ActionStatus.OPEN, ActionStatus.BEZIG]),
                _goal_shared_with(organisations),
            )
        )
        .order_by(PlanAction.due_on, PlanAction.created_at, PlanAction.id)
    )
    today = utcnow().date()
    actions = [
        AssignedAction(
            id=action.id,
            household_id=action.household_id,
            household=household_name,
            goal=goal,
            what=action.what,
            due_on=action.due_on,
            status=ActionStatus(action.status),
            overdue=action.due_on is not None and action.due_on < today,
            taken_by=(action.performer or taken_by or "") if action.assigned_person_id else "",
            taken_by_me=action.assigned_person_id == actor.id,
        )
        for action, household_name, goal, taken_by in assigned.tuples()
    ]
    # Overdue first, then by due date; actions without a date last.
    actions.sort(key=lambda a: (not a.overdue, a.due_on is None, a.due_on or today))
    await record_page_looks(
        db,
        [
            Look.of(
                actor,
                Relation.PARTNER_WITH_SHARE if row.has_goal else Relation.PARTNER_WITH_RATINGS_SHARE,
                row.household_id,
                START_RESOURCE,
            )
            for row in households.values()
        ],
    )
    return PartnerStart(organisations=names, households=list(households.values()), actions=actions)
