"""A household's evaluations: the list (planned, held, moved, lapsed) and one evaluation's page, where the
household invites guests and scores ahead, and the regisseur moves it, opens it at the table, reviews the
goals with the household and decides how it goes on.

Every form works without JavaScript: a success answers 303 to the page; refused input brings the page back
with what was typed and a message per field (400); a step the evaluation or the trajectory does not allow
(yet) brings it back with that refusal in words (409). Nothing is stored in either case.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain import lifecycle
from server.domain.errors import IllegalTransition, InvalidInput
from server.domain.models import Phase
from server.domain.policy import Action, Actor
from server.domain.ratings.model import Perspective
from server.domain.workspace import evaluation as evaluations
from server.domain.workspace import steps
from server.domain.workspace.evaluation import GuestInput, MoveInput, PlanInput, ReviewInput
from server.domain.workspace.model import EvaluationDecision, EvaluationStatus
from server.domain.workspace.steps import DecisionInput
from server.i18n import gettext as _
from server.routes.deps import NOT_REFUSED, DbSession, Form, Refused, guarded_household, household_and_instrument
from server.views.evaluation import evaluation_row, goal_rows, round_rows
from server.views.presenters import day, decision_label, evaluation_status_label, exit_reason_label, goal_outcome_label
from server.views.ratings import for_reader
from server.web import flash, render, see_other

LIST = "/huishoudens/{household_id:uuid}/evaluaties"
ONE = f"{LIST}/{{evaluation_id:uuid}}"

READ = {"policy": Action.EVALUATION_READ, "resource": "evaluation"}
MANAGE = {"policy": Action.EVALUATION_MANAGE, "resource": "evaluation"}
INVITE = {"policy": Action.EVALUATION_INVITE, "resource": "evaluation"}
# Scoring ahead writes the household's scores: whoever may score.
SCORE = {"policy": Action.RATINGS_WRITE, "resource": "evaluation"}

# The first check-in of a waakvlam, as the decision form proposes it.
FIRST_CHECKIN = dt.timedelta(weeks=6)

Context = dict[str, Any]


def _weeks(request: Request[Any, Any, Any]) -> int:
    """The gemeente's interval until the next evaluation, as the guard found it with the household."""
    return guarded_household(request).evaluation_interval_weeks


def _page_url(household_id: uuid.UUID, evaluation_id: uuid.UUID, flag: str = "") -> str:
    return f"/huishoudens/{household_id}/evaluaties/{evaluation_id}" + (f"?{flag}=1" if flag else "")


async def _attempt(step: Awaitable[Any], form: str) -> tuple[Any, Refused | None]:
    """Run a domain step: its result, or how it was refused (nothing is stored then)."""
    try:
        return await step, None
    except InvalidInput as exc:
        return None, Refused(form, errors={name: _(message) for name, message in exc.errors.items()})
    except IllegalTransition as exc:
        return None, Refused(form, refusal=_(exc.message))


# --------------------------------------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------------------------------------


async def _list_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    household_id: uuid.UUID,
    data: PlanInput | None = None,
    refused: Refused = NOT_REFUSED,
) -> Template:
    rows = [evaluation_row(e) for e in await evaluations.evaluations_of(db, household_id)]
    trajectory = await lifecycle.open_trajectory(db, household_id) if request.state.can.manage_evaluations else None
    planned = next((row for row in rows if row["status"] == EvaluationStatus.GEPLAND), None)
    context = {
        "household": guarded_household(request),
        "planned": planned,
        "earlier": [row for row in rows if row is not planned],
        "can_plan": trajectory is not None and planned is None and trajectory.phase in evaluations.PLANNABLE,
        "data": data or PlanInput(evaluation_on=evaluations.default_evaluation(weeks=_weeks(request)).isoformat()),
        "errors": refused.errors,
        "refusal": refused.refusal,
    }
    return render(request, "pages/evaluation/list.html", context, status_code=refused.status_code)


@get(LIST, name="evaluation.list", opt={"policy": Action.EVALUATION_READ, "resource": "evaluations"})
async def list_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    return await _list_page(request, db_session, household_id)


