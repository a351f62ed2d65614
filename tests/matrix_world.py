"""The world of the authorisation matrix (tests/integration/test_policy_matrix.py): one gemeente with two
households of the same team, each with a plan, a network, shares and help requests, and one person for every
role the matrix signs in as. A second gemeente gives the regisseur from elsewhere.

Built through the domain's own functions, in the order the product does it (the household writes and shares,
invites from its map, publishes help requests and accepts an offer), so that each person's relation to
household A is the real one and not a row put in place by hand. The exceptions are marked below.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth import enrolment
from server.domain import involvement, partner
from server.domain.budget import ledger
from server.domain.budget.ledger import EntryInput
from server.domain.events import EventKind
from server.domain.involvement import InvolvementInput
from server.domain.models import (
    EnrolmentToken,
    Household,
    Organisation,
    OrganisationKind,
    Passkey,
    Person,
    Role,
    RoleAssignment,
    Trajectory,
    utcnow,
)
from server.domain.network import service as network
from server.domain.network.service import INFORMAL, NetworkPersonInput
from server.domain.notifications.model import Notification, PushSubscription
from server.domain.partner import RatingsShareInput
from server.domain.people import create_person
from server.domain.plan import service as plan
from server.domain.plan.model import PlanAction
from server.domain.plan.service import ActionInput, GoalInput, ShareInput
from server.domain.policy import Actor, Relation, actor_for
from server.domain.ratings import instruments
from server.domain.teamwork import escalation as escalations
from server.domain.teamwork.escalation import EscalationInput
from server.domain.teamwork.model import Cover
from server.domain.volunteering import service as volunteering
from server.domain.volunteering.service import HelpRequestInput
from server.domain.workspace import evaluation as evaluations
from server.domain.workspace.model import Handover, HandoverKind
from tests.factories import TEST_ORIGIN, issue_link, make_household, make_world

# The roles the matrix signs in as (and "anonymous": no session at all).
MEMBER = "household member"
NETWORK_SHARED = "network member with a share"
NETWORK_PLAIN = "network member without a share"
VOLUNTEER_PENDING = "volunteer, offer pending"
VOLUNTEER_ACCEPTED = "volunteer, offer accepted"
COORDINATOR = "volunteer coordinator"
REGISSEUR = "regisseur of the household"
COLLEAGUE = "same-team colleague"
COVERING = "colleague covering for the regisseur"
PARTNER_SHARED = "partner professional with a share"
PARTNER_PLAIN = "partner professional without a share"
PARTNER_RATINGS = "partner professional with a ratings share"
HANDOVER_RECEIVER = "partner professional, handover offered"
TEAM_LEAD = "team lead, escalation open"
ADMIN = "functional admin"
OTHER_GEMEENTE = "regisseur of another gemeente"
ANONYMOUS = "anonymous"

ROLES = (
    MEMBER,
    NETWORK_SHARED,
    NETWORK_PLAIN,
    VOLUNTEER_PENDING,
    VOLUNTEER_ACCEPTED,
    COORDINATOR,
    REGISSEUR,
    COLLEAGUE,
    COVERING,
    PARTNER_SHARED,
    PARTNER_PLAIN,
    PARTNER_RATINGS,
    HANDOVER_RECEIVER,
    TEAM_LEAD,
    ADMIN,
    OTHER_GEMEENTE,
    ANONYMOUS,
)


@dataclass(frozen=True)
class HouseholdRows:
    """The ids of one household's rows that routes take in their path."""

    household: uuid.UUID
    member: uuid.UUID  # the adult member (children have no account to enrol)
    goal: uuid.UUID  # the goal shared with the network member and the partner organisation
    actions: dict[str, uuid.UUID]  # by who does it: "network", "volunteer", "partner"
    share: uuid.UUID  # the network member's share
    pending_offer: uuid.UUID  # an offer the household has not decided on
    accepted_request: uuid.UUID  # a help request whose offer the household accepted
    open_request: uuid.UUID  # a help request still on the task board
    network_person: uuid.UUID  # the network member's row on the map
    involvement: uuid.UUID  # a row of the involvement register, added by the regisseur
    # The open doorbraak of A (B has none: its id is one that exists nowhere).
    escalation: uuid.UUID = field(default_factory=uuid.uuid4)
    # A grant above the regisseur's mandate, waiting for the team lead.
    budget_entry: uuid.UUID = field(default_factory=uuid.uuid4)
    # The planned evaluation, a month ahead.
    evaluation: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(frozen=True)
