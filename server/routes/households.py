"""A household's own pages: overview, enrolment links for its members, timeline, and who looked."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.auth import enrolment
from server.domain import access_log, lifecycle, people, timeline
from server.domain.errors import InvalidInput
from server.domain.households import overview_queries
from server.domain.models import ReferralSource, Role, utcnow
from server.domain.people import MEMBER_ROWS, AlreadyRegistered, HouseholdForm, HouseholdInput, MemberInput
from server.domain.policy import Action, Actor, Can
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, guarded_household, household_or_404
from server.routes.links import remember_link, show_link
from server.transactions import STATE_LOOK
from server.views.access_log import log_page
from server.views.presenters import (
    LOCAL_TZ,
    day,
    handover_waiting,
    household_phase_label,
    moment,
    phase_label,
    referral_label,
    role_label,
    timeline_sentence,
)
from server.views.steps import next_step_view
from server.views.team import escalation_summary
from server.web import flash, render, see_other


@get("/huishoudens/nieuw", name="household.new", opt={"policy": Action.HOUSEHOLD_REGISTER})
async def new_household(request: Request[Any, Any, Any]) -> Template:
    blank = HouseholdInput(name="", registered_on=utcnow().date().isoformat())
    return render(request, "pages/households/new.html", _form_context(blank, {}))


def _form_context(
    data: HouseholdInput, errors: dict[str, str], duplicate: people.RegisteredHousehold | None = None
) -> dict[str, Any]:
    members = list(data.members) + [MemberInput("", False)] * max(0, MEMBER_ROWS - len(data.members))
    return {
        "data": data,
        "members": members,
        "errors": {field: _(message) for field, message in errors.items()},
        "referral_sources": [(s.value, referral_label(s.value)) for s in ReferralSource],
        "today": utcnow().date().isoformat(),
        "duplicate": duplicate,
    }


@post("/huishoudens/nieuw", name="household.create", opt={"policy": Action.HOUSEHOLD_REGISTER}, status_code=200)
async def create_household(
    request: Request[Any, Any, Any], db_session: DbSession, data: Form[HouseholdForm]
) -> Response[Any]:
    typed = data.to_input()
    actor: Actor = request.state.actor
    try:
        household = await people.register_household(db_session, actor, typed)
    except InvalidInput as exc:
        # Nothing is stored; the form comes back with what was typed and a message per field.
        typed.members = data.members()
        return render(request, "pages/households/new.html", _form_context(typed, exc.errors), status_code=400)
    except AlreadyRegistered as exc:
        # Not registered twice: the form comes back, telling that the household is known and where. That
        # answer tells something about that household, so it reads in its access log.
        typed.members = data.members()
        request.state[STATE_LOOK] = access_log.Look(
            actor.id, actor.person.display_name, Role.REGISSEUR, None, exc.match.household_id, "household.duplicate"
        )
        context = _form_context(typed, {}, duplicate=exc.match)
        return render(request, "pages/households/new.html", context, status_code=409)
    return see_other(f"/huishoudens/{household.id}")


@get(
    "/huishoudens/{household_id:uuid}",
    name="household.overview",
    opt={"policy": Action.HOUSEHOLD_VIEW, "resource": "household"},
)
async def household_overview(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    can: Can = request.state.can
    seen = await overview_queries.overview(db_session, guarded_household(request), request.state.actor, can)
    trajectory = seen.trajectory
    return render(
        request,
        "pages/households/overview.html",
        {
            "household": seen.household,
            "flash": flash(request, "ingetrokken", "huisbezoek", "niet-bewaard"),
            # "Beschikbaar voor huisbezoek": the regisseur keeps this household's pages on her devices.
            "visit_marked": seen.visit_marked,
            "trajectory": trajectory,
            "phase": phase_label(trajectory.phase) if trajectory else "",
            # The same, in the household's words (for the household and the people around it).
            "phase_plain": household_phase_label(trajectory.phase) if trajectory else "",
            "started": day(trajectory.started_on) if trajectory else "",
            "triage_open": trajectory is not None and trajectory.phase in lifecycle.BEFORE_TRIAGE,
            # The plan's akkoord once the intake is complete, the next check-in of a waakvlam.
            "next_step": next_step_view(seen.next_step, trajectory),
            "has_report": seen.has_report,
            "handover_waiting": handover_waiting(seen.pending_handover) if can.manage_trajectory else "",
            "passkey_counts": seen.passkey_counts,
            # The doorbraak asked of the team lead: open, or the latest decision (the regisseur's).
            "escalation": escalation_summary(seen.escalation) if can.raise_escalation else None,
            "involved": [
                {
                    "name": i.name,
                    "role": role_label(i.role) if i.role else "",
                    "team": i.team,
                    "since": day(i.since) if i.since else "",
                    "organisation": i.organisation,
                    "contact": i.contact,
                }
                for i in seen.involved
            ],
        },
    )


@post(
    "/huishoudens/{household_id:uuid}/leden/{member_id:uuid}/link",
    name="household.member.link",
    opt={"policy": Action.MEMBER_ENROL},
    status_code=303,
)
async def issue_member_link(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    member_id: FromPath[uuid.UUID],
) -> Response[Any]:
    actor: Actor = request.state.actor
    member = await people.member_of(db_session, household_id, member_id)
    person = await people.person_of_member(db_session, member)
    link = await enrolment.issue(
        db_session, person=person, created_by=actor.person, origin=request.app.state.settings.origin
    )
    remember_link(request, link, back=f"/huishoudens/{household_id}")
    return see_other(f"/huishoudens/{household_id}/link")


@get(
    "/huishoudens/{household_id:uuid}/link",
    name="household.member.link_show",
    opt={"policy": Action.MEMBER_ENROL, "resource": "enrolment"},
)
async def show_member_link(request: Request[Any, Any, Any], household_id: FromPath[uuid.UUID]) -> Response[Any]:
    return show_link(request, fallback=f"/huishoudens/{household_id}")


@post(
    "/huishoudens/{household_id:uuid}/leden/{member_id:uuid}/passkeys-intrekken",
    name="household.member.revoke",
    opt={"policy": Action.MEMBER_ENROL},
    status_code=303,
)
async def revoke_member_passkeys(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    member_id: FromPath[uuid.UUID],
) -> Response[Any]:
    member = await people.member_of(db_session, household_id, member_id)
    person = await people.person_of_member(db_session, member)
    await people.revoke_all_passkeys(db_session, person, request.state.actor, household_id)
    return see_other(f"/huishoudens/{household_id}?ingetrokken=1")


@get(
    "/huishoudens/{household_id:uuid}/inzage",
    name="household.access_log",
    opt={"policy": Action.ACCESS_LOG_READ, "resource": "access_log.read"},
)
async def access_log_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    """The looks grouped per person and day, with why each may look, filtered by a plain GET form."""
    household = await household_or_404(db_session, household_id)
    today = utcnow().astimezone(LOCAL_TZ).date()
    query = {key: str(value) for key, value in request.query_params.items()}
    wanted, errors = access_log.read_filter(query, today=today)
    reading = await access_log.read_looks(db_session, household_id, wanted, zone=LOCAL_TZ)
    page = log_page(reading, wanted, today)
    kept = {
        "persoon": str(wanted.person) if wanted.person else "",
        "periode": wanted.period,
        "van": wanted.since.isoformat() if wanted.since and wanted.period == "datums" else "",
        "tot": wanted.until.isoformat() if wanted.until else "",
    }
    filters = {k: v for k, v in kept.items() if v and not (k == "periode" and v == "alles")}
    return render(
        request,
        "pages/households/access_log.html",
        {
            "household": household,
            "log": page,
            "cut_off": reading.cut_off,
            "narrowed": wanted.is_narrowed,
            "values": kept,
            "errors": {k: _(v) for k, v in errors.items()},
            "person_options": [
                (
                    str(p.actor_id),
                    _("%(name)s van %(organisation)s") % {"name": p.name, "organisation": p.organisation_name}
                    if p.organisation_name
                    else p.name,
                )
                for p in reading.lookers
            ],
            "period_options": [
                ("week", _("De laatste week")),
                ("maand", _("De laatste maand")),
                ("alles", _("Alles")),
                ("datums", _("Van de ene tot de andere datum (vul die hieronder in)")),
            ],
            "newer": f"?{urlencode({**filters, 'pagina': page.page - 1})}" if page.page > 1 else "",
            "older": f"?{urlencode({**filters, 'pagina': page.page + 1})}" if page.page < page.pages else "",
            "intact": await access_log.chain_is_intact(db_session, household_id),
        },
    )


@get(
    "/huishoudens/{household_id:uuid}/tijdlijn",
    name="household.timeline",
    opt={"policy": Action.TIMELINE_READ, "resource": "timeline.read"},
)
async def timeline_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    household = await household_or_404(db_session, household_id)
    events = await timeline.events_for(db_session, household_id)
    return render(
        request,
        "pages/households/timeline.html",
        {"household": household, "events": [(moment(e.created_at), timeline_sentence(e)) for e in events]},
    )


ROUTES = [
    new_household,
    create_household,
    household_overview,
    issue_member_link,
    show_member_link,
    revoke_member_passkeys,
    access_log_page,
    timeline_page,
]
