"""How the household is doing per leefgebied: scores from both perspectives, new assessments, history."""

from __future__ import annotations

import re
import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain.errors import InvalidInput, NotFound
from server.domain.policy import Action, Relation
from server.domain.ratings import service as ratings
from server.domain.ratings.model import AssessmentKind
from server.domain.ratings.service import AssessmentInput, RatingInput
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, household_and_instrument
from server.views.presenters import day
from server.views.ratings import charts_context, for_reader, kind_label_for, rating_rows
from server.web import is_fragment_request, render, see_other

SCORES = "/huishoudens/{household_id:uuid}/scores"
# One leefgebied at a time: /huishoudens/{id}/scores/stap/1 ... /stap/11, then /scores/klaar.
STEP = f"{SCORES}/stap/{{step_number:int}}"
DONE = f"{SCORES}/klaar"
NEXT_RE = re.compile(r"^/huishoudens/[0-9a-f-]{36}/scores/(?:stap/[1-9][0-9]?|klaar)$")


def step_url(household_id: uuid.UUID, number: int) -> str:
    return f"/huishoudens/{household_id}/scores/stap/{number}"


def _next_step(household_id: uuid.UUID, target: str) -> str:
    """The stepper's next page, only when it is a page of this household's stepper (never elsewhere)."""
    return target if NEXT_RE.match(target) and target.startswith(f"/huishoudens/{household_id}/") else ""


async def _ratings_context(request: Request[Any, Any, Any], db: DbSession, household_id: uuid.UUID) -> dict[str, Any]:
    household, instrument = await household_and_instrument(request, db)
    can = request.state.can
    instrument = for_reader(can, instrument)
    relation: Relation = request.state.relation
    view = await ratings.load_ratings(db, household_id, instrument)
    mine = ratings.perspective_of(relation)
    latest = view.latest(mine)
    rows = rating_rows(view, mine)
    first_open = next((n for n, r in enumerate(rows, 1) if r["score"] is None), None)
    # Scores given for an evaluation that is not held yet: no new meting until it is (it would take the taps).
    in_round = bool(
        latest is not None and request.state.can.write_ratings and await ratings.in_open_round(db, latest.assessment)
    )
    return {
        "household": household,
        "instrument": instrument,
        "rows": rows,
        "latest": latest,
        "latest_label": (
            _("%(kind)s van %(date)s")
            % {"kind": kind_label_for(can, latest.assessment.kind), "date": day(latest.assessment.held_on)}
            if latest
            else ""
        ),
        "kinds": [(k.value, kind_label_for(can, k)) for k in AssessmentKind if k is not AssessmentKind.NULMETING],
        # The stepper: where it starts or goes on (the first leefgebied without a score), or None when all are.
        "rated_count": sum(1 for r in rows if r["score"] is not None),
        "first_open": first_open,
        "first_open_name": rows[first_open - 1]["domain"].name if first_open else "",
        "talk_count": len(view.to_talk_about()),
        "has_both": bool(view.household and view.professional),
        "in_round": in_round,
    }


@get(SCORES, name="ratings.view", opt={"policy": Action.RATINGS_READ, "resource": "ratings.read"})
async def ratings_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    context = await _ratings_context(request, db_session, household_id)
    context["errors"] = {}
    context["saved_key"] = request.query_params.get("opgeslagen", "")
    return render(request, "pages/plan/ratings.html", context)


async def _step_context(
    request: Request[Any, Any, Any], db: DbSession, household_id: uuid.UUID, number: int
) -> dict[str, Any]:
    context = await _ratings_context(request, db, household_id)
    rows = context["rows"]
    if not 1 <= number <= len(rows):
        raise NotFound
    row = rows[number - 1]
    saved_key = request.query_params.get("opgeslagen", "")
    saved = next((r for r in rows if r["domain"].key == saved_key and r["score"] is not None), None)
    return {
        **context,
        "row": row,
        "number": number,
        "total": len(rows),
        "previous_url": step_url(household_id, number - 1) if number > 1 else "",
        "next_url": (
            step_url(household_id, number + 1) if number < len(rows) else f"/huishoudens/{household_id}/scores/klaar"
        ),
        "saved_row": saved,
        "saved_step": context["instrument"].step(saved["score"]) if saved else None,
        "errors": {},
    }


