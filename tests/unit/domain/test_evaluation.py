"""Evaluations: one planned at a time and mirrored on the trajectory, moved only with a reason, one round of
scores for the household and the regisseur, goals reviewed one by one, a decision that waits for every goal
and moves the lifecycle, and a planned evaluation that lapses when the trajectory moves on without it. The
rules of server/domain/workspace/evaluation.py and the evaluation steps of server/domain/workspace/steps.py,
against a real database (they are about rows of other tables); the words of the summary and the forms'
input without one."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import involvement, lifecycle
from server.domain.errors import IllegalTransition, InvalidInput
from server.domain.events import EventKind
from server.domain.lifecycle import TriageInput
from server.domain.models import (
    Household,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    Person,
    Phase,
    TimelineEvent,
    Trajectory,
    utcnow,
)
from server.domain.network import service as network
from server.domain.network.service import INFORMAL, NetworkPersonInput
from server.domain.plan import service as plan
from server.domain.plan.model import Goal
from server.domain.plan.service import GoalInput
from server.domain.policy import Actor, Relation, actor_for
from server.domain.ratings import instruments
from server.domain.ratings import service as ratings
from server.domain.ratings.instruments import InstrumentDef
from server.domain.ratings.model import Assessment, AssessmentKind, Perspective, Rating
from server.domain.workspace import evaluation as evaluations
from server.domain.workspace import steps
from server.domain.workspace.evaluation import GuestInput, HeldFacts, MoveInput, PlanInput, ReviewInput
from server.domain.workspace.model import (
    CheckIn,
    Evaluation,
    EvaluationDecision,
    EvaluationGuest,
    EvaluationStatus,
    GoalOutcome,
    GoalReview,
    Intake,
)
from server.domain.workspace.steps import AgreementInput, CloseInput, DecisionInput, EvaluationInput, WaakvlamInput
from tests.factories import make_household, make_world

TODAY = utcnow().date()


def in_days(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


# --------------------------------------------------------------------------------------------------------
# Without a database: the forms' input and the summary's words
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (MoveInput(in_days(20), ""), "reason"),
        (MoveInput(in_days(20), "   "), "reason"),
        (MoveInput(in_days(20), "x" * 201), "reason"),
        (MoveInput(in_days(20), "ziek \x00"), "reason"),
        (MoveInput("", "Fatima is ziek"), "planned_on"),
        (MoveInput(in_days(0), "Fatima is ziek"), "planned_on"),
        (MoveInput(in_days(367), "Fatima is ziek"), "planned_on"),
        # The day it is on already is no move.
        (MoveInput(in_days(30), "Fatima is ziek"), "planned_on"),
    ],
)
def test_moving_needs_another_day_and_a_short_reason(data: MoveInput, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        data.validate(TODAY + dt.timedelta(days=30))
    assert field in refused.value.errors


def test_a_move_keeps_the_reason_as_typed_in_one_line() -> None:
    data = MoveInput(in_days(40), "  Fatima  is ziek ")
    assert data.validate(TODAY + dt.timedelta(days=30)) == TODAY + dt.timedelta(days=40)
    assert data.reason == "Fatima is ziek"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ReviewInput(outcome=""), "outcome"),
        (ReviewInput(outcome="misschien"), "outcome"),
        (ReviewInput(outcome="bijgesteld", text=""), "text"),
        (ReviewInput(outcome="bijgesteld", text="x" * 501), "text"),
        (ReviewInput(outcome="loopt", note="x" * 301), "note"),
    ],
)
def test_a_review_needs_an_outcome_and_new_words_for_a_goal_bijgesteld(data: ReviewInput, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        data.validate()
    assert field in refused.value.errors


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        (DecisionInput(), {"decision"}),
        (DecisionInput("verder"), {"decision"}),
        (DecisionInput("doorgaan", next_on=""), {"next_on"}),
        (DecisionInput("doorgaan", next_on=in_days(400)), {"next_on"}),
        (DecisionInput("afschalen", first_on=""), {"first_on"}),
        (DecisionInput("afsluiten"), {"reason"}),
        (DecisionInput("afsluiten", reason="voortijdig gestopt"), {"explanation"}),
        (DecisionInput("afsluiten", reason="overgedragen"), {"organisation"}),
    ],
)
def test_a_decision_asks_what_its_way_on_needs(data: DecisionInput, fields: set[str]) -> None:
    with pytest.raises(InvalidInput) as refused:
        data.validate()
    assert set(refused.value.errors) == fields


def facts(decision: EvaluationDecision, **values: object) -> HeldFacts:
    return HeldFacts(
        held_on=dt.date(2026, 12, 3),
        regisseur="Fatima",
        outcomes={"bereikt": 2, "loopt": 1, "bijgesteld": 1, "gestopt": 0},
        decision=decision,
        **values,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("held", "summary"),
    [
        (
            facts(EvaluationDecision.DOORGAAN, next_on=dt.date(2027, 3, 4)),
            "Op 3 december keken jullie samen met Fatima terug. 2 doelen bereikt, 1 loopt nog en 1 bijgesteld. "
            "Jullie gaan door met het plan; de volgende evaluatie is op 4 maart.",
        ),
        (
            facts(EvaluationDecision.AFSCHALEN, checkin_on=dt.date(2027, 1, 14)),
            "Op 3 december keken jullie samen met Fatima terug. 2 doelen bereikt, 1 loopt nog en 1 bijgesteld. "
            "Het gaat goed genoeg om los te laten: er komt een waakvlam. De eerste check-in is op 14 januari.",
        ),
        (
            facts(EvaluationDecision.AFSLUITEN, exit_reason="overgedragen: MEE"),
            "Op 3 december keken jullie samen met Fatima terug. 2 doelen bereikt, 1 loopt nog en 1 bijgesteld. "
            "Het traject is afgesloten: MEE helpt jullie verder.",
        ),
    ],
)
def test_the_summary_tells_who_looked_back_how_the_goals_are_and_what_comes_next(held: HeldFacts, summary: str) -> None:
    assert evaluations.summary_text(held, day=evaluations.dutch_day) == summary


def test_the_summary_counts_one_goal_in_the_singular_and_skips_outcomes_nobody_had() -> None:
    held = HeldFacts(
        held_on=dt.date(2026, 12, 3),
        regisseur="Fatima",
        outcomes={"bereikt": 0, "loopt": 1, "bijgesteld": 0, "gestopt": 2},
        decision=EvaluationDecision.AFSLUITEN,
        exit_reason="doelen bereikt",
    )
    assert evaluations.summary_text(held, day=evaluations.dutch_day) == (
        "Op 3 december keken jullie samen met Fatima terug. 1 doel loopt nog en 2 gestopt. "
        "Het traject is afgesloten: jullie hebben jullie doelen bereikt."
    )
    # The timeline keeps the facts, and reads them back.
    assert HeldFacts.from_detail(held.as_detail()) == held


# --------------------------------------------------------------------------------------------------------
# Against a database
# --------------------------------------------------------------------------------------------------------


@dataclass
class Setting:
    household: Household
    trajectory: Trajectory
    sanne: Actor
    fatima: Actor
    instrument: InstrumentDef
    goals: list[Goal]

    @property
    def regisseur(self) -> Person:
        return self.fatima.person


async def in_uitvoering(db: AsyncSession, *, goals: int = 2) -> Setting:
    """A household whose plan was agreed at the table today (with ``goals`` goals and a nulmeting from both
    sides), in uitvoering with its first evaluation in thirty days."""
    world = await make_world(db)
    household, (sanne,) = await make_household(db, world.regisseur)
    fatima, member = actor_for(world.regisseur), actor_for(sanne)
    trajectory = await lifecycle.open_trajectory(db, household.id)
    await lifecycle.decide_triage(db, trajectory, world.regisseur, TriageInput("regisseur", "Veel instanties"))
    instrument = await instruments.for_municipality(db, household.municipality_id)
    written = [
        await plan.create_goal(
            db, member, Relation.MEMBER, household.id, instrument, GoalInput(domain.key, f"Doel {n}", "eerst")
        )
        for n, domain in enumerate(instrument.domains[:goals])
    ]
    await ratings.rate(db, member, Relation.MEMBER, household.id, instrument, "financien", "2")
    await ratings.rate(db, fatima, Relation.REGISSEUR, household.id, instrument, "financien", "3")
    db.add(Intake(trajectory_id=trajectory.id, household_id=household.id, completed_at=utcnow()))
    await db.flush()
    await steps.record_in_person(db, world.regisseur, trajectory, instrument, AgreementInput(TODAY.isoformat()))
    await steps.start_execution(db, world.regisseur, trajectory, EvaluationInput(in_days(30)))
    await db.commit()
    return Setting(household, trajectory, member, fatima, instrument, written)


async def rows(db: AsyncSession, trajectory: Trajectory) -> list[Evaluation]:
    return list(
        await db.scalars(
            select(Evaluation)
            .where(Evaluation.trajectory_id == trajectory.id)
            .order_by(Evaluation.created_at)
            .execution_options(populate_existing=True)
        )
    )


async def planned(db: AsyncSession, s: Setting) -> Evaluation:
    found = await evaluations.planned_of(db, s.trajectory.id)
    assert found is not None
    return found


async def kinds(db: AsyncSession, household: Household) -> list[str]:
    return list(
        await db.scalars(
            select(TimelineEvent.kind)
            .where(TimelineEvent.household_id == household.id)
            .order_by(TimelineEvent.created_at, TimelineEvent.id)
        )
    )


async def review_all(db: AsyncSession, s: Setting, evaluation: Evaluation, outcome: str = "bereikt") -> None:
    for goal in s.goals:
        await evaluations.review_goal(
            db, s.fatima, s.household.id, evaluation.id, s.instrument, ReviewInput(str(goal.id), outcome)
        )


async def opened(db: AsyncSession, s: Setting) -> Evaluation:
    evaluation = await planned(db, s)
    await steps.open_evaluation(db, s.regisseur, s.trajectory, s.instrument, evaluation.id)
    return evaluation


async def test_the_first_evaluation_is_planned_at_the_akkoord_and_moves_with_the_day_uitvoering_starts(
    db: AsyncSession,
) -> None:
    world = await make_world(db)
    household, _people = await make_household(db, world.regisseur)
    trajectory = await lifecycle.open_trajectory(db, household.id)
    await lifecycle.decide_triage(db, trajectory, world.regisseur, TriageInput("regisseur", "Veel instanties"))
    instrument = await instruments.for_municipality(db, household.municipality_id)
    await plan.create_goal(
        db,
        actor_for(world.regisseur),
        Relation.REGISSEUR,
        household.id,
        instrument,
        GoalInput("financien", "Rust", "eerst"),
    )
    db.add(Intake(trajectory_id=trajectory.id, household_id=household.id, completed_at=utcnow()))
    await db.flush()
    # The gemeente's interval: here four weeks.
    await steps.record_in_person(
        db, world.regisseur, trajectory, instrument, AgreementInput(TODAY.isoformat()), weeks=4
    )
    (first,) = await rows(db, trajectory)
    assert first.status == EvaluationStatus.GEPLAND and first.planned_on == TODAY + dt.timedelta(weeks=4)
    assert trajectory.next_evaluation_on == first.planned_on
    await steps.start_execution(db, world.regisseur, trajectory, EvaluationInput(in_days(45)))
    (moved,) = await rows(db, trajectory)
    assert moved.id == first.id and moved.planned_on == TODAY + dt.timedelta(days=45)
    assert trajectory.next_evaluation_on == moved.planned_on
    planned_events = await db.scalars(
        select(OutboxMessage.subject_id).where(
            OutboxMessage.household_id == household.id, OutboxMessage.kind == EventKind.EVALUATION_PLANNED
        )
    )
    assert set(planned_events) == {first.id}


async def test_one_evaluation_is_planned_at_a_time(db: AsyncSession) -> None:
    s = await in_uitvoering(db)
    with pytest.raises(IllegalTransition, match=r"Er is al een evaluatie gepland\."):
        await evaluations.plan_by_hand(db, s.regisseur, s.trajectory, PlanInput(in_days(20)))
    # Planning again moves the one that is planned.
    again = await evaluations.plan_evaluation(db, s.trajectory, s.regisseur, TODAY + dt.timedelta(days=25))
    assert [e.id for e in await rows(db, s.trajectory)] == [again.id]
    await db.commit()
    # And the database itself refuses a second planned row.
    db.add(Evaluation(household_id=s.household.id, trajectory_id=s.trajectory.id, planned_on=TODAY))
    with pytest.raises(IntegrityError):
        await db.flush()
    await db.rollback()


async def test_an_evaluation_is_planned_by_hand_only_where_none_is_and_from_the_akkoord_on(db: AsyncSession) -> None:
    world = await make_world(db)
    household, _people = await make_household(db, world.regisseur)
    trajectory = await lifecycle.open_trajectory(db, household.id)
    with pytest.raises(IllegalTransition, match=r"vanaf het akkoord"):
        await evaluations.plan_by_hand(db, world.regisseur, trajectory, PlanInput(in_days(20)))
    # Straight to uitvoering after the triage (kortstondige inzet): nothing planned yet, so the regisseur plans.
    await lifecycle.decide_triage(db, trajectory, world.regisseur, TriageInput("kortstondig", "Snel iets regelen"))
    assert trajectory.next_evaluation_on is None
    with pytest.raises(InvalidInput):
        await evaluations.plan_by_hand(db, world.regisseur, trajectory, PlanInput(in_days(0)))
    made = await evaluations.plan_by_hand(db, world.regisseur, trajectory, PlanInput(in_days(20)))
    assert made.status == EvaluationStatus.GEPLAND and trajectory.next_evaluation_on == made.planned_on


async def test_moving_keeps_the_old_day_with_its_reason_and_takes_the_guests_and_scores_along(db: AsyncSession) -> None:
    s = await in_uitvoering(db)
    oma = await network.add_person(
        db, s.sanne, s.household.id, NetworkPersonInput(name="Oma Ineke", relation="familie", kind=INFORMAL, ring="1")
    )
    old = await planned(db, s)
    await evaluations.invite_guest(db, s.sanne.person, s.household.id, old.id, GuestInput(f"netwerk:{oma.id}"))
    ahead = await evaluations.score_ahead(db, s.sanne, Relation.MEMBER, s.household.id, old.id, s.instrument)
    new = await evaluations.move_evaluation(
        db, s.regisseur, s.household.id, old.id, MoveInput(in_days(40), "Fatima is ziek")
    )
    await db.commit()
    before, after = await rows(db, s.trajectory)
    assert (before.id, before.status, before.reason) == (old.id, EvaluationStatus.VERZET, "Fatima is ziek")
    assert before.planned_on == TODAY + dt.timedelta(days=30)
    assert (after.id, after.status, after.planned_on) == (
        new.id,
        EvaluationStatus.GEPLAND,
        TODAY + dt.timedelta(days=40),
    )
    assert s.trajectory.next_evaluation_on == after.planned_on
    guests = await db.scalars(select(EvaluationGuest.name).where(EvaluationGuest.evaluation_id == new.id))
    assert list(guests) == ["Oma Ineke"]
    moved_ahead = await db.get(Assessment, ahead.id, populate_existing=True)
    assert moved_ahead is not None and moved_ahead.evaluation_id == new.id
    subject = await db.scalar(select(OutboxMessage.subject_id).where(OutboxMessage.kind == EventKind.EVALUATION_MOVED))
    assert subject == new.id
    # Moving the row that was moved is refused; so is moving one that is opened at the table.
    with pytest.raises(IllegalTransition):
        await evaluations.move_evaluation(db, s.regisseur, s.household.id, old.id, MoveInput(in_days(50), "Weer"))
    await opened(db, s)
    with pytest.raises(IllegalTransition, match=r"al geopend"):
        await evaluations.move_evaluation(db, s.regisseur, s.household.id, new.id, MoveInput(in_days(50), "Weer"))


async def test_the_household_invites_from_its_map_or_an_organisation_that_helps_it(db: AsyncSession) -> None:
    s = await in_uitvoering(db)
    evaluation = await planned(db, s)
    kept_out = await network.add_person(
        db,
        s.sanne,
        s.household.id,
        NetworkPersonInput(name="Oom Kees", relation="familie", kind=INFORMAL, ring="3", not_involved="ja"),
    )
    with pytest.raises(InvalidInput) as refused:
        await evaluations.invite_guest(
            db, s.sanne.person, s.household.id, evaluation.id, GuestInput(f"netwerk:{kept_out.id}")
        )
    assert "guest" in refused.value.errors
    neighbour = await network.add_person(
        db, s.sanne, s.household.id, NetworkPersonInput(name="Buurvrouw Els", relation="buur", kind=INFORMAL, ring="2")
    )
    choice = GuestInput(f"netwerk:{neighbour.id}")
    guest = await evaluations.invite_guest(db, s.sanne.person, s.household.id, evaluation.id, choice)
    with pytest.raises(InvalidInput) as refused:
        await evaluations.invite_guest(db, s.sanne.person, s.household.id, evaluation.id, choice)
    assert refused.value.errors == {"guest": "Buurvrouw Els is al uitgenodigd."}
    # MEE helps the household (in its register with the organisation): invited as an organisation.
    mee = await db.scalar(
        select(Organisation).where(
            Organisation.municipality_id == s.household.municipality_id, Organisation.kind == OrganisationKind.PARTNER
        )
    )
    assert mee is not None
    await involvement.involve_organisation(
        db, s.fatima, s.household.id, organisation_name=mee.name, organisation_id=mee.id
    )
    choices = await evaluations.guest_choices(db, s.household.id)
    assert [c.name for c in choices] == ["Buurvrouw Els", mee.name]
    invited = await evaluations.invite_guest(
        db, s.sanne.person, s.household.id, evaluation.id, GuestInput(f"organisatie:{mee.id}")
    )
    assert invited.organisation_id == mee.id and invited.network_person_id is None
    await evaluations.remove_guest(db, s.household.id, evaluation.id, GuestInput(str(guest.id)))
    # A second click changes nothing.
    await evaluations.remove_guest(db, s.household.id, evaluation.id, GuestInput(str(guest.id)))
    names = await db.scalars(select(EvaluationGuest.name).where(EvaluationGuest.evaluation_id == evaluation.id))
    assert list(names) == [mee.name]
    assert EventKind.EVALUATION_GUEST_INVITED in await kinds(db, s.household)


async def test_opening_makes_one_round_for_the_household_and_the_regisseur(db: AsyncSession) -> None:
    s = await in_uitvoering(db)
    evaluation = await planned(db, s)
    ahead = await evaluations.score_ahead(db, s.sanne, Relation.MEMBER, s.household.id, evaluation.id, s.instrument)
    assert ahead.kind == AssessmentKind.TUSSENEVALUATIE and ahead.perspective == Perspective.HOUSEHOLD
    # A tap on the scores page writes into it.
    await ratings.rate(db, s.sanne, Relation.MEMBER, s.household.id, s.instrument, "financien", "4")
    await opened(db, s)
    assert s.trajectory.phase == Phase.EVALUATIE and evaluation.started_on == TODAY
    await ratings.rate(db, s.fatima, Relation.REGISSEUR, s.household.id, s.instrument, "financien", "2")
    round_ = await ratings.load_round(db, evaluation.id)
    assert set(round_) == {Perspective.HOUSEHOLD, Perspective.PROFESSIONAL}
    assert round_[Perspective.HOUSEHOLD].assessment.id == ahead.id
    assert round_[Perspective.HOUSEHOLD].score("financien") == 4
    assert round_[Perspective.PROFESSIONAL].score("financien") == 2
    # Each side's nulmeting is untouched.
    nulmetingen = await db.scalars(
        select(Rating.score)
        .join(Assessment, Assessment.id == Rating.assessment_id)
        .where(Assessment.household_id == s.household.id, Assessment.kind == AssessmentKind.NULMETING)
        .order_by(Rating.score)
    )
    assert list(nulmetingen) == [2, 3]
    with pytest.raises(IllegalTransition, match=r"al geopend"):
        await steps.open_evaluation(db, s.regisseur, s.trajectory, s.instrument, evaluation.id)


@pytest.mark.parametrize("phase", sorted(set(Phase) - {Phase.UITVOERING, Phase.EVALUATIE}))
async def test_an_evaluation_is_opened_only_during_the_uitvoering(db: AsyncSession, phase: Phase) -> None:
    s = await in_uitvoering(db)
    evaluation = await planned(db, s)
    s.trajectory.phase = phase
    with pytest.raises(IllegalTransition) as refusal:
        await steps.open_evaluation(db, s.regisseur, s.trajectory, s.instrument, evaluation.id)
    assert refusal.value.message == "Een evaluatie begint tijdens de uitvoering van het plan."
    assert evaluation.started_on is None
    assert (
        await db.scalar(select(func.count()).select_from(Assessment).where(Assessment.evaluation_id.is_not(None))) == 0
    )


async def test_the_decision_waits_until_every_goal_is_reviewed(db: AsyncSession) -> None:
    s = await in_uitvoering(db, goals=3)
    evaluation = await opened(db, s)
    decision = DecisionInput("doorgaan", next_on=in_days(90))
    with pytest.raises(IllegalTransition) as refusal:
        await steps.decide_evaluation(db, s.regisseur, s.trajectory, evaluation.id, decision)
    assert refusal.value.message.startswith("Er zijn nog 3 doelen niet besproken.")
    first = s.goals[0]
    await evaluations.review_goal(
        db, s.fatima, s.household.id, evaluation.id, s.instrument, ReviewInput(str(first.id), "loopt")
    )
    # Changing a review before the decision is fine: still one review of the goal.
    await evaluations.review_goal(
        db, s.fatima, s.household.id, evaluation.id, s.instrument, ReviewInput(str(first.id), "bereikt", "Gelukt")
    )
    for goal in s.goals[1:2]:
        await evaluations.review_goal(
            db, s.fatima, s.household.id, evaluation.id, s.instrument, ReviewInput(str(goal.id), "loopt")
        )
    with pytest.raises(IllegalTransition) as refusal:
        await steps.decide_evaluation(db, s.regisseur, s.trajectory, evaluation.id, decision)
    assert refusal.value.message.startswith("Er is nog 1 doel niet besproken.")
    assert evaluation.status == EvaluationStatus.GEPLAND and s.trajectory.phase == Phase.EVALUATIE
    assert EventKind.EVALUATION_HELD not in await kinds(db, s.household)
    reviews = await db.scalars(select(GoalReview).where(GoalReview.goal_id == first.id))
    assert [(r.outcome, r.note) for r in reviews] == [(GoalOutcome.BEREIKT, "Gelukt")]


async def test_goals_are_reviewed_only_once_the_evaluation_is_opened(db: AsyncSession) -> None:
    s = await in_uitvoering(db)
    evaluation = await planned(db, s)
    with pytest.raises(IllegalTransition, match=r"Open eerst de evaluatie aan tafel"):
        await evaluations.review_goal(
            db, s.fatima, s.household.id, evaluation.id, s.instrument, ReviewInput(str(s.goals[0].id), "bereikt")
        )


async def test_a_goal_bijgesteld_gets_its_new_words_through_the_plan(db: AsyncSession) -> None:
    s = await in_uitvoering(db)
    evaluation = await opened(db, s)
    goal = s.goals[0]
    new_words = ReviewInput(str(goal.id), "bijgesteld", text="Elke week de post samen openen")
    await evaluations.review_goal(db, s.fatima, s.household.id, evaluation.id, s.instrument, new_words)
    rewritten = await db.get(Goal, goal.id, populate_existing=True)
    assert rewritten is not None and rewritten.text == "Elke week de post samen openen"
    assert rewritten.horizon == goal.horizon and rewritten.domain_key == goal.domain_key
    assert (await kinds(db, s.household)).count(EventKind.GOAL_UPDATED) == 1
    # Said again with the words it now has, it stays bijgesteld (the review may be changed until the decision).
    await evaluations.review_goal(db, s.fatima, s.household.id, evaluation.id, s.instrument, new_words)


async def test_a_goal_bijgesteld_with_the_same_words_is_refused(db: AsyncSession) -> None:
    s = await in_uitvoering(db)
    evaluation = await opened(db, s)
    goal = s.goals[0]
    same = ReviewInput(str(goal.id), "bijgesteld", text=goal.text)
    with pytest.raises(InvalidInput) as refused:
        await evaluations.review_goal(db, s.fatima, s.household.id, evaluation.id, s.instrument, same)
    assert "nog net zo" in refused.value.errors["text"]
    assert (await kinds(db, s.household)).count(EventKind.GOAL_UPDATED) == 0


async def test_doorgaan_holds_the_evaluation_and_plans_the_next(db: AsyncSession) -> None:
    s = await in_uitvoering(db, goals=2)
    evaluation = await opened(db, s)
    await evaluations.review_goal(
        db, s.fatima, s.household.id, evaluation.id, s.instrument, ReviewInput(str(s.goals[0].id), "bereikt")
    )
    await evaluations.review_goal(
        db, s.fatima, s.household.id, evaluation.id, s.instrument, ReviewInput(str(s.goals[1].id), "loopt")
    )
    await steps.decide_evaluation(
        db, s.regisseur, s.trajectory, evaluation.id, DecisionInput("doorgaan", next_on=in_days(91))
    )
    await db.commit()
    held, following = await rows(db, s.trajectory)
    assert (held.status, held.held_on, held.decision) == (EvaluationStatus.GEHOUDEN, TODAY, "doorgaan")
    assert held.decided_by_id == s.regisseur.id
    next_day = TODAY + dt.timedelta(days=91)
    assert held.summary == (
        f"Op {evaluations.dutch_day(TODAY)} keken jullie samen met Fatima terug. 1 doel bereikt en 1 loopt nog. "
        f"Jullie gaan door met het plan; de volgende evaluatie is op {evaluations.dutch_day(next_day)}."
    )
    assert (following.status, following.planned_on) == (EvaluationStatus.GEPLAND, next_day)
    assert s.trajectory.phase == Phase.UITVOERING and s.trajectory.next_evaluation_on == next_day
    days = await db.scalars(select(Assessment.held_on).where(Assessment.evaluation_id == held.id))
    assert list(days) == [TODAY, TODAY]
    subject = await db.scalar(select(OutboxMessage.subject_id).where(OutboxMessage.kind == EventKind.EVALUATION_HELD))
    assert subject == held.id


async def test_afschalen_goes_to_the_waakvlam_with_its_first_checkin(db: AsyncSession) -> None:
    s = await in_uitvoering(db, goals=1)
    evaluation = await opened(db, s)
    await review_all(db, s, evaluation)
    await steps.decide_evaluation(
        db, s.regisseur, s.trajectory, evaluation.id, DecisionInput("afschalen", first_on=in_days(42))
    )
    await db.commit()
    assert s.trajectory.phase == Phase.WAAKVLAM and s.trajectory.next_evaluation_on is None
    (held,) = await rows(db, s.trajectory)
    assert held.status == EvaluationStatus.GEHOUDEN and held.decision == EvaluationDecision.AFSCHALEN
    checkins = await db.scalars(select(CheckIn.due_on).where(CheckIn.trajectory_id == s.trajectory.id))
    assert list(checkins) == [TODAY + dt.timedelta(days=42)]
    assert "waakvlam" in held.summary
    # The waakvlam reopened plans an evaluation again.
    await steps.reopen(db, s.regisseur, s.trajectory, EvaluationInput(in_days(60)))
    again = await planned(db, s)
    assert again.planned_on == TODAY + dt.timedelta(days=60) == s.trajectory.next_evaluation_on


async def test_afsluiten_closes_the_trajectory_with_the_round_as_eindmeting(db: AsyncSession) -> None:
    s = await in_uitvoering(db, goals=1)
    evaluation = await opened(db, s)
    await review_all(db, s, evaluation)
    decision = DecisionInput("afsluiten", reason="voortijdig gestopt", explanation="Gaan  verhuizen")
    await steps.decide_evaluation(db, s.regisseur, s.trajectory, evaluation.id, decision)
    await db.commit()
    assert s.trajectory.phase == Phase.AFGESLOTEN
    assert s.trajectory.exit_reason == "voortijdig gestopt: Gaan verhuizen"
    round_kinds = await db.scalars(select(Assessment.kind).where(Assessment.evaluation_id == evaluation.id))
    assert set(round_kinds) == {AssessmentKind.EINDMETING}
    assert await steps.has_eindmeting(db, s.trajectory)
    (held,) = await rows(db, s.trajectory)
    assert held.status == EvaluationStatus.GEHOUDEN
    assert held.summary.endswith("Het traject is afgesloten: het stopte eerder dan gepland (Gaan verhuizen).")


async def test_a_decision_on_an_evaluation_that_is_not_open_is_refused(db: AsyncSession) -> None:
    s = await in_uitvoering(db, goals=1)
    evaluation = await planned(db, s)
    with pytest.raises(IllegalTransition, match=r"Open eerst de evaluatie aan tafel"):
        await steps.decide_evaluation(
            db, s.regisseur, s.trajectory, evaluation.id, DecisionInput("doorgaan", next_on=in_days(90))
        )
    assert evaluation.status == EvaluationStatus.GEPLAND and s.trajectory.phase == Phase.UITVOERING


async def test_a_planned_evaluation_lapses_when_the_trajectory_closes(db: AsyncSession) -> None:
    s = await in_uitvoering(db)
    evaluation = await planned(db, s)
    await steps.close(db, s.regisseur, s.trajectory, CloseInput("verhuisd", without_eindmeting="ja"))
    await db.commit()
    (lapsed,) = await rows(db, s.trajectory)
    assert lapsed.id == evaluation.id
    assert (lapsed.status, lapsed.reason) == (EvaluationStatus.VERVALLEN, evaluations.LAPSED_CLOSED)
    assert s.trajectory.next_evaluation_on is None
    subject = await db.scalar(select(OutboxMessage.subject_id).where(OutboxMessage.kind == EventKind.EVALUATION_LAPSED))
    assert subject == evaluation.id


async def test_an_opened_evaluation_lapses_when_the_waakvlam_starts_another_way(db: AsyncSession) -> None:
    s = await in_uitvoering(db)
    evaluation = await opened(db, s)
    await steps.to_waakvlam(db, s.regisseur, s.trajectory, WaakvlamInput(first_on=in_days(30)))
    await db.commit()
    (lapsed,) = await rows(db, s.trajectory)
    assert (lapsed.id, lapsed.status, lapsed.reason) == (
        evaluation.id,
        EvaluationStatus.VERVALLEN,
        evaluations.LAPSED_WAAKVLAM,
    )
    assert s.trajectory.next_evaluation_on is None
    # Scoring ahead for it is refused now.
    with pytest.raises(IllegalTransition):
        await evaluations.score_ahead(db, s.sanne, Relation.MEMBER, s.household.id, evaluation.id, s.instrument)


async def test_start_evaluation_opens_the_planned_one_or_plans_one_for_today(db: AsyncSession) -> None:
    s = await in_uitvoering(db)
    evaluation = await planned(db, s)
    assert (await steps.start_evaluation(db, s.regisseur, s.trajectory)).id == evaluation.id
    world = await make_world(db)
    household, _people = await make_household(db, world.regisseur)
    trajectory = await lifecycle.open_trajectory(db, household.id)
    await lifecycle.decide_triage(db, trajectory, world.regisseur, TriageInput("vrijwilligers", "Een kring"))
    started = await steps.start_evaluation(db, world.regisseur, trajectory)
    assert started.planned_on == TODAY and started.started_on == TODAY
    assert trajectory.phase == Phase.EVALUATIE
    assert uuid.UUID(str(started.id)) == (await rows(db, trajectory))[0].id
