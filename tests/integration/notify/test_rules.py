"""Who is told of each outbox row, and where a tap leads: the right people, never the one who did it, nobody
the admin deactivated, nobody whose role has ended."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.events import EventKind
from server.domain.models import OutboxMessage, Passkey, Person, Role, utcnow
from server.domain.notifications.rules import recipients
from server.domain.people import create_person
from server.domain.plan.model import Share, ShareSubject, WhoType
from server.domain.teamwork.model import Escalation
from server.domain.workspace.model import (
    Evaluation,
    EvaluationGuest,
    EvaluationStatus,
    Handover,
    HandoverKind,
)
from tests.integration.notify.helpers import Scene, action, deactivate, end_role, help_offer


async def told(
    db: AsyncSession, kind: EventKind, subject_id: uuid.UUID, actor: Person | None = None, household_id: Any = None
) -> dict[str, str]:
    """Who is told of such an outbox row (by name), and the address each one's message opens."""
    row = OutboxMessage(
        kind=kind.value, subject_id=subject_id, actor_id=actor.id if actor else None, household_id=household_id
    )
    people = await recipients(db, row)
    names = dict(
        (await db.execute(select(Person.id, Person.display_name).where(Person.id.in_([r.person_id for r in people]))))
        .tuples()
        .all()
    )
    return {names[r.person_id]: r.url for r in people}


# --- evaluations ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [EventKind.EVALUATION_DUE_WEEK, EventKind.EVALUATION_DUE_TOMORROW, EventKind.EVALUATION_OVERDUE]
)
async def test_an_evaluation_reminder_tells_the_household_the_regisseur_and_the_invited_network(
    db: AsyncSession, scene: Scene, kind: EventKind
) -> None:
    evaluation = Evaluation(
        household_id=scene.household_id, trajectory_id=scene.trajectory_id, planned_on=dt.date.today()
    )
    db.add(evaluation)
    await db.flush()
    db.add(
        EvaluationGuest(
            evaluation_id=evaluation.id, household_id=scene.household_id, network_person_id=scene.oma_row.id, name="Oma"
        )
    )
    await db.commit()
    page = f"/huishoudens/{scene.household_id}/evaluaties/{evaluation.id}"

    assert await told(db, kind, evaluation.id) == {"Sanne": page, "Piet": page, "Fatima": page, "Oma": "/mijn"}

    # A member the admin deactivated, a regisseur whose role ended, a guest whose access the household ended.
    await deactivate(db, scene.piet)
    await end_role(db, scene.world.regisseur, Role.REGISSEUR)
    await end_role(db, scene.oma, Role.NETWORK_MEMBER)
    assert await told(db, kind, evaluation.id) == {"Sanne": page}


async def test_a_regisseur_role_that_ends_later_still_counts(db: AsyncSession, scene: Scene) -> None:
    evaluation = Evaluation(
        household_id=scene.household_id, trajectory_id=scene.trajectory_id, planned_on=dt.date.today()
    )
    db.add(evaluation)
    await db.commit()
    await end_role(db, scene.world.regisseur, Role.REGISSEUR, when=utcnow() + dt.timedelta(days=3))

    assert "Fatima" in await told(db, EventKind.EVALUATION_DUE_WEEK, evaluation.id)


@pytest.mark.parametrize("status", [EvaluationStatus.VERZET, EvaluationStatus.GEHOUDEN, EvaluationStatus.VERVALLEN])
async def test_an_evaluation_no_longer_planned_tells_nobody(
    db: AsyncSession, scene: Scene, status: EvaluationStatus
) -> None:
    evaluation = Evaluation(
        household_id=scene.household_id, trajectory_id=scene.trajectory_id, planned_on=dt.date.today(), status=status
    )
    db.add(evaluation)
    await db.commit()

    assert await told(db, EventKind.EVALUATION_DUE_TOMORROW, evaluation.id) == {}


# --- actions, invitations, help ----------------------------------------------------------------------------


