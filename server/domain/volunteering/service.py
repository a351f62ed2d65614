"""Help requests: an action offered to volunteers as a card that does not identify the household.

The household (or the regisseur together with the household) publishes the card; volunteers of the
organisations the gemeente works with see it on their task board and offer to help; the household accepts
or declines. Only after acceptance does the volunteer see the first name, the address and the phone number
needed for the task. The volunteer marks it done and the household confirms. A withdrawn request ends the
volunteer's access at once (the policy only relates a volunteer to a household through an accepted request).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, IllegalTransition, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import (
    Household,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleAssignment,
    Trajectory,
    utcnow,
)
from server.domain.plan.model import ActionStatus, PlanAction, Share, WhoType
from server.domain.policy import Actor
from server.domain.rows import get_in_household
from server.domain.text import check, clean, refused
from server.domain.volunteering.model import (
    HelpOffer,
    HelpOfferStatus,
    HelpRequest,
    HelpRequestStatus,
    InvolvementCount,
)

MAX_WHAT = 300
MAX_WHEN = 120
MAX_MESSAGE = 300
LIVE = (HelpRequestStatus.OPEN, HelpRequestStatus.ACCEPTED, HelpRequestStatus.DONE)


@dataclass
class HelpRequestInput:
    what: str = ""
    when_text: str = ""


@dataclass
class OfferInput:
    # A short message to the household with the offer.
    message: str = ""


async def live_request_for(db: AsyncSession, action_id: uuid.UUID) -> HelpRequest | None:
    found: HelpRequest | None = await db.scalar(
        select(HelpRequest).where(HelpRequest.action_id == action_id, HelpRequest.status.in_(LIVE)).limit(1)
    )
    return found


async def live_action_ids(db: AsyncSession, household_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """Actions of the household that have a help request going (so no second one is offered)."""
    rows = await db.scalars(
        select(HelpRequest.action_id).where(HelpRequest.household_id == household_id, HelpRequest.status.in_(LIVE))
    )
    return frozenset(rows)


async def publish(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, action_id: uuid.UUID, data: HelpRequestInput
) -> HelpRequest:
    """Put a card on the task board for an action that a volunteer is to do."""
    action = await get_in_household(db, PlanAction, action_id, household_id)
    household = await db.get(Household, household_id)
    if household is None:
        raise NotFound
    if action.who_type != WhoType.VRIJWILLIGER:
        raise IllegalTransition(N_("Alleen een actie voor een vrijwilliger kan een hulpvraag worden."))
    if action.status in (ActionStatus.GEDAAN, ActionStatus.GESTOPT):
        raise IllegalTransition(N_("Deze actie is al klaar of gestopt."))
    if await live_request_for(db, action.id) is not None:
        raise IllegalTransition(N_("Voor deze actie staat al een hulpvraag uit."))
    errors: dict[str, str] = {}
    what, when_text = clean(data.what), clean(data.when_text)
    if not what:
        errors["what"] = N_("Schrijf op waarbij jullie hulp zoeken.")
    elif len(what) > MAX_WHAT:
        errors["what"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_WHAT)
    if len(when_text) > MAX_WHEN:
        errors["when_text"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_WHEN)
    errors.update(refused(what=data.what, when_text=data.when_text))
    if errors:
        raise InvalidInput(errors)
    request = HelpRequest(
        household_id=household_id,
        action_id=action.id,
        municipality_id=household.municipality_id,
        what=what,
        when_text=when_text,
        wijk=household.wijk,
        status=HelpRequestStatus.OPEN,
        published_by_id=actor.id,
    )
    db.add(request)
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.HELP_PUBLISHED, detail={"what": what}
    )
    return request


async def volunteer_organisation(db: AsyncSession, actor: Actor) -> Organisation | None:
    """The volunteer's organisation, if it is one the volunteer's gemeente works with (and has not ended)."""
    organisation_ids = [r.organisation_id for r in actor.roles if r.role == Role.VOLUNTEER and r.organisation_id]
    if not organisation_ids:
        return None
    found: Organisation | None = await db.scalar(
        select(Organisation)
        .where(
            Organisation.id.in_(organisation_ids),
            Organisation.kind == OrganisationKind.VOLUNTEER,
            Organisation.works_with_municipality.is_(True),
            Organisation.ended_at.is_(None),
            Organisation.municipality_id == actor.person.municipality_id,
        )
        .limit(1)
    )
    return found


@dataclass(frozen=True)
class Card:
    """What a volunteer sees of a help request before acceptance: nothing that identifies the household."""

    id: uuid.UUID
    what: str
    when_text: str
    wijk: str
    offered: bool


@dataclass(frozen=True)
class Task:
    """A request whose offer the household accepted: the volunteer's own task."""

    id: uuid.UUID
    household_id: uuid.UUID
    what: str
    status: HelpRequestStatus


