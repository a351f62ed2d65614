"""Enrolling people who are not household members: the admin enrols professionals, a coordinator of a
volunteer organisation enrols volunteers. Both hand out one-time links and can switch off lost passkeys."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.auth import enrolment
from server.domain import gemeente, people
from server.domain.errors import InvalidInput
from server.domain.models import OrganisationKind, Person, Role, utcnow
from server.domain.people import LOCAL_TZ, RoleEndInput, RoleInput, StaffInput, VolunteerInput
from server.domain.policy import Action, Actor
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form
from server.routes.links import remember_link, show_link
from server.views.presenters import day, moment, role_label
from server.web import flash, render, see_other

ADMIN = "/beheer/mensen"
PERSON = f"{ADMIN}/{{person_id:uuid}}"
COORDINATOR = "/vrijwilligers"


async def _choices(db: DbSession, actor: Actor) -> dict[str, Any]:
    """What a role can be given for: the roles an admin gives, and the teams and organisations still active."""
    municipality_id = actor.person.municipality_id
    organisations = await gemeente.active_organisations(db, municipality_id)
    return {
        "roles": [(r.value, role_label(r.value)) for r in people.ADMIN_ROLES],
        "teams": await gemeente.active_teams(db, municipality_id),
        "partners": [o for o in organisations if o.kind == OrganisationKind.PARTNER],
        "volunteer_orgs": [o for o in organisations if o.kind == OrganisationKind.VOLUNTEER],
    }


async def _admin_context(db: DbSession, actor: Actor, form: StaffInput, errors: dict[str, str]) -> dict[str, Any]:
    staff = await people.staff_of(db, actor)
    now = utcnow()
    rows = [
        {
            "id": p.id,
            "name": p.display_name,
            "roles": ", ".join(sorted({role_label(r.role) for r in p.roles if r.active_at(now)})),
            "deactivated": day(p.deactivated_at.astimezone(LOCAL_TZ).date()) if p.deactivated_at else "",
        }
        for p in staff
    ]
    return {
        **await _choices(db, actor),
        "staff": [r for r in rows if not r["deactivated"]],
        "deactivated": [r for r in rows if r["deactivated"]],
        "form": form,
        "errors": {k: _(v) for k, v in errors.items()},
        "me": actor.id,
    }


@get(ADMIN, name="admin.people", opt={"policy": Action.PEOPLE_MANAGE})
async def staff_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    context = await _admin_context(db_session, request.state.actor, StaffInput(), {})
    return render(request, "pages/admin/people.html", context)


@post(ADMIN, name="admin.people.create", opt={"policy": Action.PEOPLE_MANAGE}, status_code=200)
async def create_staff(request: Request[Any, Any, Any], db_session: DbSession, data: Form[StaffInput]) -> Response[Any]:
    actor: Actor = request.state.actor
    form = data
    try:
        person = await people.create_staff(db_session, actor, name=data.name, role=data.role, context_id=data.context)
    except InvalidInput as exc:
        context = await _admin_context(db_session, actor, form, exc.errors)
        return render(request, "pages/admin/people.html", context, status_code=400)
    return await _issue(request, db_session, person, back=ADMIN, show="/beheer/link")


async def _issue(
    request: Request[Any, Any, Any], db: DbSession, person: Person, *, back: str, show: str
) -> Response[Any]:
    actor: Actor = request.state.actor
    link = await enrolment.issue(db, person=person, created_by=actor.person, origin=request.app.state.settings.origin)
    remember_link(request, link, back=back)
    return see_other(show)


async def _managed(request: Request[Any, Any, Any], db: DbSession, person_id: uuid.UUID) -> Person:
    return await people.managed_person(db, request.state.actor, person_id, volunteers=False)


def _role_row(role: people.StaffRole) -> dict[str, Any]:
    return {
        "id": role.id,
        "label": role_label(role.role),
        "context": role.context,
        "since": day(role.granted_at.astimezone(LOCAL_TZ).date()) if role.granted_at else "",
        "ends": day(role.ends_at.astimezone(LOCAL_TZ).date()) if role.ends_at else "",
        "active": role.active,
    }


async def _person_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    person: Person,
    form: RoleInput | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    actor: Actor = request.state.actor
    roles = await people.staff_roles(db, person)
    keys = await people.passkey_counts(db, [person.id])
    context = {
        **await _choices(db, actor),
        "person": {
            "id": person.id,
            "name": person.display_name,
            "deactivated": day(person.deactivated_at.astimezone(LOCAL_TZ).date()) if person.deactivated_at else "",
            "passkeys": keys.get(person.id, 0),
        },
        "current": [_role_row(r) for r in roles if r.active],
        "ended": [_role_row(r) for r in roles if not r.active],
        "is_me": person.id == actor.id,
        "form": form or RoleInput(),
        "errors": {k: _(v) for k, v in (errors or {}).items()},
        "flash": flash(request, "rol_toegevoegd", "rol_beeindigd", "gedeactiveerd", "heractiveerd", "ingetrokken"),
    }
    return render(request, "pages/admin/person.html", context, status_code=400 if errors else 200)


@get(PERSON, name="admin.person", opt={"policy": Action.PEOPLE_MANAGE})
async def person_page(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID]
) -> Template:
    return await _person_page(request, db_session, await _managed(request, db_session, person_id))


@post(f"{PERSON}/rollen", name="admin.person.role_add", opt={"policy": Action.PEOPLE_MANAGE}, status_code=200)
async def add_role(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID], data: Form[RoleInput]
) -> Response[Any]:
    person = await _managed(request, db_session, person_id)
    try:
        await people.add_role(db_session, request.state.actor, person, data)
    except InvalidInput as exc:
        return await _person_page(request, db_session, person, data, exc.errors)
    return see_other(f"{ADMIN}/{person.id}?rol_toegevoegd=1")


ROLE_END = f"{PERSON}/rollen/{{role_id:uuid}}/beeindigen"


async def _role_end_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    person: Person,
    role_id: uuid.UUID,
    form: RoleEndInput | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    assignment = await people.staff_role_of(db, person, role_id)
    role = next(r for r in await people.staff_roles(db, person) if r.id == assignment.id)
    context = {
        "person": {"id": person.id, "name": person.display_name},
        "role": _role_row(role),
        "own_admin_role": person.id == request.state.actor.id and role.role == Role.ADMIN,
        "form": form or RoleEndInput(ends_on=people.local_today().isoformat()),
        "today": people.local_today().isoformat(),
        "errors": {k: _(v) for k, v in (errors or {}).items()},
    }
    return render(request, "pages/admin/role_end.html", context, status_code=400 if errors else 200)


@get(ROLE_END, name="admin.person.role_end_confirm", opt={"policy": Action.PEOPLE_MANAGE})
async def role_end_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    person_id: FromPath[uuid.UUID],
    role_id: FromPath[uuid.UUID],
) -> Template:
    person = await _managed(request, db_session, person_id)
    return await _role_end_page(request, db_session, person, role_id)


@post(ROLE_END, name="admin.person.role_end", opt={"policy": Action.PEOPLE_MANAGE}, status_code=200)
async def end_role(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    person_id: FromPath[uuid.UUID],
    role_id: FromPath[uuid.UUID],
    data: Form[RoleEndInput],
) -> Response[Any]:
    person = await _managed(request, db_session, person_id)
    assignment = await people.staff_role_of(db_session, person, role_id)
    try:
        await people.end_role(db_session, request.state.actor, person, assignment, data)
    except InvalidInput as exc:
        return await _role_end_page(request, db_session, person, role_id, data, exc.errors)
    return see_other(f"{ADMIN}/{person.id}?rol_beeindigd=1")


def _confirm(request: Request[Any, Any, Any], person: Person, what: str) -> Template:
    """A page of its own that says what will happen and asks for the click (GET changes nothing)."""
    actor: Actor = request.state.actor
    return render(
        request,
        "pages/admin/confirm_person.html",
        {
            "what": what,
            "person": {"id": person.id, "name": person.display_name},
            "is_me": person.id == actor.id,
            "deactivated": person.deactivated_at is not None,
        },
    )


@get(f"{PERSON}/deactiveren", name="admin.person.deactivate_confirm", opt={"policy": Action.PEOPLE_MANAGE})
async def deactivate_page(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID]
) -> Template:
    return _confirm(request, await _managed(request, db_session, person_id), "deactivate")


@post(f"{PERSON}/deactiveren", name="admin.person.deactivate", opt={"policy": Action.PEOPLE_MANAGE}, status_code=303)
async def deactivate(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID]
) -> Response[Any]:
    person = await _managed(request, db_session, person_id)
    await people.deactivate(db_session, request.state.actor, person)
    return see_other(f"{ADMIN}/{person.id}?gedeactiveerd=1")


@post(f"{PERSON}/heractiveren", name="admin.person.reactivate", opt={"policy": Action.PEOPLE_MANAGE}, status_code=303)
async def reactivate(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID]
) -> Response[Any]:
    person = await _managed(request, db_session, person_id)
    await people.reactivate(db_session, request.state.actor, person)
    return see_other(f"{ADMIN}/{person.id}?heractiveerd=1")


@post(f"{PERSON}/link", name="admin.people.link", opt={"policy": Action.PEOPLE_MANAGE}, status_code=303)
async def staff_link(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID]
) -> Response[Any]:
    person = await _managed(request, db_session, person_id)
    return await _issue(request, db_session, person, back=f"{ADMIN}/{person.id}", show="/beheer/link")


@get(f"{PERSON}/passkeys-intrekken", name="admin.people.revoke_confirm", opt={"policy": Action.PEOPLE_MANAGE})
async def staff_revoke_page(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID]
) -> Template:
    return _confirm(request, await _managed(request, db_session, person_id), "revoke")


@post(
    f"{PERSON}/passkeys-intrekken",
    name="admin.people.revoke",
    opt={"policy": Action.PEOPLE_MANAGE},
    status_code=303,
)
async def staff_revoke(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID]
) -> Response[Any]:
    person = await _managed(request, db_session, person_id)
    await people.revoke_all_passkeys(db_session, person, request.state.actor, None)
    return see_other(f"{ADMIN}/{person.id}?ingetrokken=1")


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
    person_page,
    add_role,
    role_end_page,
    end_role,
    deactivate_page,
    deactivate,
    reactivate,
    staff_link,
    staff_revoke_page,
    staff_revoke,
    staff_link_show,
    volunteers_page,
    create_volunteer,
    volunteer_link,
    volunteer_link_show,
]
