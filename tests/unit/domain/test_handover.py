"""Handovers: who may be asked, in which phase, one at a time, and what each answer changes. The rules of
server/domain/workspace/handover.py, against a real database (the rules are about rows of other tables)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import lifecycle
from server.domain.errors import IllegalTransition, InvalidInput, NotFound
from server.domain.lifecycle import can_move
from server.domain.models import (
    AccessLogEntry,
    Organisation,
    OrganisationKind,
    Person,
    Phase,
    Role,
    TimelineEvent,
    Trajectory,
    utcnow,
)
from server.domain.people import create_person
from server.domain.policy import Actor, Relation, actor_for, relations_to_household
from server.domain.workspace import handover as handovers
from server.domain.workspace.handover import (
    AnswerInput,
    HandoverForm,
    RegisseurHandoverInput,
    WarmHandoverInput,
)
from server.domain.workspace.model import HandoverKind, HandoverStatus, Involvement
from tests.factories import World, make_household, make_world

# --------------------------------------------------------------------------------------------------------
# Input, without a database
# --------------------------------------------------------------------------------------------------------


def test_a_warm_handover_may_end_the_trajectory_from_the_phases_it_is_offered_in() -> None:
    # Accepting closes the trajectory: the lifecycle must allow that step from every phase a warm handover
    # may be offered in (afschalen comes after an evaluatie, or from uitvoering after a kortstondige inzet).
    assert {Phase.UITVOERING, Phase.EVALUATIE} == handovers.WARM_PHASES
    assert all(can_move(phase, Phase.AFGESLOTEN) for phase in handovers.WARM_PHASES)


def test_the_form_asks_what_kind_of_handover() -> None:
    with pytest.raises(InvalidInput) as refused:
        HandoverForm(kind="").to_input()
    assert refused.value.errors == {"kind": "Kies aan wie je overdraagt."}
    organisation, person = uuid.uuid4(), uuid.uuid4()
    warm = HandoverForm(kind="warm", partner=f"{organisation}:{person}", note="Schulden").to_input()
    assert warm == WarmHandoverInput(str(organisation), str(person), "Schulden")
    assert HandoverForm(kind="regisseur", colleague=str(person)).to_input() == RegisseurHandoverInput(str(person))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (WarmHandoverInput("", "", ""), "partner"),
        (WarmHandoverInput("niet-een-id", str(uuid.uuid4()), ""), "partner"),
        (WarmHandoverInput(str(uuid.uuid4()), str(uuid.uuid4()), "x" * 501), "note"),
        (WarmHandoverInput(str(uuid.uuid4()), str(uuid.uuid4()), "Hallo\x00"), "note"),
        (RegisseurHandoverInput(""), "colleague"),
        (RegisseurHandoverInput(str(uuid.uuid4()), "x" * 501), "note"),
    ],
)
def test_bad_input_is_refused_per_field(data: WarmHandoverInput | RegisseurHandoverInput, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        data.validate()
    assert field in refused.value.errors


@pytest.mark.parametrize(("answer", "message"), [("  ", "Schrijf kort waarom"), ("x" * 301, "te lang")])
def test_saying_no_needs_a_short_answer(answer: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        AnswerInput(answer).validate()
    assert message in refused.value.errors["answer"]
    assert AnswerInput("  Geen plek  ").validate() == "Geen plek"


# --------------------------------------------------------------------------------------------------------
# The rules, with a database
# --------------------------------------------------------------------------------------------------------


@dataclass
class Scene:
    world: World
    trajectory: Trajectory
    fatima: Actor
    joris: Actor  # partner professional of MEE
    joost: Actor  # Fatima's colleague in the household's team


async def scene(db: AsyncSession, phase: Phase = Phase.UITVOERING) -> Scene:
    world = await make_world(db)
    household, _members = await make_household(db, world.regisseur)
    trajectory = await db.scalar(select(Trajectory).where(Trajectory.household_id == household.id))
    assert trajectory is not None
    trajectory.phase = phase
    joris = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Joris de Wit",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=world.partner.id,
    )
    await db.commit()
    return Scene(
        world, trajectory, await actor(db, world.regisseur), await actor(db, joris), await actor(db, world.colleague)
    )


async def actor(db: AsyncSession, person: Person) -> Actor:
    await db.refresh(person, ["roles"])
    return actor_for(person)


def warm_to(s: Scene, person: Actor | None = None, organisation: uuid.UUID | None = None) -> WarmHandoverInput:
    return WarmHandoverInput(str(organisation or s.world.partner.id), str((person or s.joris).id), "Schulden")


async def events(db: AsyncSession, s: Scene) -> list[str]:
    rows = await db.scalars(
        select(TimelineEvent.kind)
        .where(TimelineEvent.household_id == s.trajectory.household_id)
        .order_by(TimelineEvent.created_at)
    )
    return [kind for kind in rows if kind.startswith("handover.") or kind == "trajectory.phase"]


@pytest.mark.parametrize(
    "phase", [Phase.AANMELDING, Phase.TRIAGE, Phase.INTAKE, Phase.PLAN_VASTGESTELD, Phase.WAAKVLAM]
)
async def test_a_warm_handover_waits_for_uitvoering_or_evaluatie(db: AsyncSession, phase: Phase) -> None:
    s = await scene(db, phase)
    with pytest.raises(IllegalTransition) as refused:
        await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    assert "uitvoering of bij de evaluatie" in refused.value.message
    # The regisseur role may go to a colleague in any open phase.
    await handovers.offer_regisseur_handover(db, s.fatima, s.trajectory, RegisseurHandoverInput(str(s.joost.id)))


async def test_a_warm_handover_goes_to_a_professional_of_a_partner_organisation_of_the_gemeente(
    db: AsyncSession,
) -> None:
    s = await scene(db)
    elsewhere = await make_world(db)
    far = await create_person(
        db,
        municipality_id=elsewhere.municipality.id,
        display_name="Eva",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=elsewhere.partner.id,
    )
    ggz = Organisation(municipality_id=s.world.municipality.id, name="GGZ", kind=OrganisationKind.PARTNER)
    db.add(ggz)
    await db.flush()
    volunteer = await create_person(
        db,
        municipality_id=s.world.municipality.id,
        display_name="Sem",
        role=Role.VOLUNTEER,
        organisation_id=s.world.volunteer_org.id,
    )
    await db.commit()
    refusals = [
        # A volunteer organisation is no partner organisation.
        warm_to(s, await actor(db, volunteer), s.world.volunteer_org.id),
        # Joris works at MEE, not at the GGZ.
        warm_to(s, s.joris, ggz.id),
        # A partner organisation of another gemeente, and its professional.
        warm_to(s, await actor(db, far), elsewhere.partner.id),
        warm_to(s, await actor(db, far), s.world.partner.id),
        # A regisseur is no professional of MEE.
        warm_to(s, s.joost),
    ]
    for data in refusals:
        with pytest.raises(InvalidInput) as refused:
            await handovers.offer_warm_handover(db, s.fatima, s.trajectory, data)
        assert "partner" in refused.value.errors
    assert await handovers.pending_for_trajectory(db, s.trajectory.id) is None


async def test_the_regisseur_role_goes_to_a_regisseur_of_the_households_team_only(db: AsyncSession) -> None:
    s = await scene(db)
    other_team = await actor(db, s.world.other_regisseur)
    for person in (other_team, s.joris):
        with pytest.raises(InvalidInput) as refused:
            await handovers.offer_regisseur_handover(db, s.fatima, s.trajectory, RegisseurHandoverInput(str(person.id)))
        assert "team van dit huishouden" in refused.value.errors["colleague"]
    with pytest.raises(InvalidInput) as refused:
        await handovers.offer_regisseur_handover(db, s.fatima, s.trajectory, RegisseurHandoverInput(str(s.fatima.id)))
    assert "Kies een collega" in refused.value.errors["colleague"]


async def test_one_pending_handover_at_a_time_and_only_by_the_regisseur(db: AsyncSession) -> None:
    s = await scene(db)
    with pytest.raises(IllegalTransition):
        await handovers.offer_warm_handover(db, s.joost, s.trajectory, warm_to(s))
    await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    with pytest.raises(IllegalTransition) as refused:
        await handovers.offer_regisseur_handover(db, s.fatima, s.trajectory, RegisseurHandoverInput(str(s.joost.id)))
    assert "wacht al een overdracht" in refused.value.message
    # Withdrawn, she may ask someone else.
    await handovers.withdraw(db, s.fatima, s.trajectory)
    await handovers.offer_regisseur_handover(db, s.fatima, s.trajectory, RegisseurHandoverInput(str(s.joost.id)))
    assert await events(db, s) == ["handover.offered", "handover.withdrawn", "handover.offered"]


async def test_until_accepted_the_regisseur_stays_and_the_receiver_only_reads_the_handover(db: AsyncSession) -> None:
    s = await scene(db)
    await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    await db.commit()
    relations, _household = await relations_to_household(db, s.joris, s.trajectory.household_id)
    assert relations == {Relation.HANDOVER_RECEIVER}
    relations, _household = await relations_to_household(db, s.fatima, s.trajectory.household_id)
    assert Relation.REGISSEUR in relations
    pending = await handovers.pending_for_household(db, s.trajectory.household_id)
    assert pending is not None and (pending.to_name, pending.organisation) == ("Joris de Wit", "MEE")
    assert (pending.from_name, pending.household_name, pending.kind) == ("Fatima", "Bakker", HandoverKind.WARM)


async def test_accepting_a_warm_handover_closes_the_trajectory_as_overgedragen(db: AsyncSession) -> None:
    s = await scene(db, Phase.EVALUATIE)
    await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    accepted = await handovers.accept(db, s.joris, s.trajectory.household_id)
    await db.commit()
    assert accepted.status == HandoverStatus.ACCEPTED and accepted.decided_at is not None
    await db.refresh(s.trajectory)
    assert s.trajectory.phase == Phase.AFGESLOTEN
    assert s.trajectory.exit_reason == "overgedragen: MEE" and s.trajectory.closed_on == utcnow().date()
    involvement = await db.scalar(select(Involvement).where(Involvement.household_id == s.trajectory.household_id))
    assert involvement is not None
    assert (involvement.organisation_name, involvement.professional_name) == ("MEE", "Joris de Wit")
    assert involvement.from_on == utcnow().date() and involvement.to_on is None
    assert await events(db, s) == ["handover.offered", "handover.accepted", "trajectory.phase"]
    # Nobody has a relation left that opens the dossier: no regisseur, and no share for Joris.
    for person in (s.fatima, s.joris):
        relations, _household = await relations_to_household(db, person, s.trajectory.household_id)
        assert relations <= {Relation.TEAM_COLLEAGUE}


async def test_accepting_the_regisseur_role_moves_the_household_to_the_colleague(db: AsyncSession) -> None:
    s = await scene(db, Phase.INTAKE)
    await handovers.offer_regisseur_handover(db, s.fatima, s.trajectory, RegisseurHandoverInput(str(s.joost.id)))
    await handovers.accept(db, s.joost, s.trajectory.household_id)
    await db.commit()
    await db.refresh(s.trajectory)
    assert s.trajectory.regisseur_id == s.joost.id and s.trajectory.regisseur_since == utcnow().date()
    assert s.trajectory.phase == Phase.INTAKE
    joost, _household = await relations_to_household(db, s.joost, s.trajectory.household_id)
    fatima, _household = await relations_to_household(db, s.fatima, s.trajectory.household_id)
    assert Relation.REGISSEUR in joost and fatima == {Relation.TEAM_COLLEAGUE}
    detail = (await db.scalars(select(TimelineEvent.detail).where(TimelineEvent.kind == "handover.accepted"))).one()
    assert detail["to"] == "Joost" and detail["since"] == utcnow().date().isoformat()


async def test_saying_no_keeps_the_regisseur_and_stores_the_answer(db: AsyncSession) -> None:
    s = await scene(db)
    await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    declined = await handovers.decline(db, s.joris, s.trajectory.household_id, AnswerInput("Wij hebben geen plek."))
    assert declined.status == HandoverStatus.DECLINED and declined.answer == "Wij hebben geen plek."
    last = await handovers.last_answer(db, s.trajectory.id)
    assert last is not None and last.answer == "Wij hebben geen plek."
    await db.refresh(s.trajectory)
    assert s.trajectory.phase == Phase.UITVOERING and s.trajectory.regisseur_id == s.fatima.id


async def test_an_answered_handover_cannot_be_answered_again(db: AsyncSession) -> None:
    s = await scene(db)
    await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    await handovers.decline(db, s.joris, s.trajectory.household_id, AnswerInput("Vol."))
    with pytest.raises(NotFound):
        await handovers.accept(db, s.joris, s.trajectory.household_id)
    with pytest.raises(IllegalTransition):
        await handovers.withdraw(db, s.fatima, s.trajectory)
    # Someone it was not offered to finds nothing to answer.
    await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    with pytest.raises(NotFound):
        await handovers.accept(db, s.joost, s.trajectory.household_id)


async def test_a_warm_handover_cannot_be_accepted_once_the_phase_moved_on(db: AsyncSession) -> None:
    s = await scene(db)
    await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    s.trajectory.phase = Phase.WAAKVLAM
    with pytest.raises(IllegalTransition):
        await handovers.accept(db, s.joris, s.trajectory.household_id)
    assert (await handovers.pending_for_trajectory(db, s.trajectory.id)) is not None


async def test_the_receivers_list_is_logged_in_each_households_access_log(db: AsyncSession) -> None:
    s = await scene(db)
    await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    assert await handovers.pending_for_receiver(db, s.fatima) == []
    (pending,) = await handovers.pending_for_receiver(db, s.joris)
    assert pending.household_name == "Bakker" and pending.since.date() <= dt.datetime.now(dt.UTC).date()
    look = (await db.scalars(select(AccessLogEntry).where(AccessLogEntry.actor_id == s.joris.id))).one()
    assert (look.household_id, look.resource) == (s.trajectory.household_id, "handover")
    assert (look.actor_role, look.organisation_name) == (Role.PARTNER_PROFESSIONAL, "MEE")


async def test_a_handover_of_a_trajectory_closed_meanwhile_waits_for_nobody(db: AsyncSession) -> None:
    s = await scene(db)
    await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    s.trajectory.phase = Phase.AFGESLOTEN
    await db.flush()
    assert await handovers.pending_for_receiver(db, s.joris) == []
    assert await handovers.pending_for_household(db, s.trajectory.household_id) is None
    with pytest.raises(NotFound):
        await handovers.offered_view(db, s.joris, s.trajectory.household_id)
    with pytest.raises(IllegalTransition):
        await handovers.accept(db, s.joris, s.trajectory.household_id)


async def test_closing_the_trajectory_ends_a_handover_still_waiting_and_the_receiver_has_no_way_in(
    db: AsyncSession,
) -> None:
    s = await scene(db)
    await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    await db.commit()
    relations, _ = await relations_to_household(db, s.joris, s.trajectory.household_id)
    assert Relation.HANDOVER_RECEIVER in relations
    await lifecycle.move(db, s.trajectory, Phase.AFGESLOTEN, s.fatima.person, reason="verhuisd")
    await db.commit()
    relations, _ = await relations_to_household(db, s.joris, s.trajectory.household_id)
    assert Relation.HANDOVER_RECEIVER not in relations
    assert await handovers.pending_for_receiver(db, s.joris) == []
    with pytest.raises((NotFound, IllegalTransition)):
        await handovers.accept(db, s.joris, s.trajectory.household_id)


async def test_a_warm_handover_to_an_organisation_already_in_the_register_adds_no_second_row(
    db: AsyncSession,
) -> None:
    s = await scene(db)
    db.add(
        Involvement(
            household_id=s.trajectory.household_id,
            organisation_id=s.world.partner.id,
            organisation_name=s.world.partner.name,
            from_on=dt.date(2026, 1, 5),
        )
    )
    await handovers.offer_warm_handover(db, s.fatima, s.trajectory, warm_to(s))
    await handovers.accept(db, s.joris, s.trajectory.household_id)
    await db.commit()
    rows = list(await db.scalars(select(Involvement).where(Involvement.household_id == s.trajectory.household_id)))
    assert len(rows) == 1
    assert rows[0].professional_name == "Joris de Wit"
