"""Migration 0014: a volunteer accepted before the household could choose what she gets to know keeps seeing
what she saw (the adults' first names, the address and the phone number), on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.domain.models import Member, Organisation, OrganisationKind, Role
from server.domain.people import create_person
from server.domain.plan.model import Goal, PlanAction
from server.domain.volunteering.model import HelpOffer, HelpOfferMember, HelpRequest
from server.migrate import alembic_config
from tests.factories import make_household, make_world


async def test_volunteers_accepted_before_the_choice_keep_what_they_saw(settings: Settings, db: AsyncSession) -> None:
    world = await make_world(db)
    household, _people = await make_household(db, world.regisseur, "De Vries", ("Anouk",), children=1)
    organisation = await db.scalar(select(Organisation).where(Organisation.kind == OrganisationKind.VOLUNTEER))
    assert organisation is not None
    lotte = await create_person(
        db, municipality_id=world.municipality.id, display_name="Lotte", role=Role.VOLUNTEER,
        organisation_id=organisation.id,
    )  # fmt: skip
    goal = Goal(
        household_id=household.id,
        domain_key="sociaal_netwerk",
        text="Rust",
        horizon="eerst",
        written_by_role="household",
    )
    db.add(goal)
    await db.flush()
    action = PlanAction(household_id=household.id, goal_id=goal.id, what="Naar school", who_type="vrijwilliger")
    db.add(action)
    await db.flush()
    requests = {}
    for status in ("accepted", "pending"):
        request = HelpRequest(
            household_id=household.id, action_id=action.id, municipality_id=world.municipality.id,
            what=f"Een kind naar school brengen ({status})", status="accepted" if status == "accepted" else "open",
        )  # fmt: skip
        db.add(request)
        await db.flush()
        db.add(HelpOffer(help_request_id=request.id, volunteer_id=lotte.id, status=status))
        requests[status] = request.id
    await db.commit()

    # The schema back to before the choice (the offers survive the way down), and up again.
    config = alembic_config(settings.database_url)
    await asyncio.to_thread(command.downgrade, config, "0013")
    await asyncio.to_thread(command.upgrade, config, "head")

    db.expire_all()
    accepted = await db.scalar(select(HelpOffer).where(HelpOffer.help_request_id == requests["accepted"]))
    pending = await db.scalar(select(HelpOffer).where(HelpOffer.help_request_id == requests["pending"]))
    assert accepted is not None and pending is not None
    assert (accepted.share_address, accepted.share_phone, accepted.shared_at is not None) == (True, True, True)
    assert (pending.share_address, pending.share_phone, pending.shared_at) == (False, False, None)
    names = set(
        await db.scalars(
            select(Member.first_name)
            .join(HelpOfferMember, HelpOfferMember.member_id == Member.id)
            .where(HelpOfferMember.offer_id == accepted.id)
        )
    )
    assert names == {"Anouk"}  # the adult, not the child
