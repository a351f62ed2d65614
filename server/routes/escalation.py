"""Doorbraak: the regisseur asks the team lead for a breakthrough (and may withdraw it); the team lead reads it
with the part of the plan it is about, and decides."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain import lifecycle
from server.domain.errors import InvalidInput
from server.domain.models import utcnow
from server.domain.plan import service as plan
from server.domain.policy import Action, Actor, Relation
from server.domain.teamwork import escalation as escalations
from server.domain.teamwork.escalation import GRANTED, REFUSED, WHOLE_PLAN, DecisionInput, EscalationInput
from server.domain.teamwork.model import Escalation
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, guarded_household, household_and_instrument
from server.views.presenters import day, plan_labels
from server.web import render, see_other

PAGE = "/huishoudens/{household_id:uuid}/doorbraak"
ONE = PAGE + "/{escalation_id:uuid}"
RAISE = {"policy": Action.ESCALATION_RAISE, "resource": "escalation.raise"}
DECIDE = {"policy": Action.ESCALATION_DECIDE, "resource": "escalation"}


def escalation_view(escalation: Escalation, goal: str = "") -> dict[str, Any]:
    return {
        "id": escalation.id,
        "blocked": escalation.blocked,
        "blocked_by": escalation.blocked_by,
        "needed": escalation.needed,
        "needed_by": day(escalation.needed_by) if escalation.needed_by else "",
        "raised_by": escalation.raised_by_name,
        "raised_on": day(escalation.created_at.date()),
        "goal": goal,
        "status": str(escalation.status),
        "decided_by": escalation.decided_by_name,
        "decided_on": day(escalation.decided_at.date()) if escalation.decided_at else "",
        "decision": escalation.decision,
    }


async def _raise_context(
    request: Request[Any, Any, Any], db: DbSession, data: EscalationInput, errors: dict[str, str]
) -> dict[str, Any]:
    household = guarded_household(request)
    goals = await escalations.goal_choices(db, household.id)
    current = await escalations.open_escalation(db, household.id)
    return {
        "household": household,
        "open": escalation_view(current, dict(goals).get(current.goal_id, "") if current.goal_id else "")
        if current
        else None,
        "goals": [(WHOLE_PLAN, _("Het plan als geheel")), *((str(goal_id), text) for goal_id, text in goals)],
        "today": utcnow().date().isoformat(),
        "data": data,
        "errors": {field: _(message) for field, message in errors.items()},
    }


@get(PAGE, name="escalation.new", opt=RAISE)
async def raise_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    await lifecycle.open_trajectory(db_session, household_id)
    context = await _raise_context(request, db_session, EscalationInput(), {})
    return render(request, "pages/team/escalation_new.html", context)


@post(PAGE, name="escalation.raise", opt=RAISE, status_code=200)
async def raise_escalation(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[EscalationInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    try:
        await escalations.raise_escalation(db_session, actor, trajectory, data)
    except InvalidInput as exc:
        # Nothing is stored; the form comes back with what was typed and a message per field.
        context = await _raise_context(request, db_session, data, exc.errors)
        return render(request, "pages/team/escalation_new.html", context, status_code=400)
    return see_other(f"/huishoudens/{household_id}?doorbraak=gevraagd")


@post(ONE + "/intrekken", name="escalation.withdraw", opt=RAISE, status_code=303)
async def withdraw_escalation(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    escalation_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await escalations.withdraw(db_session, request.state.actor, household_id, escalation_id)
    return see_other(f"/huishoudens/{household_id}?doorbraak=ingetrokken")


async def _decide_context(
    request: Request[Any, Any, Any],
    db: DbSession,
    escalation: Escalation,
    data: DecisionInput,
    errors: dict[str, str],
) -> dict[str, Any]:
    household, instrument = await household_and_instrument(request, db)
    relation: Relation = request.state.relation
    view = await plan.load_plan(db, household.id, instrument, request.state.actor, relation)
    goal = next((g.goal.text for g in view.goals if g.goal.id == escalation.goal_id), "")
    return {
        "household": household,
        "escalation": escalation_view(escalation, goal),
        "whole_plan": escalation.goal_id is None,
        "goals": view.goals,
        "outcomes": [(GRANTED, _("Toekennen: ik heb iets geregeld")), (REFUSED, _("Afwijzen"))],
        "data": data,
        "errors": {field: _(message) for field, message in errors.items()},
        **plan_labels(),
    }


@get(ONE, name="escalation.view", opt=DECIDE)
async def decide_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    escalation_id: FromPath[uuid.UUID],
) -> Template:
    escalation = await escalations.open_for_lead(db_session, household_id, escalation_id)
    context = await _decide_context(request, db_session, escalation, DecisionInput(), {})
    return render(request, "pages/team/escalation_decide.html", context)


@post(ONE, name="escalation.decide", opt=DECIDE, status_code=200)
async def decide_escalation(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    escalation_id: FromPath[uuid.UUID],
    data: Form[DecisionInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    try:
        await escalations.decide(db_session, actor, household_id, escalation_id, data)
    except InvalidInput as exc:
        escalation = await escalations.open_for_lead(db_session, household_id, escalation_id)
        context = await _decide_context(request, db_session, escalation, data, exc.errors)
        return render(request, "pages/team/escalation_decide.html", context, status_code=400)
    return see_other("/team/doorbraken?beslist=1")


ROUTES = [raise_page, raise_escalation, withdraw_escalation, decide_page, decide_escalation]
