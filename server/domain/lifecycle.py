"""The trajectory lifecycle. Illegal transitions are refused here, never in templates.

The first two steps live here too: the aanmelding (registered with the household, see ``people``) and the
triage, whose outcome decides the next phase.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, IllegalTransition, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import Person, Phase, Trajectory, TriageOutcome, utcnow
from server.domain.text import clean, refused
from server.domain.workspace import evaluation as evaluations
from server.domain.workspace.model import Handover, HandoverStatus

ALLOWED: dict[Phase, frozenset[Phase]] = {
    Phase.AANMELDING: frozenset({Phase.TRIAGE}),
    # Triage may lead straight to uitvoering: see TRIAGE_NEXT.
    Phase.TRIAGE: frozenset({Phase.INTAKE, Phase.UITVOERING, Phase.AFGESLOTEN}),
    Phase.INTAKE: frozenset({Phase.PLAN_VASTGESTELD, Phase.AFGESLOTEN}),
    Phase.PLAN_VASTGESTELD: frozenset({Phase.UITVOERING, Phase.AFGESLOTEN}),
    Phase.UITVOERING: frozenset({Phase.EVALUATIE, Phase.AFGESLOTEN}),
    Phase.EVALUATIE: frozenset({Phase.UITVOERING, Phase.WAAKVLAM, Phase.AFGESLOTEN}),
    Phase.WAAKVLAM: frozenset({Phase.UITVOERING, Phase.AFGESLOTEN}),
    Phase.AFGESLOTEN: frozenset(),
}

EXIT_REASONS = (
    "doelen bereikt",
    "overgedragen",
    "voortijdig gestopt",
    "verhuisd",
    "hulp geweigerd",
)

# Where each triage outcome of the Woerden pilot leads (seed 000, 2.3.3 and 2.3.4):
# - the regisseur coordinates: first the integral intake with the household (in the pilot the intake took
#   place with every household the sociaal makelaar coordinated for), then the plan;
# - kortstondige inzet: the regisseur arranges a few things at once (urgent applications, a social worker
#   for one of the family) and then withdraws with a warm handover. There is no integral intake or plan to
#   agree first, so the trajectory goes straight to uitvoering and ends, after an evaluatie, in the warm
#   handover;
# - vrijwilligerskring opbouwen: help is needed but not professional help; finding and asking volunteers
#   is the work itself (the network map and help requests work in any phase), so also straight to
#   uitvoering, ending through an evaluatie when the circle stands;
# - geen regie nodig: the organisations already involved go on; the trajectory is closed as "overgedragen",
#   naming the organisation.
TRIAGE_NEXT: dict[TriageOutcome, Phase] = {
    TriageOutcome.REGISSEUR: Phase.INTAKE,
    TriageOutcome.KORTSTONDIG: Phase.UITVOERING,
    TriageOutcome.VRIJWILLIGERS: Phase.UITVOERING,
    TriageOutcome.GEEN_REGIE: Phase.AFGESLOTEN,
}

# Steps that end the evaluations of a trajectory, and the reason a planned one lapses with.
LAPSES_EVALUATION: dict[Phase, str] = {
    Phase.AFGESLOTEN: evaluations.LAPSED_CLOSED,
    Phase.WAAKVLAM: evaluations.LAPSED_WAAKVLAM,
}

# Phases in which the triage can still be decided.
BEFORE_TRIAGE = frozenset({Phase.AANMELDING, Phase.TRIAGE})
MAX_REASON = 500
MAX_ORGANISATION = 120


def can_move(current: Phase, target: Phase) -> bool:
    return target in ALLOWED[current]


async def move(
    session: AsyncSession,
    trajectory: Trajectory,
    target: Phase,
    actor: Person | None,
    *,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Move a trajectory to ``target``, or raise ``IllegalTransition``. Always a timeline event; ``detail``
    adds what the household should read about the step (a triage outcome, for one). Closed, or to the
    waakvlam, a trajectory no longer has a planned evaluation: it lapses (an evaluation's own decision has
    already held it)."""
    if target in LAPSES_EVALUATION:
        # Read again once the trajectory is held: an evaluation planned a moment ago in another request lapses
        # too, instead of staying planned on a trajectory that no longer has one.
        await evaluations.hold_trajectory(session, trajectory)
    if not can_move(trajectory.phase, target):
        raise IllegalTransition
    if target in LAPSES_EVALUATION:
        await evaluations.lapse_planned(session, trajectory, actor, LAPSES_EVALUATION[target])
    if target is Phase.AFGESLOTEN:
        if reason.split(":")[0] not in EXIT_REASONS:
            raise IllegalTransition(N_("Kies een reden om af te sluiten."))
        trajectory.closed_on = utcnow().date()
        trajectory.exit_reason = reason
        # A handover still waiting for an answer has nothing left to take over; it ends with the trajectory,
        # so its receiver no longer has a way into the household.
        await session.execute(
            update(Handover)
            .where(Handover.trajectory_id == trajectory.id, Handover.status == HandoverStatus.PENDING)
            .values(status=HandoverStatus.WITHDRAWN, decided_at=utcnow())
        )
    previous = trajectory.phase
    trajectory.phase = target
    trajectory.version += 1
    await record_event(
        session,
        household_id=trajectory.household_id,
        actor=actor,
        kind=EventKind.TRAJECTORY_PHASE,
        detail={**(detail or {}), "from": str(previous), "to": str(target), "reason": reason},
    )


