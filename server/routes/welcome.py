"""A household member's first-visit steps ("Begin hier") on her start page: finished or skipped."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post

from server.domain import welcome
from server.domain.policy import Action, Actor
from server.routes.deps import DbSession
from server.web import see_other


@post("/mijn/begin-hier/klaar", name="welcome.done", opt={"policy": Action.SIGNED_IN}, status_code=200)
async def welcome_done(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    """Skip the rest of the steps (or say they are done): they are not shown again."""
    actor: Actor = request.state.actor
    await welcome.finish(db_session, actor.person)
    return see_other("/mijn?begin-hier=klaar")


ROUTES = [welcome_done]