@get(STEP, name="ratings.step", opt={"policy": Action.RATINGS_WRITE, "resource": "ratings.read"})
async def step_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    step_number: FromPath[int],
) -> Template:
    """One leefgebied at a time, with its explanation and the choices big enough for a thumb."""
    context = await _step_context(request, db_session, household_id, step_number)
    if is_fragment_request(request):
        return render(request, "partials/plan/rating_step.html", context)
    return render(request, "pages/plan/rating_step.html", context)


@get(DONE, name="ratings.done", opt={"policy": Action.RATINGS_WRITE, "resource": "ratings.read"})
async def done_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    """The end of the stepper: what was chosen per leefgebied, and the way on to the plan."""
    context = await _ratings_context(request, db_session, household_id)
    saved_key = request.query_params.get("opgeslagen", "")
    saved = next((r for r in context["rows"] if r["domain"].key == saved_key and r["score"] is not None), None)
    context["saved_row"] = saved
    context["saved_step"] = context["instrument"].step(saved["score"]) if saved else None
    context["steps"] = {s.score: s for s in context["instrument"].scale}
    return render(request, "pages/plan/rating_done.html", context)


@post(
    f"{SCORES}/leefgebied/{{domain_key:str}}",
    name="ratings.rate",
    opt={"policy": Action.RATINGS_WRITE},
    status_code=200,
)
async def rate(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    domain_key: FromPath[str],
    data: Form[RatingInput],
) -> Response[Any]:
    _household, instrument = await household_and_instrument(request, db_session)
    error = ""
    try:
        await ratings.rate(
            db_session,
            request.state.actor,
            request.state.relation,
            household_id,
            instrument,
            domain_key,
            data.score,
            data.note,
        )
    except InvalidInput as exc:
        if "domain_key" in exc.errors:
            raise NotFound from exc
        error = _(next(iter(exc.errors.values())))
    next_page = _next_step(household_id, data.next)
    if not error and next_page:
        # The stepper: on to the next leefgebied, which says what was just stored.
        return see_other(f"{next_page}?opgeslagen={domain_key}")
    if not error and not is_fragment_request(request):
        return see_other(f"/huishoudens/{household_id}/scores?opgeslagen={domain_key}#lg-{domain_key}")
    if error and next_page:
        number = next((n for n, d in enumerate(instrument.domains, 1) if d.key == domain_key), 1)
        step = await _step_context(request, db_session, household_id, number)
        step["errors"] = {"score": error}
        step["row"] = {**step["row"], "note": data.note}
        step["saved_row"] = None
        return render(request, "pages/plan/rating_step.html", step, status_code=400)
    context = await _ratings_context(request, db_session, household_id)
    row = next(r for r in context["rows"] if r["domain"].key == domain_key)
    if error:
        # Nothing was stored: show what was typed, with the message beside the field.
        row = {**row, "note": data.note}
    status = 400 if error else 200
    if is_fragment_request(request):
        return render(
            request,
            "partials/plan/rating.html",
            {**context, "row": row, "error": error, "saved": not error},
            status_code=status,
        )
    context["errors"] = {domain_key: error}
    context["rows"] = [row if r["domain"].key == domain_key else r for r in context["rows"]]
    return render(request, "pages/plan/ratings.html", context, status_code=status)


@post(
    "/huishoudens/{household_id:uuid}/metingen",
    name="ratings.assessment.start",
    opt={"policy": Action.RATINGS_WRITE},
    status_code=200,
)
async def start_assessment(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[AssessmentInput],
) -> Response[Any]:
    _household, instrument = await household_and_instrument(request, db_session)
    try:
        await ratings.start_assessment(
            db_session,
            request.state.actor,
            request.state.relation,
            household_id,
            instrument,
            data.kind,
            data.held_on,
        )
    except InvalidInput as exc:
        context = await _ratings_context(request, db_session, household_id)
        context["errors"] = {f"assessment_{k}": _(v) for k, v in exc.errors.items()}
        context["form"] = data
        return render(request, "pages/plan/ratings.html", context, status_code=400)
    return see_other(f"/huishoudens/{household_id}/scores?nieuw=1")


@get(
    f"{SCORES}/verloop",
    name="ratings.history",
    opt={"policy": Action.RATINGS_READ, "resource": "ratings.history"},
)
async def history_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    household, instrument = await household_and_instrument(request, db_session)
    can = request.state.can
    view = await ratings.load_ratings(db_session, household_id, for_reader(can, instrument))
    return render(
        request,
        "pages/plan/history.html",
        {"household": household, **charts_context(view, plain=can.household_words)},
    )


ROUTES = [ratings_page, step_page, done_page, rate, start_assessment, history_page]