class Elsewhere:
    """Rows a person may not touch from the pages that are not about one household."""

    passkey: uuid.UUID  # someone else's passkey
    staff: uuid.UUID  # a professional of another gemeente
    volunteer: uuid.UUID  # a volunteer of another organisation
    request: uuid.UUID  # an open help request of another gemeente
    recovery_link: uuid.UUID  # a link the admin made himself, for a professional outside the team lead's team
    team: uuid.UUID  # a team of another gemeente
    organisation: uuid.UUID  # an organisation of another gemeente
    role: uuid.UUID  # the role of the professional of another gemeente
    # Ahmed's (household B) message and device with push on.
    notification: uuid.UUID = field(default_factory=uuid.uuid4)
    device: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(frozen=True)
class MatrixWorld:
    a: HouseholdRows
    b: HouseholdRows
    domain_key: str
    people: dict[str, Person]  # by role; no one for ANONYMOUS
    own_action: dict[str, str]  # role -> the kind of action assigned to them in A
    managed_staff: uuid.UUID  # someone the admin may issue a link for
    managed_volunteer: uuid.UUID  # someone the coordinator may issue a link for
    managed_role: uuid.UUID  # a role of managed_staff, which the admin may end
    managed_team: uuid.UUID  # a team of the gemeente without households, which the admin may rename and end
    managed_organisation: uuid.UUID  # an organisation of the gemeente, which the admin may rename and end
    recovery_link: uuid.UUID  # a professional's recovery link that waits for a second person's approval
    elsewhere: Elsewhere  # rows of other people, for the pages that are not about one household
    enrolment_token: str  # an unused link, for the public enrolment page
    cover: uuid.UUID = field(default_factory=uuid.uuid4)  # the team's current cover (Wim for Fatima)
    # Each signed-in role's own message in "Meldingen" and device with push on, by role.
    notifications: dict[str, uuid.UUID] = field(default_factory=dict)
    devices: dict[str, uuid.UUID] = field(default_factory=dict)


@dataclass(frozen=True)
class Helpers:
    """Who helps one household: the people get relations to that household only."""

    network_name: str
    plain_network_name: str
    accepted_volunteer: Actor
    offering_volunteer: Actor
    partner: Organisation | None  # shares a goal with this organisation, if any
    partner_person: Person | None  # and assigns it an action
    regisseur: Actor  # keeps the involvement register


async def _furnish(db: AsyncSession, household: Household, member: Person, helpers: Helpers) -> HouseholdRows:
    hid, gemeente = household.id, household.municipality_id
    instrument = await instruments.for_municipality(db, gemeente)
    first, second = instrument.domains[0].key, instrument.domains[1].key
    me = actor_for(member)

    goal = await plan.create_goal(
        db, me, Relation.MEMBER, hid, instrument, GoalInput(first, "Weer rust in huis", "eerst", "")
    )
    await plan.create_goal(db, me, Relation.MEMBER, hid, instrument, GoalInput(second, "Overzicht over geld", "eerst"))

    async def action(what: str, who_type: str, reason: str = "", organisation: str = "") -> PlanAction:
        data = ActionInput(what=what, who_type=who_type, professional_reason=reason, organisation=organisation)
        return await plan.create_action(db, me, hid, goal.id, data)

    for_network = await action("Milan woensdag ophalen", "netwerk")
    for_volunteer = await action("Milan naar school brengen", "vrijwilliger")
    on_the_board = await action("Samen boodschappen doen", "vrijwilliger")
    # Given to the partner organisation, which then sees the goal (a share the household can stop).
    for_partner = await action(
        "Een budgetplan maken",
        "professional",
        reason="Schuldhulp is hun vak",
        organisation=str(helpers.partner.id) if helpers.partner else "",
    )

    # The map: one person invited for an action and given the goal, one invited with nothing shared.
    shared_row = await network.add_person(
        db, me, hid, NetworkPersonInput(name=helpers.network_name, relation="familie", kind=INFORMAL, ring="1")
    )
    invited = await network.invite(db, me, hid, gemeente, shared_row.id, message="", action_id=for_network.id)
    plain_row = await network.add_person(
        db, me, hid, NetworkPersonInput(name=helpers.plain_network_name, relation="buur", kind=INFORMAL, ring="2")
    )
    await network.invite(db, me, hid, gemeente, plain_row.id, message="", action_id=None)
    share = await plan.share_goal(
        db, me, hid, gemeente, goal.id, ShareInput(target=f"person:{invited.person.id}", purpose="Milan ophalen")
    )
    if helpers.partner_person is not None:
        # DESIGN.md section 2: a partner professional "works on actions assigned to them": she picks it up.
        await partner.take_action(db, actor_for(helpers.partner_person), hid, for_partner.id)

    # Help requests: one whose offer the household accepted, one still open with an offer pending.
    accepted = await volunteering.publish(
        db, me, hid, for_volunteer.id, HelpRequestInput(what="Een kind naar school brengen", when_text="8.15 uur")
    )
    offer = await volunteering.offer(db, helpers.accepted_volunteer, accepted.id)
    await volunteering.decide(db, me, hid, offer.id, accept=True)
    still_open = await volunteering.publish(
        db, me, hid, on_the_board.id, HelpRequestInput(what="Boodschappen doen", when_text="zaterdag")
    )
    pending = await volunteering.offer(db, helpers.offering_volunteer, still_open.id)
    involved = await involvement.add_involvement(
        db,
        helpers.regisseur,
        hid,
        InvolvementInput(organisation_name="Schuldhulp", professional_name="Lieke", from_on="2026-01-05"),
    )
    waiting = await ledger.book_entry(
        db, helpers.regisseur, hid, EntryInput(kind="grant", purpose="Een wasmachine", amount="750,00")
    )
    await db.flush()
    return HouseholdRows(
        household=hid,
        member=next(m.id for m in household.members if m.person_id == member.id),
        goal=goal.id,
        actions={"network": for_network.id, "volunteer": for_volunteer.id, "partner": for_partner.id},
        share=share.id,
        pending_offer=pending.id,
        accepted_request=accepted.id,
        open_request=still_open.id,
        network_person=shared_row.id,
        involvement=involved.id,
        budget_entry=waiting.id,
    )


