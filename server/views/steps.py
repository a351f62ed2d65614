"""The steps after the intake, as the household overview shows them: dates in words."""

from __future__ import annotations

from typing import Any

from server.domain.models import Phase, Trajectory
from server.domain.workspace.steps import NextStep
from server.views.presenters import day

# Phases in which an evaluation is planned.
EVALUATING = frozenset({Phase.PLAN_VASTGESTELD, Phase.UITVOERING, Phase.EVALUATIE})


def next_step_view(step: NextStep, trajectory: Trajectory | None) -> dict[str, Any]:
    evaluation = trajectory.next_evaluation_on if trajectory and trajectory.phase in EVALUATING else None
    return {
        "agreement_open": step.agreement_open,
        "next_evaluation": day(evaluation) if evaluation else "",
        "next_checkin": day(step.next_checkin) if step.next_checkin else "",
        # The planned evaluation's page, where it is prepared, opened and held.
        "evaluation_id": step.evaluation_id,
    }
