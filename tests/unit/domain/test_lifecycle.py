"""Trajectory phases: only the steps of the lifecycle in DESIGN.md are possible, and the triage leads each of
its four outcomes to its own next phase."""

from __future__ import annotations

import itertools
import uuid
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import IllegalTransition, InvalidInput
from server.domain.lifecycle import ALLOWED, TRIAGE_NEXT, TriageInput, can_move, decide_triage, move
from server.domain.models import Phase, Trajectory, TriageOutcome

P = Phase
# Every step the lifecycle allows, written out from DESIGN.md section 4 (not read from ``ALLOWED``): the main
# line, evaluatie back to uitvoering or into waakvlam, waakvlam reopened in one step, closing from any open
# phase, and triage straight to uitvoering for a kortstondige inzet or a vrijwilligerskring (seed 000).
EXPECTED_STEPS = frozenset(
    {
        (P.AANMELDING, P.TRIAGE),
        (P.TRIAGE, P.INTAKE),
        (P.TRIAGE, P.UITVOERING),
        (P.TRIAGE, P.AFGESLOTEN),
        (P.INTAKE, P.PLAN_VASTGESTELD),
        (P.INTAKE, P.AFGESLOTEN),
        (P.PLAN_VASTGESTELD, P.UITVOERING),
        (P.PLAN_VASTGESTELD, P.AFGESLOTEN),
        (P.UITVOERING, P.EVALUATIE),
        (P.UITVOERING, P.AFGESLOTEN),
        (P.EVALUATIE, P.UITVOERING),
        (P.EVALUATIE, P.WAAKVLAM),
        (P.EVALUATIE, P.AFGESLOTEN),
        (P.WAAKVLAM, P.UITVOERING),
        (P.WAAKVLAM, P.AFGESLOTEN),
    }
)
ALL_PAIRS = list(itertools.product(Phase, Phase))


class FakeSession:
    """Just enough of a session for a timeline event: what was added, and the statements run (closing a
    trajectory ends the handovers still waiting)."""

    def __init__(self) -> None:
        self.added: list[Any] = []
        self.executed: list[Any] = []

    async def execute(self, statement: Any) -> None:
        self.executed.append(statement)

    def add(self, row: Any) -> None:
        self.added.append(row)

    async def flush(self) -> None:
        return None

    async def refresh(self, row: Any) -> None:
        """Reading a row again after taking its lock: these rows are in no database, they are as they are."""
        return None


def trajectory_in(phase: Phase) -> Trajectory:
    return Trajectory(household_id=uuid.uuid4(), phase=phase, version=1)


def test_the_table_is_exactly_the_lifecycle() -> None:
    assert {(a, b) for a, targets in ALLOWED.items() for b in targets} == EXPECTED_STEPS


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
async def test_every_step_is_allowed_or_refused_by_the_domain(current: Phase, target: Phase) -> None:
    session = FakeSession()
    trajectory = trajectory_in(current)
    reason = "doelen bereikt" if target is Phase.AFGESLOTEN else ""
    if (current, target) in EXPECTED_STEPS:
        assert can_move(current, target)
        await move(cast(AsyncSession, session), trajectory, target, None, reason=reason)
        assert trajectory.phase == target and trajectory.version == 2
        (event, _outbox) = session.added
        assert event.detail["from"] == current and event.detail["to"] == target
    else:
        assert not can_move(current, target)
        with pytest.raises(IllegalTransition) as refusal:
            await move(cast(AsyncSession, session), trajectory, target, None, reason=reason)
        assert refusal.value.message == "Deze stap kan niet in de huidige fase."
        assert trajectory.phase == current and trajectory.version == 1 and session.added == []


async def test_closing_needs_one_of_the_exit_reasons() -> None:
    trajectory = trajectory_in(Phase.UITVOERING)
    with pytest.raises(IllegalTransition, match=r"Kies een reden om af te sluiten\."):
        await move(cast(AsyncSession, FakeSession()), trajectory, Phase.AFGESLOTEN, None, reason="zomaar")
    assert trajectory.phase == Phase.UITVOERING


@pytest.mark.parametrize(
    ("outcome", "phase"),
    [
        (TriageOutcome.REGISSEUR, Phase.INTAKE),
        (TriageOutcome.KORTSTONDIG, Phase.UITVOERING),
        (TriageOutcome.VRIJWILLIGERS, Phase.UITVOERING),
        (TriageOutcome.GEEN_REGIE, Phase.AFGESLOTEN),
    ],
)
@pytest.mark.parametrize("start", [Phase.AANMELDING, Phase.TRIAGE])
async def test_each_triage_outcome_leads_to_its_phase(outcome: TriageOutcome, phase: Phase, start: Phase) -> None:
    assert TRIAGE_NEXT[outcome] is phase
    session = FakeSession()
    trajectory = trajectory_in(start)
    data = TriageInput(outcome=outcome.value, reason=" Veel  instanties, niemand houdt overzicht ", organisation="MEE")
    assert await decide_triage(cast(AsyncSession, session), trajectory, None, data) is phase
    assert trajectory.phase == phase and trajectory.triage_outcome == outcome
    assert trajectory.triage_reason == "Veel instanties, niemand houdt overzicht"
    events = [row.detail for row in session.added if hasattr(row, "detail")]
    # From the aanmelding, the trajectory passes through triage first: two steps on the timeline.
    steps = [(e["from"], e["to"]) for e in events]
    assert steps == ([(Phase.AANMELDING, Phase.TRIAGE)] if start is Phase.AANMELDING else []) + [(Phase.TRIAGE, phase)]
    assert events[-1]["outcome"] == outcome
    if outcome is TriageOutcome.GEEN_REGIE:
        assert trajectory.handed_over_to == "MEE" and trajectory.exit_reason == "overgedragen: MEE"
        assert trajectory.closed_on is not None
    else:
        # Only a handover names an organisation.
        assert trajectory.handed_over_to == "" and trajectory.closed_on is None


@pytest.mark.parametrize("phase", sorted(set(Phase) - {Phase.AANMELDING, Phase.TRIAGE}))
async def test_triage_is_refused_once_it_was_done(phase: Phase) -> None:
    trajectory = trajectory_in(phase)
    data = TriageInput(outcome=TriageOutcome.REGISSEUR.value, reason="Nog een keer")
    with pytest.raises(IllegalTransition, match=r"De triage is al gedaan\."):
        await decide_triage(cast(AsyncSession, FakeSession()), trajectory, None, data)
    assert trajectory.phase == phase and trajectory.triage_outcome is None


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (TriageInput(), {"outcome", "reason"}),
        (TriageInput(outcome="misschien", reason="Waarom niet"), {"outcome"}),
        (TriageInput(outcome="regisseur", reason="   "), {"reason"}),
        (TriageInput(outcome="regisseur", reason="x" * 501), {"reason"}),
        (TriageInput(outcome="geen_regie", reason="Het loopt goed"), {"organisation"}),
        (TriageInput(outcome="geen_regie", reason="Het loopt goed", organisation="M" * 121), {"organisation"}),
        (TriageInput(outcome="regisseur", reason="Met een \x00 erin"), {"reason"}),
    ],
)
async def test_a_refused_triage_changes_nothing(data: TriageInput, errors: set[str]) -> None:
    session = FakeSession()
    trajectory = trajectory_in(Phase.AANMELDING)
    with pytest.raises(InvalidInput) as refusal:
        await decide_triage(cast(AsyncSession, session), trajectory, None, data)
    assert set(refusal.value.errors) == errors
    assert trajectory.phase == Phase.AANMELDING and session.added == []
