"""The steps of a trajectory after the intake: the household's akkoord on its plan (on its own phone, or
recorded by the regisseur at the table), uitvoering, waakvlam and afsluiten. (An evaluation has pages of its
own: ``server.routes.evaluation``.)

A step that the phase does not allow (yet) is refused by the domain; the page then comes back with that
refusal in words (409), and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain import lifecycle
from server.domain.errors import IllegalTransition, InvalidInput
from server.domain.models import Phase, Trajectory
from server.domain.policy import Action, Actor
from server.domain.workspace import steps
from server.domain.workspace.model import AgreementWay
from server.domain.workspace.steps import AgreementInput, CheckInAnswer, CloseInput, EvaluationInput, WaakvlamInput
from server.i18n import gettext as _
from server.routes.deps import NOT_REFUSED, DbSession, Form, Refused, guarded_household, household_and_instrument
from server.views.presenters import (
    day,
    exit_reason_label,
    horizon_label,
    phase_label,
    plain_domain_name,
    status_label,
    who_type_label,
)
from server.views.ratings import for_reader
from server.web import flash, render, see_other

BASE = "/huishoudens/{household_id:uuid}"
AGREE = f"{BASE}/akkoord"
AGREE_IN_PERSON = f"{BASE}/akkoord/aan-tafel"
EXECUTION = f"{BASE}/uitvoering"
WAAKVLAM = f"{BASE}/waakvlam"
CLOSE = f"{BASE}/afsluiten"

MANAGE = {"policy": Action.TRAJECTORY_MANAGE, "resource": "trajectory.steps"}

Context = dict[str, Any]


def _errors(errors: dict[str, str]) -> dict[str, str]:
    return {field: _(message) for field, message in errors.items()}


def _base(request: Request[Any, Any, Any], trajectory: Trajectory, refused: Refused) -> Context:
    return {
        "household": guarded_household(request),
        "trajectory": trajectory,
        "phase": phase_label(trajectory.phase),
        "next_evaluation": day(trajectory.next_evaluation_on) if trajectory.next_evaluation_on else "",
        "refusal": refused.refusal,
        "errors": _errors(refused.errors),
    }


async def _answer(page: Callable[[Refused], Awaitable[Template]], step: Awaitable[Any], done: str) -> Response[Any]:
    """Run one step: on success, to ``done``; refused input comes back as the form (400), a step the phase
    does not allow as the page with the refusal (409). Nothing is stored in either case."""
    try:
        await step
    except InvalidInput as exc:
        return await page(Refused(errors=exc.errors))
    except IllegalTransition as exc:
        return await page(Refused(refusal=_(exc.message)))
    return see_other(done)


# --------------------------------------------------------------------------------------------------------
# Plan vastgesteld: the akkoord
# --------------------------------------------------------------------------------------------------------


def _plan_rows(plan: list[dict[str, Any]], *, plain: bool = False) -> list[dict[str, Any]]:
    """The goals of a plan (as it stands, or as agreed); ``plain``: leefgebieden in the household's words."""
    return [
        {
            "domain": plain_domain_name(goal["domain"]) if plain else goal["domain"],
            "text": goal["text"],
            "horizon": horizon_label(goal["horizon"]),
            "actions": [
                {
                    "what": action["what"],
                    "who": who_type_label(action["who"]) + (f" ({action['performer']})" if action["performer"] else ""),
                    "due": day(dt.date.fromisoformat(action["due_on"])) if action["due_on"] else "",
                    "status": status_label(action["status"]),
                }
                for action in goal["actions"]
            ],
        }
        for goal in plan
    ]


async def _agreement_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    household_id: uuid.UUID,
    data: AgreementInput,
    *,
    in_person: bool,
    refused: Refused = NOT_REFUSED,
) -> Template:
    _household, instrument = await household_and_instrument(request, db)
    trajectory = await lifecycle.open_trajectory(db, household_id)
    # The goals' leefgebieden in the reader's words (the household's, or the professional's).
    plan = await steps.plan_snapshot(db, household_id, for_reader(request.state.can, instrument))
    blocked = await steps.agreement_blocked(db, trajectory, plan)
    agreements = await steps.agreements_of(db, household_id)
    latest = agreements[-1] if agreements else None
    context = {
        **_base(request, trajectory, refused),
        "in_person": in_person,
        "open": blocked is None,
        "blocked": _(blocked) if blocked else "",
        "plan": _plan_rows(latest.plan if latest and blocked else plan, plain=request.state.can.household_words),
        "agreed": (
            {
                "on": day(latest.agreed_on),
                "by": latest.person_name,
                "in_person": latest.way == AgreementWay.IN_PERSON,
            }
            if latest
            else None
        ),
        "data": data,
        "today": steps.today().isoformat(),
    }
    return render(request, "pages/workspace/agreement.html", context, status_code=refused.status_code)


