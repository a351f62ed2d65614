"""The household's plan: goals, actions and ticks, sharing, ratings and their history."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.charts import Series, progress_chart, spider_chart
from server.domain import instruments, plan, ratings, volunteering
from server.domain.errors import InvalidInput, NotFound
from server.domain.instruments import InstrumentDef
from server.domain.models import (
    ActionStatus,
    AssessmentKind,
    Goal,
    Horizon,
    Household,
    Perspective,
    PlanAction,
    WhoType,
)
from server.domain.plan import ActionInput, EditConflict, GoalInput, ShareInput
from server.domain.policy import Action, Actor, Relation
from server.i18n import gettext as _
from server.presenters import (
    assessment_kind_label,
    day,
    horizon_label,
    horizon_question,
    perspective_label,
    status_label,
    who_type_label,
    writer_label,
)
from server.routes.deps import DbSession, household_or_404
from server.web import is_fragment_request, render, see_other

PLAN = "/huishoudens/{household_id:uuid}/plan"
SCORES = "/huishoudens/{household_id:uuid}/scores"


async def _context(db: DbSession, household_id: uuid.UUID) -> tuple[Household, InstrumentDef]:
    household = await household_or_404(db, household_id)
    return household, await instruments.for_municipality(db, household.municipality_id)


def labels() -> dict[str, Any]:
    """Label functions for the plan templates."""
    return {
        "horizon_label": horizon_label,
        "status_label": status_label,
        "who_type_label": who_type_label,
        "writer_label": writer_label,
        "day": day,
    }


def _plan_url(household_id: uuid.UUID, anchor: str = "") -> str:
    return f"/huishoudens/{household_id}/plan" + (f"#{anchor}" if anchor else "")


# --------------------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------------------


@get(PLAN, name="plan.view", opt={"policy": Action.PLAN_READ, "resource": "plan"})
async def plan_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    household, instrument = await _context(db_session, household_id)
    relation: Relation = request.state.relation
    actor: Actor = request.state.actor
    view = await plan.load_plan(db_session, household_id, instrument, actor, relation)
    return render(
        request,
        "pages/plan/plan.html",
        {
            "household": household,
            "view": view,
            "sections": [(h, horizon_question(h), view.by_horizon(h)) for h in Horizon],
            "can_write": relation in (Relation.MEMBER, Relation.REGISSEUR),
            "can_share": relation is Relation.MEMBER,
            "asked": await volunteering.live_action_ids(db_session, household_id),
            "is_regisseur": relation is Relation.REGISSEUR,
            "is_member": relation is Relation.MEMBER,
            "can_invite": relation is Relation.MEMBER,
            "me": actor.id,
            "note_too_long": request.query_params.get("notitie") == "te-lang",
            **labels(),
        },
    )


def _goal_form_context(
    household: Household, instrument: InstrumentDef, data: GoalInput, errors: dict[str, str], **extra: Any
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
    household, instrument = await _context(db_session, household_id)
    data = GoalInput(domain_key=request.query_params.get("leefgebied", ""), horizon=Horizon.EERST.value)
    return render(request, "pages/plan/goal_form.html", _goal_form_context(household, instrument, data, {}))


def _goal_input(form: Any) -> GoalInput:
    return GoalInput(
        domain_key=str(form.get("domain_key", "")),
        text=str(form.get("text", "")),
        horizon=str(form.get("horizon", "")),
        target_score=str(form.get("target_score", "")),
    )


@post(f"{PLAN}/doelen", name="plan.goal.create", opt={"policy": Action.PLAN_WRITE}, status_code=200)
async def create_goal(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Response[Any]:
    household, instrument = await _context(db_session, household_id)
    data = _goal_input(await request.form())
    try:
        goal = await plan.create_goal(
            db_session, request.state.actor, request.state.relation, household_id, instrument, data
        )
    except InvalidInput as exc:
        context = _goal_form_context(household, instrument, data, exc.errors)
        return render(request, "pages/plan/goal_form.html", context, status_code=400)
    return see_other(_plan_url(household_id, f"doel-{goal.id}"))


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
    household, instrument = await _context(db_session, household_id)
    goal = await plan.get_goal(db_session, household_id, goal_id)
    context = _goal_form_context(household, instrument, _goal_as_input(goal), {}, goal=goal, version=goal.version)
    return render(request, "pages/plan/goal_form.html", context)


@post(f"{PLAN}/doelen/{{goal_id:uuid}}", name="plan.goal.update", opt={"policy": Action.PLAN_WRITE}, status_code=200)
async def update_goal(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    goal_id: FromPath[uuid.UUID],
) -> Response[Any]:
    household, instrument = await _context(db_session, household_id)
    form = await request.form()
    data = _goal_input(form)
    goal = await plan.get_goal(db_session, household_id, goal_id)
    try:
        await plan.update_goal(
            db_session, request.state.actor, household_id, goal_id, instrument, data, str(form.get("version", ""))
        )
    except EditConflict as conflict:
        current = _goal_as_input(goal)
        context = _goal_form_context(
            household,
            instrument,
            data,
            {},
            goal=goal,
            version=goal.version,
            conflict={
                "domain": instrument.domain_name(current.domain_key),
                "text": current.text,
                "horizon": horizon_label(current.horizon),
                "target": current.target_score,
                "message": _(conflict.message),
            },
        )
        return render(request, "pages/plan/goal_form.html", context, status_code=409)
    except InvalidInput as exc:
        context = _goal_form_context(
            household, instrument, data, exc.errors, goal=goal, version=str(form.get("version", ""))
        )
        return render(request, "pages/plan/goal_form.html", context, status_code=400)
    return see_other(_plan_url(household_id, f"doel-{goal_id}"))


def _action_form_context(
    household: Household, goal: Goal, data: ActionInput, errors: dict[str, str], **extra: Any
) -> dict[str, Any]:
    return {
        "household": household,
        "goal": goal,
        "data": data,
        "errors": {k: _(v) for k, v in errors.items()},
        "who_types": [(w.value, who_type_label(w)) for w in WhoType],
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
    household, _instrument = await _context(db_session, household_id)
    goal = await plan.get_goal(db_session, household_id, goal_id)
    return render(request, "pages/plan/action_form.html", _action_form_context(household, goal, ActionInput(), {}))


def _action_input(form: Any) -> ActionInput:
    return ActionInput(
        what=str(form.get("what", "")),
        who_type=str(form.get("who_type", "")),
        performer=str(form.get("performer", "")),
        professional_reason=str(form.get("professional_reason", "")),
        due_on=str(form.get("due_on", "")),
        status=str(form.get("status", ActionStatus.OPEN.value)),
    )


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
) -> Response[Any]:
    household, _instrument = await _context(db_session, household_id)
    goal = await plan.get_goal(db_session, household_id, goal_id)
    data = _action_input(await request.form())
    try:
        action = await plan.create_action(db_session, request.state.actor, household_id, goal_id, data)
    except InvalidInput as exc:
        return render(
            request,
            "pages/plan/action_form.html",
            _action_form_context(household, goal, data, exc.errors),
            status_code=400,
        )
    return see_other(_plan_url(household_id, f"actie-{action.id}"))


def _action_as_input(action: PlanAction) -> ActionInput:
    return ActionInput(
        what=action.what,
        who_type=str(action.who_type),
        performer=action.performer,
        professional_reason=action.professional_reason,
        due_on=action.due_on.isoformat() if action.due_on else "",
        status=str(action.status),
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
    household, _instrument = await _context(db_session, household_id)
    action = await plan.get_action(db_session, household_id, action_id)
    goal = await plan.get_goal(db_session, household_id, action.goal_id)
    context = _action_form_context(household, goal, _action_as_input(action), {}, action=action, version=action.version)
    return render(request, "pages/plan/action_form.html", context)


@post(
    f"{PLAN}/acties/{{action_id:uuid}}", name="plan.action.update", opt={"policy": Action.PLAN_WRITE}, status_code=200
)
async def update_action(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    action_id: FromPath[uuid.UUID],
) -> Response[Any]:
    household, _instrument = await _context(db_session, household_id)
    form = await request.form()
    data = _action_input(form)
    action = await plan.get_action(db_session, household_id, action_id)
    goal = await plan.get_goal(db_session, household_id, action.goal_id)
    try:
        await plan.update_action(
            db_session, request.state.actor, household_id, action_id, data, str(form.get("version", ""))
        )
    except EditConflict as conflict:
        current = _action_as_input(action)
        context = _action_form_context(
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
        context = _action_form_context(
            household, goal, data, exc.errors, action=action, version=str(form.get("version", ""))
        )
        return render(request, "pages/plan/action_form.html", context, status_code=400)
    return see_other(_plan_url(household_id, f"actie-{action_id}"))


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
) -> Response[Any]:
    form = await request.form()
    relation: Relation = request.state.relation
    action = await plan.tick_action(
        db_session, request.state.actor, relation, household_id, action_id, done=form.get("gedaan") == "ja"
    )
    if is_fragment_request(request):
        household, _instrument = await _context(db_session, household_id)
        return render(
            request,
            "partials/plan/action.html",
            {
                "household": household,
                "action": action,
                "can_tick": True,
                "can_write": relation in (Relation.MEMBER, Relation.REGISSEUR),
                "asked": await volunteering.live_action_ids(db_session, household_id),
                "can_invite": relation is Relation.MEMBER,
                "me": request.state.actor.id,
                **labels(),
            },
        )
    return see_other(_plan_url(household_id, f"actie-{action_id}"))


# --------------------------------------------------------------------------------------------------------
# Sharing
# --------------------------------------------------------------------------------------------------------


async def _share_context(
    db: DbSession, household: Household, goal: Goal, data: ShareInput, errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "household": household,
        "goal": goal,
        "data": data,
        "errors": {k: _(v) for k, v in errors.items()},
        "target_options": [
            (t.value, t.name if t.is_person else _("%(name)s (organisatie)") % {"name": t.name})
            for t in await plan.share_targets(db, household.id, household.municipality_id)
        ],
    }


@get(
    f"{PLAN}/doelen/{{goal_id:uuid}}/delen",
    name="plan.share.new",
    opt={"policy": Action.SHARE_MANAGE, "resource": "plan.goal"},
)
async def new_share(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    goal_id: FromPath[uuid.UUID],
) -> Template:
    household, _instrument = await _context(db_session, household_id)
    goal = await plan.get_goal(db_session, household_id, goal_id)
    return render(
        request, "pages/plan/share_form.html", await _share_context(db_session, household, goal, ShareInput(), {})
    )


@post(
    f"{PLAN}/doelen/{{goal_id:uuid}}/delen",
    name="plan.share.create",
    opt={"policy": Action.SHARE_MANAGE},
    status_code=200,
)
async def create_share(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    goal_id: FromPath[uuid.UUID],
) -> Response[Any]:
    household, _instrument = await _context(db_session, household_id)
    goal = await plan.get_goal(db_session, household_id, goal_id)
    form = await request.form()
    data = ShareInput(target=str(form.get("target", "")), purpose=str(form.get("purpose", "")))
    try:
        await plan.share_goal(db_session, request.state.actor, household_id, household.municipality_id, goal_id, data)
    except InvalidInput as exc:
        context = await _share_context(db_session, household, goal, data, exc.errors)
        return render(request, "pages/plan/share_form.html", context, status_code=400)
    return see_other(_plan_url(household_id, f"doel-{goal_id}"))


@post(
    f"{PLAN}/delingen/{{share_id:uuid}}/intrekken",
    name="plan.share.revoke",
    opt={"policy": Action.SHARE_MANAGE},
    status_code=303,
)
async def revoke_share(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    share_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await plan.revoke_share(db_session, request.state.actor, household_id, share_id)
    return see_other(_plan_url(household_id) + "?gestopt=1")


# --------------------------------------------------------------------------------------------------------
# Ratings
# --------------------------------------------------------------------------------------------------------


def _rating_rows(view: ratings.RatingsView, mine: Perspective) -> list[dict[str, Any]]:
    other = Perspective.PROFESSIONAL if mine is Perspective.HOUSEHOLD else Perspective.HOUSEHOLD
    talk = set(view.to_talk_about())
    latest = view.latest(mine)
    rows = []
    for domain in view.instrument.domains:
        rating = latest.ratings.get(domain.key) if latest else None
        rows.append(
            {
                "domain": domain,
                "score": rating.score if rating else None,
                "note": rating.note if rating else "",
                "household": view.latest_score(Perspective.HOUSEHOLD, domain.key),
                "professional": view.latest_score(Perspective.PROFESSIONAL, domain.key),
                "other": view.latest_score(other, domain.key),
                "talk": domain.key in talk,
            }
        )
    return rows


async def _ratings_context(request: Request[Any, Any, Any], db: DbSession, household_id: uuid.UUID) -> dict[str, Any]:
    household, instrument = await _context(db, household_id)
    relation: Relation = request.state.relation
    view = await ratings.load_ratings(db, household_id, instrument)
    mine = ratings.perspective_of(relation)
    latest = view.latest(mine)
    return {
        "household": household,
        "instrument": instrument,
        "rows": _rating_rows(view, mine),
        "latest": latest,
        "latest_label": (
            _("%(kind)s van %(date)s")
            % {"kind": assessment_kind_label(latest.assessment.kind), "date": day(latest.assessment.held_on)}
            if latest
            else ""
        ),
        "is_member": relation is Relation.MEMBER,
        "kinds": [(k.value, assessment_kind_label(k)) for k in AssessmentKind if k is not AssessmentKind.NULMETING],
        "talk_count": len(view.to_talk_about()),
        "has_both": bool(view.household and view.professional),
    }


@get(SCORES, name="ratings.view", opt={"policy": Action.RATINGS_READ, "resource": "ratings.read"})
async def ratings_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    context = await _ratings_context(request, db_session, household_id)
    context["errors"] = {}
    return render(request, "pages/plan/ratings.html", context)


@post(
    f"{SCORES}/leefgebied/{{domain_key:str}}",
    name="ratings.rate",
    opt={"policy": Action.RATINGS_WRITE},
    status_code=200,
)
async def rate(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    domain_key: FromPath[str],
) -> Response[Any]:
    _household, instrument = await _context(db_session, household_id)
    form = await request.form()
    error = ""
    try:
        await ratings.rate(
            db_session,
            request.state.actor,
            request.state.relation,
            household_id,
            instrument,
            domain_key,
            str(form.get("score", "")),
            str(form.get("note", "")),
        )
    except InvalidInput as exc:
        if "domain_key" in exc.errors:
            raise NotFound from exc
        error = _(next(iter(exc.errors.values())))
    if not error and not is_fragment_request(request):
        return see_other(f"/huishoudens/{household_id}/scores?opgeslagen={domain_key}#lg-{domain_key}")
    context = await _ratings_context(request, db_session, household_id)
    row = next(r for r in context["rows"] if r["domain"].key == domain_key)
    if error:
        # Nothing was stored: show what was typed, with the message beside the field.
        row = {**row, "note": str(form.get("note", ""))}
    status = 400 if error else 200
    if is_fragment_request(request):
        return render(
            request,
            "partials/plan/rating.html",
            {**context, "row": row, "error": error, "saved": not error},
            status_code=status,
        )
    context["errors"] = {domain_key: error}
    context["rows"] = [row if r["domain"].key == domain_key else r for r in context["rows"]]
    return render(request, "pages/plan/ratings.html", context, status_code=status)


@post(
    "/huishoudens/{household_id:uuid}/metingen",
    name="ratings.assessment.start",
    opt={"policy": Action.RATINGS_WRITE},
    status_code=200,
)
async def start_assessment(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Response[Any]:
    _household, instrument = await _context(db_session, household_id)
    form = await request.form()
    try:
        await ratings.start_assessment(
            db_session,
            request.state.actor,
            request.state.relation,
            household_id,
            instrument,
            str(form.get("kind", "")),
            str(form.get("held_on", "")),
        )
    except InvalidInput as exc:
        context = await _ratings_context(request, db_session, household_id)
        context["errors"] = {f"assessment_{k}": _(v) for k, v in exc.errors.items()}
        context["form"] = {"kind": str(form.get("kind", "")), "held_on": str(form.get("held_on", ""))}
        return render(request, "pages/plan/ratings.html", context, status_code=400)
    return see_other(f"/huishoudens/{household_id}/scores?nieuw=1")


@get(
    f"{SCORES}/verloop",
    name="ratings.history",
    opt={"policy": Action.RATINGS_READ, "resource": "ratings.history"},
)
async def history_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    household, instrument = await _context(db_session, household_id)
    view = await ratings.load_ratings(db_session, household_id, instrument)
    return render(request, "pages/plan/history.html", {"household": household, **charts_context(view)})


def rating_table(view: ratings.RatingsView) -> list[dict[str, Any]]:
    """Every assessment with its scores, for the export: who scored, when, and per leefgebied."""
    instrument = view.instrument
    rows = []
    for item in view.household + view.professional:
        rows.append(
            {
                "title": f"{assessment_kind_label(item.assessment.kind)} {day(item.assessment.held_on)}",
                "perspective": perspective_label(item.assessment.perspective),
                "scores": [
                    (
                        d.name,
                        item.ratings[d.key].score if d.key in item.ratings else None,
                        step.label
                        if d.key in item.ratings and (step := instrument.step(item.ratings[d.key].score))
                        else "",
                        item.ratings[d.key].note if d.key in item.ratings else "",
                    )
                    for d in instrument.domains
                ],
            }
        )
    return rows


def charts_context(view: ratings.RatingsView) -> dict[str, Any]:
    """Spider charts (latest against the nulmeting, per perspective), a progress chart per leefgebied, and
    the same numbers as tables. Also used by the export."""
    instrument = view.instrument
    axes = [d.name for d in instrument.domains]
    spiders = []
    for perspective, title in (
        (Perspective.HOUSEHOLD, _("Scores van het huishouden")),
        (Perspective.PROFESSIONAL, _("Scores van de regisseur")),
    ):
        history = view.history(perspective)
        if not history:
            continue
        first, last = history[0], history[-1]
        series = [
            Series(
                label=_("Nu: %(kind)s van %(date)s")
                % {"kind": assessment_kind_label(last.assessment.kind), "date": day(last.assessment.held_on)},
                values=[last.score(d.key) for d in instrument.domains],
            )
        ]
        if first is not last:
            series.append(
                Series(
                    label=_("Begin: nulmeting van %(date)s") % {"date": day(first.assessment.held_on)},
                    values=[first.score(d.key) for d in instrument.domains],
                    dashed=True,
                )
            )
        spiders.append(
            {
                "title": title,
                "svg": spider_chart(
                    axes,
                    series,
                    scale_max=instrument.max_score,
                    title=title,
                    description=_(
                        "Per leefgebied de score nu, en bij de nulmeting. De tabel eronder geeft dezelfde cijfers."
                    ),
                    chart_id=f"spin-{perspective.value}",
                ),
                "columns": [f"{assessment_kind_label(v.assessment.kind)} {day(v.assessment.held_on)}" for v in history],
                "table": [(d.name, [v.score(d.key) for v in history]) for d in instrument.domains],
            }
        )
    progress = []
    for index, domain in enumerate(instrument.domains):
        points = view.series(Perspective.HOUSEHOLD, domain.key)
        professional = view.series(Perspective.PROFESSIONAL, domain.key)
        title = domain.name
        progress.append(
            {
                "domain": domain,
                "points": [(day(d), s) for d, s in points],
                "professional": [(day(d), s) for d, s in professional],
                "svg": progress_chart(
                    [(day(d), s) for d, s in points],
                    scale_min=instrument.min_score,
                    scale_max=instrument.max_score,
                    title=_("%(domain)s: scores van het huishouden over tijd") % {"domain": title},
                    description=_("Nog geen scores.") if not points else _("Score per meting, van links naar rechts."),
                    chart_id=f"verloop-{index}",
                ),
            }
        )
    return {"instrument": instrument, "spiders": spiders, "progress": progress}


ROUTES = [
    plan_page,
    new_goal,
    create_goal,
    edit_goal,
    update_goal,
    new_action,
    create_action,
    edit_action,
    update_action,
    tick_action,
    new_share,
    create_share,
    revoke_share,
    ratings_page,
    rate,
    start_assessment,
    history_page,
]