async def open_trajectory(session: AsyncSession, household_id: uuid.UUID) -> Trajectory:
    """The household's trajectory that is not closed (there is at most one)."""
    trajectory = await session.scalar(
        select(Trajectory)
        .where(Trajectory.household_id == household_id, Trajectory.phase != Phase.AFGESLOTEN)
        .order_by(Trajectory.started_on.desc())
        .limit(1)
    )
    if trajectory is None:
        raise NotFound
    return trajectory


@dataclass
class TriageInput:
    """The triage form: one of the four outcomes, a short reason, and the organisation when handing over."""

    outcome: str = ""
    reason: str = ""
    organisation: str = ""

    def validate(self) -> TriageOutcome:
        errors: dict[str, str] = refused(reason=self.reason, organisation=self.organisation)
        self.reason = clean(self.reason)
        self.organisation = clean(self.organisation)
        outcome = TriageOutcome(self.outcome) if self.outcome in TriageOutcome._value2member_map_ else None
        if outcome is None:
            errors["outcome"] = N_("Kies wat er na de triage gebeurt.")
        if not self.reason:
            errors["reason"] = N_("Schrijf in een paar woorden waarom.")
        elif len(self.reason) > MAX_REASON:
            errors["reason"] = N_("De reden is te lang (hoogstens 500 tekens).")
        if outcome is TriageOutcome.GEEN_REGIE:
            if not self.organisation:
                errors["organisation"] = N_("Vul in welke organisatie het huishouden verder helpt.")
            elif len(self.organisation) > MAX_ORGANISATION:
                errors["organisation"] = N_("De naam van de organisatie is te lang (hoogstens 120 tekens).")
        else:
            # Only a handover names an organisation; a name left in the field by a changed choice is dropped.
            self.organisation = ""
        if errors or outcome is None:
            raise InvalidInput(errors)
        return outcome


async def start_triage(session: AsyncSession, trajectory: Trajectory, actor: Person | None) -> None:
    """The regisseur starts talking with the household (and those who help it) about what is needed."""
    await move(session, trajectory, Phase.TRIAGE, actor)


async def decide_triage(
    session: AsyncSession, trajectory: Trajectory, actor: Person | None, data: TriageInput
) -> Phase:
    """Record the triage outcome and move the trajectory to the phase it leads to (``TRIAGE_NEXT``).

    Decided straight from the aanmelding, the trajectory first passes through triage: the conversations that
    led to the decision were the triage, and the household's timeline shows both steps.
    """
    outcome = data.validate()
    if trajectory.phase not in BEFORE_TRIAGE:
        raise IllegalTransition(N_("De triage is al gedaan."))
    if trajectory.phase == Phase.AANMELDING:
        await start_triage(session, trajectory, actor)
    trajectory.triage_outcome = outcome
    trajectory.triage_reason = data.reason
    trajectory.handed_over_to = data.organisation
    target = TRIAGE_NEXT[outcome]
    exit_reason = f"overgedragen: {data.organisation}"[:200] if target is Phase.AFGESLOTEN else ""
    await move(
        session,
        trajectory,
        target,
        actor,
        reason=exit_reason,
        detail={"outcome": str(outcome), "triage_reason": data.reason, "organisation": data.organisation},
    )
    return target
