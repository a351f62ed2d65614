"""The read side of notifications: a person's messages with what each is about, the unread count the header
shows, their choices per topic, their devices, and the failed deliveries an admin sees.

A message stores no text (model.Notification): what it is about is read now, from the row the event was about
(its subject), so that the page shows it after sign-in and the push message never has to. Every message on a
page, of whatever kind, comes in the same one statement: each kind of subject is an outer join on the subject
id, taken only for the kinds whose subject is that table.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, ScalarSelect, SQLColumnExpression, and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.domain.access_log import Look, record_page_looks
from server.domain.events import EventKind
from server.domain.models import Household, Member, Organisation, Person, Role
from server.domain.network.model import NetworkPerson
from server.domain.notifications.model import (
    DeliveryStatus,
    Notification,
    NotificationPreference,
    PushDelivery,
    PushSubscription,
)
from server.domain.notifications.topics import Topic, default_push, topic_of
from server.domain.plan.model import PlanAction, Share
from server.domain.policy import Actor, Relation
from server.domain.teamwork.model import Escalation
from server.domain.volunteering.model import HelpOffer, HelpRequest
from server.domain.workspace.model import Evaluation, Handover

# Messages per page of "Meldingen"; older ones are a page further.
PAGE_SIZE = 25
# The admin's list of failed push messages shows the latest this many.
FAILED_LIMIT = 100
# What the household reads in "Wie keek in ons plan" when its name was shown in someone's messages.
LOOK_RESOURCE = "notifications"

# The kinds whose subject is a row of each table (see OutboxMessage.subject_id).
ACTION_KINDS = frozenset({EventKind.ACTION_ASSIGNED, EventKind.ACTION_CREATED})
HELP_KINDS = frozenset({EventKind.HELP_OFFERED, EventKind.HELP_ACCEPTED, EventKind.HELP_DECLINED})
NETWORK_KINDS = frozenset({EventKind.NETWORK_INVITED, EventKind.NETWORK_JOINED})
SHARE_KINDS = frozenset({EventKind.SHARE_CREATED, EventKind.SHARE_REVOKED})
HANDOVER_KINDS = frozenset(
    {
        EventKind.HANDOVER_OFFERED,
        EventKind.HANDOVER_ACCEPTED,
        EventKind.HANDOVER_DECLINED,
        EventKind.HANDOVER_WITHDRAWN,
    }
)
ESCALATION_KINDS = frozenset(
    {EventKind.ESCALATION_RAISED, EventKind.ESCALATION_WITHDRAWN, EventKind.ESCALATION_DECIDED}
)
EVALUATION_KINDS = frozenset(
    {
        EventKind.EVALUATION_DUE_WEEK,
        EventKind.EVALUATION_DUE_TOMORROW,
        EventKind.EVALUATION_OVERDUE,
        EventKind.EVALUATION_MOVED,
        EventKind.EVALUATION_STARTED,
        EventKind.EVALUATION_HELD,
        EventKind.EVALUATION_LAPSED,
        EventKind.EVALUATION_GUEST_INVITED,
    }
)
# A volunteer is told about their own offer on an anonymised card: the household stays unnamed there, as on
# the task board, whatever the volunteer may know by now.
ANONYMOUS_KINDS = frozenset({EventKind.HELP_ACCEPTED, EventKind.HELP_DECLINED})


def unread_count(person_id: SQLColumnExpression[uuid.UUID | None]) -> ScalarSelect[int]:
    """The number of a person's unread messages, as a subquery: the session loader reads it in its own
    statement, so the count in the header of every page costs no statement of its own."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.person_id == person_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


# --------------------------------------------------------------------------------------------------------
# "Meldingen"
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxItem:
    """One message with what it is about, as plain values for the presenter's sentence. A value is empty when
    the message's kind has no such thing, or its subject is gone."""

    id: uuid.UUID
    kind: str
    url: str
    created_at: dt.datetime
    read: bool
    # The household's name where the sentence names it: never for the reader's own household (the sentence
    # says "jullie"), and never on a volunteer's anonymised card.
    household: str
    own_household: bool
    household_id: uuid.UUID | None = None
    what: str = ""  # the action, or the help request's card
    who: str = ""  # the volunteer who offered, the person on the map, who handed over or asked the doorbraak
    answered_by: str = ""  # who received a handover, or decided a doorbraak
    organisation: str = ""  # the organisation an action or a share is for
    outcome: str = ""  # a doorbraak's status
    on: dt.date | None = None  # an evaluation's day


@dataclass(frozen=True)
class Inbox:
    items: list[InboxItem]
    page: int
    has_more: bool


def _subject(table_id: SQLColumnExpression[uuid.UUID], kinds: Collection[str]) -> ColumnElement[bool]:
    return and_(table_id == Notification.subject_id, Notification.kind.in_(sorted(kinds)))