async def _open_request(db: AsyncSession, household: Household, member: Person) -> uuid.UUID:
    """A help request on the task board of the household's gemeente."""
    me = actor_for(member)
    instrument = await instruments.for_municipality(db, household.municipality_id)
    goal = await plan.create_goal(
        db, me, Relation.MEMBER, household.id, instrument, GoalInput(instrument.domains[0].key, "Rust", "eerst")
    )
    action = await plan.create_action(db, me, household.id, goal.id, ActionInput(what="Tuin", who_type="vrijwilliger"))
    request = await volunteering.publish(db, me, household.id, action.id, HelpRequestInput(what="De tuin doen"))
    return request.id


async def build_matrix_world(db: AsyncSession) -> MatrixWorld:
    world = await make_world(db)
    elsewhere = await make_world(db)
    gemeente = world.municipality.id

    async def person(name: str, role: Role, **context: uuid.UUID) -> Person:
        return await create_person(db, municipality_id=gemeente, display_name=name, role=role, **context)

    other_partner = Organisation(municipality_id=gemeente, name="GGZ Oost", kind=OrganisationKind.PARTNER)
    db.add(other_partner)
    await db.flush()
    regisseur_b = await person("Pieter", Role.REGISSEUR, team_id=world.team.id)
    partner_shared = await person("Mirjam", Role.PARTNER_PROFESSIONAL, organisation_id=world.partner.id)
    partner_plain = await person("Daan", Role.PARTNER_PROFESSIONAL, organisation_id=other_partner.id)
    receiver = await person("Joris", Role.PARTNER_PROFESSIONAL, organisation_id=other_partner.id)
    volunteer_pending = await person("Sem", Role.VOLUNTEER, organisation_id=world.volunteer_org.id)
    volunteer_accepted = await person("Lotte", Role.VOLUNTEER, organisation_id=world.volunteer_org.id)
    volunteer_of_b = await person("Kees", Role.VOLUNTEER, organisation_id=world.volunteer_org.id)
    second_admin = await person("Anja", Role.ADMIN)
    # Pieter made his first passkey long ago (finishing a passkey sets this); Anja makes him a recovery link,
    # which waits for a second person: the team lead of his team, or another admin.
    regisseur_b.enrolled_at = utcnow()
    recovery = await enrolment.issue(db, person=regisseur_b, created_by=second_admin, origin=TEST_ORIGIN)
    assert recovery.needs_approval
    await db.commit()

    # A is Fatima's; B belongs to the same team but has its own regisseur, so that nobody below has a relation
    # to B (Fatima and Joost are B's same-team colleagues, Karin its team lead).
    household_a, (sanne,) = await make_household(db, world.regisseur, "Bakker", ("Sanne",))
    household_b, (ahmed,) = await make_household(db, regisseur_b, "Jansen", ("Ahmed",))
    a = await _furnish(
        db,
        household_a,
        sanne,
        Helpers(
            network_name="Oma Ineke",
            plain_network_name="Buurman Henk",
            accepted_volunteer=actor_for(volunteer_accepted),
            offering_volunteer=actor_for(volunteer_pending),
            partner=world.partner,
            partner_person=partner_shared,
            regisseur=actor_for(world.regisseur),
        ),
    )
    b = await _furnish(
        db,
        household_b,
        ahmed,
        Helpers(
            network_name="Oom Ali",
            plain_network_name="Buurvrouw Trees",
            accepted_volunteer=actor_for(volunteer_of_b),
            offering_volunteer=actor_for(volunteer_of_b),
            partner=None,
            partner_person=None,
            regisseur=actor_for(regisseur_b),
        ),
    )
    # Fatima asks Joris (GGZ Oost, no share) to take A over warmly. The product offers a warme overdracht only in
    # the uitvoering or at an evaluatie, and A stays in aanmelding (the triage link is part of the matrix): the
    # second row put in place by hand, so that Joris has the one relation of a pending handover's receiver.
    trajectory_a = await db.scalar(select(Trajectory).where(Trajectory.household_id == household_a.id))
    assert trajectory_a is not None
    db.add(
        Handover(
            household_id=household_a.id,
            trajectory_id=trajectory_a.id,
            kind=HandoverKind.WARM,
            from_person_id=world.regisseur.id,
            to_person_id=receiver.id,
            to_organisation_id=other_partner.id,
            note="Wil jij verder met de schulden?",
        )
    )
    # Wim covers for Fatima this week (waarneming), set by the team lead.
    covering = await person("Wim", Role.REGISSEUR, team_id=world.team.id)
    today = utcnow().date()
    cover = Cover(
        team_id=world.team.id,
        absent_id=world.regisseur.id,
        covering_id=covering.id,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=6),
        created_by_id=world.team_lead.id,
    )
    db.add(cover)
    # The household shared its ratings with the wijkverpleging, for a purpose.
    nursing = Organisation(municipality_id=gemeente, name="Wijkverpleging", kind=OrganisationKind.PARTNER)
    db.add(nursing)
    await db.flush()
    partner_ratings = await person("Hanna", Role.PARTNER_PROFESSIONAL, organisation_id=nursing.id)
    await partner.share_ratings(
        db,
        actor_for(sanne),
        household_a.id,
        RatingsShareInput(organisation=str(nursing.id), purpose="Zorg thuis afstemmen"),
    )
    # Fatima asks Karin (team lead) for a breakthrough on A's first goal; it is still open.
    await db.flush()
    asked = await escalations.raise_escalation(
        db,
        actor_for(world.regisseur),
        trajectory_a,
        EscalationInput(
            blocked="De schuldsanering start pas over een half jaar",
            blocked_by="Schuldhulp",
            needed="Een voorrangsplek",
            goal=str(a.goal),
        ),
    )
    a = replace(a, escalation=asked.id)
    # Each household's evaluation planned a month ahead. The product plans one at the akkoord on the plan, and A
    # stays in its aanmelding: planned through the domain's own function for the pages of one evaluation.
    trajectory_b = await db.scalar(select(Trajectory).where(Trajectory.household_id == household_b.id))
    assert trajectory_b is not None
    in_a_month = utcnow().date() + dt.timedelta(days=30)
    planned_a = await evaluations.plan_evaluation(db, trajectory_a, world.regisseur, in_a_month)
    planned_b = await evaluations.plan_evaluation(db, trajectory_b, regisseur_b, in_a_month)
    a, b = replace(a, evaluation=planned_a.id), replace(b, evaluation=planned_b.id)
    await db.commit()

    async def network_member(household: uuid.UUID, name: str) -> Person:
        rows = await network.people_of(db, household)
        row = next(r for r in rows if r.name == name)
        found = await db.get(Person, row.person_id)
        assert found is not None, name
        return found

    # Elsewhere: a household of the other gemeente with a help request on its task board, a volunteer of
    # another organisation, Ahmed's passkey, and a recovery link that Bram (admin) made for Ilse (a regisseur
    # of the other team, so not Karin's to approve either).
    other_volunteers = Organisation(municipality_id=gemeente, name="Buurtkracht", kind=OrganisationKind.VOLUNTEER)
    db.add(other_volunteers)
    await db.flush()
    noor = await person("Noor", Role.VOLUNTEER, organisation_id=other_volunteers.id)
    passkey = Passkey(person_id=ahmed.id, credential_id=uuid.uuid4().bytes, public_key=b"-", name="Telefoon")
    db.add(passkey)
    other_team_regisseur = await db.get(Person, world.other_regisseur.id)
    assert other_team_regisseur is not None
    other_team_regisseur.enrolled_at = utcnow()
    await enrolment.issue(db, person=other_team_regisseur, created_by=world.admin, origin=TEST_ORIGIN)
    await db.commit()
    far_household, (eva,) = await make_household(db, elsewhere.regisseur, "Visser", ("Eva",))
    far_request = await _open_request(db, far_household, eva)
    await db.commit()

    async def unused_link(person: Person) -> uuid.UUID:
        found = await db.scalar(
            select(EnrolmentToken.id).where(EnrolmentToken.person_id == person.id, EnrolmentToken.used_at.is_(None))
        )
        assert found is not None, person.display_name
        return found

    instrument = await instruments.for_municipality(db, gemeente)

    async def role_of(someone: Person) -> uuid.UUID:
        found = await db.scalar(select(RoleAssignment.id).where(RoleAssignment.person_id == someone.id).limit(1))
        assert found is not None
        return found

    matrix = MatrixWorld(
        cover=cover.id,
        a=a,
        b=b,
        domain_key=instrument.domains[0].key,
        people={
            MEMBER: sanne,
            NETWORK_SHARED: await network_member(a.household, "Oma Ineke"),
            NETWORK_PLAIN: await network_member(a.household, "Buurman Henk"),
            VOLUNTEER_PENDING: volunteer_pending,
            VOLUNTEER_ACCEPTED: volunteer_accepted,
            COORDINATOR: world.coordinator,
            REGISSEUR: world.regisseur,
            COLLEAGUE: world.colleague,
            COVERING: covering,
            PARTNER_SHARED: partner_shared,
            PARTNER_PLAIN: partner_plain,
            PARTNER_RATINGS: partner_ratings,
            HANDOVER_RECEIVER: receiver,
            TEAM_LEAD: world.team_lead,
            ADMIN: world.admin,
            OTHER_GEMEENTE: elsewhere.regisseur,
        },
        own_action={NETWORK_SHARED: "network", VOLUNTEER_ACCEPTED: "volunteer", PARTNER_SHARED: "partner"},
        managed_staff=world.colleague.id,
        managed_volunteer=volunteer_pending.id,
        managed_role=await role_of(world.colleague),
        managed_team=world.other_team.id,
        managed_organisation=world.volunteer_org.id,
        recovery_link=await unused_link(regisseur_b),
        elsewhere=Elsewhere(
            passkey=passkey.id,
            staff=elsewhere.regisseur.id,
            team=elsewhere.team.id,
            organisation=elsewhere.partner.id,
            role=await role_of(elsewhere.regisseur),
            volunteer=noor.id,
            request=far_request,
            recovery_link=await unused_link(other_team_regisseur),
        ),
        enrolment_token=await issue_link(db, ahmed),
    )
    return await _with_messages(db, matrix, ahmed)


async def _with_messages(db: AsyncSession, world: MatrixWorld, someone_else: Person) -> MatrixWorld:
    """A message and a device with push on for every person of the world, and for Ahmed (of B), whose rows
    nobody else may open or turn off."""
    people = {role: person.id for role, person in world.people.items()}
    people["elsewhere"] = someone_else.id
    notifications = {
        role: Notification(person_id=person, kind=EventKind.ACCOUNT_RECOVERED, url="/mijn")
        for role, person in people.items()
    }
    devices = {
        role: PushSubscription(
            person_id=person, endpoint=f"https://push.example.net/{person}", p256dh="-", auth="-", device="Chrome/"
        )
        for role, person in people.items()
    }
    db.add_all([*notifications.values(), *devices.values()])
    await db.commit()
    elsewhere = replace(world.elsewhere, notification=notifications["elsewhere"].id, device=devices["elsewhere"].id)
    return replace(
        world,
        elsewhere=elsewhere,
        notifications={role: row.id for role, row in notifications.items() if role != "elsewhere"},
        devices={role: row.id for role, row in devices.items() if role != "elsewhere"},
    )