@get(AGREE, name="trajectory.agreement", opt={"policy": Action.PLAN_AGREE, "resource": "trajectory.agreement"})
async def agreement_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    return await _agreement_page(request, db_session, household_id, AgreementInput(), in_person=False)


@post(AGREE, name="trajectory.agree", opt={"policy": Action.PLAN_AGREE}, status_code=200)
async def agree(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Response[Any]:
    actor: Actor = request.state.actor
    _household, instrument = await household_and_instrument(request, db_session)
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    return await _answer(
        lambda refused: _agreement_page(
            request, db_session, household_id, AgreementInput(), in_person=False, refused=refused
        ),
        steps.agree_in_app(db_session, actor.person, household_id, trajectory, instrument, weeks=_weeks(request)),
        f"/huishoudens/{household_id}/akkoord?akkoord=1",
    )


@get(AGREE_IN_PERSON, name="trajectory.agreement.in_person", opt=MANAGE)
async def agreement_in_person_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    blank = AgreementInput(agreed_on=steps.today().isoformat())
    return await _agreement_page(request, db_session, household_id, blank, in_person=True)


@post(AGREE_IN_PERSON, name="trajectory.agree.in_person", opt=MANAGE, status_code=200)
async def agree_in_person(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[AgreementInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    _household, instrument = await household_and_instrument(request, db_session)
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    return await _answer(
        lambda refused: _agreement_page(request, db_session, household_id, data, in_person=True, refused=refused),
        steps.record_in_person(db_session, actor.person, trajectory, instrument, data, weeks=_weeks(request)),
        f"/huishoudens/{household_id}/uitvoering",
    )


# --------------------------------------------------------------------------------------------------------
# Uitvoering
# --------------------------------------------------------------------------------------------------------


def _weeks(request: Request[Any, Any, Any]) -> int:
    """The gemeente's interval until the next evaluation, as the guard found it with the household."""
    return guarded_household(request).evaluation_interval_weeks


def _evaluation_default(trajectory: Trajectory, weeks: int) -> str:
    planned = trajectory.next_evaluation_on
    return (planned if planned and planned > steps.today() else steps.default_evaluation(weeks=weeks)).isoformat()


async def _execution_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    household_id: uuid.UUID,
    data: EvaluationInput | None = None,
    *,
    refused: Refused = NOT_REFUSED,
) -> Template:
    trajectory = await lifecycle.open_trajectory(db, household_id)
    context = {
        **_base(request, trajectory, refused),
        "open": trajectory.phase == Phase.PLAN_VASTGESTELD,
        "data": data or EvaluationInput(evaluation_on=_evaluation_default(trajectory, _weeks(request))),
    }
    return render(request, "pages/workspace/execution.html", context, status_code=refused.status_code)


@get(EXECUTION, name="trajectory.execution", opt=MANAGE)
async def execution_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    return await _execution_page(request, db_session, household_id)


@post(EXECUTION, name="trajectory.execution.start", opt=MANAGE, status_code=200)
async def start_execution(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[EvaluationInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    return await _answer(
        lambda refused: _execution_page(request, db_session, household_id, data, refused=refused),
        steps.start_execution(db_session, actor.person, trajectory, data),
        f"/huishoudens/{household_id}",
    )


# --------------------------------------------------------------------------------------------------------
# Waakvlam
# --------------------------------------------------------------------------------------------------------


async def _waakvlam_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    household_id: uuid.UUID,
    *,
    plan: WaakvlamInput | None = None,
    answer: CheckInAnswer | None = None,
    reopen: EvaluationInput | None = None,
    refused: Refused = NOT_REFUSED,
) -> Template:
    trajectory = await lifecycle.open_trajectory(db, household_id)
    in_waakvlam = trajectory.phase == Phase.WAAKVLAM
    planned = await steps.open_checkins(db, trajectory.id) if in_waakvlam else []
    held = await steps.done_checkins(db, trajectory.id) if in_waakvlam else []
    first = (steps.today() + dt.timedelta(weeks=6)).isoformat()
    context = {
        **_base(request, trajectory, refused),
        "can_start": trajectory.phase == Phase.EVALUATIE,
        "in_waakvlam": in_waakvlam,
        "went_wrong": flash(request, "niet_goed") == "niet_goed" or bool(held and held[0].went_well is False),
        "planned": [{"id": str(c.id), "due": day(c.due_on)} for c in planned],
        "held": [
            {"due": day(c.due_on), "done": day(c.done_on) if c.done_on else "", "well": c.went_well, "note": c.note}
            for c in held
        ],
        "plan": plan or WaakvlamInput(first_on=first),
        "answer": answer or CheckInAnswer(),
        "answered": answer.checkin if answer else "",
        "reopen": reopen or EvaluationInput(evaluation_on=steps.default_evaluation(weeks=_weeks(request)).isoformat()),
    }
    return render(request, "pages/workspace/waakvlam.html", context, status_code=refused.status_code)


@get(WAAKVLAM, name="trajectory.waakvlam", opt=MANAGE)
async def waakvlam_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    return await _waakvlam_page(request, db_session, household_id)


@post(WAAKVLAM, name="trajectory.waakvlam.start", opt=MANAGE, status_code=200)
async def start_waakvlam(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[WaakvlamInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    return await _answer(
        lambda refused: _waakvlam_page(request, db_session, household_id, plan=data, refused=refused),
        steps.to_waakvlam(db_session, actor.person, trajectory, data),
        f"/huishoudens/{household_id}/waakvlam",
    )


@post(f"{WAAKVLAM}/check-in", name="trajectory.waakvlam.checkin", opt=MANAGE, status_code=200)
async def record_checkin(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[CheckInAnswer],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    went_wrong = "?niet_goed=1" if data.went_well == "nee" else "?vastgelegd=1"
    return await _answer(
        lambda refused: _waakvlam_page(request, db_session, household_id, answer=data, refused=refused),
        steps.record_checkin(db_session, actor.person, trajectory, data),
        f"/huishoudens/{household_id}/waakvlam{went_wrong}",
    )


@post(f"{WAAKVLAM}/heropenen", name="trajectory.waakvlam.reopen", opt=MANAGE, status_code=200)
async def reopen(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[EvaluationInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    return await _answer(
        lambda refused: _waakvlam_page(request, db_session, household_id, reopen=data, refused=refused),
        steps.reopen(db_session, actor.person, trajectory, data),
        f"/huishoudens/{household_id}",
    )


# --------------------------------------------------------------------------------------------------------
# Afsluiten
# --------------------------------------------------------------------------------------------------------


async def _close_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    household_id: uuid.UUID,
    data: CloseInput | None = None,
    *,
    refused: Refused = NOT_REFUSED,
) -> Template:
    trajectory = await lifecycle.open_trajectory(db, household_id)
    closable = trajectory.phase in steps.CLOSABLE
    context = {
        **_base(request, trajectory, refused),
        "open": closable,
        "before_intake": trajectory.phase in lifecycle.BEFORE_TRIAGE,
        "eindmeting": await steps.has_eindmeting(db, trajectory) if closable else False,
        "reasons": [(reason, exit_reason_label(reason)) for reason in lifecycle.EXIT_REASONS],
        "data": data or CloseInput(),
    }
    return render(request, "pages/workspace/close.html", context, status_code=refused.status_code)


@get(CLOSE, name="trajectory.close", opt=MANAGE)
async def close_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    return await _close_page(request, db_session, household_id)


@post(CLOSE, name="trajectory.close.confirm", opt=MANAGE, status_code=200)
async def close(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[CloseInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    trajectory = await lifecycle.open_trajectory(db_session, household_id)
    # Closed, the household is no longer in her caseload: back to her list.
    return await _answer(
        lambda refused: _close_page(request, db_session, household_id, data, refused=refused),
        steps.close(db_session, actor.person, trajectory, data),
        "/mijn",
    )


ROUTES = [
    agreement_page,
    agree,
    agreement_in_person_page,
    agree_in_person,
    execution_page,
    start_execution,
    waakvlam_page,
    start_waakvlam,
    record_checkin,
    reopen,
    close_page,
    close,
]