@post(LIST, name="evaluation.plan", opt={**MANAGE, "resource": "evaluations"}, status_code=200)
async def plan(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[PlanInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    planned, refused = await _attempt(evaluations.plan_by_hand(db_session, actor.person, trajectory, data), "plan")
    if refused:
        return await _list_page(request, db_session, household_id, data, refused)
    return see_other(_page_url(household_id, planned.id, "gepland"))


# --------------------------------------------------------------------------------------------------------
# One evaluation
# --------------------------------------------------------------------------------------------------------


@dataclass
class Typed:
    """What was typed in the page's forms, to show again when one is refused."""

    move: MoveInput = field(default_factory=MoveInput)
    review: ReviewInput = field(default_factory=ReviewInput)
    decision: DecisionInput = field(default_factory=DecisionInput)
    guest: GuestInput = field(default_factory=GuestInput)


async def _evaluation_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    household_id: uuid.UUID,
    evaluation_id: uuid.UUID,
    typed: Typed | None = None,
    refused: Refused = NOT_REFUSED,
) -> Template:
    _household, instrument = await household_and_instrument(request, db)
    can = request.state.can
    view = await evaluations.load_evaluation(db, household_id, evaluation_id, with_choices=can.invite_to_evaluation)
    evaluation = view.evaluation
    status = EvaluationStatus(evaluation.status)
    planned = status == EvaluationStatus.GEPLAND
    typed = typed or Typed()
    if not typed.decision.decision:
        typed.decision = DecisionInput(
            next_on=evaluations.default_evaluation(weeks=_weeks(request)).isoformat(),
            first_on=(evaluations.today() + FIRST_CHECKIN).isoformat(),
        )
    context: Context = {
        "household": guarded_household(request),
        "evaluation": {
            **evaluation_row(evaluation),
            "planned": planned,
            "opened": view.opened,
            "started": day(evaluation.started_on) if evaluation.started_on else "",
        },
        "status_label": evaluation_status_label(status),
        "regisseur": view.regisseur,
        "members": view.members,
        "guests": [
            {"id": str(g.id), "name": g.name, "organisation": g.organisation_id is not None} for g in view.guests
        ],
        "choices": [(c.key, c.name) for c in view.choices],
        # The leefgebieden and goals in the reader's words (the household's, or the professional's).
        "scores": round_rows(view, for_reader(can, instrument)),
        "has_scores": bool(view.round),
        "scored_ahead": Perspective.HOUSEHOLD in view.round,
        "goals": goal_rows(view, for_reader(can, instrument)),
        "left": view.left,
        # The regisseur opens it during the uitvoering (or, from before evaluations were kept, in the phase
        # evaluatie), moves it while it is not opened, and decides once it is.
        "can_open": can.manage_evaluations
        and planned
        and not view.opened
        and view.phase in (Phase.UITVOERING, Phase.EVALUATIE),
        "can_move": can.manage_evaluations and planned and not view.opened,
        "can_decide": can.manage_evaluations and view.opened and view.phase == Phase.EVALUATIE,
        "phase_waits": planned and not view.opened and view.phase == Phase.PLAN_VASTGESTELD,
        "outcomes": [(o, goal_outcome_label(o)) for o in ("bereikt", "loopt", "bijgesteld", "gestopt")],
        "decisions": [(str(d), decision_label(d)) for d in EvaluationDecision],
        "reasons": [(reason, exit_reason_label(reason)) for reason in lifecycle.EXIT_REASONS],
        "typed": typed,
        "failed": refused.form,
        "errors": refused.errors,
        "refusal": refused.refusal,
        "flash": flash(request, "gepland", "verzet", "geopend", "besproken", "besloten", "uitgenodigd", "weg"),
    }
    return render(request, "pages/evaluation/view.html", context, status_code=refused.status_code)


@get(ONE, name="evaluation.view", opt=READ)
async def evaluation_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    evaluation_id: FromPath[uuid.UUID],
) -> Template:
    return await _evaluation_page(request, db_session, household_id, evaluation_id)


