"""The team lead's pages: the team overview, the team's doorbraken, waarneming, and giving a household another
regisseur of the team."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain import lifecycle
from server.domain.errors import InvalidInput
from server.domain.models import Person, Role
from server.domain.policy import Action, Actor
from server.domain.teamwork import cover as covers
from server.domain.teamwork import escalation as escalations
from server.domain.teamwork import team
from server.domain.teamwork.cover import CoverInput, CoverRow
from server.domain.teamwork.escalation import EscalationRow
from server.domain.teamwork.model import EscalationStatus, cover_day
from server.domain.teamwork.team import ReassignInput
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, guarded_household
from server.views.presenters import day, phase_label
from server.web import flash, render, see_other

OVERVIEW = {"policy": Action.TEAM_OVERVIEW}
COVERS = {"policy": Action.COVER_MANAGE}
ASSIGN = {"policy": Action.REGISSEUR_ASSIGN, "resource": "regisseur.assign"}
REGISSEUR_PAGE = "/huishoudens/{household_id:uuid}/regisseur"


@get("/team", name="team.overview", opt=OVERVIEW)
async def overview(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    actor: Actor = request.state.actor
    data = await team.team_overview(db_session, actor)
    return render(
        request,
        "pages/team/overview.html",
        {
            "households": [
                {
                    "id": row.household_id,
                    "name": row.name,
                    "regisseur": row.regisseur,
                    "phase": phase_label(row.phase),
                    "days": row.days_in_phase,
                    "evaluation": day(row.next_evaluation_on) if row.next_evaluation_on else "",
                    "evaluation_overdue": row.evaluation_overdue,
                    "overdue_actions": row.overdue_actions,
                }
                for row in data.households
            ],
            "regisseurs": [
                {
                    "name": load.name,
                    "households": load.households,
                    "phases": ", ".join(
                        f"{phase_label(phase)}: {count}" for phase, count in sorted(load.per_phase.items())
                    ),
                    "overdue": load.evaluations_overdue,
                }
                for load in data.regisseurs
            ],
            "flash": flash(request, "regisseur"),
        },
    )


def _escalation_row(row: EscalationRow) -> dict[str, Any]:
    return {
        "id": row.escalation_id,
        "household_id": row.household_id,
        "household": row.household_name,
        "regisseur": row.regisseur,
        "blocked": row.blocked,
        "blocked_by": row.blocked_by,
        "needed_by": day(row.needed_by) if row.needed_by else "",
        "raised_on": day(row.raised_on),
        "granted": row.status == EscalationStatus.GRANTED,
        "decided_on": day(row.decided_on) if row.decided_on else "",
        "decided_by": row.decided_by,
    }


@get("/team/doorbraken", name="team.escalations", opt=OVERVIEW)
async def escalations_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    found = await escalations.team_escalations(db_session, request.state.actor)
    return render(
        request,
        "pages/team/escalations.html",
        {
            "open": [_escalation_row(row) for row in found.open],
            "decided": [_escalation_row(row) for row in found.decided],
            "flash": flash(request, "beslist"),
        },
    )


# ------------------------------------------------------------------------------------------------------------
# Waarneming
# ------------------------------------------------------------------------------------------------------------


def cover_view(row: CoverRow) -> dict[str, Any]:
    return {
        "id": row.cover_id,
        "absent": row.absent,
        "absent_id": row.absent_id,
        "covering": row.covering,
        "from": day(row.starts_on),
        "to": day(row.ends_on),
        "current": row.current,
    }


async def _cover_context(
    request: Request[Any, Any, Any], db: DbSession, data: CoverInput, errors: dict[str, str]
) -> dict[str, Any]:
    actor: Actor = request.state.actor
    lead_teams = actor.teams(Role.TEAM_LEAD)
    regisseurs = [(str(person_id), name) for person_id, name in await team.team_regisseurs(db, lead_teams)]
    return {
        "covers": [cover_view(row) for row in await covers.team_covers(db, actor)],
        "regisseurs": regisseurs,
        "today": cover_day().isoformat(),
        "data": data,
        "errors": {field: _(message) for field, message in errors.items()},
        "flash": flash(request, "geregeld", "beeindigd"),
    }


@get("/team/waarneming", name="team.covers", opt=COVERS)
async def covers_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    today = cover_day()
    blank = CoverInput(starts_on=today.isoformat(), ends_on=(today + dt.timedelta(days=7)).isoformat())
    return render(request, "pages/team/covers.html", await _cover_context(request, db_session, blank, {}))


@post("/team/waarneming", name="team.cover.start", opt=COVERS, status_code=200)
async def start_cover(request: Request[Any, Any, Any], db_session: DbSession, data: Form[CoverInput]) -> Response[Any]:
    try:
        await covers.start_cover(db_session, request.state.actor, data)
    except InvalidInput as exc:
        context = await _cover_context(request, db_session, data, exc.errors)
        return render(request, "pages/team/covers.html", context, status_code=400)
    return see_other("/team/waarneming?geregeld=1")


@get("/team/waarneming/{cover_id:uuid}/beeindigen", name="team.cover.confirm", opt=COVERS)
async def confirm_end_page(
    request: Request[Any, Any, Any], db_session: DbSession, cover_id: FromPath[uuid.UUID]
) -> Template:
    row = await covers.cover_of_team(db_session, request.state.actor, cover_id)
    return render(request, "pages/team/cover_end.html", {"cover": cover_view(row)})


@post("/team/waarneming/{cover_id:uuid}/beeindigen", name="team.cover.end", opt=COVERS, status_code=303)
async def end_cover(
    request: Request[Any, Any, Any], db_session: DbSession, cover_id: FromPath[uuid.UUID]
) -> Response[Any]:
    await covers.end_cover(db_session, request.state.actor, cover_id)
    return see_other("/team/waarneming?beeindigd=1")


# ------------------------------------------------------------------------------------------------------------
# Another regisseur
# ------------------------------------------------------------------------------------------------------------


async def _reassign_context(
    request: Request[Any, Any, Any], db: DbSession, data: ReassignInput, errors: dict[str, str]
) -> dict[str, Any]:
    household = guarded_household(request)
    trajectory = await lifecycle.open_trajectory(db, household.id)
    current = await db.get(Person, trajectory.regisseur_id) if trajectory.regisseur_id else None
    return {
        "household": household,
        "phase": phase_label(trajectory.phase),
        "current": current.display_name if current else "",
        "regisseurs": [
            (str(person_id), name)
            for person_id, name in await team.team_regisseurs(db, frozenset({household.team_id}))
            if person_id != trajectory.regisseur_id
        ],
        "data": data,
        "errors": {field: _(message) for field, message in errors.items()},
    }


@get(REGISSEUR_PAGE, name="team.reassign", opt=ASSIGN)
async def reassign_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    context = await _reassign_context(request, db_session, ReassignInput(), {})
    return render(request, "pages/team/reassign.html", context)


@post(REGISSEUR_PAGE, name="team.reassign.save", opt=ASSIGN, status_code=200)
async def reassign(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[ReassignInput],
) -> Response[Any]:
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    try:
        await team.reassign(db_session, request.state.actor, trajectory, data)
    except InvalidInput as exc:
        context = await _reassign_context(request, db_session, data, exc.errors)
        return render(request, "pages/team/reassign.html", context, status_code=400)
    return see_other("/team?regisseur=1")


ROUTES = [
    overview,
    escalations_page,
    covers_page,
    start_cover,
    confirm_end_page,
    end_cover,
    reassign_page,
    reassign,
]
