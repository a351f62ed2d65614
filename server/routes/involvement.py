"""The involvement register of a household ("dat"-information): who helps, how to reach them, from and to.
Everyone who may read "who is involved" reads it, as far as the policy lets them; the regisseur keeps it."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain import involvement
from server.domain.errors import InvalidInput
from server.domain.involvement import EndInput, InvolvementInput
from server.domain.models import utcnow
from server.domain.policy import Action, Actor, Can, InvolvedView
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, guarded_household
from server.views.presenters import contact_href, day
from server.web import flash, render, see_other

REGISTER = "/huishoudens/{household_id:uuid}/betrokkenen"
PAGE = "pages/households/involved.html"


async def _context(
    request: Request[Any, Any, Any],
    db: DbSession,
    *,
    data: InvolvementInput | None = None,
    errors: dict[str, str] | None = None,
    ending: tuple[uuid.UUID, str] | None = None,
) -> dict[str, Any]:
    household = guarded_household(request)
    can: Can = request.state.can
    today = utcnow().date().isoformat()
    context: dict[str, Any] = {
        "household": household,
        "flash": flash(request, "toegevoegd", "beeindigd"),
        "today": today,
        "data": data or InvolvementInput(from_on=today),
        "errors": {field: _(message) for field, message in (errors or {}).items()},
        "ending": ending[0] if ending else None,
        "end_value": ending[1] if ending else "",
        "rows": [],
        "names": [],
    }
    if can.involved is InvolvedView.NAMES:
        # Names of people only, as on the overview: the register's organisations stay out of sight.
        context["names"] = [i.name for i in await involvement.involved_for(db, household.id, can.involved)]
        return context
    context["rows"] = [
        {
            "id": row.id,
            "organisation": row.organisation_name,
            "professional": row.professional_name,
            "contact": row.contact,
            "contact_href": contact_href(row.contact),
            "since": day(row.from_on),
            "until": day(row.to_on) if row.to_on else "",
        }
        for row in await involvement.register(db, household.id)
    ]
    return context


@get(REGISTER, name="involvement.register", opt={"policy": Action.INVOLVED_READ, "resource": "involvement"})
async def register_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    return render(request, PAGE, await _context(request, db_session))


@post(
    REGISTER,
    name="involvement.add",
    opt={"policy": Action.TRAJECTORY_MANAGE, "resource": "involvement"},
    status_code=200,
)
async def add_involvement(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[InvolvementInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    try:
        await involvement.add_involvement(db_session, actor, household_id, data)
    except InvalidInput as exc:
        # Nothing is stored; the form comes back with what was typed and a message per field.
        context = await _context(request, db_session, data=data, errors=exc.errors)
        return render(request, PAGE, context, status_code=400)
    return see_other(f"/huishoudens/{household_id}/betrokkenen?toegevoegd=1")


@post(
    REGISTER + "/{involvement_id:uuid}/beeindigen",
    name="involvement.end",
    opt={"policy": Action.TRAJECTORY_MANAGE, "resource": "involvement"},
    status_code=200,
)
async def end_involvement(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    involvement_id: FromPath[uuid.UUID],
    data: Form[EndInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    try:
        await involvement.end_involvement(db_session, actor, household_id, involvement_id, data)
    except InvalidInput as exc:
        # The row's own end form comes back with the date that was typed and its message.
        errors = {f"to_on-{involvement_id}": message for message in exc.errors.values()}
        context = await _context(request, db_session, errors=errors, ending=(involvement_id, data.to_on))
        return render(request, PAGE, context, status_code=400)
    return see_other(f"/huishoudens/{household_id}/betrokkenen?beeindigd=1")


ROUTES = [register_page, add_involvement, end_involvement]
