"""The household downloads its whole dossier: a readable PDF and a JSON file with the same data.

Both are collected with the request's session in the event loop and then made in a worker thread: turning
thousands of timeline events and looks into sentences, rendering the template and WeasyPrint's layout take
CPU seconds that the event loop must not spend while other requests wait. anyio runs the thread's function
in a copy of the request's context, so the person's language (a context variable, see ``server.i18n``)
applies there as it does in the event loop.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import anyio
import anyio.to_thread
from babel.dates import format_date
from jinja2 import Template
from litestar import Litestar, Request, Response, get
from litestar.params import FromPath

from server.domain import export
from server.domain.models import Household
from server.domain.policy import Action
from server.domain.ratings import instruments
from server.i18n import current_locale, ngettext
from server.routes.deps import DbSession, household_or_404
from server.views.network_map import household_map
from server.views.presenters import (
    LOCAL_TZ,
    access_log_sentence,
    day,
    moment,
    phase_label,
    plan_labels,
    relation_label,
    resource_phrase,
    ring_label,
    role_label,
    timeline_sentence,
)
from server.views.ratings import charts_context, rating_table

DOSSIER = "/huishoudens/{household_id:uuid}/dossier"
TEMPLATE = "export/dossier.html"
# PDFs made at the same time in one process. Each takes a thread and a core for a second or more; more
# downloads wait their turn instead of taking the threads that the rest of the app runs its work in.
PDF_RENDERS_AT_ONCE = 2
_PDF_SLOTS = "export.pdf_slots"


def _file_name(household: Household, suffix: str) -> str:
    safe = "".join(c for c in household.name if c.isalnum()) or "huishouden"
    return f"dossier-{safe}.{suffix}"


def _download(content: bytes, media_type: str, file_name: str) -> Response[bytes]:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{file_name}"', "Cache-Control": "no-store"},
    )


@get(f"{DOSSIER}.json", name="export.json", opt={"policy": Action.EXPORT})
async def dossier_json(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Response[bytes]:
    household = await household_or_404(db_session, household_id)
    instrument = await instruments.for_municipality(db_session, household.municipality_id)
    dossier = await export.collect(db_session, household_id, instrument, request.state.actor, request.state.relation)
    content = await anyio.to_thread.run_sync(_json_bytes, dossier)
    return _download(content, "application/json", _file_name(dossier.household, "json"))


def _json_bytes(dossier: export.Dossier) -> bytes:
    data = export.as_json(dossier, timeline_text=timeline_sentence, look_text=access_log_sentence)
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


@get(f"{DOSSIER}.pdf", name="export.pdf", opt={"policy": Action.EXPORT})
async def dossier_pdf(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Response[bytes]:
    household = await household_or_404(db_session, household_id)
    instrument = await instruments.for_municipality(db_session, household.municipality_id)
    dossier = await export.collect_for_print(
        db_session, household_id, instrument, request.state.actor, request.state.relation, local_tz=LOCAL_TZ
    )
    # The one handler that ends its own transaction, before its long part: waiting for a slot and rendering
    # take a second or more, during which its connection would sit idle in a transaction, out of the pool.
    # A commit, not a roll back: anything the request wrote before is kept, and the session does not expire
    # its objects on commit, so the dossier stays readable.
    await db_session.commit()
    pdf = await anyio.to_thread.run_sync(
        _render_pdf, dossier_template(request.app), dossier, limiter=_pdf_slots(request.app)
    )
    return _download(pdf, "application/pdf", _file_name(dossier.household, "pdf"))


def dossier_template(app: Litestar) -> Template:
    engine = app.template_engine
    assert engine is not None, "create_app configures the template engine"
    template: Template = engine.get_template(TEMPLATE)
    return template


def _pdf_slots(app: Litestar) -> anyio.CapacityLimiter:
    # Made on first use, inside the running event loop, and kept with the app: one limiter per process.
    slots: anyio.CapacityLimiter | None = app.state.get(_PDF_SLOTS)
    if slots is None:
        slots = anyio.CapacityLimiter(PDF_RENDERS_AT_ONCE)
        app.state[_PDF_SLOTS] = slots
    return slots


def _render_pdf(template: Template, dossier: export.PrintedDossier) -> bytes:
    # WeasyPrint is imported here: it loads Pango and fonts, which only this route needs (``onsplan run``
    # loads it at the start, see ``server.cli.app_for_server``).
    from weasyprint import HTML

    pdf: bytes = HTML(string=dossier_html(template, dossier)).write_pdf()
    return pdf


def dossier_html(template: Template, dossier: export.PrintedDossier) -> str:
    """The dossier as the HTML page that becomes the PDF. Runs in a worker thread: it reads only what
    ``collect_for_print`` loaded and never touches the session."""
    trajectory = dossier.trajectory
    return template.render(
        dossier=dossier,
        household=dossier.household,
        phase=phase_label(trajectory.phase) if trajectory else "",
        started=day(trajectory.started_on) if trajectory else "",
        events=[(moment(e.created_at), timeline_sentence(e)) for e in dossier.events],
        older_events=[(month_label(m.month), m.count) for m in dossier.older_events],
        looks=[_look_row(row) for row in dossier.looks],
        ratings=rating_table(dossier.ratings),
        network_svg=household_map(dossier.household, [p for p in dossier.network if not p.not_involved]),
        relation_label=relation_label,
        ring_label=ring_label,
        **charts_context(dossier.ratings),
        **plan_labels(),
    )


def month_label(month: dt.date) -> str:
    """'maart 2025'."""
    return format_date(month, "LLLL y", locale=current_locale.get())


def _look_row(row: export.LooksInMonth) -> dict[str, Any]:
    # Who, as the sentence of a single look presents them (see ``access_log_sentence``).
    role = role_label(row.actor_role)
    if row.organisation_name:
        role = f"{role}, {row.organisation_name}"
    # Several recorded resources can read the same to the household ("jullie overzicht"): count them as one.
    phrases: dict[str, int] = {}
    for resource, times in row.resources:
        phrase = resource_phrase(resource)
        phrases[phrase] = phrases.get(phrase, 0) + times
    if len(phrases) == 1:
        what = next(iter(phrases))
    else:
        what = ", ".join(
            ngettext("%(what)s (%(times)s keer)", "%(what)s (%(times)s keer)", times) % {"what": phrase, "times": times}
            for phrase, times in sorted(phrases.items(), key=lambda item: -item[1])
        )
    return {"month": month_label(row.month), "who": f"{row.actor_name} ({role})", "times": row.times, "what": what}


ROUTES = [dossier_json, dossier_pdf]
