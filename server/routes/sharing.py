"""Sharing a goal with someone from the network or a partner organisation, or the ratings with a partner
organisation, and withdrawing it: the household decides, and sees with whom and for what."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain import partner
from server.domain.errors import InvalidInput
from server.domain.models import Household
from server.domain.partner import RatingsShareInput
from server.domain.plan import service as plan
from server.domain.plan.model import Goal
from server.domain.plan.service import RevokeInput, ShareInput
from server.domain.policy import Action
from server.i18n import gettext as _
from server.routes.deps import PLAN, DbSession, Form, household_and_instrument, household_or_404, plan_url
from server.views.partner import share_rows
from server.web import flash, render, see_other

SHARES = "/huishoudens/{household_id:uuid}/delingen"


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
    household = await household_or_404(db_session, household_id)
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
    data: Form[ShareInput],
) -> Response[Any]:
    household = await household_or_404(db_session, household_id)
    goal = await plan.get_goal(db_session, household_id, goal_id)
    try:
        await plan.share_goal(db_session, request.state.actor, household_id, household.municipality_id, goal_id, data)
    except InvalidInput as exc:
        context = await _share_context(db_session, household, goal, data, exc.errors)
        return render(request, "pages/plan/share_form.html", context, status_code=400)
    return see_other(plan_url(household_id, f"doel-{goal_id}"))


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
    data: Form[RevokeInput],
) -> Response[Any]:
    await plan.revoke_share(db_session, request.state.actor, household_id, share_id)
    if data.terug == "delingen":
        return see_other(f"/huishoudens/{household_id}/delingen?gestopt=1")
    return see_other(plan_url(household_id) + "?gestopt=1")


# --------------------------------------------------------------------------------------------------------
# Everything the household shares, and sharing its ratings
# --------------------------------------------------------------------------------------------------------


async def _shares_context(
    request: Request[Any, Any, Any], db: DbSession, data: RatingsShareInput, errors: dict[str, str]
) -> dict[str, Any]:
    household, _instrument = await household_and_instrument(request, db)
    return {
        "household": household,
        "flash": flash(request, "gestopt", "gedeeld"),
        "shares": share_rows(await partner.household_shares(db, household.id)),
        "organisations": [
            (str(o.id), o.name) for o in await partner.assignable_organisations(db, household.municipality_id)
        ],
        "data": data,
        "errors": {k: _(v) for k, v in errors.items()},
    }


@get(SHARES, name="sharing.overview", opt={"policy": Action.SHARE_MANAGE, "resource": "shares"})
async def shares_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    context = await _shares_context(request, db_session, RatingsShareInput(), {})
    return render(request, "pages/plan/shares.html", context)


@post(f"{SHARES}/scores", name="sharing.ratings.create", opt={"policy": Action.SHARE_MANAGE}, status_code=200)
async def share_ratings(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[RatingsShareInput],
) -> Response[Any]:
    try:
        await partner.share_ratings(db_session, request.state.actor, household_id, data)
    except InvalidInput as exc:
        context = await _shares_context(request, db_session, data, exc.errors)
        return render(request, "pages/plan/shares.html", context, status_code=400)
    return see_other(f"/huishoudens/{household_id}/delingen?gedeeld=1")


ROUTES = [new_share, create_share, revoke_share, shares_page, share_ratings]