async def board(db: AsyncSession, actor: Actor) -> tuple[list[Card], list[Task]]:
    """Open cards of the volunteer's gemeente, and the volunteer's own accepted tasks."""
    tasks = [
        Task(r.id, r.household_id, r.what, HelpRequestStatus(r.status))
        for r in await db.scalars(
            select(HelpRequest)
            .where(
                HelpRequest.volunteer_id == actor.id,
                HelpRequest.status.in_([HelpRequestStatus.ACCEPTED, HelpRequestStatus.DONE]),
            )
            .order_by(HelpRequest.accepted_at)
        )
    ]
    if await volunteer_organisation(db, actor) is None:
        return [], tasks
    offered = set(await db.scalars(select(HelpOffer.help_request_id).where(HelpOffer.volunteer_id == actor.id)))
    cards = [
        Card(r.id, r.what, r.when_text, r.wijk, r.id in offered)
        for r in await db.scalars(
            select(HelpRequest)
            .where(
                HelpRequest.municipality_id == actor.person.municipality_id,
                HelpRequest.status == HelpRequestStatus.OPEN,
            )
            .order_by(HelpRequest.created_at.desc())
            .limit(100)
        )
    ]
    return cards, tasks


class CardGone(NotFound):
    message = N_("Deze hulpvraag staat niet (meer) open. Kijk op het takenbord voor andere vragen.")


async def offer(db: AsyncSession, actor: Actor, request_id: uuid.UUID, message: str = "") -> HelpOffer:
    organisation = await volunteer_organisation(db, actor)
    request = await db.get(HelpRequest, request_id)
    # A card outside the volunteer's reach, a card someone else already took and an unknown id all get
    # the same answer: whether a request exists (or was taken) is not for every volunteer to learn.
    if (
        organisation is None
        or request is None
        or request.municipality_id != actor.person.municipality_id
        or request.status != HelpRequestStatus.OPEN
    ):
        raise CardGone
    check("message", message, long_text=True)
    message = clean(message)
    if len(message) > MAX_MESSAGE:
        raise InvalidInput({"message": N_("Je bericht is te lang (hoogstens %(max)s tekens).", max=MAX_MESSAGE)})
    existing = await db.scalar(
        select(HelpOffer).where(HelpOffer.help_request_id == request.id, HelpOffer.volunteer_id == actor.id)
    )
    if existing is not None:
        return existing
    made = HelpOffer(
        help_request_id=request.id,
        volunteer_id=actor.id,
        organisation_id=organisation.id,
        message=message,
        created_at=utcnow(),
    )
    db.add(made)
    await db.flush()
    await record_event(
        db,
        household_id=request.household_id,
        actor=actor.person,
        kind=EventKind.HELP_OFFERED,
        detail={"what": request.what, "organisation": organisation.name},
        subject_id=made.id,
    )
    return made


