"""How the household is doing per leefgebied: scores from both perspectives, new assessments, history."""

from __future__ import annotations

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
from server.views.presenters import assessment_kind_label, day
from server.views.ratings import charts_context, rating_rows
from server.web import is_fragment_request, render, see_other

SCORES = "/huishoudens/{household_id:uuid}/scores"


async def _ratings_context(request: Request[Any, Any, Any], db: DbSession, household_id: uuid.UUID) -> dict[str, Any]:
    household, instrument = await household_and_instrument(request, db)
    relation: Relation = request.state.relation
    view = await ratings.load_ratings(db, household_id, instrument)
    mine = ratings.perspective_of(relation)
    latest = view.latest(mine)
    # Scores given for an evaluation that is not held yet: no new meting until it is (it would take the taps).
    in_round = bool(
        latest is not None and request.state.can.write_ratings and await ratings.in_open_round(db, latest.assessment)
    )
    return {
        "household": household,
        "instrument": instrument,
        "rows": rating_rows(view, mine),
        "latest": latest,
        "latest_label": (
            _("%(kind)s van %(date)s")
            % {"kind": assessment_kind_label(latest.assessment.kind), "date": day(latest.assessment.held_on)}
            if latest
            else ""
        ),
        "kinds": [(k.value, assessment_kind_label(k)) for k in AssessmentKind if k is not AssessmentKind.NULMETING],
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
    return render(request, "pages/plan/ratings.html", context)


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
    if not error and not is_fragment_request(request):
        return see_other(f"/huishoudens/{household_id}/scores?opgeslagen={domain_key}#lg-{domain_key}")
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
    view = await ratings.load_ratings(db_session, household_id, instrument)
    return render(request, "pages/plan/history.html", {"household": household, **charts_context(view)})


ROUTES = [ratings_page, rate, start_assessment, history_page]
