"""Enrolling people who are not household members: the admin enrols professionals, a coordinator of a
volunteer organisation enrols volunteers. Both hand out one-time links and can switch off lost passkeys."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import select

from server.auth import enrolment
from server.domain import people
from server.domain.errors import InvalidInput
from server.domain.models import Organisation, OrganisationKind, Person, Team
from server.domain.people import StaffInput, VolunteerInput
from server.domain.policy import Action, Actor
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form
from server.routes.links import remember_link, show_link
from server.views.presenters import moment, role_label
from server.web import flash, render, see_other

ADMIN = "/beheer/mensen"
COORDINATOR = "/vrijwilligers"


async def _admin_context(db: DbSession, actor: Actor, form: StaffInput, errors: dict[str, str]) -> dict[str, Any]:
    municipality_id = actor.person.municipality_id
    teams = list(await db.scalars(select(Team).where(Team.municipality_id == municipality_id).order_by(Team.name)))
    organisations = list(
        await db.scalars(
            select(Organisation).where(Organisation.municipality_id == municipality_id).order_by(Organisation.name)
        )
    )
    staff = await people.staff_of(db, actor)
    return {
        "staff": [(p, ", ".join(sorted({role_label(r.role) for r in p.roles if r.revoked_at is None}))) for p in staff],
        "roles": [(r.value, role_label(r.value)) for r in people.ADMIN_ROLES],
        "teams": teams,
        "partners": [o for o in organisations if o.kind == OrganisationKind.PARTNER],
        "volunteer_orgs": [o for o in organisations if o.kind == OrganisationKind.VOLUNTEER],
        "form": form,
        "errors": {k: _(v) for k, v in errors.items()},
        "me": actor.id,
    }


@get(ADMIN, name="admin.people", opt={"policy": Action.PEOPLE_MANAGE})
async def staff_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    context = await _admin_context(db_session, request.state.actor, StaffInput(), {})
    return render(request, "pages/admin/people.html", {**context, "flash": flash(request, "ingetrokken")})


@post(ADMIN, name="admin.people.create", opt={"policy": Action.PEOPLE_MANAGE}, status_code=200)
async def create_staff(request: Request[Any, Any, Any], db_session: DbSession, data: Form[StaffInput]) -> Response[Any]:
    actor: Actor = request.state.actor
    form = data
    try:
        person = await people.create_staff(db_session, actor, name=data.name, role=data.role, context_id=data.context)
    except InvalidInput as exc:
        context = await _admin_context(db_session, actor, form, exc.errors)
        return render(request, "pages/admin/people.html", {**context, "flash": ""}, status_code=400)
    return await _issue(request, db_session, person, back=ADMIN, show="/beheer/link")


async def _issue(
    request: Request[Any, Any, Any], db: DbSession, person: Person, *, back: str, show: str
) -> Response[Any]:
    actor: Actor = request.state.actor
    link = await enrolment.issue(db, person=person, created_by=actor.person, origin=request.app.state.settings.origin)
    remember_link(request, link, back=back)
    return see_other(show)


@post(
    f"{ADMIN}/{{person_id:uuid}}/link", name="admin.people.link", opt={"policy": Action.PEOPLE_MANAGE}, status_code=303
)
async def staff_link(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID]
) -> Response[Any]:
    person = await people.managed_person(db_session, request.state.actor, person_id, volunteers=False)
    return await _issue(request, db_session, person, back=ADMIN, show="/beheer/link")


@post(
    f"{ADMIN}/{{person_id:uuid}}/passkeys-intrekken",
    name="admin.people.revoke",
    opt={"policy": Action.PEOPLE_MANAGE},
    status_code=303,
)
async def staff_revoke(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID]
) -> Response[Any]:
    person = await people.managed_person(db_session, request.state.actor, person_id, volunteers=False)
    await people.revoke_all_passkeys(db_session, person, request.state.actor, None)
    return see_other(f"{ADMIN}?ingetrokken=1")


@get("/beheer/link", name="admin.people.link_show", opt={"policy": Action.PEOPLE_MANAGE})
async def staff_link_show(request: Request[Any, Any, Any]) -> Response[Any]:
    return show_link(request, fallback=ADMIN)


async def _volunteer_context(
    db: DbSession, actor: Actor, form: VolunteerInput, errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "organisation": await people.volunteer_organisation(db, actor),
        "volunteers": await people.volunteers_of(db, actor),
        "form": form,
        "errors": {k: _(v) for k, v in errors.items()},
    }


@get(COORDINATOR, name="volunteers.people", opt={"policy": Action.VOLUNTEERS_MANAGE})
async def volunteers_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    context = await _volunteer_context(db_session, request.state.actor, VolunteerInput(), {})
    return render(request, "pages/volunteers/people.html", context)


@post(COORDINATOR, name="volunteers.people.create", opt={"policy": Action.VOLUNTEERS_MANAGE}, status_code=200)
async def create_volunteer(
    request: Request[Any, Any, Any], db_session: DbSession, data: Form[VolunteerInput]
) -> Response[Any]:
    actor: Actor = request.state.actor
    form = data
    try:
        person = await people.create_volunteer(db_session, actor, name=data.name)
    except InvalidInput as exc:
        context = await _volunteer_context(db_session, actor, form, exc.errors)
        return render(request, "pages/volunteers/people.html", context, status_code=400)
    return await _issue(request, db_session, person, back=COORDINATOR, show=f"{COORDINATOR}/link")


@post(
    f"{COORDINATOR}/{{person_id:uuid}}/link",
    name="volunteers.people.link",
    opt={"policy": Action.VOLUNTEERS_MANAGE},
    status_code=303,
)
async def volunteer_link(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID]
) -> Response[Any]:
    person = await people.managed_person(db_session, request.state.actor, person_id, volunteers=True)
    return await _issue(request, db_session, person, back=COORDINATOR, show=f"{COORDINATOR}/link")


@get(f"{COORDINATOR}/link", name="volunteers.people.link_show", opt={"policy": Action.VOLUNTEERS_MANAGE})
async def volunteer_link_show(request: Request[Any, Any, Any]) -> Response[Any]:
    return show_link(request, fallback=COORDINATOR)


@get("/herstellinks", name="recovery.list", opt={"policy": Action.RECOVERY_APPROVE})
async def recovery_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    pending = await enrolment.awaiting_approval(db_session, request.state.actor)
    return render(
        request,
        "pages/admin/recovery.html",
        {
            "pending": [
                {"id": p.id, "name": p.person_name, "made_by": p.made_by, "when": moment(p.created_at)} for p in pending
            ],
            "approved": request.query_params.get("goedgekeurd") == "1",
        },
    )


@post(
    "/herstellinks/{link_id:uuid}/goedkeuren",
    name="recovery.approve",
    opt={"policy": Action.RECOVERY_APPROVE},
    status_code=303,
)
async def approve_recovery(
    request: Request[Any, Any, Any], db_session: DbSession, link_id: FromPath[uuid.UUID]
) -> Response[Any]:
    await enrolment.approve(db_session, request.state.actor, link_id)
    return see_other("/herstellinks?goedgekeurd=1")


ROUTES = [
    recovery_page,
    approve_recovery,
    staff_page,
    create_staff,
    staff_link,
    staff_revoke,
    staff_link_show,
    volunteers_page,
    create_volunteer,
    volunteer_link,
    volunteer_link_show,
]
