"""The one guard every route passes through. It loads the signed-in person and asks the policy.

A route states ``opt={"policy": Action.X}`` or ``opt={"policy": PUBLIC}``; a route without either is
refused here (and a test fails on it). Refusals about a household answer 404, like a missing record,
so that nobody learns whether a household exists.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy.ext.asyncio import AsyncSession

from server import i18n
from server.auth import csrf, ratelimit, sessions
from server.config import Settings
from server.domain import access_log
from server.domain.errors import NotAllowed, NotFound, NotSignedIn
from server.domain.policy import (
    HOUSEHOLD_ACTIONS,
    PUBLIC,
    Action,
    Actor,
    Can,
    actor_for,
    decide,
    decide_role,
    is_household_side,
    relations_to_household,
)
from server.transactions import STATE_DB, STATE_LOOK


def db_session(connection: ASGIConnection[Any, Any, Any, Any]) -> AsyncSession:
    config = connection.app.state.db_config
    return config.provide_session(connection.app.state, connection.scope)  # type: ignore[no-any-return]


async def load_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
    """Read the session cookie once per request and remember the result on the request state."""
    state = connection.state
    if "actor" in state:
        return state.actor  # type: ignore[no-any-return]
    settings: Settings = connection.app.state.settings
    db = db_session(connection)
    state[STATE_DB] = db
    found = await sessions.load_with_person(db, connection.cookies.get(sessions.COOKIE_NAME), settings)
    web_session, person, unread = found if found else (None, None, 0)
    actor = None
    if person is not None:
        actor = actor_for(person)
        if person.locale:
            i18n.current_locale.set(person.locale)
    state.web_session = web_session
    state.actor = actor
    # The count of unread messages in the header (base.html), read with the session.
    state.unread_notifications = unread if actor is not None else 0
    return actor


async def authorise(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    policy = handler.opt.get("policy")
    if policy is None:
        # A route that forgot to declare its policy is closed, not open.
        raise NotAllowed
    if handler.opt.get("assets"):
        return
    if handler.opt.get("rate_limited"):
        settings: Settings = connection.app.state.settings
        client = connection.client.host if connection.client else "unknown"
        await ratelimit.hit(
            connection.app.state.db_config.get_engine(), f"{handler.name}:{client}", settings.rate_limit_per_minute
        )
    actor = await load_actor(connection)
    csrf.check(connection, connection.state.web_session)
    if actor is not None and actor.reads_professional_pages_only:
        i18n.limit_to_professional_languages(connection.headers.get("accept-language"))
    if policy == PUBLIC:
        return
    if actor is None:
        raise NotSignedIn
    action = Action(policy)
    if action not in HOUSEHOLD_ACTIONS:
        if not decide_role(actor, action):
            raise NotAllowed
        return
    household_id = connection.path_params.get("household_id")
    if not isinstance(household_id, uuid.UUID):
        raise NotFound
    db = db_session(connection)
    relations, household = await relations_to_household(db, actor, household_id)
    decision = decide(relations, action)
    if not decision.allowed or decision.relation is None:
        raise NotFound
    if not is_household_side(decision.relation):
        i18n.limit_to_professional_languages(connection.headers.get("accept-language"))
    connection.state.household = household
    connection.state.relation = decision.relation
    connection.state.can = Can(decision.relation)
    if decision.must_log:
        # Written when the answer is sent, if it shows a rendered view (see server/transactions.py).
        connection.state[STATE_LOOK] = access_log.Look.of(
            actor, decision.relation, household_id, str(handler.opt.get("resource", action.value))
        )
