"""The trajectory lifecycle. Illegal transitions are refused here, never in templates."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, IllegalTransition
from server.domain.events import EventKind, record_event
from server.domain.models import Person, Phase, Trajectory, utcnow

ALLOWED: dict[Phase, frozenset[Phase]] = {
    Phase.AANMELDING: frozenset({Phase.TRIAGE}),
    Phase.TRIAGE: frozenset({Phase.INTAKE, Phase.AFGESLOTEN}),
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


def can_move(current: Phase, target: Phase) -> bool:
    return target in ALLOWED[current]


async def move(
    session: AsyncSession, trajectory: Trajectory, target: Phase, actor: Person | None, *, reason: str = ""
) -> None:
    """Move a trajectory to ``target``, or raise ``IllegalTransition``. Always a timeline event."""
    if not can_move(trajectory.phase, target):
        raise IllegalTransition
    if target is Phase.AFGESLOTEN:
        if reason.split(":")[0] not in EXIT_REASONS:
            raise IllegalTransition(N_("Kies een reden om af te sluiten."))
        trajectory.closed_on = utcnow().date()
        trajectory.exit_reason = reason
    previous = trajectory.phase
    trajectory.phase = target
    trajectory.version += 1
    await record_event(
        session,
        household_id=trajectory.household_id,
        actor=actor,
        kind=EventKind.TRAJECTORY_PHASE,
        detail={"from": str(previous), "to": str(target), "reason": reason},
    )
