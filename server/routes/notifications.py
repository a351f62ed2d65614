"""A person's notifications: "Meldingen" (their messages, unread first), "Mijn meldingen" (per topic in the app
only or also by push, and the devices push is on for), and the admin's list of failed push messages."""

from __future__ import annotations

import json
import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.config import Settings
from server.domain.errors import InvalidInput
from server.domain.notifications import queries, service
from server.domain.notifications.service import ChoicesInput, SubscriptionInput
from server.domain.policy import Action, Actor
from server.i18n import gettext as _
from server.notify import vapid
from server.routes.deps import DbSession, Form
from server.views.notifications import choices_context, devices_context, failed_context, inbox_context
from server.web import flash, render, see_other

MINE = {"policy": Action.SIGNED_IN}
LIST = "/mijn/meldingen"
SETTINGS = "/mijn/meldingen/instellingen"
DEVICES = "/mijn/meldingen/apparaten"


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) < 10_000 else 1


@get(LIST, name="notifications.list", opt=MINE)
async def messages_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    actor: Actor = request.state.actor
    inbox = await queries.inbox(db_session, actor, _page_number(request.query_params.get("pagina")))
    return render(
        request,
        "pages/notifications/list.html",
        {**inbox_context(inbox), "flash": flash(request, "gelezen")},
    )


@post(f"{LIST}/gelezen", name="notifications.read_all", opt=MINE, status_code=303)
async def read_all(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    await service.mark_all_read(db_session, request.state.actor)
    return see_other(f"{LIST}?gelezen=1")


@get(f"{LIST}/{{notification_id:uuid}}", name="notifications.open", opt=MINE)
async def open_message(
    request: Request[Any, Any, Any], db_session: DbSession, notification_id: FromPath[uuid.UUID]
) -> Response[Any]:
    return see_other(await service.open_message(db_session, request.state.actor, notification_id))


async def _settings_page(
    request: Request[Any, Any, Any],
    db: DbSession,
    errors: dict[str, str] | None = None,
    typed: ChoicesInput | None = None,
) -> Template:
    actor: Actor = request.state.actor
    settings: Settings = request.app.state.settings
    choices = choices_context(await queries.choices(db, actor))
    if typed is not None:
        # A refused form comes back with what was chosen.
        for choice in choices:
            choice["value"] = getattr(typed, choice["topic"], "") or choice["value"]
    return render(
        request,
        "pages/notifications/settings.html",
        {
            "public_key": (await vapid.keys(db, settings)).public_key,
            "devices": devices_context(await queries.devices(db, actor)),
            "choices": choices,
            "errors": {k: _(v) for k, v in (errors or {}).items()},
            "flash": flash(request, "opgeslagen", "aangezet", "uitgezet"),
        },
        status_code=400 if errors else 200,
    )


@get(SETTINGS, name="notifications.settings", opt=MINE)
async def settings_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    return await _settings_page(request, db_session)


@post(SETTINGS, name="notifications.choices", opt=MINE, status_code=303)
async def save_choices(
    request: Request[Any, Any, Any], db_session: DbSession, data: Form[ChoicesInput]
) -> Response[Any]:
    try:
        await service.save_choices(db_session, request.state.actor, data)
    except InvalidInput as exc:
        return await _settings_page(request, db_session, exc.errors, data)
    return see_other(f"{SETTINGS}?opgeslagen=1")


def _subscription(raw: bytes) -> SubscriptionInput:
    """PushSubscription.toJSON(): {"endpoint": ..., "keys": {"p256dh": ..., "auth": ...}}. Anything else is an
    empty subscription, which the domain refuses with its messages."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return SubscriptionInput()
    if not isinstance(body, dict):
        return SubscriptionInput()
    keys = body.get("keys")
    keys = keys if isinstance(keys, dict) else {}
    return SubscriptionInput(
        endpoint=str(body.get("endpoint") or ""), p256dh=str(keys.get("p256dh") or ""), auth=str(keys.get("auth") or "")
    )


@post(DEVICES, name="notifications.device.add", opt=MINE, status_code=200)
async def add_device(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    """The page's script sends the browser's subscription here after the person tapped the button and
    allowed push; it then reloads the page, which lists the device."""
    settings: Settings = request.app.state.settings
    try:
        await service.add_device(
            db_session,
            request.state.actor,
            _subscription(await request.body()),
            user_agent=request.headers.get("user-agent", ""),
            # Plain http to a push service on this machine, for development and tests; never in production.
            allow_loopback_http=not settings.is_production,
            # In production only the browsers' push services: the server POSTs to whatever address is stored.
            push_services_only=settings.is_production,
        )
    except InvalidInput as exc:
        return Response(
            {"error": _(exc.message), "errors": {k: _(v) for k, v in exc.errors.items()}},
            status_code=400,
            headers={"Cache-Control": "no-store"},
        )
    return Response({"redirect": f"{SETTINGS}?aangezet=1"}, headers={"Cache-Control": "no-store"})


@post(f"{DEVICES}/{{subscription_id:uuid}}/uitzetten", name="notifications.device.remove", opt=MINE, status_code=303)
async def remove_device(
    request: Request[Any, Any, Any], db_session: DbSession, subscription_id: FromPath[uuid.UUID]
) -> Response[Any]:
    await service.remove_device(db_session, request.state.actor, subscription_id)
    return see_other(f"{SETTINGS}?uitgezet=1")


@get("/beheer/meldingen", name="notifications.failed", opt={"policy": Action.GEMEENTE_MANAGE})
async def failed_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    rows = await queries.failed_deliveries(db_session, request.state.actor)
    return render(
        request,
        "pages/notifications/failed.html",
        {"failed": failed_context(rows), "limit": queries.FAILED_LIMIT},
    )


ROUTES = [messages_page, read_all, open_message, settings_page, save_choices, add_device, remove_device, failed_page]