async def test_an_action_for_an_organisation_tells_its_active_partner_professionals(
    db: AsyncSession, scene: Scene
) -> None:
    world = scene.world
    ended = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Eva",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=world.partner.id,
    )
    gone = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Wim",
        role=Role.PARTNER_PROFESSIONAL,
        organisation_id=world.partner.id,
    )
    await db.commit()
    await end_role(db, ended, Role.PARTNER_PROFESSIONAL)
    await deactivate(db, gone)
    given = await action(db, scene, who_type=WhoType.PROFESSIONAL, assigned_organisation_id=world.partner.id)

    assert await told(db, EventKind.ACTION_ASSIGNED, given.id, actor=world.regisseur) == {"Ruud": "/mijn"}
    # Ruud giving it to his own organisation is not told of it.
    assert await told(db, EventKind.ACTION_ASSIGNED, given.id, actor=scene.ruud) == {}
    # An action for no organisation tells nobody here.
    own = await action(db, scene, who_type=WhoType.ZELF)
    assert await told(db, EventKind.ACTION_ASSIGNED, own.id, actor=world.regisseur) == {}


async def test_an_invitation_with_an_action_tells_the_invited_person_who_has_a_passkey(
    db: AsyncSession, scene: Scene
) -> None:
    invited = EventKind.NETWORK_INVITED
    assert await told(db, invited, scene.oma_row.id, actor=scene.sanne) == {}  # no action for Oma yet
    await action(db, scene, who_type=WhoType.NETWERK, assigned_person_id=scene.oma.id)
    assert await told(db, invited, scene.oma_row.id, actor=scene.sanne) == {}  # no passkey: she gets a link
    db.add(Passkey(person_id=scene.oma.id, credential_id=b"oma-phone", public_key=b"key"))
    await db.commit()

    assert await told(db, invited, scene.oma_row.id, actor=scene.sanne) == {"Oma": "/mijn"}

    await end_role(db, scene.oma, Role.NETWORK_MEMBER)
    assert await told(db, invited, scene.oma_row.id, actor=scene.sanne) == {}


async def test_an_offer_of_help_tells_the_household_on_its_page_of_help_requests(
    db: AsyncSession, scene: Scene
) -> None:
    offer = await help_offer(db, scene)
    page = f"/huishoudens/{scene.household_id}/hulpvragen"

    assert await told(db, EventKind.HELP_OFFERED, offer.id, actor=scene.sem) == {"Sanne": page, "Piet": page}


@pytest.mark.parametrize("kind", [EventKind.HELP_ACCEPTED, EventKind.HELP_DECLINED])
async def test_an_answer_to_an_offer_tells_the_volunteer_while_they_volunteer(
    db: AsyncSession, scene: Scene, kind: EventKind
) -> None:
    offer = await help_offer(db, scene)

    assert await told(db, kind, offer.id, actor=scene.sanne) == {"Sem": "/taken"}

    await end_role(db, scene.sem, Role.VOLUNTEER)
    assert await told(db, kind, offer.id, actor=scene.sanne) == {}


async def test_an_accepted_invitation_tells_the_household_on_its_network_page(db: AsyncSession, scene: Scene) -> None:
    page = f"/huishoudens/{scene.household_id}/netwerk"

    assert await told(db, EventKind.NETWORK_JOINED, scene.oma_row.id, actor=scene.oma) == {"Sanne": page, "Piet": page}


# --- shares, handovers, escalations, the account ----------------------------------------------------------


@pytest.mark.parametrize("kind", [EventKind.SHARE_CREATED, EventKind.SHARE_REVOKED])
async def test_a_share_with_an_organisation_tells_its_partner_professionals(
    db: AsyncSession, scene: Scene, kind: EventKind
) -> None:
    with_partner = Share(
        household_id=scene.household_id,
        subject=ShareSubject.RATINGS,
        organisation_id=scene.world.partner.id,
        purpose="Schulden",
    )
    with_oma = Share(
        household_id=scene.household_id, subject=ShareSubject.RATINGS, person_id=scene.oma.id, purpose="Meekijken"
    )
    db.add_all([with_partner, with_oma])
    await db.commit()

    assert await told(db, kind, with_partner.id, actor=scene.sanne) == {"Ruud": "/mijn"}
    assert await told(db, kind, with_oma.id, actor=scene.sanne) == {}


