"""The household downloads its whole dossier: a readable PDF and a JSON file with the same data."""

from __future__ import annotations

import json
import uuid
from typing import Any

import anyio.to_thread
from litestar import Request, Response, get
from litestar.params import FromPath

from server.domain import export
from server.domain.models import Household
from server.domain.policy import Action
from server.domain.ratings import instruments
from server.routes.deps import DbSession, household_or_404
from server.views.network_map import household_map
from server.views.presenters import (
    access_log_sentence,
    day,
    moment,
    phase_label,
    plan_labels,
    relation_label,
    ring_label,
    timeline_sentence,
)
from server.views.ratings import charts_context, rating_table

DOSSIER = "/huishoudens/{household_id:uuid}/dossier"


async def _dossier(request: Request[Any, Any, Any], db: DbSession, household_id: uuid.UUID) -> export.Dossier:
    household = await household_or_404(db, household_id)
    instrument = await instruments.for_municipality(db, household.municipality_id)
    return await export.collect(db, household_id, instrument, request.state.actor, request.state.relation)


def _file_name(household: Household, suffix: str) -> str:
    safe = "".join(c for c in household.name if c.isalnum()) or "huishouden"
    return f"dossier-{safe}.{suffix}"


@get(f"{DOSSIER}.json", name="export.json", opt={"policy": Action.EXPORT})
async def dossier_json(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Response[bytes]:
    dossier = await _dossier(request, db_session, household_id)
    data = export.as_json(dossier, timeline_text=timeline_sentence, look_text=access_log_sentence)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2).encode(),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{_file_name(dossier.household, "json")}"',
            "Cache-Control": "no-store",
        },
    )


@get(f"{DOSSIER}.pdf", name="export.pdf", opt={"policy": Action.EXPORT})
async def dossier_pdf(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Response[bytes]:
    dossier = await _dossier(request, db_session, household_id)
    context = {
        "dossier": dossier,
        "household": dossier.household,
        "phase": phase_label(dossier.trajectory.phase) if dossier.trajectory else "",
        "started": day(dossier.trajectory.started_on) if dossier.trajectory else "",
        "events": [(moment(e.created_at), timeline_sentence(e)) for e in dossier.events],
        "looks": [access_log_sentence(e) for e in dossier.looks],
        "ratings": rating_table(dossier.ratings),
        "network_svg": household_map(dossier.household, [p for p in dossier.network if not p.not_involved]),
        "relation_label": relation_label,
        "ring_label": ring_label,
        **charts_context(dossier.ratings),
        **plan_labels(),
    }
    engine = request.app.template_engine
    assert engine is not None, "create_app configures the template engine"
    html = engine.get_template("export/dossier.html").render(**context)
    pdf = await anyio.to_thread.run_sync(_render_pdf, html)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{_file_name(dossier.household, "pdf")}"',
            "Cache-Control": "no-store",
        },
    )


def _render_pdf(html: str) -> bytes:
    # WeasyPrint is imported here: it loads Pango and fonts, which only this route needs.
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


ROUTES = [dossier_json, dossier_pdf]
