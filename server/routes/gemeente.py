"""The functional admin's gemeente: its teams, its organisations and its settings. No page here shows a
household's dossier; the admin sees counts at most."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.config import Settings
from server.domain import gemeente
from server.domain.errors import InvalidInput
from server.domain.gemeente import OrganisationInput, SettingsInput, TeamInput
from server.domain.models import Organisation, OrganisationKind, Team
from server.domain.people import LOCAL_TZ
from server.domain.policy import Action, Actor
from server.domain.ratings import instruments
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form
from server.views.presenters import day
from server.web import flash, render, see_other

MANAGE = {"policy": Action.GEMEENTE_MANAGE}
TEAMS = "/beheer/teams"
TEAM = f"{TEAMS}/{{team_id:uuid}}"
ORGANISATIONS = "/beheer/organisaties"
ORGANISATION = f"{ORGANISATIONS}/{{organisation_id:uuid}}"
SETTINGS = "/beheer/instellingen"


def _errors(errors: dict[str, str]) -> dict[str, str]:
    return {k: _(v) for k, v in errors.items()}


def _kind_label(kind: str) -> str:
    return _("vrijwilligersorganisatie") if kind == OrganisationKind.VOLUNTEER else _("partnerorganisatie")


def _ended(value: Team | Organisation) -> str:
    return day(value.ended_at.astimezone(LOCAL_TZ).date()) if value.ended_at else ""


# --------------------------------------------------------------------------------------------------------
# Teams
# --------------------------------------------------------------------------------------------------------


async def _teams_page(
    request: Request[Any, Any, Any], db: DbSession, form: TeamInput | None = None, errors: dict[str, str] | None = None
) -> Template:
    units = await gemeente.units_of(db, request.state.actor)
    context = {
        "teams": [{"id": t.id, "name": t.name} for t in units.teams],
        "ended": [{"id": t.id, "name": t.name, "ended": _ended(t)} for t in units.ended_teams],
        "form": form or TeamInput(),
        "errors": _errors(errors or {}),
        "flash": flash(request, "gemaakt", "beeindigd"),
    }
    return render(request, "pages/admin/teams.html", context, status_code=400 if errors else 200)


@get(TEAMS, name="gemeente.teams", opt=MANAGE)
async def teams_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    return await _teams_page(request, db_session)


@post(TEAMS, name="gemeente.teams.create", opt=MANAGE, status_code=200)
async def create_team(request: Request[Any, Any, Any], db_session: DbSession, data: Form[TeamInput]) -> Response[Any]:
    try:
        await gemeente.create_team(db_session, request.state.actor, data)
    except InvalidInput as exc:
        return await _teams_page(request, db_session, data, exc.errors)
    return see_other(f"{TEAMS}?gemaakt=1")


async def _team_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    team: Team,
    form: TeamInput | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    context = {
        "team": {"id": team.id, "name": team.name, "ended": _ended(team)},
        "households": await gemeente.open_households(db, team),
        "people": await gemeente.people_with_role_in(db, team_id=team.id),
        "form": form or TeamInput(name=team.name),
        "errors": _errors(errors or {}),
        "flash": flash(request, "hernoemd"),
    }
    return render(request, "pages/admin/team.html", context, status_code=400 if errors else 200)


@get(TEAM, name="gemeente.team", opt=MANAGE)
async def team_page(request: Request[Any, Any, Any], db_session: DbSession, team_id: FromPath[uuid.UUID]) -> Template:
    team = await gemeente.team_of(db_session, request.state.actor, team_id)
    return await _team_page(request, db_session, team)


@post(TEAM, name="gemeente.team.rename", opt=MANAGE, status_code=200)
async def rename_team(
    request: Request[Any, Any, Any], db_session: DbSession, team_id: FromPath[uuid.UUID], data: Form[TeamInput]
) -> Response[Any]:
    team = await gemeente.team_of(db_session, request.state.actor, team_id)
    try:
        await gemeente.rename_team(db_session, request.state.actor, team, data)
    except InvalidInput as exc:
        return await _team_page(request, db_session, team, data, exc.errors)
    return see_other(f"{TEAMS}/{team.id}?hernoemd=1")


async def _end_team_page(request: Request[Any, Any, Any], db: DbSession, team: Team, refusal: str = "") -> Template:
    context = {
        "unit": {"id": team.id, "name": team.name, "ended": _ended(team)},
        "kind": "team",
        "action": f"{TEAMS}/{team.id}/beeindigen",
        "back": f"{TEAMS}/{team.id}",
        "households": await gemeente.open_households(db, team),
        "people": await gemeente.people_with_role_in(db, team_id=team.id),
        "refusal": refusal,
    }
    return render(request, "pages/admin/end_unit.html", context, status_code=400 if refusal else 200)


@get(f"{TEAM}/beeindigen", name="gemeente.team.end_confirm", opt=MANAGE)
async def end_team_page(
    request: Request[Any, Any, Any], db_session: DbSession, team_id: FromPath[uuid.UUID]
) -> Template:
    team = await gemeente.team_of(db_session, request.state.actor, team_id)
    return await _end_team_page(request, db_session, team)


@post(f"{TEAM}/beeindigen", name="gemeente.team.end", opt=MANAGE, status_code=200)
async def end_team(
    request: Request[Any, Any, Any], db_session: DbSession, team_id: FromPath[uuid.UUID]
) -> Response[Any]:
    team = await gemeente.team_of(db_session, request.state.actor, team_id)
    try:
        await gemeente.end_team(db_session, request.state.actor, team)
    except gemeente.TeamStillWorking as exc:
        return await _end_team_page(request, db_session, team, _(exc.message))
    return see_other(f"{TEAMS}?beeindigd=1")


# --------------------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------------------


def _kinds() -> list[tuple[str, str]]:
    return [
        (OrganisationKind.PARTNER.value, _("Partnerorganisatie (professionals, zoals MEE of schuldhulp)")),
        (OrganisationKind.VOLUNTEER.value, _("Vrijwilligersorganisatie")),
    ]


async def _organisations_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    form: OrganisationInput | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    units = await gemeente.units_of(db, request.state.actor)
    context = {
        "organisations": [{"id": o.id, "name": o.name, "kind": _kind_label(o.kind)} for o in units.organisations],
        "ended": [
            {"id": o.id, "name": o.name, "kind": _kind_label(o.kind), "ended": _ended(o)}
            for o in units.ended_organisations
        ],
        "kinds": _kinds(),
        "form": form or OrganisationInput(),
        "errors": _errors(errors or {}),
        "flash": flash(request, "gemaakt", "beeindigd"),
    }
    return render(request, "pages/admin/organisations.html", context, status_code=400 if errors else 200)


@get(ORGANISATIONS, name="gemeente.organisations", opt=MANAGE)
async def organisations_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    return await _organisations_page(request, db_session)


@post(ORGANISATIONS, name="gemeente.organisations.create", opt=MANAGE, status_code=200)
async def create_organisation(
    request: Request[Any, Any, Any], db_session: DbSession, data: Form[OrganisationInput]
) -> Response[Any]:
    try:
        await gemeente.create_organisation(db_session, request.state.actor, data)
    except InvalidInput as exc:
        return await _organisations_page(request, db_session, data, exc.errors)
    return see_other(f"{ORGANISATIONS}?gemaakt=1")


async def _organisation_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    organisation: Organisation,
    form: OrganisationInput | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    context = {
        "organisation": {
            "id": organisation.id,
            "name": organisation.name,
            "kind": _kind_label(organisation.kind),
            "ended": _ended(organisation),
        },
        "people": await gemeente.people_with_role_in(db, organisation_id=organisation.id),
        "form": form or OrganisationInput(name=organisation.name),
        "errors": _errors(errors or {}),
        "flash": flash(request, "hernoemd"),
    }
    return render(request, "pages/admin/organisation.html", context, status_code=400 if errors else 200)


@get(ORGANISATION, name="gemeente.organisation", opt=MANAGE)
async def organisation_page(
    request: Request[Any, Any, Any], db_session: DbSession, organisation_id: FromPath[uuid.UUID]
) -> Template:
    organisation = await gemeente.organisation_of(db_session, request.state.actor, organisation_id)
    return await _organisation_page(request, db_session, organisation)


@post(ORGANISATION, name="gemeente.organisation.rename", opt=MANAGE, status_code=200)
async def rename_organisation(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    organisation_id: FromPath[uuid.UUID],
    data: Form[OrganisationInput],
) -> Response[Any]:
    organisation = await gemeente.organisation_of(db_session, request.state.actor, organisation_id)
    try:
        await gemeente.rename_organisation(db_session, request.state.actor, organisation, data)
    except InvalidInput as exc:
        return await _organisation_page(request, db_session, organisation, data, exc.errors)
    return see_other(f"{ORGANISATIONS}/{organisation.id}?hernoemd=1")


@get(f"{ORGANISATION}/beeindigen", name="gemeente.organisation.end_confirm", opt=MANAGE)
async def end_organisation_page(
    request: Request[Any, Any, Any], db_session: DbSession, organisation_id: FromPath[uuid.UUID]
) -> Template:
    organisation = await gemeente.organisation_of(db_session, request.state.actor, organisation_id)
    context = {
        "unit": {"id": organisation.id, "name": organisation.name, "ended": _ended(organisation)},
        "kind": "organisation",
        "action": f"{ORGANISATIONS}/{organisation.id}/beeindigen",
        "back": f"{ORGANISATIONS}/{organisation.id}",
        "households": 0,
        "people": await gemeente.people_with_role_in(db_session, organisation_id=organisation.id),
        "refusal": "",
    }
    return render(request, "pages/admin/end_unit.html", context)


@post(f"{ORGANISATION}/beeindigen", name="gemeente.organisation.end", opt=MANAGE, status_code=303)
async def end_organisation(
    request: Request[Any, Any, Any], db_session: DbSession, organisation_id: FromPath[uuid.UUID]
) -> Response[Any]:
    organisation = await gemeente.organisation_of(db_session, request.state.actor, organisation_id)
    await gemeente.end_organisation(db_session, request.state.actor, organisation)
    return see_other(f"{ORGANISATIONS}?beeindigd=1")


# --------------------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------------------


async def _settings_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    form: SettingsInput | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    actor: Actor = request.state.actor
    settings: Settings = request.app.state.settings
    current = await gemeente.settings_of(db, actor)
    sets = await instruments.available(db, current.id)
    context = {
        "form": form or SettingsInput.of(current),
        "instruments": [(key, definition.name) for key, definition in sorted(sets.items(), key=lambda i: i[1].name)],
        "rated": await gemeente.households_with_ratings(db, current.id),
        "current_instrument": sets[current.instrument_key].name if current.instrument_key in sets else "",
        # The server's own limits stay the outer bound: a longer time here is cut back to them.
        "server_minutes": settings.session_idle_minutes_professional,
        "server_days": settings.session_idle_minutes // (24 * 60),
        "errors": _errors(errors or {}),
        "flash": flash(request, "bewaard"),
    }
    return render(request, "pages/admin/settings.html", context, status_code=400 if errors else 200)


@get(SETTINGS, name="gemeente.settings", opt=MANAGE)
async def settings_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    return await _settings_page(request, db_session)


@post(SETTINGS, name="gemeente.settings.save", opt=MANAGE, status_code=200)
async def save_settings(
    request: Request[Any, Any, Any], db_session: DbSession, data: Form[SettingsInput]
) -> Response[Any]:
    try:
        await gemeente.save_settings(db_session, request.state.actor, data)
    except InvalidInput as exc:
        return await _settings_page(request, db_session, data, exc.errors)
    return see_other(f"{SETTINGS}?bewaard=1")


ROUTES = [
    teams_page,
    create_team,
    team_page,
    rename_team,
    end_team_page,
    end_team,
    organisations_page,
    create_organisation,
    organisation_page,
    rename_organisation,
    end_organisation_page,
    end_organisation,
    settings_page,
    save_settings,
]
