"""Handovers: the regisseur offers (warm to a partner, or the regisseur role to a colleague) and may withdraw;
the receiver reads what is offered and says yes or no."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain import lifecycle
from server.domain.errors import InvalidInput
from server.domain.models import Trajectory
from server.domain.policy import Action, Actor
from server.domain.workspace import handover as handovers
from server.domain.workspace.handover import AnswerInput, HandoverForm, PendingHandover
from server.domain.workspace.model import HandoverKind, HandoverStatus
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, guarded_household
from server.views.presenters import day, handover_kind_label, phase_label
from server.web import flash, render, see_other

PAGE = "/huishoudens/{household_id:uuid}/overdracht"
ANSWER = "/huishoudens/{household_id:uuid}/overdracht/antwoord"
MANAGE = {"policy": Action.TRAJECTORY_MANAGE, "resource": "handover"}
RESPOND = {"policy": Action.HANDOVER_RESPOND, "resource": "handover"}


def _pending_view(pending: PendingHandover) -> dict[str, Any]:
    return {
        "to": f"{pending.to_name} ({pending.organisation})" if pending.organisation else pending.to_name,
        "from": pending.from_name,
        "since": day(pending.since.date()),
        "note": pending.note,
        "what": handover_kind_label(pending.kind, pending.organisation),
        "warm": pending.kind == HandoverKind.WARM,
        "phase": phase_label(pending.phase),
    }


async def _page_context(
    request: Request[Any, Any, Any],
    db: DbSession,
    trajectory: Trajectory,
    data: HandoverForm,
    errors: dict[str, str],
) -> dict[str, Any]:
    household = guarded_household(request)
    pending = await handovers.pending_for_household(db, household.id)
    context: dict[str, Any] = {
        "household": household,
        "phase": phase_label(trajectory.phase),
        "pending": _pending_view(pending) if pending else None,
        "declined": None,
        "warm_open": trajectory.phase in handovers.WARM_PHASES,
        "partners": [],
        "colleagues": [],
        "kinds": [],
        "data": data,
        "errors": {field: _(message) for field, message in errors.items()},
        "flash": flash(request, "gevraagd", "ingetrokken"),
    }
    if pending:
        return context
    last = await handovers.last_answer(db, trajectory.id)
    if last is not None and last.status == HandoverStatus.DECLINED:
        context["declined"] = {"answer": last.answer, "on": day(last.decided_at.date()) if last.decided_at else ""}
    if context["warm_open"]:
        context["partners"] = [
            (f"{c.organisation_id}:{c.person_id}", f"{c.name} ({c.organisation})")
            for c in await handovers.partner_candidates(db, household.municipality_id)
        ]
    context["colleagues"] = [
        (str(c.person_id), c.name)
        for c in await handovers.colleague_candidates(db, household.team_id, trajectory.regisseur_id)
    ]
    context["kinds"] = [
        *(
            [
                (
                    HandoverKind.WARM.value,
                    _("Warme overdracht: een partnerorganisatie helpt verder, daarna sluit het traject"),
                )
            ]
            if context["partners"]
            else []
        ),
        *(
            [(HandoverKind.REGISSEUR.value, _("Een collega uit het team wordt de regisseur"))]
            if context["colleagues"]
            else []
        ),
    ]
    return context


@get(PAGE, name="handover.page", opt=MANAGE)
async def handover_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    context = await _page_context(request, db_session, trajectory, HandoverForm(), {})
    return render(request, "pages/workspace/handover.html", context)


@post(PAGE, name="handover.offer", opt=MANAGE, status_code=200)
async def offer_handover(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[HandoverForm],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    try:
        await handovers.offer(db_session, actor, trajectory, data.to_input())
    except InvalidInput as exc:
        # Nothing is stored; the form comes back with what was chosen and a message per field.
        context = await _page_context(request, db_session, trajectory, data, exc.errors)
        return render(request, "pages/workspace/handover.html", context, status_code=400)
    return see_other(f"/huishoudens/{household_id}/overdracht?gevraagd=1")


@post(PAGE + "/intrekken", name="handover.withdraw", opt=MANAGE, status_code=303)
async def withdraw_handover(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    await handovers.withdraw(db_session, actor, trajectory)
    return see_other(f"/huishoudens/{household_id}/overdracht?ingetrokken=1")


def _answer_context(
    request: Request[Any, Any, Any], pending: PendingHandover, data: AnswerInput, errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "household": guarded_household(request),
        "handover": _pending_view(pending),
        "data": data,
        "errors": {field: _(message) for field, message in errors.items()},
    }


@get(ANSWER, name="handover.answer", opt=RESPOND)
async def answer_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    pending = await handovers.offered_view(db_session, request.state.actor, household_id)
    return render(request, "pages/workspace/handover_answer.html", _answer_context(request, pending, AnswerInput(), {}))


@post(ANSWER + "/ja", name="handover.accept", opt=RESPOND, status_code=303)
async def accept_handover(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Response[Any]:
    handover = await handovers.accept(db_session, request.state.actor, household_id)
    if handover.kind == HandoverKind.REGISSEUR:
        # She is the household's regisseur now: straight to its overview.
        return see_other(f"/huishoudens/{household_id}")
    return see_other("/mijn?overgenomen=1")


@post(ANSWER + "/nee", name="handover.decline", opt=RESPOND, status_code=200)
async def decline_handover(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[AnswerInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    try:
        await handovers.decline(db_session, actor, household_id, data)
    except InvalidInput as exc:
        pending = await handovers.offered_view(db_session, actor, household_id)
        context = _answer_context(request, pending, data, exc.errors)
        return render(request, "pages/workspace/handover_answer.html", context, status_code=400)
    return see_other("/mijn?afgewezen=1")


ROUTES = [handover_page, offer_handover, withdraw_handover, answer_page, accept_handover, decline_handover]