async def decide(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, offer_id: uuid.UUID, *, accept: bool
) -> HelpRequest:
    """The household accepts an offer (the others are then declined) or declines it."""
    found = await db.execute(
        select(HelpOffer, HelpRequest)
        .join(HelpRequest, HelpRequest.id == HelpOffer.help_request_id)
        .where(HelpOffer.id == offer_id, HelpRequest.household_id == household_id)
    )
    row = found.tuples().first()
    if row is None:
        raise NotFound
    chosen, request = row
    if request.status != HelpRequestStatus.OPEN or chosen.status != HelpOfferStatus.PENDING:
        raise IllegalTransition(N_("Over dit aanbod is al besloten."))
    volunteer = await db.get(Person, chosen.volunteer_id)
    organisation = await db.get(Organisation, chosen.organisation_id) if chosen.organisation_id else None
    name = volunteer.display_name if volunteer else ""
    if not accept:
        chosen.status = HelpOfferStatus.DECLINED
        await db.flush()
        await record_event(
            db,
            household_id=household_id,
            actor=actor.person,
            kind=EventKind.HELP_DECLINED,
            detail={"volunteer": name},
            subject_id=chosen.id,
        )
        return request
    for other in await db.scalars(
        select(HelpOffer).where(HelpOffer.help_request_id == request.id, HelpOffer.id != chosen.id)
    ):
        other.status = HelpOfferStatus.DECLINED
    chosen.status = HelpOfferStatus.ACCEPTED
    request.status = HelpRequestStatus.ACCEPTED
    request.volunteer_id = chosen.volunteer_id
    request.accepted_at = utcnow()
    action = await db.get(PlanAction, request.action_id)
    if action is not None:
        action.assigned_person_id = chosen.volunteer_id
        action.performer = f"{name} ({organisation.name})" if organisation else name
        if action.status == ActionStatus.OPEN:
            action.status = ActionStatus.BEZIG
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.HELP_ACCEPTED,
        detail={"volunteer": name, "what": request.what},
        subject_id=chosen.id,
    )
    await record_involvement(db, household_id)
    return request


@dataclass(frozen=True)
class TaskDetails:
    request: HelpRequest
    action: PlanAction | None
    first_names: list[str]
    address: str
    phone: str


async def task_details(db: AsyncSession, actor: Actor, household_id: uuid.UUID, request_id: uuid.UUID) -> TaskDetails:
    """What the accepted volunteer needs for the task, and no more."""
    request = await get_in_household(db, HelpRequest, request_id, household_id)
    if request.volunteer_id != actor.id or request.status not in (HelpRequestStatus.ACCEPTED, HelpRequestStatus.DONE):
        raise NotFound
    household = await db.get(Household, household_id)
    if household is None:
        raise NotFound
    return TaskDetails(
        request=request,
        action=await db.get(PlanAction, request.action_id),
        first_names=[m.first_name for m in household.members if m.is_adult],
        address=household.address,
        phone=household.phone,
    )


async def mark_done(db: AsyncSession, actor: Actor, household_id: uuid.UUID, request_id: uuid.UUID) -> HelpRequest:
    request = await get_in_household(db, HelpRequest, request_id, household_id)
    if request.volunteer_id != actor.id:
        raise NotFound
    if request.status != HelpRequestStatus.ACCEPTED:
        raise IllegalTransition(N_("Deze taak is al klaar gemeld."))
    request.status = HelpRequestStatus.DONE
    request.done_at = utcnow()
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.HELP_DONE, detail={"what": request.what}
    )
    return request


async def confirm(db: AsyncSession, actor: Actor, household_id: uuid.UUID, request_id: uuid.UUID) -> HelpRequest:
    """The household confirms the task was done; the action is ticked off and the volunteer's access ends."""
    request = await get_in_household(db, HelpRequest, request_id, household_id)
    if request.status != HelpRequestStatus.DONE:
        raise IllegalTransition(N_("De vrijwilliger heeft deze taak nog niet klaar gemeld."))
    request.status = HelpRequestStatus.CONFIRMED
    request.confirmed_at = utcnow()
    action = await db.get(PlanAction, request.action_id)
    if action is not None and action.status != ActionStatus.GEDAAN:
        action.status_before_done = str(action.status)
        action.status = ActionStatus.GEDAAN
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.HELP_CONFIRMED, detail={"what": request.what}
    )
    return request


async def withdraw(db: AsyncSession, actor: Actor, household_id: uuid.UUID, request_id: uuid.UUID) -> HelpRequest:
    """Take the request back; a volunteer who had it loses access with their next request."""
    request = await get_in_household(db, HelpRequest, request_id, household_id)
    if request.status not in LIVE:
        raise IllegalTransition(N_("Deze hulpvraag loopt niet meer."))
    request.status = HelpRequestStatus.WITHDRAWN
    action = await db.get(PlanAction, request.action_id)
    if action is not None and request.volunteer_id and action.assigned_person_id == request.volunteer_id:
        action.assigned_person_id = None
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.HELP_WITHDRAWN, detail={"what": request.what}
    )
    await record_involvement(db, household_id)
    return request


