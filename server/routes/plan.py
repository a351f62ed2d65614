"""The household's plan: goals, actions and ticks, sharing, ratings and their history."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain import partner
from server.domain.errors import InvalidInput
from server.domain.plan import service as plan
from server.domain.plan.model import ActionStatus, Goal, Horizon, PlanAction, WhoType
from server.domain.plan.service import (
    INVITE_NEXT,
    ActionInput,
    EditConflict,
    GoalChanged,
    GoalInput,
    RemoveGoalInput,
    TakeInput,
    TickInput,
)
from server.domain.policy import Action, Actor, HouseholdRef, Relation
from server.domain.ratings.instruments import InstrumentDef
from server.domain.volunteering import service as volunteering
from server.i18n import gettext as _
from server.routes.deps import PLAN, DbSession, Form, household_and_instrument, plan_url
from server.views.presenters import (
    day,
    horizon_label,
    horizon_question,
    plan_labels,
    status_label,
    who_type_label,
)
from server.views.ratings import for_reader
from server.web import flash, is_fragment_request, render, see_other

# --------------------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------------------


@get(PLAN, name="plan.view", opt={"policy": Action.PLAN_READ, "resource": "plan"})
async def plan_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    household, instrument = await household_and_instrument(request, db_session)
    relation: Relation = request.state.relation
    actor: Actor = request.state.actor
    # Goals name their leefgebied in the reader's words (the household's, or the professional's).
    view = await plan.load_plan(db_session, household_id, for_reader(request.state.can, instrument), actor, relation)
    return render(
        request,
        "pages/plan/plan.html",
        {
            "household": household,
            "flash": flash(request, "gestopt", "geschrapt"),
            "view": view,
            "sections": [(h, horizon_question(h), view.by_horizon(h)) for h in Horizon],
            "asked": await volunteering.live_action_ids(db_session, household_id),
            "me": actor.id,
            "note_too_long": request.query_params.get("notitie") == "te-lang",
            **plan_labels(),
        },
    )


def _goal_form_context(
    household: HouseholdRef, instrument: InstrumentDef, data: GoalInput, errors: dict[str, str], **extra: Any
) -> dict[str, Any]:
    return {
        "household": household,
        "instrument": instrument,
        "data": data,
        "errors": {k: _(v) for k, v in errors.items()},
        "horizons": [(h.value, horizon_label(h)) for h in Horizon],
        "domain_options": [(d.key, d.name) for d in instrument.domains],
        "score_options": [(str(s.score), f"{s.score}: {s.label}") for s in instrument.scale],
        "goal": None,
        "version": "",
        **extra,
    }


@get(f"{PLAN}/doelen/nieuw", name="plan.goal.new", opt={"policy": Action.PLAN_WRITE, "resource": "plan"})
async def new_goal(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    household, instrument = await household_and_instrument(request, db_session)
    data = GoalInput(domain_key=request.query_params.get("leefgebied", ""), horizon=Horizon.EERST.value)
    return render(
        request,
        "pages/plan/goal_form.html",
        _goal_form_context(household, for_reader(request.state.can, instrument), data, {}),
    )


@post(f"{PLAN}/doelen", name="plan.goal.create", opt={"policy": Action.PLAN_WRITE}, status_code=200)
async def create_goal(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID], data: Form[GoalInput]
) -> Response[Any]:
    household, instrument = await household_and_instrument(request, db_session)
    try:
        goal = await plan.create_goal(
            db_session, request.state.actor, request.state.relation, household_id, instrument, data
        )
    except InvalidInput as exc:
        context = _goal_form_context(household, for_reader(request.state.can, instrument), data, exc.errors)
        return render(request, "pages/plan/goal_form.html", context, status_code=400)
    return see_other(plan_url(household_id, f"doel-{goal.id}"))


def _goal_as_input(goal: Goal) -> GoalInput:
    target = "" if goal.target_score is None else str(goal.target_score)
    return GoalInput(domain_key=goal.domain_key, text=goal.text, horizon=str(goal.horizon), target_score=target)


@get(
    f"{PLAN}/doelen/{{goal_id:uuid}}/bewerken",
    name="plan.goal.edit",
    opt={"policy": Action.PLAN_WRITE, "resource": "plan.goal"},
)
async def edit_goal(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    goal_id: FromPath[uuid.UUID],
) -> Template:
    household, instrument = await household_and_instrument(request, db_session)
    goal = await plan.get_goal(db_session, household_id, goal_id)
    context = _goal_form_context(
        household, for_reader(request.state.can, instrument), _goal_as_input(goal), {}, goal=goal, version=goal.version
    )
    return render(request, "pages/plan/goal_form.html", context)


@post(f"{PLAN}/doelen/{{goal_id:uuid}}", name="plan.goal.update", opt={"policy": Action.PLAN_WRITE}, status_code=200)
async def update_goal(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    goal_id: FromPath[uuid.UUID],
    data: Form[GoalInput],
) -> Response[Any]:
    household, instrument = await household_and_instrument(request, db_session)
    goal = await plan.get_goal(db_session, household_id, goal_id)
    try:
        await plan.update_goal(db_session, request.state.actor, household_id, goal_id, instrument, data)
    except EditConflict as conflict:
        current = _goal_as_input(goal)
        context = _goal_form_context(
            household,
            for_reader(request.state.can, instrument),
            data,
            {},
            goal=goal,
            version=goal.version,
            conflict={
                "domain": for_reader(request.state.can, instrument).domain_name(current.domain_key),
                "text": current.text,
                "horizon": horizon_label(current.horizon),
                "target": current.target_score,
                "message": _(conflict.message),
            },
        )
        return render(request, "pages/plan/goal_form.html", context, status_code=409)
    except InvalidInput as exc:
        context = _goal_form_context(
            household, for_reader(request.state.can, instrument), data, exc.errors, goal=goal, version=data.version
        )
        return render(request, "pages/plan/goal_form.html", context, status_code=400)
    return see_other(plan_url(household_id, f"doel-{goal_id}"))


def _goal_remove_page(
    request: Request[Any, Any, Any],
    household: HouseholdRef,
    instrument: InstrumentDef,
    goal: Goal,
    *,
    errors: dict[str, str] | None = None,
    changed: str = "",
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "pages/plan/goal_remove.html",
        {
            "household": household,
            "goal": goal,
            # The leefgebied in the reader's words (the household's own).
            "domain_name": for_reader(request.state.can, instrument).domain_name(goal.domain_key),
            "errors": {k: _(v) for k, v in (errors or {}).items()},
            "changed": changed,
        },
        status_code=status_code,
    )


@get(
    f"{PLAN}/doelen/{{goal_id:uuid}}/schrappen",
    name="plan.goal.remove_confirm",
    opt={"policy": Action.GOAL_REMOVE, "resource": "plan.goal"},
)
async def confirm_goal_removal(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    goal_id: FromPath[uuid.UUID],
) -> Response[Any]:
    """ "Doel schrappen": a page that asks to confirm, so that one tap never takes a goal away."""
    household, instrument = await household_and_instrument(request, db_session)
    goal = await plan.get_goal_or_removed(db_session, household_id, goal_id)
    if goal.removed_at is not None:
        return see_other(plan_url(household_id) + "?geschrapt=1")
    return _goal_remove_page(request, household, instrument, goal)


@post(
    f"{PLAN}/doelen/{{goal_id:uuid}}/schrappen",
    name="plan.goal.remove",
    opt={"policy": Action.GOAL_REMOVE},
    status_code=200,
)
async def remove_goal(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    goal_id: FromPath[uuid.UUID],
    data: Form[RemoveGoalInput],
) -> Response[Any]:
    household, instrument = await household_and_instrument(request, db_session)
    try:
        await plan.remove_goal(db_session, request.state.actor, household_id, goal_id, data)
    except GoalChanged as changed:
        # Confirmed on an older version of the goal: ask again, with the goal as it is now.
        goal = changed.current
        assert isinstance(goal, Goal)
        return _goal_remove_page(request, household, instrument, goal, changed=_(changed.message), status_code=409)
    except InvalidInput as exc:
        goal = await plan.get_goal(db_session, household_id, goal_id)
        return _goal_remove_page(request, household, instrument, goal, errors=exc.errors, status_code=400)
    # Also when it was already gone (a second press, or someone else of the household): the plan without it.
    return see_other(plan_url(household_id) + "?geschrapt=1")


async def _action_form_context(
    db: DbSession, household: HouseholdRef, goal: Goal, data: ActionInput, errors: dict[str, str], **extra: Any
) -> dict[str, Any]:
    return {
        "household": household,
        "goal": goal,
        "data": data,
        "errors": {k: _(v) for k, v in errors.items()},
        "who_types": [(w.value, who_type_label(w)) for w in WhoType],
        # A professional action goes to one of the gemeente's partner organisations, or to someone typed in.
        "organisations": [
            (str(o.id), o.name) for o in await partner.assignable_organisations(db, household.municipality_id)
        ],
        "statuses": [(s.value, status_label(s)) for s in ActionStatus],
        "action": None,
        "version": "",
        **extra,
    }


@get(
    f"{PLAN}/doelen/{{goal_id:uuid}}/acties/nieuw",
    name="plan.action.new",
    opt={"policy": Action.PLAN_WRITE, "resource": "plan.goal"},
)
async def new_action(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    goal_id: FromPath[uuid.UUID],
) -> Template:
    household, _instrument = await household_and_instrument(request, db_session)
    goal = await plan.get_goal(db_session, household_id, goal_id)
    context = await _action_form_context(db_session, household, goal, ActionInput(), {})
    return render(request, "pages/plan/action_form.html", context)


@post(
    f"{PLAN}/doelen/{{goal_id:uuid}}/acties",
    name="plan.action.create",
    opt={"policy": Action.PLAN_WRITE},
    status_code=200,
)
async def create_action(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    goal_id: FromPath[uuid.UUID],
    data: Form[ActionInput],
) -> Response[Any]:
    household, _instrument = await household_and_instrument(request, db_session)
    goal = await plan.get_goal(db_session, household_id, goal_id)
    try:
        action = await plan.create_action(db_session, request.state.actor, household_id, goal_id, data)
    except InvalidInput as exc:
        return render(
            request,
            "pages/plan/action_form.html",
            await _action_form_context(db_session, household, goal, data, exc.errors),
            status_code=400,
        )
    return see_other(_after_action_saved(request, household_id, action, data))


def _after_action_saved(
    request: Request[Any, Any, Any], household_id: uuid.UUID, action: PlanAction, data: ActionInput
) -> str:
    """The plan at the action; or, after "Bewaar en nodig iemand uit", the invitation for this action (where
    someone not yet on the network map can be added), for those who may invite."""
    if data.daarna == INVITE_NEXT and request.state.can.invite and action.who_type == WhoType.NETWERK:
        return f"/huishoudens/{household_id}/netwerk/uitnodigen?actie={action.id}"
    return plan_url(household_id, f"actie-{action.id}")


def _action_as_input(action: PlanAction) -> ActionInput:
    return ActionInput(
        what=action.what,
        who_type=str(action.who_type),
        performer=action.performer,
        professional_reason=action.professional_reason,
        due_on=action.due_on.isoformat() if action.due_on else "",
        status=str(action.status),
        organisation=str(action.assigned_organisation_id) if action.assigned_organisation_id else "",
    )


@get(
    f"{PLAN}/acties/{{action_id:uuid}}/bewerken",
    name="plan.action.edit",
    opt={"policy": Action.PLAN_WRITE, "resource": "plan.action"},
)
async def edit_action(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    action_id: FromPath[uuid.UUID],
) -> Template:
    household, _instrument = await household_and_instrument(request, db_session)
    action = await plan.get_action(db_session, household_id, action_id)
    goal = await plan.get_goal(db_session, household_id, action.goal_id)
    context = await _action_form_context(
        db_session, household, goal, _action_as_input(action), {}, action=action, version=action.version
    )
    return render(request, "pages/plan/action_form.html", context)


@post(
    f"{PLAN}/acties/{{action_id:uuid}}", name="plan.action.update", opt={"policy": Action.PLAN_WRITE}, status_code=200
)
async def update_action(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    action_id: FromPath[uuid.UUID],
    data: Form[ActionInput],
) -> Response[Any]:
    household, _instrument = await household_and_instrument(request, db_session)
    action = await plan.get_action(db_session, household_id, action_id)
    goal = await plan.get_goal(db_session, household_id, action.goal_id)
    try:
        await plan.update_action(db_session, request.state.actor, household_id, action_id, data)
    except EditConflict as conflict:
        current = _action_as_input(action)
        context = await _action_form_context(
            db_session,
            household,
            goal,
            data,
            {},
            action=action,
            version=action.version,
            conflict={
                "what": current.what,
                "who": who_type_label(current.who_type),
                "performer": current.performer,
                "due": day(action.due_on) if action.due_on else "",
                "status": status_label(current.status),
                "message": _(conflict.message),
            },
        )
        return render(request, "pages/plan/action_form.html", context, status_code=409)
    except InvalidInput as exc:
        context = await _action_form_context(
            db_session, household, goal, data, exc.errors, action=action, version=data.version
        )
        return render(request, "pages/plan/action_form.html", context, status_code=400)
    return see_other(_after_action_saved(request, household_id, action, data))


@post(
    f"{PLAN}/acties/{{action_id:uuid}}/afvinken",
    name="plan.action.tick",
    opt={"policy": Action.ACTION_TICK},
    status_code=200,
)
async def tick_action(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    action_id: FromPath[uuid.UUID],
    data: Form[TickInput],
) -> Response[Any]:
    relation: Relation = request.state.relation
    action = await plan.tick_action(
        db_session, request.state.actor, relation, household_id, action_id, done=data.gedaan == "ja"
    )
    back = local_path(data.terug)
    if back:
        return see_other(back)
    if is_fragment_request(request):
        household, _instrument = await household_and_instrument(request, db_session)
        return render(
            request,
            "partials/plan/action.html",
            {
                "household": household,
                "action": action,
                "can_tick": True,
                "ticked": True,
                "asked": await volunteering.live_action_ids(db_session, household_id),
                "me": request.state.actor.id,
                **plan_labels(),
            },
        )
    return see_other(plan_url(household_id, f"actie-{action_id}"))


def local_path(raw: str) -> str:
    """Where a form asks to come back to (the start page's buttons): a path on this site only, never another
    site ("//elders.example", "/\\elders.example") or a header injection."""
    if not raw.startswith("/") or raw.startswith("//") or "\\" in raw or len(raw) > 200:
        return ""
    if any(char.isspace() or not char.isprintable() for char in raw):
        return ""
    return raw


@post(
    f"{PLAN}/acties/{{action_id:uuid}}/oppakken",
    name="plan.action.take",
    opt={"policy": Action.ACTION_TAKE},
    status_code=303,
)
async def take_action(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    action_id: FromPath[uuid.UUID],
    data: Form[TakeInput],
) -> Response[Any]:
    """ "Wij pakken dit op": a partner professional picks up an action assigned to their organisation."""
    await partner.take_action(db_session, request.state.actor, household_id, action_id)
    return see_other(local_path(data.terug) or plan_url(household_id, f"actie-{action_id}"))


ROUTES = [
    plan_page,
    new_goal,
    create_goal,
    edit_goal,
    update_goal,
    confirm_goal_removal,
    remove_goal,
    new_action,
    create_action,
    edit_action,
    update_action,
    tick_action,
    take_action,
]
