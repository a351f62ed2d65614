"""Help requests: the household publishes a card, volunteers offer help, the household decides."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain.errors import IllegalTransition, InvalidInput
from server.domain.models import Household
from server.domain.plan import service as plan
from server.domain.policy import Action, Actor
from server.domain.volunteering import service as volunteering
from server.domain.volunteering.service import (
    DisclosureInput,
    HelpRequestInput,
    NameInText,
    NamesInText,
    OfferInput,
    local_today,
)
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, household_or_404
from server.views.presenters import help_status_label, moment
from server.views.volunteering import view_helpers, weekday_options
from server.web import flash, render, see_other

REQUESTS = "/huishoudens/{household_id:uuid}/hulpvragen"
BOARD = "/taken"


def _name_warning(name: NameInText) -> str:
    if name.whose == "member":
        return _("In je tekst staat ‘%(name)s’. Dat is de naam van iemand uit jullie huishouden.") % {"name": name.word}
    if name.whose == "household":
        return _("In je tekst staat ‘%(name)s’. Dat is de naam van jullie huishouden.") % {"name": name.word}
    return _("In je tekst staat ‘%(name)s’. Dat is de naam van iemand op jullie netwerkkaart.") % {"name": name.word}


def _publish_context(
    household: Household,
    action: Any,
    data: HelpRequestInput,
    errors: dict[str, str],
    names: list[NameInText] | None = None,
) -> dict[str, Any]:
    chosen = [data.weekdays] if isinstance(data.weekdays, str) else list(data.weekdays)
    return {
        "household": household,
        "action": action,
        "data": data,
        "chosen_days": chosen,
        "weekdays": weekday_options(),
        "errors": {k: _(v) for k, v in errors.items()},
        "name_warnings": [_name_warning(n) for n in names or []],
        # Publishing anyway counts for these names only: one typed in after the warning is pointed out again.
        "names_shown": ",".join(n.word for n in names or []),
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
    # The text is the household's own, never the action's: an action may name the child.
    data = HelpRequestInput(starts_on=local_today().isoformat())
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
    except NamesInText as exc:
        # Not published: the household looks at the names first, changes the text or publishes it as it is.
        context = _publish_context(household, action, data, {}, exc.names)
        return render(request, "pages/volunteering/publish.html", context, status_code=400)
    return see_other(f"/huishoudens/{household_id}/hulpvragen?gepubliceerd=1")


async def _requests_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    household_id: uuid.UUID,
    *,
    refusal: str = "",
    status_code: int = 200,
) -> Template:
    household = await household_or_404(db, household_id)
    return render(
        request,
        "pages/volunteering/requests.html",
        {
            "household": household,
            "flash": flash(request, "gepubliceerd", "bevestigd", "ingetrokken", "gestopt", "gedeeld"),
            "refusal": refusal,
            "requests": await volunteering.requests_of(db, household_id),
            "counts": await volunteering.involvement_history(db, household_id),
            "status_label": help_status_label,
            "today": local_today(),
            **view_helpers(),
        },
        status_code=status_code,
    )


@get(REQUESTS, name="help.list", opt={"policy": Action.HELP_PUBLISH, "resource": "help_requests"})
async def requests_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    return await _requests_page(request, db_session, household_id)


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
    try:
        await volunteering.decide(db_session, request.state.actor, household_id, offer_id, accept=True)
    except IllegalTransition as exc:
        # Refused (a day someone already has, an offer decided on meanwhile): the page as it is now, with why.
        # Nothing was written (the rota's rows were in a savepoint), and the 409 rolls the transaction back.
        return await _requests_page(request, db_session, household_id, refusal=_(exc.message), status_code=409)
    # Next: what this volunteer gets to know.
    return see_other(f"/huishoudens/{household_id}/hulpvragen/aanbod/{offer_id}/delen?aangenomen=1")


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
    await volunteering.decide(db_session, request.state.actor, household_id, offer_id, accept=False)
    return see_other(f"/huishoudens/{household_id}/hulpvragen")


def _disclosure_context(
    form: volunteering.DisclosureForm, data: DisclosureInput | None, errors: dict[str, str]
) -> dict[str, Any]:
    offer = form.offer
    if data is None:
        place = "adres" if offer.share_address else "plek" if offer.share_place else "niets"
        data = DisclosureInput(
            members=[str(m) for m in form.chosen_members],
            place=place,
            place_text=offer.share_place,
            phone="ja" if offer.share_phone else "",
            note=offer.share_note,
        )
    members = [data.members] if isinstance(data.members, str) else list(data.members)
    return {
        "form": form,
        "data": data,
        "chosen_members": members,
        "errors": {k: _(v) for k, v in errors.items()},
        **view_helpers(),
    }


@get(
    f"{REQUESTS}/aanbod/{{offer_id:uuid}}/delen",
    name="help.offer.share",
    opt={"policy": Action.HELP_DECIDE, "resource": "help_requests"},
)
async def disclosure_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    offer_id: FromPath[uuid.UUID],
) -> Template:
    household = await household_or_404(db_session, household_id)
    form = await volunteering.disclosure_form(db_session, household_id, offer_id)
    context = _disclosure_context(form, None, {})
    context |= {"household": household, "flash": flash(request, "aangenomen")}
    return render(request, "pages/volunteering/share.html", context)


@post(
    f"{REQUESTS}/aanbod/{{offer_id:uuid}}/delen",
    name="help.offer.share.save",
    opt={"policy": Action.HELP_DECIDE},
    status_code=200,
)
async def save_disclosure(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    offer_id: FromPath[uuid.UUID],
    data: Form[DisclosureInput],
) -> Response[Any]:
    household = await household_or_404(db_session, household_id)
    try:
        await volunteering.disclose(db_session, request.state.actor, household_id, offer_id, data)
    except InvalidInput as exc:
        form = await volunteering.disclosure_form(db_session, household_id, offer_id)
        context = _disclosure_context(form, data, exc.errors) | {"household": household, "flash": ""}
        return render(request, "pages/volunteering/share.html", context, status_code=400)
    return see_other(f"/huishoudens/{household_id}/hulpvragen?gedeeld=1#aanbod-{offer_id}")


@post(
    f"{REQUESTS}/aanbod/{{offer_id:uuid}}/stoppen",
    name="help.offer.end",
    opt={"policy": Action.HELP_DECIDE},
    status_code=303,
)
async def end_part(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    offer_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await volunteering.end_part(db_session, request.state.actor, household_id, offer_id)
    return see_other(f"/huishoudens/{household_id}/hulpvragen?gestopt=1")


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
    return render(
        request,
        "pages/volunteering/task.html",
        {"details": details, "household_id": household_id, **view_helpers()},
    )


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


async def _board_page(
    request: Request[Any, Any, Any], db: DbSession, *, errors: dict[str, dict[str, str]] | None = None
) -> Template:
    actor: Actor = request.state.actor
    board = await volunteering.board(db, actor)
    return render(
        request,
        "pages/volunteering/board.html",
        {
            "flash": flash(request, "aangeboden", "klaar"),
            "cards": board.cards,
            "tasks": board.tasks,
            "works_with": board.works_with,
            "status_label": help_status_label,
            "moment": moment,
            "errors": errors or {},
            **view_helpers(),
        },
        status_code=400 if errors else 200,
    )


@get(BOARD, name="help.board", opt={"policy": Action.TASK_BOARD})
async def board_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    return await _board_page(request, db_session)


@post(f"{BOARD}/{{request_id:uuid}}/aanbieden", name="help.offer", opt={"policy": Action.TASK_BOARD}, status_code=303)
async def offer_help(
    request: Request[Any, Any, Any], db_session: DbSession, request_id: FromPath[uuid.UUID], data: Form[OfferInput]
) -> Response[Any]:
    try:
        await volunteering.offer(db_session, request.state.actor, request_id, data.message, data.weekdays)
    except InvalidInput as exc:
        errors = {str(request_id): {k: _(v) for k, v in exc.errors.items()}}
        return await _board_page(request, db_session, errors=errors)
    return see_other(f"{BOARD}?aangeboden=1")


ROUTES = [
    new_request,
    publish,
    requests_page,
    accept_offer,
    decline_offer,
    confirm,
    withdraw,
    disclosure_page,
    save_disclosure,
    end_part,
    task_page,
    task_done,
    board_page,
    offer_help,
]
