"""The partner professional's rules without a database: which actions they work on, and who may pick one up."""

from __future__ import annotations

import uuid

from server.domain.models import Person, Role, RoleAssignment
from server.domain.partner import partner_organisations, works_on
from server.domain.plan.model import PlanAction, WhoType
from server.domain.plan.service import can_tick
from server.domain.policy import Action, Actor, Relation, decide

MEE = uuid.uuid4()
GGZ = uuid.uuid4()


def partner_at(*organisations: uuid.UUID) -> Actor:
    person = Person(id=uuid.uuid4(), municipality_id=uuid.uuid4(), display_name="Ruud")
    roles = tuple(
        RoleAssignment(person_id=person.id, role=Role.PARTNER_PROFESSIONAL, organisation_id=o) for o in organisations
    )
    return Actor(person=person, roles=roles)


def action_for(organisation: uuid.UUID | None, goal: uuid.UUID) -> PlanAction:
    return PlanAction(
        id=uuid.uuid4(),
        goal_id=goal,
        household_id=uuid.uuid4(),
        what="Een budgetplan maken",
        who_type=WhoType.PROFESSIONAL,
        assigned_organisation_id=organisation,
    )


def test_a_partner_works_on_the_actions_of_their_organisation_while_the_goal_is_shared() -> None:
    ruud, goal = partner_at(MEE), uuid.uuid4()
    assert partner_organisations(ruud) == {MEE}
    assert works_on(action_for(MEE, goal), ruud, frozenset({goal}))
    # Another organisation's action, an action for nobody, or a goal no longer shared: not theirs.
    assert not works_on(action_for(GGZ, goal), ruud, frozenset({goal}))
    assert not works_on(action_for(None, goal), ruud, frozenset({goal}))
    assert not works_on(action_for(MEE, goal), ruud, frozenset())


def test_ticking_follows_the_organisation_for_a_partner_and_the_person_for_others() -> None:
    ruud, goal = partner_at(MEE), uuid.uuid4()
    ours = action_for(MEE, goal)
    assert can_tick(ours, ruud, Relation.PARTNER_WITH_SHARE, frozenset({goal}))
    assert not can_tick(ours, ruud, Relation.PARTNER_WITH_SHARE)
    # Named on an action of another organisation does not let a partner tick it.
    theirs = action_for(GGZ, goal)
    theirs.assigned_person_id = ruud.id
    assert not can_tick(theirs, ruud, Relation.PARTNER_WITH_SHARE, frozenset({goal}))
    assert can_tick(theirs, ruud, Relation.MEMBER)


def test_only_a_partner_with_a_share_picks_up_an_action() -> None:
    allowed = {r for r in Relation if decide(frozenset({r}), Action.ACTION_TAKE).allowed}
    assert allowed == {Relation.PARTNER_WITH_SHARE}
    # A ratings share reads the scores, and nothing of the plan.
    ratings_only = frozenset({Relation.PARTNER_WITH_RATINGS_SHARE})
    assert decide(ratings_only, Action.RATINGS_READ).allowed
    assert not any(
        decide(ratings_only, a).allowed for a in (Action.PLAN_READ, Action.ACTION_TICK, Action.RATINGS_WRITE)
    )
