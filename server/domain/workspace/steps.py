"""The steps of a trajectory after the intake: the household's akkoord on its plan (said on its own phone, or
recorded by the regisseur at the table), uitvoering, evaluatie (opened at the table, ended by the regisseur's
decision), the waakvlam with its check-ins and a one-step reopen, and the afsluiting with one of the exit reasons.

Every step goes through ``lifecycle.move`` (which refuses what the lifecycle does not allow) and is a timeline
event the household reads. The conditions of each step (an intake that is complete, a plan with goals, a date
in the future, every goal reviewed) are checked here, before anything is stored. The evaluations themselves
(planned, moved, their guests, scores and goal reviews) are kept by ``server.domain.workspace.evaluation``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Label, case, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import lifecycle
from server.domain.errors import N_, IllegalTransition, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import Household, Person, Phase, Trajectory, utcnow
from server.domain.plan.model import Goal, PlanAction
from server.domain.ratings import instruments
from server.domain.ratings.instruments import InstrumentDef
from server.domain.ratings.model import Assessment, AssessmentKind
from server.domain.text import clean, refused
from server.domain.workspace import evaluation as evaluations

# The days things are planned on follow the evaluations' rules; the steps' callers know them by these names.
from server.domain.workspace.evaluation import DEFAULT_EVALUATION_WEEKS as DEFAULT_EVALUATION_WEEKS
from server.domain.workspace.evaluation import default_evaluation as default_evaluation
from server.domain.workspace.evaluation import planned_day
from server.domain.workspace.evaluation import today as today
from server.domain.workspace.intake import intake_complete
from server.domain.workspace.model import (
    AgreementWay,
    CheckIn,
    Evaluation,
    EvaluationDecision,
    EvaluationStatus,
    Intake,
    PlanAgreement,
)

MAX_CHECKINS = 3
MAX_NOTE = 300
MAX_EXPLANATION = 170  # "voortijdig gestopt: " and the reason fit in Trajectory.exit_reason (200)
MAX_ORGANISATION = lifecycle.MAX_ORGANISATION

# The phases in which the trajectory can be closed from the closing page (before the intake, the triage
# decides; "geen regie nodig" closes it there).
CLOSABLE = frozenset({Phase.INTAKE, Phase.PLAN_VASTGESTELD, Phase.UITVOERING, Phase.EVALUATIE, Phase.WAAKVLAM})
STOPPED = "voortijdig gestopt"
HANDED_OVER = "overgedragen"


# --------------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------------


@dataclass
class AgreementInput:
    """The regisseur records that the household agreed at the table, and on which day."""

    agreed_on: str = ""

    def validate(self) -> dt.date:
        day = evaluations.parse_day(self.agreed_on) if self.agreed_on.strip() else None
        if day is None:
            raise InvalidInput({"agreed_on": N_("Vul in op welke dag het huishouden akkoord gaf.")})
        if day > today():
            raise InvalidInput({"agreed_on": N_("De dag van het akkoord kan niet in de toekomst liggen.")})
        return day


# The day of the next evaluation: the same input as planning one by hand.
EvaluationInput = evaluations.PlanInput


@dataclass
class WaakvlamInput:
    """The check-ins of the waakvlam: the first is needed, two more may be planned at once."""

    first_on: str = ""
    second_on: str = ""
    third_on: str = ""

    def validate(self) -> list[dt.date]:
        errors: dict[str, str] = {}
        days: list[dt.date] = []
        for name, raw in (("first_on", self.first_on), ("second_on", self.second_on), ("third_on", self.third_on)):
            day, error = planned_day(raw, required=name == "first_on")
            if error:
                errors[name] = error
            elif day is not None:
                days.append(day)
        if errors:
            raise InvalidInput(errors)
        return sorted(set(days))


@dataclass
class CheckInAnswer:
    """How a check-in went: well or not, a short note, and optionally the day of the next check-in."""

    checkin: str = ""
    went_well: str = ""
    note: str = ""
    next_on: str = ""

    def validate(self) -> tuple[uuid.UUID, bool, dt.date | None]:
        errors: dict[str, str] = refused(("note",), note=self.note)
        self.note = clean(self.note)
        try:
            checkin_id = uuid.UUID(self.checkin)
        except ValueError as exc:
            raise NotFound from exc
        if self.went_well not in ("ja", "nee"):
            errors["went_well"] = N_("Kies of het goed gaat.")
        if len(self.note) > MAX_NOTE:
            errors["note"] = N_("De notitie is te lang (hoogstens 300 tekens).")
        next_on, error = planned_day(self.next_on, required=False)
        if error:
            errors["next_on"] = error
        if errors:
            raise InvalidInput(errors)
        return checkin_id, self.went_well == "ja", next_on


@dataclass
class CloseInput:
    """The afsluiting: one of the exit reasons, the reason for stopping early, the organisation that takes
    over, and whether the regisseur chose to close without an eindmeting."""

    reason: str = ""
    explanation: str = ""
    organisation: str = ""
    without_eindmeting: str = ""

    def validate(self) -> str:
        """The exit reason as the trajectory keeps it ("voortijdig gestopt: <reason>")."""
        errors: dict[str, str] = refused(("explanation",), explanation=self.explanation, organisation=self.organisation)
        self.explanation = clean(self.explanation)
        self.organisation = clean(self.organisation)
        if self.reason not in lifecycle.EXIT_REASONS:
            errors["reason"] = N_("Kies waarom het traject stopt.")
        if self.reason == STOPPED and not self.explanation and "explanation" not in errors:
            errors["explanation"] = N_("Schrijf in een paar woorden waarom het traject voortijdig stopt.")
        elif len(self.explanation) > MAX_EXPLANATION:
            errors["explanation"] = N_("De toelichting is te lang (hoogstens 170 tekens).")
        if self.reason == HANDED_OVER:
            if not self.organisation and "organisation" not in errors:
                errors["organisation"] = N_("Vul in welke organisatie het huishouden verder helpt.")
            elif len(self.organisation) > MAX_ORGANISATION:
                errors["organisation"] = N_("De naam van de organisatie is te lang (hoogstens 120 tekens).")
        else:
            # Only a handover names an organisation; a name left in the field by a changed choice is dropped.
            self.organisation = ""
        if errors:
            raise InvalidInput(errors)
        if self.reason == STOPPED:
            return f"{STOPPED}: {self.explanation}"
        if self.reason == HANDED_OVER:
            return f"{HANDED_OVER}: {self.organisation}"
        return self.reason


# --------------------------------------------------------------------------------------------------------
# Plan vastgesteld: the akkoord
# --------------------------------------------------------------------------------------------------------


async def agreement_open(db: AsyncSession, trajectory: Trajectory) -> bool:
    """The plan can be agreed now: the trajectory is in intake and the intake is complete."""
    return trajectory.phase == Phase.INTAKE and await intake_complete(db, trajectory.id)


async def plan_snapshot(db: AsyncSession, household_id: uuid.UUID, instrument: InstrumentDef) -> list[dict[str, Any]]:
    """The plan as it stands: each goal (leefgebied, text, horizon) with its actions. Two queries."""
    goals = list(
        await db.scalars(
            select(Goal)
            .where(Goal.household_id == household_id, Goal.removed_at.is_(None))
            .order_by(Goal.created_at, Goal.id)
        )
    )
    actions = list(
        await db.scalars(
            select(PlanAction)
            .where(PlanAction.household_id == household_id)
            .order_by(PlanAction.created_at, PlanAction.id)
        )
    )
    items: dict[uuid.UUID, dict[str, Any]] = {
        goal.id: {
            "domain": instrument.domain_name(goal.domain_key),
            "text": goal.text,
            "horizon": str(goal.horizon),
            "actions": [],
        }
        for goal in goals
    }
    for action in actions:
        if action.goal_id in items:
            items[action.goal_id]["actions"].append(
                {
                    "what": action.what,
                    "who": str(action.who_type),
                    "performer": action.performer,
                    "due_on": action.due_on.isoformat() if action.due_on else None,
                    "status": str(action.status),
                }
            )
    return list(items.values())


async def _check_agreement_possible(db: AsyncSession, trajectory: Trajectory, plan: list[dict[str, Any]]) -> None:
    if trajectory.phase != Phase.INTAKE:
        if trajectory.phase in (Phase.AANMELDING, Phase.TRIAGE):
            raise IllegalTransition(N_("Eerst komen de triage en de intake, daarna het akkoord op het plan."))
        raise IllegalTransition(N_("Het plan is al vastgesteld."))
    if not await intake_complete(db, trajectory.id):
        raise IllegalTransition(N_("Het plan kan pas akkoord krijgen als de intake klaar is."))
    if not plan:
        raise IllegalTransition(N_("Er staan nog geen doelen in het plan. Schrijf eerst samen een doel op."))


async def agreement_blocked(db: AsyncSession, trajectory: Trajectory, plan: list[dict[str, Any]]) -> str | None:
    """Why the plan cannot be agreed now (a Dutch message), or None when it can."""
    try:
        await _check_agreement_possible(db, trajectory, plan)
    except IllegalTransition as exc:
        return exc.message
    return None


async def _agree(
    db: AsyncSession,
    actor: Person,
    trajectory: Trajectory,
    instrument: InstrumentDef,
    way: AgreementWay,
    agreed_on: dt.date,
    weeks: int,
) -> PlanAgreement:
    plan = await plan_snapshot(db, trajectory.household_id, instrument)
    await _check_agreement_possible(db, trajectory, plan)
    agreement = PlanAgreement(
        household_id=trajectory.household_id,
        trajectory_id=trajectory.id,
        way=way,
        agreed_on=agreed_on,
        person_id=actor.id,
        person_name=actor.display_name,
        plan=plan,
        created_at=utcnow(),
    )
    db.add(agreement)
    await record_event(
        db,
        household_id=trajectory.household_id,
        actor=actor,
        kind=EventKind.PLAN_AGREED,
        detail={"way": str(way), "agreed_on": agreed_on.isoformat(), "goals": len(plan)},
    )
    await lifecycle.move(db, trajectory, Phase.PLAN_VASTGESTELD, actor)
    await evaluations.plan_evaluation(
        db, trajectory, actor, default_evaluation(max(agreed_on, today()), weeks), first=True
    )
    return agreement


async def agree_in_app(
    db: AsyncSession,
    actor: Person,
    household_id: uuid.UUID,
    trajectory: Trajectory,
    instrument: InstrumentDef,
    *,
    weeks: int = DEFAULT_EVALUATION_WEEKS,
) -> PlanAgreement:
    """A member of the household says "akkoord" on the plan on its own phone, today. The first evaluation is
    planned ``weeks`` (the gemeente's interval) later."""
    if trajectory.household_id != household_id:
        raise NotFound
    return await _agree(db, actor, trajectory, instrument, AgreementWay.IN_APP, today(), weeks)


async def record_in_person(
    db: AsyncSession,
    actor: Person,
    trajectory: Trajectory,
    instrument: InstrumentDef,
    data: AgreementInput,
    *,
    weeks: int = DEFAULT_EVALUATION_WEEKS,
) -> PlanAgreement:
    """The regisseur records that the household agreed at the table, on the day it did."""
    agreed_on = data.validate()
    return await _agree(db, actor, trajectory, instrument, AgreementWay.IN_PERSON, agreed_on, weeks)


async def agreements_of(db: AsyncSession, household_id: uuid.UUID) -> list[PlanAgreement]:
    """Every akkoord of the household, oldest first."""
    return list(
        await db.scalars(
            select(PlanAgreement)
            .where(PlanAgreement.household_id == household_id)
            .order_by(PlanAgreement.created_at, PlanAgreement.id)
        )
    )


# --------------------------------------------------------------------------------------------------------
# Uitvoering and evaluatie
# --------------------------------------------------------------------------------------------------------


def _require(trajectory: Trajectory, phase: Phase, message: str) -> None:
    if trajectory.phase != phase:
        raise IllegalTransition(message)


async def start_execution(db: AsyncSession, actor: Person, trajectory: Trajectory, data: EvaluationInput) -> None:
    """Plan vastgesteld -> uitvoering, with the day of the first evaluation (the default from the akkoord, or
    another day the regisseur chooses: the planned evaluation moves to it)."""
    day = data.validate()
    _require(trajectory, Phase.PLAN_VASTGESTELD, N_("De uitvoering begint als het plan is vastgesteld."))
    await lifecycle.move(db, trajectory, Phase.UITVOERING, actor)
    if day != trajectory.next_evaluation_on:
        await evaluations.plan_evaluation(db, trajectory, actor, day, first=True)


async def open_evaluation(
    db: AsyncSession, actor: Person, trajectory: Trajectory, instrument: InstrumentDef, evaluation_id: uuid.UUID
) -> Evaluation:
    """Uitvoering -> evaluatie: the regisseur opens the planned evaluation at the table. The household and the
    regisseur then score in the same round (the household's scores given ahead are part of it). A trajectory
    that is in the phase evaluatie with its evaluation not opened yet (from before evaluations were kept)
    opens it without a step."""
    await evaluations.hold_trajectory(db, trajectory)
    if trajectory.phase not in (Phase.UITVOERING, Phase.EVALUATIE):
        raise IllegalTransition(N_("Een evaluatie begint tijdens de uitvoering van het plan."))
    evaluation = await evaluations.get_evaluation(db, trajectory.household_id, evaluation_id)
    if evaluation.trajectory_id != trajectory.id:
        raise NotFound
    await db.refresh(evaluation)
    evaluations.check_openable(evaluation)
    if trajectory.phase == Phase.UITVOERING:
        await lifecycle.move(db, trajectory, Phase.EVALUATIE, actor)
    await evaluations.open_round(db, actor, evaluation, instrument)
    return evaluation


async def start_evaluation(db: AsyncSession, actor: Person, trajectory: Trajectory) -> Evaluation:
    """Uitvoering -> evaluatie now, without choosing which: the trajectory's planned evaluation is opened (one is
    planned for today when none is, as when the regisseur sits down for an evaluation that was never planned)."""
    _require(trajectory, Phase.UITVOERING, N_("Een evaluatie begint tijdens de uitvoering van het plan."))
    planned = await evaluations.planned_of(db, trajectory.id)
    if planned is None:
        planned = await evaluations.plan_evaluation(db, trajectory, actor, today())
    municipality_id = await db.scalar(select(Household.municipality_id).where(Household.id == trajectory.household_id))
    if municipality_id is None:
        raise NotFound
    instrument = await instruments.for_municipality(db, municipality_id)
    return await open_evaluation(db, actor, trajectory, instrument, planned.id)


@dataclass
class DecisionInput:
    """How it goes on after an evaluation: doorgaan (with the next evaluation's day), afschalen (to the
    waakvlam, with its first check-in) or afsluiten (with an exit reason, as the closing page asks it)."""

    decision: str = ""
    next_on: str = ""
    first_on: str = ""
    reason: str = ""
    explanation: str = ""
    organisation: str = ""

    def validate(self) -> tuple[EvaluationDecision, dt.date | None, WaakvlamInput | None, CloseInput | None]:
        if self.decision not in EvaluationDecision._value2member_map_:
            raise InvalidInput({"decision": N_("Kies hoe het verder gaat: doorgaan, afschalen of afsluiten.")})
        decision = EvaluationDecision(self.decision)
        if decision is EvaluationDecision.DOORGAAN:
            day, error = planned_day(self.next_on)
            if error or day is None:
                raise InvalidInput({"next_on": error or N_("Vul een datum in.")})
            return decision, day, None, None
        if decision is EvaluationDecision.AFSCHALEN:
            waakvlam = WaakvlamInput(first_on=self.first_on)
            waakvlam.validate()
            return decision, None, waakvlam, None
        # Closing at an evaluation: the round just scored is the eindmeting.
        closing = CloseInput(self.reason, self.explanation, self.organisation, without_eindmeting="ja")
        closing.validate()
        return decision, None, None, closing


def _left_message(left: int) -> str:
    if left == 1:
        return N_("Er is nog 1 doel niet besproken. Bespreek eerst elk doel, dan kies je hoe het verder gaat.")
    return N_(
        "Er zijn nog %(num)s doelen niet besproken. Bespreek eerst elk doel, dan kies je hoe het verder gaat.",
        num=left,
    )


async def decide_evaluation(
    db: AsyncSession, actor: Person, trajectory: Trajectory, evaluation_id: uuid.UUID, data: DecisionInput
) -> Evaluation:
    """The regisseur's decision at the end of an evaluation, once every goal of the plan is reviewed. The
    evaluation is held (with its summary in the household's timeline), then the trajectory goes on: back to
    uitvoering with the next evaluation planned, to the waakvlam, or closed. All of it or nothing: every
    check comes before the first write."""
    decision, next_on, waakvlam, closing = data.validate()
    await evaluations.hold_trajectory(db, trajectory)
    evaluation = await evaluations.get_evaluation(db, trajectory.household_id, evaluation_id)
    if evaluation.trajectory_id != trajectory.id:
        raise NotFound
    await db.refresh(evaluation)
    if evaluation.status != EvaluationStatus.GEPLAND:
        raise IllegalTransition(N_("Over deze evaluatie is al besloten, of ze ging niet door."))
    if trajectory.phase != Phase.EVALUATIE or evaluation.started_on is None:
        raise IllegalTransition(
            N_("Open eerst de evaluatie aan tafel. Daarna bespreken jullie de doelen en besluiten.")
        )
    left = await evaluations.unreviewed(db, trajectory.household_id, evaluation.id)
    if left:
        raise IllegalTransition(_left_message(left))
    facts = evaluations.HeldFacts(
        held_on=today(),
        # Who held it at the table: the regisseur, or the colleague covering for them.
        regisseur=actor.display_name,
        outcomes=await evaluations.outcome_counts(db, evaluation.id),
        decision=decision,
        next_on=next_on,
        checkin_on=waakvlam.validate()[0] if waakvlam else None,
        exit_reason=closing.validate() if closing else "",
    )
    await evaluations.record_held(db, actor, trajectory, evaluation, facts)
    if next_on is not None:
        await lifecycle.move(db, trajectory, Phase.UITVOERING, actor)
        await evaluations.plan_evaluation(db, trajectory, actor, next_on, announce=False)
    elif waakvlam is not None:
        await to_waakvlam(db, actor, trajectory, waakvlam)
    elif closing is not None:
        await close(db, actor, trajectory, closing)
    return evaluation


# --------------------------------------------------------------------------------------------------------
# Waakvlam
# --------------------------------------------------------------------------------------------------------


async def _plan_checkin(db: AsyncSession, trajectory: Trajectory, actor: Person, day: dt.date) -> CheckIn:
    checkin = CheckIn(household_id=trajectory.household_id, trajectory_id=trajectory.id, due_on=day)
    db.add(checkin)
    await record_event(
        db,
        household_id=trajectory.household_id,
        actor=actor,
        kind=EventKind.CHECKIN_PLANNED,
        detail={"due_on": day.isoformat()},
    )
    return checkin


async def to_waakvlam(db: AsyncSession, actor: Person, trajectory: Trajectory, data: WaakvlamInput) -> list[CheckIn]:
    """Evaluatie -> waakvlam: the plan is on its way; the regisseur stays in touch on the check-in days."""
    days = data.validate()
    _require(trajectory, Phase.EVALUATIE, N_("De waakvlam begint na een evaluatie."))
    # A planned evaluation lapses with the step (see ``lifecycle.move``).
    await lifecycle.move(db, trajectory, Phase.WAAKVLAM, actor)
    return [await _plan_checkin(db, trajectory, actor, day) for day in days[:MAX_CHECKINS]]


async def open_checkins(db: AsyncSession, trajectory_id: uuid.UUID) -> list[CheckIn]:
    """The check-ins still to be held, first one first."""
    return list(
        await db.scalars(
            select(CheckIn)
            .where(CheckIn.trajectory_id == trajectory_id, CheckIn.done_on.is_(None))
            .order_by(CheckIn.due_on, CheckIn.id)
        )
    )


async def done_checkins(db: AsyncSession, trajectory_id: uuid.UUID) -> list[CheckIn]:
    """The check-ins held, latest first."""
    return list(
        await db.scalars(
            select(CheckIn)
            .where(CheckIn.trajectory_id == trajectory_id, CheckIn.done_on.is_not(None))
            .order_by(CheckIn.done_on.desc(), CheckIn.due_on.desc())
        )
    )


async def next_checkin(db: AsyncSession, trajectory_id: uuid.UUID) -> dt.date | None:
    day: dt.date | None = await db.scalar(
        select(CheckIn.due_on)
        .where(CheckIn.trajectory_id == trajectory_id, CheckIn.done_on.is_(None))
        .order_by(CheckIn.due_on)
        .limit(1)
    )
    return day


async def record_checkin(db: AsyncSession, actor: Person, trajectory: Trajectory, data: CheckInAnswer) -> CheckIn:
    """How a check-in went, and the next one if the regisseur plans it. A check-in that did not go well is
    the moment to reopen the trajectory (``reopen``), offered on the same page."""
    checkin_id, went_well, next_on = data.validate()
    _require(trajectory, Phase.WAAKVLAM, N_("Check-ins horen bij de waakvlam."))
    checkin = await db.scalar(select(CheckIn).where(CheckIn.id == checkin_id, CheckIn.trajectory_id == trajectory.id))
    if checkin is None:
        raise NotFound
    if checkin.done_on is not None:
        raise IllegalTransition(N_("Deze check-in is al vastgelegd."))
    checkin.done_on = today()
    checkin.went_well = went_well
    checkin.note = data.note
    await record_event(
        db,
        household_id=trajectory.household_id,
        actor=actor,
        kind=EventKind.CHECKIN_DONE,
        detail={"went_well": went_well, "note": data.note, "due_on": checkin.due_on.isoformat()},
    )
    if next_on is not None:
        await _plan_checkin(db, trajectory, actor, next_on)
    await db.flush()
    return checkin


async def _drop_open_checkins(db: AsyncSession, trajectory: Trajectory) -> None:
    # Check-ins not yet held belong to the waakvlam; once it ends they are no longer planned.
    await db.execute(delete(CheckIn).where(CheckIn.trajectory_id == trajectory.id, CheckIn.done_on.is_(None)))


async def reopen(db: AsyncSession, actor: Person, trajectory: Trajectory, data: EvaluationInput) -> None:
    """Waakvlam -> uitvoering in one step, with the day of the next evaluation."""
    day = data.validate()
    _require(trajectory, Phase.WAAKVLAM, N_("Heropenen kan alleen vanuit de waakvlam."))
    await _drop_open_checkins(db, trajectory)
    await lifecycle.move(db, trajectory, Phase.UITVOERING, actor, detail={"reopened": True})
    await evaluations.plan_evaluation(db, trajectory, actor, day)


# --------------------------------------------------------------------------------------------------------
# Afsluiten
# --------------------------------------------------------------------------------------------------------


async def has_eindmeting(db: AsyncSession, trajectory: Trajectory) -> bool:
    """An eindmeting of this trajectory (held since it started), from either side."""
    return bool(
        await db.scalar(
            select(
                exists().where(
                    Assessment.household_id == trajectory.household_id,
                    Assessment.kind == AssessmentKind.EINDMETING,
                    Assessment.held_on >= trajectory.started_on,
                )
            )
        )
    )


async def close(db: AsyncSession, actor: Person, trajectory: Trajectory, data: CloseInput) -> None:
    """Close the trajectory with one of the exit reasons. An eindmeting is offered first; without one, the
    regisseur closes only by choosing so."""
    exit_reason = data.validate()
    if trajectory.phase not in CLOSABLE:
        if trajectory.phase == Phase.AFGESLOTEN:
            raise IllegalTransition(N_("Het traject is al afgesloten."))
        raise IllegalTransition(N_("Voor de intake sluit je het traject af met de triage."))
    if data.without_eindmeting != "ja" and not await has_eindmeting(db, trajectory):
        raise InvalidInput(
            {"without_eindmeting": N_("Er is nog geen eindmeting. Doe eerst een eindmeting, of sluit af zonder.")}
        )
    await _drop_open_checkins(db, trajectory)
    if data.reason == HANDED_OVER:
        trajectory.handed_over_to = data.organisation
    await lifecycle.move(
        db,
        trajectory,
        Phase.AFGESLOTEN,
        actor,
        reason=exit_reason,
        detail={"exit": data.reason, "explanation": data.explanation, "organisation": data.organisation},
    )


@dataclass(frozen=True)
class NextStep:
    """What the household overview shows of the steps after the intake."""

    agreement_open: bool = False
    next_checkin: dt.date | None = None
    # The planned evaluation (from the akkoord until it is held), whose page leads on.
    evaluation_id: uuid.UUID | None = None


def next_step_columns() -> tuple[Label[Any], Label[Any], Label[Any]]:
    """What ``next_step`` needs, as columns of a statement that reads a trajectory (``Trajectory`` in its FROM):
    the intake's completion, the next check-in and the planned evaluation, each asked only in the phases that
    need it (in intake, in the waakvlam, and in those with a planned evaluation)."""
    completed = select(Intake.completed_at).where(Intake.trajectory_id == Trajectory.id).scalar_subquery()
    checkin = (
        select(CheckIn.due_on)
        .where(CheckIn.trajectory_id == Trajectory.id, CheckIn.done_on.is_(None))
        .order_by(CheckIn.due_on)
        .limit(1)
        .scalar_subquery()
    )
    # At most one is planned per trajectory (a partial unique index).
    planned = (
        select(Evaluation.id)
        .where(Evaluation.trajectory_id == Trajectory.id, Evaluation.status == EvaluationStatus.GEPLAND)
        .scalar_subquery()
    )
    return (
        case((Trajectory.phase == Phase.INTAKE, completed)).label("intake_completed_at"),
        case((Trajectory.phase == Phase.WAAKVLAM, checkin)).label("next_checkin"),
        case((Trajectory.phase.in_(sorted(evaluations.PLANNABLE)), planned)).label("planned_evaluation_id"),
    )


def next_step(
    trajectory: Trajectory | None,
    intake_completed_at: dt.datetime | None,
    next_checkin_on: dt.date | None,
    planned_evaluation_id: uuid.UUID | None,
) -> NextStep:
    """The next step from what ``next_step_columns`` read with the trajectory."""
    if trajectory is None:
        return NextStep()
    return NextStep(
        agreement_open=intake_completed_at is not None,
        next_checkin=next_checkin_on,
        evaluation_id=planned_evaluation_id,
    )