@post(f"{ONE}/verzetten", name="evaluation.move", opt=MANAGE, status_code=200)
async def move(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    evaluation_id: FromPath[uuid.UUID],
    data: Form[MoveInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    step = evaluations.move_evaluation(db_session, actor.person, household_id, evaluation_id, data)
    moved, refused = await _attempt(step, "move")
    if refused:
        return await _evaluation_page(request, db_session, household_id, evaluation_id, Typed(move=data), refused)
    return see_other(_page_url(household_id, moved.id, "verzet"))


@post(f"{ONE}/openen", name="evaluation.open", opt=MANAGE, status_code=200)
async def open_evaluation(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    evaluation_id: FromPath[uuid.UUID],
) -> Response[Any]:
    actor: Actor = request.state.actor
    _household, instrument = await household_and_instrument(request, db_session)
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    step = steps.open_evaluation(db_session, actor.person, trajectory, instrument, evaluation_id)
    _opened, refused = await _attempt(step, "open")
    if refused:
        return await _evaluation_page(request, db_session, household_id, evaluation_id, refused=refused)
    return see_other(_page_url(household_id, evaluation_id, "geopend"))


@post(f"{ONE}/doelen", name="evaluation.review", opt=MANAGE, status_code=200)
async def review(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    evaluation_id: FromPath[uuid.UUID],
    data: Form[ReviewInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    _household, instrument = await household_and_instrument(request, db_session)
    step = evaluations.review_goal(db_session, actor, household_id, evaluation_id, instrument, data)
    _review, refused = await _attempt(step, f"review:{data.goal}")
    if refused:
        return await _evaluation_page(request, db_session, household_id, evaluation_id, Typed(review=data), refused)
    return see_other(_page_url(household_id, evaluation_id, "besproken") + f"#doel-{data.goal}")


@post(f"{ONE}/besluit", name="evaluation.decide", opt=MANAGE, status_code=200)
async def decide(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    evaluation_id: FromPath[uuid.UUID],
    data: Form[DecisionInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    step = steps.decide_evaluation(db_session, actor.person, trajectory, evaluation_id, data)
    _held, refused = await _attempt(step, "decide")
    if refused:
        typed = Typed(decision=data)
        return await _evaluation_page(request, db_session, household_id, evaluation_id, typed, refused)
    if data.decision == EvaluationDecision.AFSLUITEN:
        # Closed, the household is no longer in her caseload: back to her list, as the closing page does.
        return see_other("/mijn")
    if data.decision == EvaluationDecision.AFSCHALEN:
        return see_other(f"/huishoudens/{household_id}/waakvlam")
    return see_other(_page_url(household_id, evaluation_id, "besloten"))


@post(f"{ONE}/gasten", name="evaluation.invite", opt=INVITE, status_code=200)
async def invite(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    evaluation_id: FromPath[uuid.UUID],
    data: Form[GuestInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    step = evaluations.invite_guest(db_session, actor.person, household_id, evaluation_id, data)
    _guest, refused = await _attempt(step, "invite")
    if refused:
        return await _evaluation_page(request, db_session, household_id, evaluation_id, Typed(guest=data), refused)
    return see_other(_page_url(household_id, evaluation_id, "uitgenodigd"))


@post(f"{ONE}/gasten/weg", name="evaluation.uninvite", opt=INVITE, status_code=200)
async def uninvite(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    evaluation_id: FromPath[uuid.UUID],
    data: Form[GuestInput],
) -> Response[Any]:
    step = evaluations.remove_guest(db_session, household_id, evaluation_id, data)
    _none, refused = await _attempt(step, "uninvite")
    if refused:
        return await _evaluation_page(request, db_session, household_id, evaluation_id, refused=refused)
    return see_other(_page_url(household_id, evaluation_id, "weg"))


@post(f"{ONE}/alvast-scoren", name="evaluation.score_ahead", opt=SCORE, status_code=200)
async def score_ahead(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    evaluation_id: FromPath[uuid.UUID],
) -> Response[Any]:
    actor: Actor = request.state.actor
    _household, instrument = await household_and_instrument(request, db_session)
    step = evaluations.score_ahead(db_session, actor, request.state.relation, household_id, evaluation_id, instrument)
    _assessment, refused = await _attempt(step, "ahead")
    if refused:
        return await _evaluation_page(request, db_session, household_id, evaluation_id, refused=refused)
    # The scores page writes into the round's assessment from now on.
    return see_other(f"/huishoudens/{household_id}/scores")


ROUTES = [list_page, plan, evaluation_page, move, open_evaluation, review, decide, invite, uninvite, score_ahead]
