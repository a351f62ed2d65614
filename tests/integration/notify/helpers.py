"""Arranging what the notification tests need: a household with the people around it, devices at the loopback
push service, messages waiting."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.domain.models import OutboxMessage, Person, Role, RoleAssignment, Trajectory, utcnow
from server.domain.network.model import NetworkPerson, NetworkRelation
from server.domain.notifications.model import DeliveryStatus, Notification, PushDelivery, PushSubscription
from server.domain.people import create_person
from server.domain.plan.model import Goal, Horizon, PlanAction, WhoType
from server.domain.volunteering.model import HelpOffer, HelpRequest
from server.notify import vapid
from tests.factories import World, make_household, make_world
from tests.push_receiver import PushReceiver, Subscription


@dataclass
class Scene:
    """The Bakkers (Sanne and Piet, with accounts; a child) of Fatima's team, and around them: Ruud, a partner
    professional at MEE; Sem, a volunteer; Oma, from their network, with an account."""

    world: World
    household_id: uuid.UUID
    trajectory_id: uuid.UUID
    sanne: Person
    piet: Person
    ruud: Person
    sem: Person
    oma: Person
    oma_row: NetworkPerson


async def make_scene(db: AsyncSession) -> Scene:
    world = await make_world(db)
    household, (sanne, piet) = await make_household(db, world.regisseur, adults=("Sanne", "Piet"))
    trajectory_id = await db.scalar(select(Trajectory.id).where(Trajectory.household_id == household.id))
    assert trajectory_id is not None

    async def person(name: str, role: Role, **context: Any) -> Person:
        return await create_person(db, municipality_id=world.municipality.id, display_name=name, role=role, **context)

    ruud = await person("Ruud", Role.PARTNER_PROFESSIONAL, organisation_id=world.partner.id)
    sem = await person("Sem", Role.VOLUNTEER, organisation_id=world.volunteer_org.id)
    oma = await person("Oma", Role.NETWORK_MEMBER, household_id=household.id)
    oma_row = NetworkPerson(household_id=household.id, name="Oma", relation=NetworkRelation.FAMILIE, person_id=oma.id)
    db.add(oma_row)
    # The registration's own outbox row counts as handled: each test writes the rows it is about.
    await db.execute(update(OutboxMessage).values(processed_at=utcnow()))
    await db.commit()
    return Scene(world, household.id, trajectory_id, sanne, piet, ruud, sem, oma, oma_row)


async def end_role(db: AsyncSession, person: Person, role: Role, when: dt.datetime | None = None) -> None:
    for assignment in await db.scalars(
        select(RoleAssignment).where(RoleAssignment.person_id == person.id, RoleAssignment.role == role)
    ):
        assignment.revoked_at = when or utcnow() - dt.timedelta(minutes=1)
    await db.commit()


async def deactivate(db: AsyncSession, person: Person) -> None:
    person.deactivated_at = utcnow()
    await db.commit()


async def action(db: AsyncSession, scene: Scene, **fields: Any) -> PlanAction:
    goal = Goal(
        household_id=scene.household_id,
        domain_key="financien",
        text="Rust in de post",
        horizon=Horizon.EERST,
        written_by_role="household",
    )
    db.add(goal)
    await db.flush()
    made = PlanAction(goal_id=goal.id, household_id=scene.household_id, what="Post sorteren", **fields)
    db.add(made)
    await db.commit()
    return made


async def help_offer(db: AsyncSession, scene: Scene) -> HelpOffer:
    """Sem offers to help with the Bakkers' help request."""
    asked = await action(db, scene, who_type=WhoType.VRIJWILLIGER)
    request = HelpRequest(
        household_id=scene.household_id,
        action_id=asked.id,
        municipality_id=scene.world.municipality.id,
        what="Boodschappen",
    )
    db.add(request)
    await db.flush()
    offer = HelpOffer(
        help_request_id=request.id, volunteer_id=scene.sem.id, organisation_id=scene.world.volunteer_org.id
    )
    db.add(offer)
    await db.commit()
    return offer


async def device(db: AsyncSession, settings: Settings, receiver: PushReceiver, person: Person) -> Subscription:
    """A device of ``person`` with push on, subscribed (as a browser does) with the server's public key."""
    keys = await vapid.keys(db, settings)
    subscription = receiver.subscribe(application_server_key=keys.public_key)
    db.add(
        PushSubscription(
            person_id=person.id,
            endpoint=subscription.endpoint,
            p256dh=subscription.p256dh,
            auth=subscription.auth,
            device="Testtelefoon",
        )
    )
    await db.commit()
    return subscription


async def row_of(db: AsyncSession, subscription: Subscription) -> PushSubscription | None:
    statement = select(PushSubscription).where(PushSubscription.endpoint == subscription.endpoint)
    return await db.scalar(statement.execution_options(populate_existing=True))


async def waiting_message(
    db: AsyncSession, person: Person, subscription: Subscription, url: str = "/mijn"
) -> tuple[Notification, PushDelivery]:
    """A message for ``person`` with its delivery to the device, due now."""
    row = await row_of(db, subscription)
    assert row is not None
    notification = Notification(id=uuid.uuid4(), person_id=person.id, kind="help.offered", url=url)
    db.add(notification)
    await db.flush()
    delivery = PushDelivery(notification_id=notification.id, subscription_id=row.id, status=DeliveryStatus.PENDING)
    db.add(delivery)
    await db.commit()
    return notification, delivery


async def delivery_state(db: AsyncSession, delivery_id: uuid.UUID) -> PushDelivery | None:
    """The delivery as it is stored now (after another session changed it), or None when it is gone."""
    statement = select(PushDelivery).where(PushDelivery.id == delivery_id).execution_options(populate_existing=True)
    return await db.scalar(statement)