async def inbox(db: AsyncSession, actor: Actor, page: int = 1) -> Inbox:
    """A page of the person's messages, unread first and newest first, in one statement (and the looks it
    records, below)."""
    page = max(page, 1)
    volunteer = aliased(Person)
    handed_by, handed_to = aliased(Person), aliased(Person)
    action_organisation, share_organisation = aliased(Organisation), aliased(Organisation)
    own = exists().where(Member.household_id == Notification.household_id, Member.person_id == actor.id)
    rows = await db.execute(
        select(
            Notification,
            Household.name,
            own.label("own"),
            PlanAction.what,
            action_organisation.name,
            HelpRequest.what,
            volunteer.display_name,
            NetworkPerson.name,
            share_organisation.name,
            handed_by.display_name,
            handed_to.display_name,
            Escalation.raised_by_name,
            Escalation.decided_by_name,
            Escalation.status,
            Evaluation.planned_on,
        )
        .outerjoin(Household, Household.id == Notification.household_id)
        .outerjoin(PlanAction, _subject(PlanAction.id, ACTION_KINDS))
        .outerjoin(action_organisation, action_organisation.id == PlanAction.assigned_organisation_id)
        .outerjoin(HelpOffer, _subject(HelpOffer.id, HELP_KINDS))
        .outerjoin(HelpRequest, HelpRequest.id == HelpOffer.help_request_id)
        .outerjoin(volunteer, volunteer.id == HelpOffer.volunteer_id)
        .outerjoin(NetworkPerson, _subject(NetworkPerson.id, NETWORK_KINDS))
        .outerjoin(Share, _subject(Share.id, SHARE_KINDS))
        .outerjoin(share_organisation, share_organisation.id == Share.organisation_id)
        .outerjoin(Handover, _subject(Handover.id, HANDOVER_KINDS))
        .outerjoin(handed_by, handed_by.id == Handover.from_person_id)
        .outerjoin(handed_to, handed_to.id == Handover.to_person_id)
        .outerjoin(Escalation, _subject(Escalation.id, ESCALATION_KINDS))
        .outerjoin(Evaluation, _subject(Evaluation.id, EVALUATION_KINDS))
        .where(Notification.person_id == actor.id)
        .order_by(
            case((Notification.read_at.is_(None), 0), else_=1),
            Notification.created_at.desc(),
            Notification.id.desc(),
        )
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    items = []
    for (
        message,
        household,
        is_own,
        action,
        action_for,
        card,
        offered_by,
        network_name,
        shared_with,
        from_name,
        to_name,
        raised_by,
        decided_by,
        outcome,
        planned_on,
    ) in rows.tuples():
        named = bool(household) and not is_own and message.kind not in ANONYMOUS_KINDS
        handover = message.kind in HANDOVER_KINDS
        items.append(
            InboxItem(
                id=message.id,
                kind=message.kind,
                url=message.url,
                created_at=message.created_at,
                read=message.read_at is not None,
                household=household if named and household else "",
                own_household=bool(is_own),
                household_id=message.household_id,
                what=action or card or "",
                who=offered_by or network_name or (from_name if handover else raised_by) or "",
                answered_by=(to_name if handover else decided_by) or "",
                organisation=action_for or shared_with or "",
                outcome=outcome or "",
                on=planned_on,
            )
        )
    shown, has_more = items[:PAGE_SIZE], len(items) > PAGE_SIZE
    await _record_looks(db, actor, shown)
    return Inbox(items=shown, page=page, has_more=has_more)


def reader_relation(actor: Actor, household_id: uuid.UUID, kind: str) -> Relation:
    """In which capacity the person was told about the household, for the line in its access log (the role
    it names). The rules told them because of one of these relations; the message's kind says which."""
    if any(r.role == Role.NETWORK_MEMBER and r.household_id == household_id for r in actor.roles):
        return Relation.NETWORK_WITH_SHARE
    topic = topic_of(kind)
    if kind == EventKind.HANDOVER_OFFERED:
        return Relation.HANDOVER_RECEIVER
    if topic in (Topic.ACTION, Topic.SHARE) and actor.has_role(Role.PARTNER_PROFESSIONAL):
        return Relation.PARTNER_WITH_SHARE
    if topic is Topic.ESCALATION and actor.has_role(Role.TEAM_LEAD) and not actor.has_role(Role.REGISSEUR):
        return Relation.TEAM_LEAD
    if actor.has_role(Role.REGISSEUR):
        return Relation.REGISSEUR
    if actor.has_role(Role.PARTNER_PROFESSIONAL):
        return Relation.PARTNER_WITH_SHARE
    if actor.has_role(Role.TEAM_LEAD):
        return Relation.TEAM_LEAD
    return Relation.VOLUNTEER_ACCEPTED


async def _record_looks(db: AsyncSession, actor: Actor, items: list[InboxItem]) -> None:
    """A message that names a household outside the reader's own shows its name (and a word of what it is
    about) outside the household's own pages, where the guard does not log: so the page logs it, once per
    household shown, as the team lead's and the partner's lists do. The household then reads in "Wie keek in
    ons plan" that this person saw its name in their messages. The household's own members are not logged, and
    a volunteer's anonymised card names no household."""
    shown: dict[uuid.UUID, str] = {}
    for item in items:
        if item.household and item.household_id is not None:
            shown.setdefault(item.household_id, item.kind)
    await record_page_looks(
        db,
        [
            Look.of(actor, reader_relation(actor, household_id, kind), household_id, LOOK_RESOURCE)
            for household_id, kind in shown.items()
        ],
    )


# --------------------------------------------------------------------------------------------------------
# Choices per topic
# --------------------------------------------------------------------------------------------------------

# The topics a person in each role can be told of: the page of choices shows only these (a household member
# is never asked about doorbraken). Wider than DEFAULT_PUSH, which holds the topics that come by push unless
# the person chooses otherwise.
TOPICS_OF_ROLE: dict[Role, frozenset[Topic]] = {
    Role.HOUSEHOLD_MEMBER: frozenset({Topic.EVALUATION, Topic.HELP, Topic.INVITATION, Topic.ACCOUNT}),
    Role.NETWORK_MEMBER: frozenset({Topic.ACTION, Topic.ACCOUNT}),
    Role.VOLUNTEER: frozenset({Topic.ACTION, Topic.HELP, Topic.ACCOUNT}),
    Role.VOLUNTEER_COORDINATOR: frozenset({Topic.ACCOUNT}),
    Role.REGISSEUR: frozenset(
        {Topic.EVALUATION, Topic.HELP, Topic.INVITATION, Topic.HANDOVER, Topic.ESCALATION, Topic.ACCOUNT}
    ),
    Role.PARTNER_PROFESSIONAL: frozenset({Topic.ACTION, Topic.SHARE, Topic.HANDOVER, Topic.ACCOUNT}),
    Role.TEAM_LEAD: frozenset({Topic.ESCALATION, Topic.ACCOUNT}),
    Role.ADMIN: frozenset({Topic.ACCOUNT}),
}


@dataclass(frozen=True)
class Choice:
    topic: Topic
    push: bool  # what counts now: the person's own choice, or else the default of their roles
    default: bool  # the default of their roles


def topics_for(actor: Actor) -> list[Topic]:
    """The topics the person can be told of, in the order of ``Topic``. Someone without an active role (a
    network member who left) keeps the account topic."""
    wanted = set().union(*(TOPICS_OF_ROLE.get(role, frozenset()) for role in actor.role_names)) | {Topic.ACCOUNT}
    return [topic for topic in Topic if topic in wanted]


async def choices(db: AsyncSession, actor: Actor) -> list[Choice]:
    """Per topic the person can be told of: in the app only, or also by push."""
    rows = await db.execute(
        select(NotificationPreference.topic, NotificationPreference.push).where(
            NotificationPreference.person_id == actor.id
        )
    )
    stored = dict(rows.tuples().all())
    roles = actor.role_names
    result = []
    for topic in topics_for(actor):
        default = default_push(roles, topic)
        result.append(Choice(topic=topic, push=stored.get(topic.value, default), default=default))
    return result


# --------------------------------------------------------------------------------------------------------
# Devices
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Device:
    id: uuid.UUID
    device: str  # "browser/system" as stored (see service.device_of)
    endpoint: str  # for the page's script, to recognise the device it runs on; the person's own
    created_at: dt.datetime
    last_sent_at: dt.datetime | None


async def devices(db: AsyncSession, actor: Actor) -> list[Device]:
    rows = await db.scalars(
        select(PushSubscription)
        .where(PushSubscription.person_id == actor.id)
        .order_by(PushSubscription.created_at.desc(), PushSubscription.id)
    )
    return [Device(s.id, s.device, s.endpoint, s.created_at, s.last_sent_at) for s in rows]


# --------------------------------------------------------------------------------------------------------
# The admin's failed deliveries
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FailedDelivery:
    """A push message that was given up on: when, of which kind, why, and whose device. Nothing of what the
    message was about: the admin has no dossier access."""

    when: dt.datetime  # when the message was made
    kind: str
    error: str
    attempts: int
    person: str
    device: str


async def failed_deliveries(db: AsyncSession, actor: Actor) -> list[FailedDelivery]:
    """The latest failed push messages to people of the admin's gemeente, newest first."""
    rows = await db.execute(
        select(
            PushDelivery.created_at,
            Notification.kind,
            PushDelivery.last_error,
            PushDelivery.attempts,
            Person.display_name,
            PushSubscription.device,
        )
        .join(Notification, Notification.id == PushDelivery.notification_id)
        .join(PushSubscription, PushSubscription.id == PushDelivery.subscription_id)
        .join(Person, Person.id == Notification.person_id)
        .where(
            PushDelivery.status == DeliveryStatus.FAILED,
            Person.municipality_id == actor.person.municipality_id,
        )
        .order_by(PushDelivery.created_at.desc(), PushDelivery.id)
        .limit(FAILED_LIMIT)
    )
    return [
        FailedDelivery(when=when, kind=kind, error=error, attempts=attempts, person=person, device=device)
        for when, kind, error, attempts, person, device in rows.tuples()
    ]
