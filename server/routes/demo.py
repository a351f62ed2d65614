"""Demo sign-in: fresh one-time links for the demo people. Only when demo mode is on; never in
production (the settings refuse demo mode there)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Response, post
from litestar.params import FromPath

from server.auth import enrolment
from server.config import Settings
from server.domain.demo_people import demo_people
from server.domain.errors import NotFound
from server.domain.policy import PUBLIC
from server.routes.deps import DbSession
from server.web import see_other


@post("/demo/{person_id:uuid}/link", name="demo.link", opt={"policy": PUBLIC, "rate_limited": True}, status_code=303)
async def demo_link(
    request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[uuid.UUID]
) -> Response[Any]:
    settings: Settings = request.app.state.settings
    if not settings.demo_mode:
        raise NotFound
    person = next((p for _label, p in await demo_people(db_session) if p.id == person_id), None)
    if person is None:
        raise NotFound
    link = await enrolment.issue(db_session, person=person, created_by=None, origin=settings.origin)
    return see_other(urlsplit(link.url).path)


ROUTES = [demo_link]
