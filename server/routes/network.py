"""The netwerkkaart, inviting someone from it, withdrawing access, leaving a plan, and notes on actions."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.auth import enrolment
from server.domain.errors import InvalidInput
from server.domain.models import Household
from server.domain.network import service as network
from server.domain.network.model import NetworkPerson, NetworkRelation
from server.domain.network.service import FORMAL, INFORMAL, RINGS, InviteInput, NetworkPersonInput, NoteInput
from server.domain.policy import Action, Actor, Relation
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, household_or_404, plan_url
from server.routes.links import remember_link, show_link
from server.views.network_map import household_map
from server.views.presenters import relation_label, ring_label
from server.web import flash, render, see_other

NETWORK = "/huishoudens/{household_id:uuid}/netwerk"
# What the map page confirms after a change (a query flag set by the redirect).
FLASHES = ("toegevoegd", "aangepast", "ingetrokken", "uitgenodigd")


def _map_url(household_id: uuid.UUID, flag: str = "") -> str:
    return f"/huishoudens/{household_id}/netwerk" + (f"?{flag}=1" if flag else "")


@get(NETWORK, name="network.map", opt={"policy": Action.NETWORK_READ, "resource": "network"})
async def map_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    household = await household_or_404(db_session, household_id)
    everyone = await network.people_of(db_session, household_id)
    involved = [p for p in everyone if not p.not_involved]
    limit: int = request.app.state.settings.helper_action_limit
    return render(
        request,
        "pages/network/map.html",
        {
            "household": household,
            "involved": involved,
            "not_involved": [p for p in everyone if p.not_involved],
            "svg": household_map(household, involved),
            "loads": await network.helper_load(db_session, household_id, limit=limit),
            "limit": limit,
            "with_access": await network.access_by_person(db_session, household_id),
            "relation_label": relation_label,
            "ring_label": ring_label,
            "flash": flash(request, *FLASHES),
        },
    )


# --------------------------------------------------------------------------------------------------------
# Adding and changing people on the map
# --------------------------------------------------------------------------------------------------------


def _person_form(
    request: Request[Any, Any, Any],
    household: Household,
    data: NetworkPersonInput,
    errors: dict[str, str],
    *,
    row: NetworkPerson | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "pages/network/person_form.html",
        {
            "household": household,
            "data": data,
            "row": row,
            "errors": {k: _(v) for k, v in errors.items()},
            "relation_options": [(r.value, relation_label(r.value)) for r in NetworkRelation],
            "kind_options": [
                (INFORMAL, _("Informeel: familie, vriend, buur, iemand van de club")),
                (FORMAL, _("Formeel: helpt vanuit werk of een organisatie")),
            ],
            "ring_options": [(str(r), ring_label(r)) for r in RINGS],
        },
        status_code=status_code,
    )


@get(f"{NETWORK}/nieuw", name="network.new", opt={"policy": Action.NETWORK_WRITE, "resource": "network"})
async def new_person(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    household = await household_or_404(db_session, household_id)
    return _person_form(request, household, NetworkPersonInput(), {})


@post(NETWORK, name="network.add", opt={"policy": Action.NETWORK_WRITE}, status_code=200)
async def add_person(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[NetworkPersonInput],
) -> Response[Any]:
    household = await household_or_404(db_session, household_id)
    try:
        await network.add_person(db_session, request.state.actor, household_id, data)
    except InvalidInput as exc:
        return _person_form(request, household, data, exc.errors, status_code=400)
    return see_other(_map_url(household_id, "toegevoegd"))


@get(
    f"{NETWORK}/{{person_id:uuid}}/bewerken",
    name="network.edit",
    opt={"policy": Action.NETWORK_WRITE, "resource": "network"},
)
async def edit_person(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    person_id: FromPath[uuid.UUID],
) -> Template:
    household = await household_or_404(db_session, household_id)
    row = await network.get_person(db_session, household_id, person_id)
    return _person_form(request, household, NetworkPersonInput.of(row), {}, row=row)


@post(
    f"{NETWORK}/{{person_id:uuid}}/bewerken",
    name="network.update",
    opt={"policy": Action.NETWORK_WRITE},
    status_code=200,
)
async def update_person(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    person_id: FromPath[uuid.UUID],
    data: Form[NetworkPersonInput],
) -> Response[Any]:
    household = await household_or_404(db_session, household_id)
    row = await network.get_person(db_session, household_id, person_id)
    try:
        await network.update_person(db_session, request.state.actor, household_id, person_id, data)
    except InvalidInput as exc:
        return _person_form(request, household, data, exc.errors, row=row, status_code=400)
    return see_other(_map_url(household_id, "aangepast"))


# --------------------------------------------------------------------------------------------------------
# Inviting, withdrawing, leaving
# --------------------------------------------------------------------------------------------------------


async def _invite_form(
    request: Request[Any, Any, Any],
    db: DbSession,
    household: Household,
    values: InviteInput,
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Template:
    people = [p for p in await network.people_of(db, household.id) if not p.not_involved]
    actions = await network.invitable_actions(db, household.id)
    return render(
        request,
        "pages/network/invite.html",
        {
            "household": household,
            "values": values,
            "errors": {k: _(v) for k, v in errors.items()},
            "person_options": [(str(p.id), p.name) for p in people],
            "action_options": [(str(a.id), a.what) for a in actions],
            "relation_options": [(r.value, relation_label(r.value)) for r in NetworkRelation],
            "from_action": next((a for a in actions if str(a.id) == values.action), None),
            "default_message": _(
                "Hoi! Wil je ons helpen met ons plan? Met deze link kom je erin. Je ziet alleen wat wij met je delen."
            ),
        },
        status_code=status_code,
    )


@get(f"{NETWORK}/uitnodigen", name="network.invite_form", opt={"policy": Action.NETWORK_INVITE, "resource": "network"})
async def invite_form(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    household = await household_or_404(db_session, household_id)
    values = InviteInput(
        network_person=str(request.query_params.get("persoon", "")), action=str(request.query_params.get("actie", ""))
    )
    values.new_name = await network.newcomer_for_action(db_session, household_id, values.action, values.network_person)
    return await _invite_form(request, db_session, household, values, {})


@post(f"{NETWORK}/uitnodigen", name="network.invite", opt={"policy": Action.NETWORK_INVITE}, status_code=200)
async def invite(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID], data: Form[InviteInput]
) -> Response[Any]:
    """Invite someone from the map, or someone new who goes on the map in the same step."""
    household = await household_or_404(db_session, household_id)
    actor: Actor = request.state.actor
    try:
        invitation = await network.invite_someone(db_session, actor, household_id, household.municipality_id, data)
    except InvalidInput as exc:
        return await _invite_form(request, db_session, household, data, exc.errors, status_code=400)
    # Invited for an action (from the action's form, say): back to that action in the plan afterwards.
    # (The action's id was read as one by the invitation, so it is a plain id here.)
    action_id = uuid.UUID(data.action.strip()) if data.action.strip() else None
    back = plan_url(household_id, f"actie-{action_id}") if action_id else _map_url(household_id)
    if not invitation.needs_link:
        return see_other(back if action_id else _map_url(household_id, "uitgenodigd"))
    link = await enrolment.issue(
        db_session,
        person=invitation.person,
        created_by=actor.person,
        origin=request.app.state.settings.origin,
        message=invitation.message,
    )
    remember_link(request, link, back=back, message=invitation.message)
    return see_other(f"/huishoudens/{household_id}/netwerk/link")


@get(f"{NETWORK}/link", name="network.link", opt={"policy": Action.NETWORK_INVITE, "resource": "enrolment"})
async def show_invite_link(request: Request[Any, Any, Any], household_id: FromPath[uuid.UUID]) -> Response[Any]:
    return show_link(request, fallback=_map_url(household_id))


@post(
    f"{NETWORK}/{{person_id:uuid}}/toegang-intrekken",
    name="network.withdraw",
    opt={"policy": Action.ACCESS_WITHDRAW},
    status_code=303,
)
async def withdraw_access(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    person_id: FromPath[uuid.UUID],
) -> Response[Any]:
    try:
        await network.withdraw_access(db_session, request.state.actor, household_id, person_id)
    except InvalidInput:
        return see_other(_map_url(household_id))
    return see_other(_map_url(household_id, "ingetrokken"))


@post(
    "/huishoudens/{household_id:uuid}/verlaten",
    name="network.leave",
    opt={"policy": Action.NETWORK_LEAVE},
    status_code=303,
)
async def leave(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Response[Any]:
    await network.leave(db_session, request.state.actor, household_id)
    return see_other("/mijn?verlaten=1")


# --------------------------------------------------------------------------------------------------------
# A note on an action
# --------------------------------------------------------------------------------------------------------


@post(
    "/huishoudens/{household_id:uuid}/plan/acties/{action_id:uuid}/notitie",
    name="plan.action.note",
    opt={"policy": Action.ACTION_NOTE},
    status_code=303,
)
async def note_action(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    action_id: FromPath[uuid.UUID],
    data: Form[NoteInput],
) -> Response[Any]:
    relation: Relation = request.state.relation
    anchor = f"/huishoudens/{household_id}/plan#actie-{action_id}"
    try:
        await network.add_note(db_session, request.state.actor, relation, household_id, action_id, data.note)
    except InvalidInput:
        return see_other(f"/huishoudens/{household_id}/plan?notitie=te-lang#actie-{action_id}")
    return see_other(anchor)


ROUTES = [
    map_page,
    new_person,
    add_person,
    edit_person,
    update_person,
    invite_form,
    invite,
    show_invite_link,
    withdraw_access,
    leave,
    note_action,
]