async def test_a_handover_tells_the_receiver_and_its_answer_tells_the_one_who_offered(
    db: AsyncSession, scene: Scene
) -> None:
    fatima, joost = scene.world.regisseur, scene.world.colleague
    handover = Handover(
        household_id=scene.household_id,
        trajectory_id=scene.trajectory_id,
        kind=HandoverKind.REGISSEUR,
        from_person_id=fatima.id,
        to_person_id=joost.id,
    )
    db.add(handover)
    await db.commit()

    for kind in (EventKind.HANDOVER_OFFERED, EventKind.HANDOVER_WITHDRAWN):
        assert await told(db, kind, handover.id, actor=fatima) == {"Joost": "/mijn"}
    for kind in (EventKind.HANDOVER_ACCEPTED, EventKind.HANDOVER_DECLINED):
        assert await told(db, kind, handover.id, actor=joost) == {"Fatima": "/mijn"}

    await deactivate(db, joost)
    assert await told(db, EventKind.HANDOVER_OFFERED, handover.id, actor=fatima) == {}


async def test_a_doorbraak_tells_the_team_leads_of_its_team_and_the_decision_the_regisseur(
    db: AsyncSession, scene: Scene
) -> None:
    world = scene.world
    former = await create_person(
        db, municipality_id=world.municipality.id, display_name="Henk", role=Role.TEAM_LEAD, team_id=world.team.id
    )
    await create_person(
        db, municipality_id=world.municipality.id, display_name="Noor", role=Role.TEAM_LEAD, team_id=world.other_team.id
    )
    await db.commit()
    await end_role(db, former, Role.TEAM_LEAD)
    escalation = Escalation(
        household_id=scene.household_id,
        trajectory_id=scene.trajectory_id,
        team_id=world.team.id,
        raised_by_id=world.regisseur.id,
        blocked="Wachtlijst",
        blocked_by="Zorgkantoor",
        needed="Voorrang",
    )
    db.add(escalation)
    await db.commit()

    for kind in (EventKind.ESCALATION_RAISED, EventKind.ESCALATION_WITHDRAWN):
        assert await told(db, kind, escalation.id, actor=world.regisseur) == {"Karin": "/team/doorbraken"}
    assert await told(db, EventKind.ESCALATION_DECIDED, escalation.id, actor=world.team_lead) == {
        "Fatima": f"/huishoudens/{scene.household_id}"
    }


async def test_a_used_recovery_link_tells_the_person_on_their_passkeys_page(db: AsyncSession, scene: Scene) -> None:
    admin = scene.world.admin

    assert await told(db, EventKind.ACCOUNT_RECOVERED, scene.sanne.id, actor=admin) == {"Sanne": "/mijn/passkeys"}
    assert await told(db, EventKind.ACCOUNT_RECOVERED, scene.sanne.id, actor=scene.sanne) == {}
    await deactivate(db, scene.sanne)
    assert await told(db, EventKind.ACCOUNT_RECOVERED, scene.sanne.id, actor=admin) == {}


@pytest.mark.parametrize("kind", [EventKind.ACTION_TICKED, EventKind.RATING_SET, EventKind.BUDGET_BOOKED])
async def test_other_events_tell_nobody(db: AsyncSession, scene: Scene, kind: EventKind) -> None:
    assert await told(db, kind, scene.household_id, household_id=scene.household_id) == {}


async def test_the_rules_ask_the_same_few_statements_however_many_are_told(db: AsyncSession, scene: Scene) -> None:
    world = scene.world
    given = await action(db, scene, who_type=WhoType.PROFESSIONAL, assigned_organisation_id=world.partner.id)
    row = OutboxMessage(kind=EventKind.ACTION_ASSIGNED.value, subject_id=given.id, actor_id=world.regisseur.id)
    counts = []
    for _more in range(2):
        statements = [0]

        def count(*_args: Any, counter: list[int] = statements) -> None:
            counter[0] += 1

        sync_engine = db.get_bind()
        event.listen(sync_engine, "before_cursor_execute", count)
        try:
            people = await recipients(db, row)
        finally:
            event.remove(sync_engine, "before_cursor_execute", count)
        counts.append((statements[0], len(people)))
        for n in range(20):
            await create_person(
                db,
                municipality_id=world.municipality.id,
                display_name=f"Collega {n}",
                role=Role.PARTNER_PROFESSIONAL,
                organisation_id=world.partner.id,
            )
        await db.commit()

    (before, one), (after, many) = counts
    assert (one, many) == (1, 21)
    assert before == after > 0