@dataclass(frozen=True)
class OfferView:
    offer: HelpOffer
    volunteer_name: str
    organisation_name: str


@dataclass(frozen=True)
class RequestView:
    request: HelpRequest
    action_what: str
    offers: list[OfferView]
    volunteer_name: str


async def requests_of(db: AsyncSession, household_id: uuid.UUID) -> list[RequestView]:
    """The household's help requests with their offers. A fixed number of queries."""
    requests = list(
        await db.scalars(
            select(HelpRequest).where(HelpRequest.household_id == household_id).order_by(HelpRequest.created_at.desc())
        )
    )
    if not requests:
        return []
    ids = [r.id for r in requests]
    offers = list(
        await db.scalars(select(HelpOffer).where(HelpOffer.help_request_id.in_(ids)).order_by(HelpOffer.created_at))
    )
    person_ids = {o.volunteer_id for o in offers} | {r.volunteer_id for r in requests if r.volunteer_id}
    names = dict(
        (await db.execute(select(Person.id, Person.display_name).where(Person.id.in_(person_ids)))).tuples().all()
    )
    organisation_ids = {o.organisation_id for o in offers if o.organisation_id}
    organisations = dict(
        (await db.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(organisation_ids))))
        .tuples()
        .all()
    )
    actions = dict(
        (
            await db.execute(
                select(PlanAction.id, PlanAction.what).where(PlanAction.id.in_([r.action_id for r in requests]))
            )
        )
        .tuples()
        .all()
    )
    return [
        RequestView(
            request=r,
            action_what=actions.get(r.action_id, ""),
            offers=[
                OfferView(
                    o,
                    names.get(o.volunteer_id, ""),
                    organisations.get(o.organisation_id, "") if o.organisation_id else "",
                )
                for o in offers
                if o.help_request_id == r.id
            ],
            volunteer_name=names.get(r.volunteer_id, "") if r.volunteer_id else "",
        )
        for r in requests
    ]


async def record_involvement(db: AsyncSession, household_id: uuid.UUID) -> InvolvementCount:
    """Count who is involved today: volunteers with an accepted task, network members with access, and
    professionals (the regisseur and each partner organisation the household shares with). One row a day,
    kept over time for the evaluation."""
    volunteers = await db.scalar(
        select(func.count(func.distinct(HelpRequest.volunteer_id))).where(
            HelpRequest.household_id == household_id,
            HelpRequest.status.in_([HelpRequestStatus.ACCEPTED, HelpRequestStatus.DONE, HelpRequestStatus.CONFIRMED]),
        )
    )
    network = await db.scalar(
        select(func.count(func.distinct(RoleAssignment.person_id))).where(
            RoleAssignment.household_id == household_id,
            RoleAssignment.role == Role.NETWORK_MEMBER,
            RoleAssignment.revoked_at.is_(None),
        )
    )
    partners = await db.scalar(
        select(func.count(func.distinct(Share.organisation_id))).where(
            Share.household_id == household_id, Share.organisation_id.is_not(None), Share.revoked_at.is_(None)
        )
    )
    regisseurs = await db.scalar(
        select(func.count(func.distinct(Trajectory.regisseur_id))).where(
            Trajectory.household_id == household_id, Trajectory.regisseur_id.is_not(None)
        )
    )
    values = {
        "volunteers": int(volunteers or 0),
        "network": int(network or 0),
        "professionals": int(partners or 0) + int(regisseurs or 0),
    }
    today = utcnow().date()
    insert = pg_insert if db.bind.dialect.name == "postgresql" else sqlite_insert
    await db.execute(
        insert(InvolvementCount)
        .values(id=uuid.uuid4(), household_id=household_id, counted_on=today, **values)
        .on_conflict_do_update(index_elements=["household_id", "counted_on"], set_=values)
    )
    row = await db.scalar(
        select(InvolvementCount).where(
            InvolvementCount.household_id == household_id, InvolvementCount.counted_on == today
        )
    )
    assert row is not None, "the upsert above always leaves a row"
    await db.refresh(row)
    return row


async def involvement_history(db: AsyncSession, household_id: uuid.UUID) -> list[InvolvementCount]:
    return list(
        await db.scalars(
            select(InvolvementCount)
            .where(InvolvementCount.household_id == household_id)
            .order_by(InvolvementCount.counted_on)
        )
    )
