"""Help requests: the household publishes a card, volunteers offer help, the household decides."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain.errors import InvalidInput
from server.domain.models import Household
from server.domain.plan import service as plan
from server.domain.policy import Action, Actor
from server.domain.volunteering import service as volunteering
from server.domain.volunteering.service import HelpRequestInput, OfferInput
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, household_or_404
from server.views.presenters import day, help_status_label, moment
from server.web import flash, render, see_other

REQUESTS = "/huishoudens/{household_id:uuid}/hulpvragen"
BOARD = "/taken"


def _publish_context(
    household: Household, action: Any, data: HelpRequestInput, errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "household": household,
        "action": action,
        "data": data,
        "errors": {k: _(v) for k, v in errors.items()},
    }


@get(
    "/huishoudens/{household_id:uuid}/plan/acties/{action_id:uuid}/hulpvraag",
    name="help.new",
    opt={"policy": Action.HELP_PUBLISH, "resource": "plan.action"},
)
async def new_request(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    action_id: FromPath[uuid.UUID],
) -> Template:
    household = await household_or_404(db_session, household_id)
    action = await plan.get_action(db_session, household_id, action_id)
    data = HelpRequestInput(what=action.what)
    return render(request, "pages/volunteering/publish.html", _publish_context(household, action, data, {}))


@post(
    "/huishoudens/{household_id:uuid}/plan/acties/{action_id:uuid}/hulpvraag",
    name="help.publish",
    opt={"policy": Action.HELP_PUBLISH},
    status_code=200,
)
async def publish(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    action_id: FromPath[uuid.UUID],
    data: Form[HelpRequestInput],
) -> Response[Any]:
    household = await household_or_404(db_session, household_id)
    action = await plan.get_action(db_session, household_id, action_id)
    try:
        await volunteering.publish(db_session, request.state.actor, household_id, action_id, data)
    except InvalidInput as exc:
        context = _publish_context(household, action, data, exc.errors)
        return render(request, "pages/volunteering/publish.html", context, status_code=400)
    return see_other(f"/huishoudens/{household_id}/hulpvragen?gepubliceerd=1")


@get(REQUESTS, name="help.list", opt={"policy": Action.HELP_PUBLISH, "resource": "help_requests"})
async def requests_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    household = await household_or_404(db_session, household_id)
    return render(
        request,
        "pages/volunteering/requests.html",
        {
            "household": household,
            "flash": flash(request, "gepubliceerd", "bevestigd", "ingetrokken"),
            "requests": await volunteering.requests_of(db_session, household_id),
            "counts": await volunteering.involvement_history(db_session, household_id),
            "status_label": help_status_label,
            "day": day,
        },
    )


async def _decide(
    request: Request[Any, Any, Any], db: DbSession, household_id: uuid.UUID, offer_id: uuid.UUID, *, accept: bool
) -> Response[Any]:
    await volunteering.decide(db, request.state.actor, household_id, offer_id, accept=accept)
    return see_other(f"/huishoudens/{household_id}/hulpvragen")


@post(
    f"{REQUESTS}/aanbod/{{offer_id:uuid}}/accepteren",
    name="help.offer.accept",
    opt={"policy": Action.HELP_DECIDE},
    status_code=303,
)
async def accept_offer(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    offer_id: FromPath[uuid.UUID],
) -> Response[Any]:
    return await _decide(request, db_session, household_id, offer_id, accept=True)


@post(
    f"{REQUESTS}/aanbod/{{offer_id:uuid}}/afwijzen",
    name="help.offer.decline",
    opt={"policy": Action.HELP_DECIDE},
    status_code=303,
)
async def decline_offer(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    offer_id: FromPath[uuid.UUID],
) -> Response[Any]:
    return await _decide(request, db_session, household_id, offer_id, accept=False)


@post(
    f"{REQUESTS}/{{request_id:uuid}}/bevestigen",
    name="help.confirm",
    opt={"policy": Action.HELP_DECIDE},
    status_code=303,
)
async def confirm(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    request_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await volunteering.confirm(db_session, request.state.actor, household_id, request_id)
    return see_other(f"/huishoudens/{household_id}/hulpvragen?bevestigd=1")


@post(
    f"{REQUESTS}/{{request_id:uuid}}/intrekken",
    name="help.withdraw",
    opt={"policy": Action.HELP_DECIDE},
    status_code=303,
)
async def withdraw(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    request_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await volunteering.withdraw(db_session, request.state.actor, household_id, request_id)
    return see_other(f"/huishoudens/{household_id}/hulpvragen?ingetrokken=1")


@get(
    f"{REQUESTS}/{{request_id:uuid}}/taak", name="help.task", opt={"policy": Action.HELP_TASK, "resource": "help_task"}
)
async def task_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    request_id: FromPath[uuid.UUID],
) -> Template:
    details = await volunteering.task_details(db_session, request.state.actor, household_id, request_id)
    return render(request, "pages/volunteering/task.html", {"details": details, "household_id": household_id})


@post(
    f"{REQUESTS}/{{request_id:uuid}}/gedaan",
    name="help.task.done",
    opt={"policy": Action.HELP_TASK},
    status_code=303,
)
async def task_done(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    request_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await volunteering.mark_done(db_session, request.state.actor, household_id, request_id)
    return see_other(f"{BOARD}?klaar=1")


@get(BOARD, name="help.board", opt={"policy": Action.TASK_BOARD})
async def board_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    actor: Actor = request.state.actor
    cards, tasks = await volunteering.board(db_session, actor)
    return render(
        request,
        "pages/volunteering/board.html",
        {
            "flash": flash(request, "aangeboden", "klaar"),
            "cards": cards,
            "tasks": tasks,
            "works_with": await volunteering.volunteer_organisation(db_session, actor) is not None,
            "status_label": help_status_label,
            "moment": moment,
        },
    )


@post(f"{BOARD}/{{request_id:uuid}}/aanbieden", name="help.offer", opt={"policy": Action.TASK_BOARD}, status_code=303)
async def offer_help(
    request: Request[Any, Any, Any], db_session: DbSession, request_id: FromPath[uuid.UUID], data: Form[OfferInput]
) -> Response[Any]:
    await volunteering.offer(db_session, request.state.actor, request_id, data.message)
    return see_other(f"{BOARD}?aangeboden=1")


ROUTES = [
    new_request,
    publish,
    requests_page,
    accept_offer,
    decline_offer,
    confirm,
    withdraw,
    task_page,
    task_done,
    board_page,
    offer_help,
]
