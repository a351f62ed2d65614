"""Trajectory phases: only the steps of the lifecycle in DESIGN.md are possible."""

from __future__ import annotations

import itertools

from server.domain.lifecycle import ALLOWED, can_move
from server.domain.models import Phase


def test_normal_path_is_allowed() -> None:
    path = [Phase.AANMELDING, Phase.TRIAGE, Phase.INTAKE, Phase.PLAN_VASTGESTELD, Phase.UITVOERING, Phase.EVALUATIE]
    for current, target in itertools.pairwise(path):
        assert can_move(current, target)
    assert can_move(Phase.EVALUATIE, Phase.UITVOERING)
    assert can_move(Phase.WAAKVLAM, Phase.UITVOERING)


def test_skipping_steps_and_reopening_a_closed_trajectory_are_refused() -> None:
    assert not can_move(Phase.AANMELDING, Phase.UITVOERING)
    assert not can_move(Phase.INTAKE, Phase.EVALUATIE)
    assert ALLOWED[Phase.AFGESLOTEN] == frozenset()
