"""The signed-in person's own pages: their overview and their passkeys."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import select

from server.auth import enrolment
from server.domain import people, welcome
from server.domain.caseload import caseload, chosen_phase, households_of_member
from server.domain.errors import NotFound
from server.domain.models import Household, Person, Role
from server.domain.partner import partner_start
from server.domain.people import LanguageChoice, PasskeyRemoval
from server.domain.policy import Action, Actor, decide_role
from server.domain.teamwork.start import team_start
from server.domain.volunteering.service import tasks_of
from server.domain.workspace import evaluation as evaluations
from server.domain.workspace.handover import pending_for_receiver
from server.routes.deps import DbSession, Form
from server.routes.language import languages_for
from server.views.caseload import caseload_context
from server.views.evaluation import next_evaluation_rows
from server.views.partner import start_view
from server.views.presenters import account_event_sentence, day, handover_offer_row, moment, role_label
from server.views.team import team_start_context
from server.views.volunteering import view_helpers as volunteering_helpers
from server.web import render, see_other


async def helping(db: DbSession, actor: Actor) -> list[Household]:
    """The households whose plan this person helps with as a network member."""
    ids = [r.household_id for r in actor.roles if r.role == Role.NETWORK_MEMBER and r.household_id]
    if not ids:
        return []
    return list(await db.scalars(select(Household).where(Household.id.in_(ids)).order_by(Household.name)))


@get("/mijn", name="me.overview", opt={"policy": Action.SIGNED_IN})
async def overview(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    actor: Actor = request.state.actor
    own_households = await households_of_member(db_session, actor)
    # "Begin hier": a household member's first-visit steps, until she finished or skipped them.
    first = await welcome.first_steps(db_session, actor.person, own_households[0].id if own_households else None)
    asked = request.query_params.get("begin-hier", "")
    has_caseload = actor.has_role(Role.REGISSEUR)
    own_caseload = (
        caseload_context(await caseload(db_session, actor, phase=chosen_phase(request.query_params.get("fase"))))
        if has_caseload
        else None
    )
    return render(
        request,
        "pages/me/overview.html",
        {
            "person": actor.person,
            "roles": sorted({role_label(r) for r in actor.role_names}),
            "households": own_households,
            # The next evaluation of the person's own household, to prepare by scoring ahead.
            "evaluations": next_evaluation_rows(
                await evaluations.next_for_households(db_session, [h.id for h in own_households])
            ),
            "helping": await helping(db_session, actor),
            "left": request.query_params.get("verlaten") == "1",
            "caseload": own_caseload,
            # The team lead's doorbraken, budget and covers; a covering colleague's absent regisseur's households.
            "team_start": team_start_context(await team_start(db_session, actor)),
            "has_caseload": has_caseload,
            "handovers_for_me": [handover_offer_row(p) for p in await pending_for_receiver(db_session, actor)],
            "partner": start_view(await partner_start(db_session, actor)),
            "is_admin": actor.has_role(Role.ADMIN),
            # The functional admin's work: people, teams and organisations, settings, recovery links waiting.
            "admin_start": (
                {
                    "people": await people.admin_start(db_session, actor),
                    "recovery": len(await enrolment.awaiting_approval(db_session, actor)),
                }
                if actor.has_role(Role.ADMIN)
                else None
            ),
            "can_approve_recovery": decide_role(actor, Action.RECOVERY_APPROVE),
            "is_coordinator": actor.has_role(Role.VOLUNTEER_COORDINATOR),
            "is_volunteer": actor.has_role(Role.VOLUNTEER),
            # A volunteer's own days and tasks ("Dinsdag en donderdag: naar school brengen, 8.15 uur").
            "my_tasks": await tasks_of(db_session, actor) if actor.has_role(Role.VOLUNTEER) else [],
            **volunteering_helpers(),
            "welcome": request.query_params.get("welkom") == "1",
            "first_steps": first,
            "first_step": first.current(int(asked) if asked in ("1", "2", "3") else 1) if first else 0,
            "first_steps_skipped": asked == "klaar",
        },
    )


@get("/mijn/passkeys", name="me.passkeys", opt={"policy": Action.SIGNED_IN})
async def passkeys_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    actor: Actor = request.state.actor
    keys = await people.passkeys_of(db_session, actor.id)
    return render(
        request,
        "pages/me/passkeys.html",
        {
            "passkeys": [
                {
                    "id": k.id,
                    "name": k.name,
                    "created": day(k.created_at.date()),
                    "last_used": moment(k.last_used_at) if k.last_used_at else "",
                }
                for k in keys
            ],
            "only_one": len(keys) == 1,
            "events": [
                account_event_sentence(e.kind, e.actor_name, e.created_at)
                for e in await enrolment.account_events(db_session, actor.id)
            ],
            "error": request.query_params.get("fout") == "laatste",
            "locales": languages_for(actor),
            "locale": actor.person.locale or "",
        },
    )


@post(
    "/mijn/passkeys/{passkey_id:uuid}/verwijderen",
    name="me.passkeys.remove",
    opt={"policy": Action.SIGNED_IN},
    status_code=303,
)
async def remove_passkey(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    passkey_id: FromPath[uuid.UUID],
    data: Form[PasskeyRemoval],
) -> Response[Any]:
    actor: Actor = request.state.actor
    keys = await people.passkeys_of(db_session, actor.id)
    target = next((k for k in keys if k.id == passkey_id), None)
    if target is None:
        raise NotFound
    if len(keys) == 1 and data.bevestig != "ja":
        # Removing the last passkey locks the person out; only with an explicit confirmation.
        return see_other("/mijn/passkeys?fout=laatste")
    await db_session.delete(target)
    return see_other("/mijn/passkeys?verwijderd=1")


@post("/mijn/taal", name="me.language", opt={"policy": Action.SIGNED_IN}, status_code=303)
async def choose_language(
    request: Request[Any, Any, Any], db_session: DbSession, data: Form[LanguageChoice]
) -> Response[Any]:
    actor: Actor = request.state.actor
    choice = data.locale
    person = await db_session.get(Person, actor.id)
    if person is not None:
        person.locale = choice if choice in {code for code, _name in languages_for(actor)} else None
    return see_other("/mijn/passkeys")


ROUTES = [overview, passkeys_page, remove_passkey, choose_language]
