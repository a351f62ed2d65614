"""The integral intake at the kitchen table (the regisseur's guided page), the household's own page for its
earlier help (hulpverleningsbiografie), and the gespreksverslag with the household's corrections."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import lifecycle
from server.domain.errors import InvalidInput
from server.domain.models import Phase, Trajectory
from server.domain.policy import Action, Actor
from server.domain.workspace import intake as intakes
from server.domain.workspace.intake import CorrectionInput, HistoryInput, IntakeInput, SkipInput
from server.domain.workspace.model import HistoryItem, Intake
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, guarded_household, household_and_instrument
from server.views.presenters import day, moment, phase_label
from server.web import flash, render, see_other

INTAKE = "/huishoudens/{household_id:uuid}/intake"
HISTORY = "/huishoudens/{household_id:uuid}/eerdere-hulp"
REPORT = "/huishoudens/{household_id:uuid}/gespreksverslag"
MANAGE = {"policy": Action.TRAJECTORY_MANAGE, "resource": "intake"}


def _messages(errors: dict[str, str]) -> dict[str, str]:
    return {name: _(message) for name, message in errors.items()}


def _history_rows(items: list[HistoryItem]) -> list[dict[str, Any]]:
    return [
        {
            "helper": item.helper,
            "period": item.period,
            "helped": item.helped,
            "not_helped": item.not_helped,
            "by_household": item.written_by_role == intakes.HOUSEHOLD_WRITER,
        }
        for item in items
    ]


async def _intake_context(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    trajectory: Trajectory,
    *,
    data: IntakeInput | None = None,
    history: HistoryInput | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    household, instrument = await household_and_instrument(request, db)
    in_phase = trajectory.phase == Phase.INTAKE
    intake: Intake | None = (
        await intakes.intake_for(db, trajectory) if in_phase else await intakes.find_intake(db, trajectory.id)
    )
    context: dict[str, Any] = {
        "household": household,
        "trajectory": trajectory,
        "phase": phase_label(trajectory.phase),
        "in_phase": in_phase,
        "intake": intake,
        "errors": _messages(errors or {}),
        "flash": flash(request, "opgeslagen", "afgerond", "toegevoegd", "niet_nu"),
    }
    if intake is None:
        return context
    facts = await intakes.gather(db, household.id)
    parts = intakes.check(trajectory, intake, facts, instrument)
    context.update(
        {
            "editable": in_phase and intake.completed_at is None,
            "completed": day(intake.completed_at.date()) if intake.completed_at else "",
            "parts": [
                {
                    "key": p.key.value,
                    "title": _(p.title),
                    "state": p.state.value,
                    "reason": p.reason,
                    "progress": p.progress,
                }
                for p in parts
            ],
            "part_of": {p.key.value: p for p in parts},
            "missing_count": sum(1 for p in parts if p.missing),
            "data": data or IntakeInput.of(trajectory, intake),
            "history_form": history or HistoryInput(),
            "history": _history_rows(facts.history),
            "involved": [
                {
                    "organisation": row.organisation_name,
                    "professional": row.professional_name,
                    "contact": row.contact,
                    "since": day(row.from_on),
                }
                for row in facts.involved
            ],
            "network_count": facts.network_count,
            "domain_count": len(instrument.domains),
        }
    )
    return context


def _intake_page(request: Request[Any, Any, Any], context: dict[str, Any], status_code: int = 200) -> Template:
    return render(request, "pages/workspace/intake.html", context, status_code=status_code)


@get(INTAKE, name="intake.view", opt=MANAGE)
async def intake_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    return _intake_page(request, await _intake_context(request, db_session, trajectory))


@post(INTAKE, name="intake.save", opt=MANAGE, status_code=200)
async def save_intake(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[IntakeInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    intake = await intakes.intake_for(db_session, trajectory)
    try:
        await intakes.save_intake(db_session, actor.person, trajectory, intake, data)
    except InvalidInput as exc:
        # Nothing is stored; the page comes back with what was typed and a message per field.
        context = await _intake_context(request, db_session, trajectory, data=data, errors=exc.errors)
        return _intake_page(request, context, 400)
    return see_other(f"/huishoudens/{household_id}/intake?opgeslagen=1")


@post(f"{INTAKE}/niet-nu", name="intake.skip", opt=MANAGE, status_code=200)
async def skip_part(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[SkipInput],
) -> Response[Any]:
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    intake = await intakes.intake_for(db_session, trajectory)
    try:
        await intakes.skip_part(db_session, trajectory, intake, data)
    except InvalidInput as exc:
        context = await _intake_context(request, db_session, trajectory, errors=exc.errors)
        context["skip_typed"] = {data.part: data.reason}
        return _intake_page(request, context, 400)
    return see_other(f"/huishoudens/{household_id}/intake?niet_nu=1#deel-{data.part}")


@post(f"{INTAKE}/eerdere-hulp", name="intake.history.add", opt=MANAGE, status_code=200)
async def add_history_at_intake(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[HistoryInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    try:
        await intakes.add_history_item(db_session, actor, request.state.relation, household_id, data)
    except InvalidInput as exc:
        context = await _intake_context(request, db_session, trajectory, history=data, errors=exc.errors)
        return _intake_page(request, context, 400)
    return see_other(f"/huishoudens/{household_id}/intake?toegevoegd=1#deel-history")


@post(f"{INTAKE}/afronden", name="intake.complete", opt=MANAGE, status_code=200)
async def complete_intake(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[IntakeInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    intake = await intakes.intake_for(db_session, trajectory)
    _household, instrument = await household_and_instrument(request, db_session)
    try:
        await intakes.complete_intake(db_session, actor.person, trajectory, intake, instrument, data.version)
    except InvalidInput as exc:
        # Refused: nothing changes; the page says what is still missing.
        context = await _intake_context(request, db_session, trajectory, errors=exc.errors)
        return _intake_page(request, context, 400)
    return see_other(f"/huishoudens/{household_id}/gespreksverslag?afgerond=1")


# --------------------------------------------------------------------------------------------------------
# The household's earlier help
# --------------------------------------------------------------------------------------------------------


async def _history_context(
    request: Request[Any, Any, Any], db: AsyncSession, data: HistoryInput, errors: dict[str, str]
) -> dict[str, Any]:
    household = guarded_household(request)
    return {
        "household": household,
        "history": _history_rows(await intakes.list_history(db, household.id)),
        "data": data,
        "errors": _messages(errors),
        "flash": flash(request, "toegevoegd"),
    }


@get(HISTORY, name="history.view", opt={"policy": Action.HISTORY_READ, "resource": "history"})
async def history_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    context = await _history_context(request, db_session, HistoryInput(), {})
    return render(request, "pages/households/history.html", context)


@post(HISTORY, name="history.add", opt={"policy": Action.HISTORY_WRITE}, status_code=200)
async def add_history(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[HistoryInput],
) -> Response[Any]:
    try:
        await intakes.add_history_item(db_session, request.state.actor, request.state.relation, household_id, data)
    except InvalidInput as exc:
        context = await _history_context(request, db_session, data, exc.errors)
        return render(request, "pages/households/history.html", context, status_code=400)
    return see_other(f"/huishoudens/{household_id}/eerdere-hulp?toegevoegd=1")


# --------------------------------------------------------------------------------------------------------
# The gespreksverslag
# --------------------------------------------------------------------------------------------------------


async def _report_context(
    request: Request[Any, Any, Any], db: AsyncSession, data: CorrectionInput, errors: dict[str, str]
) -> dict[str, Any]:
    household = guarded_household(request)
    view = await intakes.latest_report(db, household.id)
    return {
        "household": household,
        "report": view.report if view else None,
        "made": moment(view.report.created_at) if view else "",
        "corrections": [
            {"author": c.author_name, "when": moment(c.created_at), "lines": c.text.splitlines()}
            for c in (view.corrections if view else [])
        ],
        "data": data,
        "errors": _messages(errors),
        "flash": flash(request, "afgerond", "gecorrigeerd"),
    }


@get(REPORT, name="report.view", opt={"policy": Action.REPORT_READ, "resource": "report"})
async def report_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    context = await _report_context(request, db_session, CorrectionInput(), {})
    return render(request, "pages/workspace/report.html", context)


@post(f"{REPORT}/correctie", name="report.correct", opt={"policy": Action.REPORT_CORRECT}, status_code=200)
async def correct_report(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[CorrectionInput],
) -> Response[Any]:
    try:
        await intakes.add_correction(db_session, request.state.actor, household_id, data)
    except InvalidInput as exc:
        context = await _report_context(request, db_session, data, exc.errors)
        return render(request, "pages/workspace/report.html", context, status_code=400)
    return see_other(f"/huishoudens/{household_id}/gespreksverslag?gecorrigeerd=1#correcties")


ROUTES = [
    intake_page,
    save_intake,
    skip_part,
    add_history_at_intake,
    complete_intake,
    history_page,
    add_history,
    report_page,
    correct_report,
]
