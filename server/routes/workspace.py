"""The regisseur's workspace: the steps of a household's trajectory (the triage, for now)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain import lifecycle
from server.domain.errors import InvalidInput
from server.domain.lifecycle import TriageInput
from server.domain.models import Phase, Trajectory, TriageOutcome
from server.domain.policy import Action, Actor
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, guarded_household
from server.views.presenters import day, phase_label, referral_label, triage_outcome_label
from server.web import render, see_other

TRIAGE = "/huishoudens/{household_id:uuid}/triage"


def _triage_context(
    request: Request[Any, Any, Any], trajectory: Trajectory, data: TriageInput, errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "household": guarded_household(request),
        "trajectory": trajectory,
        "open": trajectory.phase in lifecycle.BEFORE_TRIAGE,
        "phase": phase_label(trajectory.phase),
        "registered": day(trajectory.started_on),
        "referral": referral_label(trajectory.referral_source),
        "data": data,
        "errors": {field: _(message) for field, message in errors.items()},
        "outcomes": [(o.value, triage_outcome_label(o.value)) for o in TriageOutcome],
    }


@get(TRIAGE, name="workspace.triage", opt={"policy": Action.TRAJECTORY_MANAGE, "resource": "trajectory"})
async def triage_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    return render(request, "pages/workspace/triage.html", _triage_context(request, trajectory, TriageInput(), {}))


@post(
    TRIAGE,
    name="workspace.triage.decide",
    opt={"policy": Action.TRAJECTORY_MANAGE, "resource": "trajectory"},
    status_code=200,
)
async def decide_triage(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[TriageInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    try:
        phase = await lifecycle.decide_triage(db_session, trajectory, actor.person, data)
    except InvalidInput as exc:
        # Nothing is stored; the form comes back with what was typed and a message per field.
        context = _triage_context(request, trajectory, data, exc.errors)
        return render(request, "pages/workspace/triage.html", context, status_code=400)
    if phase == Phase.AFGESLOTEN:
        # Handed over: the trajectory is closed and the household is no longer in the regisseur's caseload.
        return see_other("/mijn")
    return see_other(f"/huishoudens/{household_id}")


ROUTES = [triage_page, decide_triage]
