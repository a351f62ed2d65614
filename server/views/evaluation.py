"""Evaluations as their pages show them: days in words, who takes part, the round's scores side by side per
leefgebied, the goals with their reviews."""

from __future__ import annotations

from typing import Any

from server.domain.ratings.instruments import InstrumentDef
from server.domain.ratings.model import Perspective
from server.domain.ratings.service import TALK_ABOUT_DIFFERENCE
from server.domain.workspace.evaluation import EvaluationView, NextEvaluation
from server.domain.workspace.model import Evaluation, EvaluationStatus
from server.views.presenters import (
    day,
    evaluation_status_label,
    goal_outcome_label,
    horizon_label,
    lapse_reason_label,
)


def evaluation_row(evaluation: Evaluation) -> dict[str, Any]:
    """One evaluation in the household's list."""
    status = EvaluationStatus(evaluation.status)
    return {
        "id": evaluation.id,
        # The day it was held, or the day it is (or was) planned on.
        "day": day(evaluation.held_on or evaluation.planned_on),
        "planned_day": day(evaluation.planned_on),
        "status": str(status),
        "status_label": evaluation_status_label(status),
        "held": day(evaluation.held_on) if evaluation.held_on else "",
        "opened": evaluation.started_on is not None and status == EvaluationStatus.GEPLAND,
        "summary": evaluation.summary,
        # Moved: the regisseur's reason; lapsed: why it did not go on.
        "reason": lapse_reason_label(evaluation.reason) if status == EvaluationStatus.VERVALLEN else evaluation.reason,
    }


def round_rows(view: EvaluationView, instrument: InstrumentDef) -> list[dict[str, Any]]:
    """Per leefgebied the household's and the regisseur's score of this round, and whether the difference is
    worth talking about (two steps or more)."""
    mine = view.round.get(Perspective.HOUSEHOLD)
    theirs = view.round.get(Perspective.PROFESSIONAL)
    rows = []
    for domain in instrument.domains:
        household = mine.score(domain.key) if mine else None
        professional = theirs.score(domain.key) if theirs else None
        rows.append(
            {
                "domain": domain.name,
                "household": household,
                "professional": professional,
                "talk": household is not None
                and professional is not None
                and abs(household - professional) >= TALK_ABOUT_DIFFERENCE,
            }
        )
    return rows


def goal_rows(view: EvaluationView, instrument: InstrumentDef) -> list[dict[str, Any]]:
    return [
        {
            "id": str(item.goal.id),
            "domain": instrument.domain_name(item.goal.domain_key),
            "text": item.goal.text,
            "horizon": horizon_label(str(item.goal.horizon)),
            "outcome": str(item.review.outcome) if item.review else "",
            "outcome_label": goal_outcome_label(str(item.review.outcome)) if item.review else "",
            "note": item.review.note if item.review else "",
        }
        for item in view.goals
    ]


def next_evaluation_rows(found: dict[Any, NextEvaluation]) -> dict[str, dict[str, Any]]:
    """The planned evaluation per household (by id as text), for the household's start page."""
    return {
        str(household_id): {
            "id": item.evaluation_id,
            "day": day(item.planned_on),
            "opened": item.opened,
            "scored_ahead": item.scored_ahead,
        }
        for household_id, item in found.items()
    }
