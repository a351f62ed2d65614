"""Evaluations of a trajectory's plan: planned on a day, moved with a reason, prepared by the household (guests
it invites, scores given ahead), held at the table (the household and the regisseur score in one round, each
goal is reviewed) and ended by the regisseur's decision; or lapsed when the trajectory moves on without it.

At most one evaluation of a trajectory is planned (gepland) at a time, and ``Trajectory.next_evaluation_on``
is its day: the pages and lists that show the next evaluation read that column. Only this module writes it
(``plan_evaluation``, ``record_held`` and ``lapse_planned``), together with the planned row.

Opening an evaluation and its decision are steps of the trajectory (``server.domain.workspace.steps``); they
call this module for the rows. Every event about an evaluation names it (``subject_id``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_date
from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, IllegalTransition, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import Member, Person, Phase, Trajectory, utcnow
from server.domain.network.model import NetworkPerson
from server.domain.plan import service as plan
from server.domain.plan.model import Goal
from server.domain.plan.service import GoalInput
from server.domain.policy import Actor, Relation
from server.domain.ratings import service as ratings
from server.domain.ratings.instruments import InstrumentDef
from server.domain.ratings.model import Assessment, Perspective
from server.domain.rows import get_in_household
from server.domain.text import clean, refused
from server.domain.workspace.model import (
    Evaluation,
    EvaluationDecision,
    EvaluationGuest,
    EvaluationStatus,
    GoalOutcome,
    GoalReview,
    Involvement,
)

# The next evaluation, unless the regisseur chooses another day: the gemeente's interval
# (Municipality.evaluation_interval_weeks; by default thirteen weeks, seed 000: the plan is looked at again
# after about three months).
DEFAULT_EVALUATION_WEEKS = 13
# Evaluations and check-ins are planned at most a year ahead.
MAX_AHEAD = dt.timedelta(days=366)
MAX_REASON = 200
MAX_NOTE = 300
# Why a planned evaluation lapsed (Evaluation.reason of a vervallen row).
LAPSED_CLOSED = "afgesloten"
LAPSED_WAAKVLAM = "waakvlam"
# Phases in which an evaluation can be planned by hand (when none is planned): from the akkoord on, and a
# trajectory that went straight to uitvoering after the triage.
PLANNABLE = frozenset({Phase.PLAN_VASTGESTELD, Phase.UITVOERING, Phase.EVALUATIE})
NETWORK_GUEST = "netwerk"
ORGANISATION_GUEST = "organisatie"


def today() -> dt.date:
    return utcnow().date()


def default_evaluation(after: dt.date | None = None, weeks: int = DEFAULT_EVALUATION_WEEKS) -> dt.date:
    """The day the next evaluation is proposed: ``weeks`` (the gemeente's interval) after ``after``."""
    return (after or today()) + dt.timedelta(weeks=weeks)


def parse_day(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None


def planned_day(raw: str, *, required: bool = True) -> tuple[dt.date | None, str | None]:
    """A day to plan something on: after today and at most a year ahead. Returns the day or a message."""
    if not raw.strip():
        return None, (N_("Vul een datum in.") if required else None)
    day = parse_day(raw)
    if day is None:
        return None, N_("Vul een datum in, bijvoorbeeld 15-03-2027.")
    if day <= today():
        return None, N_("Kies een datum na vandaag.")
    if day > today() + MAX_AHEAD:
        return None, N_("Kies een datum binnen een jaar.")
    return day, None


# --------------------------------------------------------------------------------------------------------
# Reading one evaluation
# --------------------------------------------------------------------------------------------------------


async def get_evaluation(db: AsyncSession, household_id: uuid.UUID, evaluation_id: uuid.UUID) -> Evaluation:
    """One evaluation of the household; another household's is as absent as a missing one."""
    return await get_in_household(db, Evaluation, evaluation_id, household_id)


async def hold_trajectory(db: AsyncSession, trajectory: Trajectory) -> None:
    """Take the trajectory's row for the rest of the transaction, then read it again: one change of its
    evaluations at a time. Two requests at once (a double click, or the regisseur and a covering colleague)
    would otherwise both find the evaluation still planned and both act on it: a second planned row (which the
    database refuses, an error page), a second decision, a second review or round. The second now waits for
    the first to commit and then finds what it did. (An UPDATE rather than SELECT ... FOR UPDATE: SQLite has no
    row locks, and there it takes the database's write lock.)"""
    await db.flush()
    await db.execute(
        update(Trajectory)
        .where(Trajectory.id == trajectory.id)
        .values(version=Trajectory.version)
        .execution_options(synchronize_session=False)
    )
    await db.refresh(trajectory)


async def held_evaluation(db: AsyncSession, household_id: uuid.UUID, evaluation_id: uuid.UUID) -> Evaluation:
    """The evaluation to change, read after its trajectory is held (``hold_trajectory``)."""
    evaluation = await get_evaluation(db, household_id, evaluation_id)
    trajectory = await db.get(Trajectory, evaluation.trajectory_id)
    if trajectory is None:
        raise NotFound
    await hold_trajectory(db, trajectory)
    await db.refresh(evaluation)
    return evaluation


async def planned_of(db: AsyncSession, trajectory_id: uuid.UUID) -> Evaluation | None:
    """The trajectory's planned evaluation, if it has one (there is at most one)."""
    planned: Evaluation | None = await db.scalar(
        select(Evaluation).where(
            Evaluation.trajectory_id == trajectory_id, Evaluation.status == EvaluationStatus.GEPLAND
        )
    )
    return planned


def _still_planned(evaluation: Evaluation) -> None:
    if evaluation.status == EvaluationStatus.GEHOUDEN:
        raise IllegalTransition(N_("Deze evaluatie is al gehouden."))
    if evaluation.status != EvaluationStatus.GEPLAND:
        raise IllegalTransition(
            N_("Deze evaluatie gaat niet door; er is een andere gepland of het traject ging verder.")
        )


def _opened(evaluation: Evaluation) -> None:
    _still_planned(evaluation)
    if evaluation.started_on is None:
        raise IllegalTransition(
            N_("Open eerst de evaluatie aan tafel. Daarna bespreken jullie de doelen en besluiten.")
        )


# --------------------------------------------------------------------------------------------------------
# Planning, and the one column that mirrors the planned day
# --------------------------------------------------------------------------------------------------------


async def plan_evaluation(
    db: AsyncSession,
    trajectory: Trajectory,
    actor: Person | None,
    day: dt.date,
    *,
    first: bool = False,
    announce: bool = True,
) -> Evaluation:
    """Plan the trajectory's evaluation on ``day``: the planned one moves to that day, or a new one is planned.
    ``Trajectory.next_evaluation_on`` follows. ``announce`` tells the household in its timeline (a decision
    to go on tells the next day in its own summary)."""
    planned = await planned_of(db, trajectory.id)
    if planned is None:
        planned = Evaluation(
            household_id=trajectory.household_id,
            trajectory_id=trajectory.id,
            planned_on=day,
            status=EvaluationStatus.GEPLAND,
            created_by_id=actor.id if actor else None,
            created_at=utcnow(),
        )
        db.add(planned)
        await db.flush()
    else:
        planned.planned_on = day
    trajectory.next_evaluation_on = day
    if announce:
        await record_event(
            db,
            household_id=trajectory.household_id,
            actor=actor,
            kind=EventKind.EVALUATION_PLANNED,
            detail={"evaluation_on": day.isoformat(), "first": first},
            subject_id=planned.id,
        )
    return planned


async def lapse_planned(db: AsyncSession, trajectory: Trajectory, actor: Person | None, why: str) -> Evaluation | None:
    """The trajectory moves on without its planned evaluation (closed, or to the waakvlam by another way than
    an evaluation's decision): the evaluation lapses. ``next_evaluation_on`` mirrors the planned row, so a
    trajectory without that day has nothing planned and costs no query."""
    if trajectory.next_evaluation_on is None:
        return None
    planned = await planned_of(db, trajectory.id)
    trajectory.next_evaluation_on = None
    if planned is None:
        return None
    planned.status = EvaluationStatus.VERVALLEN
    planned.reason = why
    await record_event(
        db,
        household_id=trajectory.household_id,
        actor=actor,
        kind=EventKind.EVALUATION_LAPSED,
        detail={"planned_on": planned.planned_on.isoformat(), "why": why},
        subject_id=planned.id,
    )
    return planned


@dataclass
class PlanInput:
    """The day of an evaluation the regisseur plans by hand (when none is planned)."""

    evaluation_on: str = ""

    def validate(self) -> dt.date:
        day, error = planned_day(self.evaluation_on)
        if error or day is None:
            raise InvalidInput({"evaluation_on": error or N_("Vul een datum in.")})
        return day


async def plan_by_hand(db: AsyncSession, actor: Person, trajectory: Trajectory, data: PlanInput) -> Evaluation:
    """The regisseur plans an evaluation where none is planned (a trajectory that went straight to uitvoering
    after the triage has none yet)."""
    day = data.validate()
    await hold_trajectory(db, trajectory)
    if trajectory.phase not in PLANNABLE:
        raise IllegalTransition(N_("Een evaluatie plan je vanaf het akkoord op het plan, tot de waakvlam."))
    if await planned_of(db, trajectory.id) is not None:
        raise IllegalTransition(N_("Er is al een evaluatie gepland. Verzet die als de dag niet goed is."))
    return await plan_evaluation(db, trajectory, actor, day)


# --------------------------------------------------------------------------------------------------------
# Moving (verzetten)
# --------------------------------------------------------------------------------------------------------


@dataclass
class MoveInput:
    """Another day for a planned evaluation, and why, in a few words."""

    planned_on: str = ""
    reason: str = ""

    def validate(self, current: dt.date) -> dt.date:
        errors = refused(reason=self.reason)
        self.reason = clean(self.reason)
        day, error = planned_day(self.planned_on)
        if error:
            errors["planned_on"] = error
        elif day == current:
            errors["planned_on"] = N_("Kies een andere dag dan de dag waarop de evaluatie nu staat.")
        if not self.reason and "reason" not in errors:
            errors["reason"] = N_("Schrijf in een paar woorden waarom de evaluatie verzet wordt.")
        elif len(self.reason) > MAX_REASON:
            errors["reason"] = N_("De reden is te lang (hoogstens %(max)s tekens).", max=MAX_REASON)
        if errors or day is None:
            raise InvalidInput(errors)
        return day


async def move_evaluation(
    db: AsyncSession, actor: Person, household_id: uuid.UUID, evaluation_id: uuid.UUID, data: MoveInput
) -> Evaluation:
    """The regisseur moves the planned evaluation to another day. The old row keeps its day and the reason
    (verzet); a new planned row takes the guests and any scores given ahead with it. Returns the new row."""
    old = await held_evaluation(db, household_id, evaluation_id)
    day = data.validate(old.planned_on)
    _still_planned(old)
    if old.started_on is not None:
        raise IllegalTransition(N_("De evaluatie is al geopend aan tafel. Verzetten kan dan niet meer."))
    trajectory = await db.get(Trajectory, old.trajectory_id)
    if trajectory is None:
        raise NotFound
    old.status = EvaluationStatus.VERZET
    old.reason = data.reason
    # The old row stops being the planned one before the new one is written (one planned row per trajectory).
    await db.flush()
    new = await plan_evaluation(db, trajectory, actor, day, announce=False)
    guests = list(await db.scalars(select(EvaluationGuest).where(EvaluationGuest.evaluation_id == old.id)))
    db.add_all(
        EvaluationGuest(
            evaluation_id=new.id,
            household_id=household_id,
            network_person_id=guest.network_person_id,
            organisation_id=guest.organisation_id,
            name=guest.name,
            invited_by_id=guest.invited_by_id,
            created_at=guest.created_at,
        )
        for guest in guests
    )
    await ratings.move_round(db, old.id, new.id)
    await record_event(
        db,
        household_id=household_id,
        actor=actor,
        kind=EventKind.EVALUATION_MOVED,
        detail={"from": old.planned_on.isoformat(), "to": day.isoformat(), "reason": data.reason},
        subject_id=new.id,
    )
    return new


# --------------------------------------------------------------------------------------------------------
# Who takes part: the household invites from its network map or a partner organisation involved with it
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuestChoice:
    """Someone the household can invite: ``key`` is how the form names them ("netwerk:<id>")."""

    key: str
    name: str
    is_organisation: bool


async def guest_choices(db: AsyncSession, household_id: uuid.UUID) -> list[GuestChoice]:
    """The people of the network map the household does not keep out, then the partner organisations that
    help it now. Two queries."""
    people = await db.execute(
        select(NetworkPerson.id, NetworkPerson.name)
        .where(NetworkPerson.household_id == household_id, NetworkPerson.not_involved.is_(False))
        .order_by(NetworkPerson.ring, NetworkPerson.name, NetworkPerson.id)
    )
    organisations = await db.execute(
        select(Involvement.organisation_id, func.min(Involvement.organisation_name))
        .where(
            Involvement.household_id == household_id,
            Involvement.organisation_id.is_not(None),
            Involvement.to_on.is_(None),
        )
        .group_by(Involvement.organisation_id)
        .order_by(func.min(Involvement.organisation_name))
    )
    return [GuestChoice(f"{NETWORK_GUEST}:{row_id}", name, False) for row_id, name in people.tuples()] + [
        GuestChoice(f"{ORGANISATION_GUEST}:{org_id}", name, True) for org_id, name in organisations.tuples()
    ]


@dataclass
class GuestInput:
    """One guest, as the form names them (see ``GuestChoice.key``)."""

    guest: str = ""


async def invite_guest(
    db: AsyncSession, actor: Person, household_id: uuid.UUID, evaluation_id: uuid.UUID, data: GuestInput
) -> EvaluationGuest:
    """The household invites someone of its network, or an organisation that helps it, to a planned
    evaluation."""
    evaluation = await held_evaluation(db, household_id, evaluation_id)
    choices = {choice.key: choice for choice in await guest_choices(db, household_id)}
    choice = choices.get(data.guest)
    if choice is None:
        raise InvalidInput({"guest": N_("Kies iemand uit jullie netwerk of een organisatie die jullie helpt.")})
    _still_planned(evaluation)
    kind, _sep, raw_id = choice.key.partition(":")
    chosen = uuid.UUID(raw_id)
    column = EvaluationGuest.organisation_id if kind == ORGANISATION_GUEST else EvaluationGuest.network_person_id
    if await db.scalar(select(exists().where(EvaluationGuest.evaluation_id == evaluation.id, column == chosen))):
        raise InvalidInput({"guest": N_("%(name)s is al uitgenodigd.", name=choice.name)})
    guest = EvaluationGuest(
        evaluation_id=evaluation.id,
        household_id=household_id,
        network_person_id=chosen if kind == NETWORK_GUEST else None,
        organisation_id=chosen if kind == ORGANISATION_GUEST else None,
        name=choice.name,
        invited_by_id=actor.id,
        created_at=utcnow(),
    )
    db.add(guest)
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor,
        kind=EventKind.EVALUATION_GUEST_INVITED,
        detail={"name": choice.name, "planned_on": evaluation.planned_on.isoformat()},
        subject_id=evaluation.id,
    )
    return guest


async def remove_guest(db: AsyncSession, household_id: uuid.UUID, evaluation_id: uuid.UUID, data: GuestInput) -> None:
    """The household takes a guest off the list of a planned evaluation (``data.guest`` is the guest's id). A
    guest no longer on the list (a second click) changes nothing."""
    evaluation = await get_evaluation(db, household_id, evaluation_id)
    _still_planned(evaluation)
    try:
        guest_id = uuid.UUID(data.guest)
    except ValueError:
        return
    guest = await db.scalar(
        select(EvaluationGuest).where(EvaluationGuest.id == guest_id, EvaluationGuest.evaluation_id == evaluation.id)
    )
    if guest is not None:
        await db.delete(guest)
        await db.flush()


# --------------------------------------------------------------------------------------------------------
# Scores: one round for the household and the regisseur
# --------------------------------------------------------------------------------------------------------


async def score_ahead(
    db: AsyncSession,
    actor: Actor,
    relation: Relation,
    household_id: uuid.UUID,
    evaluation_id: uuid.UUID,
    instrument: InstrumentDef,
) -> Assessment:
    """Before a planned evaluation, the household gives its scores ahead ("alvast scores geven"): its
    assessment of the evaluation's round, which the scores page then writes into."""
    evaluation = await held_evaluation(db, household_id, evaluation_id)
    _still_planned(evaluation)
    return await ratings.round_assessment(
        db,
        household_id,
        instrument,
        ratings.perspective_of(relation),
        evaluation.id,
        created_by_id=actor.id,
        held_on=today(),
    )


def check_openable(evaluation: Evaluation) -> None:
    """Refuse opening an evaluation that is no longer planned, or already open."""
    _still_planned(evaluation)
    if evaluation.started_on is not None:
        raise IllegalTransition(N_("De evaluatie is al geopend. Bespreek de doelen en kies hoe het verder gaat."))


async def open_round(db: AsyncSession, actor: Person, evaluation: Evaluation, instrument: InstrumentDef) -> None:
    """The evaluation is opened at the table: the regisseur's assessment of its round, and the household's if
    it did not score ahead, so that both score in the same round."""
    check_openable(evaluation)
    evaluation.started_on = today()
    for perspective in (Perspective.HOUSEHOLD, Perspective.PROFESSIONAL):
        await ratings.round_assessment(
            db,
            evaluation.household_id,
            instrument,
            perspective,
            evaluation.id,
            created_by_id=actor.id,
            held_on=today(),
        )
    await record_event(
        db,
        household_id=evaluation.household_id,
        actor=actor,
        kind=EventKind.EVALUATION_STARTED,
        detail={"planned_on": evaluation.planned_on.isoformat()},
        subject_id=evaluation.id,
    )


# --------------------------------------------------------------------------------------------------------
# Goals, one by one
# --------------------------------------------------------------------------------------------------------


@dataclass
class ReviewInput:
    """How one goal is doing: an outcome, a short note, and for a goal that is bijgesteld its new words."""

    goal: str = ""
    outcome: str = ""
    note: str = ""
    text: str = ""

    def validate(self) -> GoalOutcome:
        errors = refused(("note",), note=self.note, text=self.text)
        self.note = clean(self.note)
        self.text = clean(self.text)
        outcome = GoalOutcome(self.outcome) if self.outcome in GoalOutcome._value2member_map_ else None
        if outcome is None:
            errors["outcome"] = N_("Kies hoe het met dit doel gaat.")
        if len(self.note) > MAX_NOTE and "note" not in errors:
            errors["note"] = N_("De notitie is te lang (hoogstens %(max)s tekens).", max=MAX_NOTE)
        if outcome is GoalOutcome.BIJGESTELD and not self.text and "text" not in errors:
            errors["text"] = N_("Schrijf op hoe het doel nu luidt, in de woorden van het huishouden.")
        elif len(self.text) > plan.MAX_GOAL and "text" not in errors:
            errors["text"] = N_("Het doel is te lang (hoogstens %(max)s tekens).", max=plan.MAX_GOAL)
        if errors or outcome is None:
            raise InvalidInput(errors)
        return outcome

    def goal_id(self) -> uuid.UUID:
        try:
            return uuid.UUID(self.goal)
        except ValueError as exc:
            raise NotFound from exc


async def review_goal(
    db: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    evaluation_id: uuid.UUID,
    instrument: InstrumentDef,
    data: ReviewInput,
) -> GoalReview:
    """The regisseur records, with the household, how a goal is doing. A goal that is bijgesteld gets its new
    words through the plan's own edit, so the household reads the change in its plan and timeline. A review
    may be changed again until the decision."""
    evaluation = await held_evaluation(db, household_id, evaluation_id)
    _opened(evaluation)
    outcome = data.validate()
    goal = await plan.get_goal(db, household_id, data.goal_id())
    review = await db.scalar(
        select(GoalReview).where(GoalReview.evaluation_id == evaluation.id, GoalReview.goal_id == goal.id)
    )
    already_adjusted = review is not None and review.outcome == GoalOutcome.BIJGESTELD
    if outcome is GoalOutcome.BIJGESTELD and data.text == goal.text and not already_adjusted:
        # The field starts with the goal's words: "bijgesteld" with the same words would count a change that
        # is not there.
        raise InvalidInput({"text": N_("Het doel staat er nog net zo. Schrijf op hoe het doel nu luidt.")})
    if outcome is GoalOutcome.BIJGESTELD and data.text != goal.text:
        await plan.update_goal(
            db,
            actor,
            household_id,
            goal.id,
            instrument,
            GoalInput(
                domain_key=goal.domain_key,
                text=data.text,
                horizon=str(goal.horizon),
                target_score=str(goal.target_score) if goal.target_score is not None else "",
                version=str(goal.version),
            ),
        )
    if review is None:
        review = GoalReview(evaluation_id=evaluation.id, household_id=household_id, goal_id=goal.id, outcome=outcome)
        db.add(review)
    review.outcome = outcome
    review.note = data.note
    review.reviewed_by_id = actor.id
    review.updated_at = utcnow()
    await db.flush()
    return review


async def unreviewed(db: AsyncSession, household_id: uuid.UUID, evaluation_id: uuid.UUID) -> int:
    """How many goals of the plan have no review in this evaluation yet."""
    count = await db.scalar(
        select(func.count())
        .select_from(Goal)
        .where(
            Goal.household_id == household_id,
            Goal.removed_at.is_(None),
            ~exists().where(GoalReview.evaluation_id == evaluation_id, GoalReview.goal_id == Goal.id),
        )
    )
    return int(count or 0)


async def outcome_counts(db: AsyncSession, evaluation_id: uuid.UUID) -> dict[str, int]:
    """The reviews of an evaluation counted per outcome (every outcome present, zero or more)."""
    rows = await db.execute(
        select(GoalReview.outcome, func.count())
        .where(GoalReview.evaluation_id == evaluation_id)
        .group_by(GoalReview.outcome)
    )
    counts = {str(outcome): 0 for outcome in GoalOutcome}
    counts.update({str(outcome): int(n) for outcome, n in rows.tuples()})
    return counts


# --------------------------------------------------------------------------------------------------------
# Held: the decision's record and its summary
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldFacts:
    """What the summary of a held evaluation tells, as the timeline event keeps it (``as_detail``)."""

    held_on: dt.date
    regisseur: str
    outcomes: dict[str, int]
    decision: EvaluationDecision
    next_on: dt.date | None = None  # doorgaan: the next evaluation
    checkin_on: dt.date | None = None  # afschalen: the first check-in of the waakvlam
    exit_reason: str = ""  # afsluiten: as the trajectory keeps it ("overgedragen: MEE")

    def as_detail(self) -> dict[str, Any]:
        return {
            "held_on": self.held_on.isoformat(),
            "regisseur": self.regisseur,
            "outcomes": dict(self.outcomes),
            "decision": str(self.decision),
            "next_on": self.next_on.isoformat() if self.next_on else "",
            "checkin_on": self.checkin_on.isoformat() if self.checkin_on else "",
            "exit_reason": self.exit_reason,
        }

    @classmethod
    def from_detail(cls, detail: dict[str, Any]) -> HeldFacts | None:
        """The facts of a timeline event, or None when the event does not hold them."""
        held_on = parse_day(str(detail.get("held_on", "")))
        decision = str(detail.get("decision", ""))
        if held_on is None or decision not in EvaluationDecision._value2member_map_:
            return None
        outcomes = detail.get("outcomes")
        return cls(
            held_on=held_on,
            regisseur=str(detail.get("regisseur", "")),
            outcomes={str(k): int(v) for k, v in outcomes.items()} if isinstance(outcomes, dict) else {},
            decision=EvaluationDecision(decision),
            next_on=parse_day(str(detail.get("next_on", ""))),
            checkin_on=parse_day(str(detail.get("checkin_on", ""))),
            exit_reason=str(detail.get("exit_reason", "")),
        )


# The goals' outcomes in the summary: the first part names the goals ("2 doelen bereikt"), the next ones
# only the number ("1 loopt nog").
_FIRST_PART: dict[GoalOutcome, Callable[[int], N_]] = {
    GoalOutcome.BEREIKT: lambda n: N_("%(num)s doel bereikt", num=n) if n == 1 else N_("%(num)s doelen bereikt", num=n),
    GoalOutcome.LOOPT: lambda n: (
        N_("%(num)s doel loopt nog", num=n) if n == 1 else N_("%(num)s doelen lopen nog", num=n)
    ),
    GoalOutcome.BIJGESTELD: lambda n: (
        N_("%(num)s doel bijgesteld", num=n) if n == 1 else N_("%(num)s doelen bijgesteld", num=n)
    ),
    GoalOutcome.GESTOPT: lambda n: N_("%(num)s doel gestopt", num=n) if n == 1 else N_("%(num)s doelen gestopt", num=n),
}
_NEXT_PART: dict[GoalOutcome, Callable[[int], N_]] = {
    GoalOutcome.BEREIKT: lambda n: N_("%(num)s bereikt", num=n),
    GoalOutcome.LOOPT: lambda n: N_("%(num)s loopt nog", num=n) if n == 1 else N_("%(num)s lopen nog", num=n),
    GoalOutcome.BIJGESTELD: lambda n: N_("%(num)s bijgesteld", num=n),
    GoalOutcome.GESTOPT: lambda n: N_("%(num)s gestopt", num=n),
}


def _exit_sentence(exit_reason: str) -> N_:
    reason, _sep, more = exit_reason.partition(":")
    more = more.strip()
    sentences = {
        "doelen bereikt": N_("Het traject is afgesloten: jullie hebben jullie doelen bereikt."),
        "overgedragen": N_("Het traject is afgesloten: %(more)s helpt jullie verder.", more=more),
        "voortijdig gestopt": N_("Het traject is afgesloten: het stopte eerder dan gepland (%(more)s).", more=more),
        "verhuisd": N_("Het traject is afgesloten, omdat jullie verhuisd zijn."),
        "hulp geweigerd": N_("Het traject is afgesloten, omdat jullie deze hulp niet meer wilden."),
    }
    return sentences.get(reason, N_("Het traject is afgesloten."))


def summary_text(facts: HeldFacts, *, day: Callable[[dt.date], str], translate: Callable[[str], str] = str) -> str:
    """The short B1 summary of a held evaluation: who looked back when, how the goals are doing, and what was
    decided. ``day`` writes a date and ``translate`` a sentence in the reader's language; by default Dutch, as
    the evaluation row keeps it."""
    sentences: list[str] = []
    if facts.regisseur:
        sentences.append(
            translate(
                N_("Op %(date)s keken jullie samen met %(name)s terug.", date=day(facts.held_on), name=facts.regisseur)
            )
        )
    else:
        sentences.append(translate(N_("Op %(date)s keken jullie samen terug.", date=day(facts.held_on))))
    parts: list[str] = []
    for outcome in GoalOutcome:
        num = facts.outcomes.get(str(outcome), 0)
        if num:
            parts.append(translate((_NEXT_PART if parts else _FIRST_PART)[outcome](num)))
    if len(parts) == 1:
        sentences.append(translate(N_("%(parts)s.", parts=parts[0])))
    elif parts:
        joined = translate(N_("%(first)s en %(last)s", first=", ".join(parts[:-1]), last=parts[-1]))
        sentences.append(translate(N_("%(parts)s.", parts=joined)))
    if facts.decision is EvaluationDecision.DOORGAAN:
        when = day(facts.next_on) if facts.next_on else ""
        sentences.append(
            translate(N_("Jullie gaan door met het plan; de volgende evaluatie is op %(date)s.", date=when))
        )
    elif facts.decision is EvaluationDecision.AFSCHALEN:
        when = day(facts.checkin_on) if facts.checkin_on else ""
        sentences.append(
            translate(
                N_(
                    "Het gaat goed genoeg om los te laten: er komt een waakvlam. De eerste check-in is op %(date)s.",
                    date=when,
                )
            )
        )
    else:
        sentences.append(translate(_exit_sentence(facts.exit_reason)))
    return " ".join(sentences)


def dutch_day(value: dt.date) -> str:
    """A day as the stored summary writes it: "3 december"."""
    return format_date(value, "d MMMM", locale="nl")


async def record_held(
    db: AsyncSession, actor: Person, trajectory: Trajectory, evaluation: Evaluation, facts: HeldFacts
) -> None:
    """The evaluation is held: its day, the decision and who took it, the summary on the row and in the
    household's timeline, and the round's assessments on the held day. Nothing is planned any more until the
    decision plans the next one (``plan_evaluation``)."""
    evaluation.status = EvaluationStatus.GEHOUDEN
    evaluation.held_on = facts.held_on
    evaluation.decision = facts.decision
    evaluation.decided_by_id = actor.id
    evaluation.summary = summary_text(facts, day=dutch_day)
    trajectory.next_evaluation_on = None
    await ratings.hold_round(db, evaluation.id, facts.held_on, final=facts.decision is EvaluationDecision.AFSLUITEN)
    await record_event(
        db,
        household_id=evaluation.household_id,
        actor=actor,
        kind=EventKind.EVALUATION_HELD,
        detail=facts.as_detail(),
        subject_id=evaluation.id,
    )


# --------------------------------------------------------------------------------------------------------
# The read side: the household's evaluations, one evaluation's page, the next one on a start page
# --------------------------------------------------------------------------------------------------------


async def evaluations_of(db: AsyncSession, household_id: uuid.UUID) -> list[Evaluation]:
    """Every evaluation of the household, the latest day first."""
    return list(
        await db.scalars(
            select(Evaluation)
            .where(Evaluation.household_id == household_id)
            .order_by(Evaluation.planned_on.desc(), Evaluation.created_at.desc())
        )
    )


@dataclass
class ReviewedGoal:
    goal: Goal
    review: GoalReview | None = None


@dataclass
class EvaluationView:
    """One evaluation with everything its page shows. A fixed number of queries."""

    evaluation: Evaluation
    phase: Phase
    regisseur: str
    members: list[str]
    guests: list[EvaluationGuest]
    choices: list[GuestChoice]
    goals: list[ReviewedGoal]
    round: dict[Perspective, ratings.AssessmentView] = field(default_factory=dict)

    @property
    def opened(self) -> bool:
        return self.evaluation.status == EvaluationStatus.GEPLAND and self.evaluation.started_on is not None

    @property
    def left(self) -> int:
        """Goals without a review yet."""
        return sum(1 for item in self.goals if item.review is None)


async def load_evaluation(
    db: AsyncSession, household_id: uuid.UUID, evaluation_id: uuid.UUID, *, with_choices: bool
) -> EvaluationView:
    """The evaluation's page: the trajectory's phase and regisseur, who takes part, the goals with their
    reviews (once the evaluation is opened or held) and the round's scores. ``with_choices`` adds whom the
    household can still invite."""
    evaluation = await get_evaluation(db, household_id, evaluation_id)
    row = (
        await db.execute(
            select(Trajectory.phase, Person.display_name)
            .outerjoin(Person, Person.id == Trajectory.regisseur_id)
            .where(Trajectory.id == evaluation.trajectory_id)
        )
    ).first()
    phase, regisseur = (Phase(row[0]), row[1] or "") if row else (Phase.AFGESLOTEN, "")
    members = list(
        await db.scalars(
            select(Member.first_name)
            .where(Member.household_id == household_id, Member.is_adult.is_(True))
            .order_by(Member.created_at, Member.id)
        )
    )
    guests = list(
        await db.scalars(
            select(EvaluationGuest)
            .where(EvaluationGuest.evaluation_id == evaluation.id)
            .order_by(EvaluationGuest.created_at, EvaluationGuest.id)
        )
    )
    planned = evaluation.status == EvaluationStatus.GEPLAND
    choices: list[GuestChoice] = []
    if with_choices and planned:
        invited = {str(g.network_person_id or g.organisation_id) for g in guests}
        choices = [c for c in await guest_choices(db, household_id) if c.key.partition(":")[2] not in invited]
    goals: list[ReviewedGoal] = []
    if evaluation.started_on is not None or evaluation.status == EvaluationStatus.GEHOUDEN:
        reviews = {
            r.goal_id: r for r in await db.scalars(select(GoalReview).where(GoalReview.evaluation_id == evaluation.id))
        }
        if planned:
            # Being held: every goal of the plan, to review one by one.
            shown = await db.scalars(
                select(Goal)
                .where(Goal.household_id == household_id, Goal.removed_at.is_(None))
                .order_by(Goal.created_at, Goal.id)
            )
        else:
            # Held: the goals as they were reviewed (their words as they are now).
            shown = await db.scalars(
                select(Goal)
                .join(GoalReview, and_(GoalReview.goal_id == Goal.id, GoalReview.evaluation_id == evaluation.id))
                .order_by(Goal.created_at, Goal.id)
            )
        goals = [ReviewedGoal(goal, reviews.get(goal.id)) for goal in shown]
    return EvaluationView(
        evaluation=evaluation,
        phase=phase,
        regisseur=regisseur,
        members=members,
        guests=guests,
        choices=choices,
        goals=goals,
        round=await ratings.load_round(db, evaluation.id),
    )


@dataclass(frozen=True)
class NextEvaluation:
    """A household's planned evaluation, as its start page shows it."""

    household_id: uuid.UUID
    evaluation_id: uuid.UUID
    planned_on: dt.date
    opened: bool
    scored_ahead: bool


async def next_for_households(db: AsyncSession, household_ids: list[uuid.UUID]) -> dict[uuid.UUID, NextEvaluation]:
    """The planned evaluation of each of these households, and whether the household already scores for it.
    One query."""
    if not household_ids:
        return {}
    ahead = exists().where(Assessment.evaluation_id == Evaluation.id, Assessment.perspective == Perspective.HOUSEHOLD)
    rows = await db.execute(
        select(Evaluation.household_id, Evaluation.id, Evaluation.planned_on, Evaluation.started_on, ahead).where(
            Evaluation.household_id.in_(household_ids), Evaluation.status == EvaluationStatus.GEPLAND
        )
    )
    return {
        household_id: NextEvaluation(household_id, evaluation_id, planned_on, started_on is not None, bool(scored))
        for household_id, evaluation_id, planned_on, started_on, scored in rows.tuples()
    }


@dataclass
class DossierEvaluation:
    """An evaluation as the dossier keeps it: the row, the guests' names and each goal's review."""

    evaluation: Evaluation
    guests: list[str] = field(default_factory=list)
    reviews: list[tuple[str, GoalReview]] = field(default_factory=list)  # the goal's words, its review


async def dossier_of(db: AsyncSession, household_id: uuid.UUID) -> list[DossierEvaluation]:
    """Every evaluation of the household for its dossier, the latest day first. Three queries."""
    items = {e.id: DossierEvaluation(e) for e in await evaluations_of(db, household_id)}
    if not items:
        return []
    guests = await db.execute(
        select(EvaluationGuest.evaluation_id, EvaluationGuest.name)
        .where(EvaluationGuest.household_id == household_id)
        .order_by(EvaluationGuest.created_at, EvaluationGuest.id)
    )
    for evaluation_id, name in guests.tuples():
        if evaluation_id in items:
            items[evaluation_id].guests.append(name)
    reviews = await db.execute(
        select(Goal.text, GoalReview)
        .join(Goal, Goal.id == GoalReview.goal_id)
        .where(GoalReview.household_id == household_id)
        .order_by(Goal.created_at, Goal.id)
    )
    for text, review in reviews.tuples():
        if review.evaluation_id in items:
            items[review.evaluation_id].reviews.append((text, review))
    return list(items.values())
