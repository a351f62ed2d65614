"""Pages and files anyone may reach: the start page, health checks, static files, the service worker."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Template
from sqlalchemy import text

from server.config import Settings
from server.domain.demo_people import demo_people
from server.domain.policy import PUBLIC
from server.routes.deps import DbSession
from server.views.presenters import demo_label
from server.web import StaticManifest, render

IMMUTABLE = "public, max-age=31536000, immutable"


@get("/", name="public.start", opt={"policy": PUBLIC})
async def start_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    settings: Settings = request.app.state.settings
    demo = []
    if settings.demo_mode and request.state.actor is None:
        demo = [(demo_label(role, person), person) for role, person in await demo_people(db_session)]
    return render(
        request,
        "pages/public/start.html",
        {"actor": request.state.actor, "demo": demo, "signed_out": request.query_params.get("uitgelogd") == "1"},
    )


@get("/health/live", name="health.live", opt={"policy": PUBLIC, "assets": True}, cache_control=None)
async def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/health/ready", name="health.ready", opt={"policy": PUBLIC, "assets": True})
async def ready(db_session: DbSession) -> Response[dict[str, str]]:
    try:
        await db_session.execute(text("SELECT 1"))
    except Exception:
        return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return Response({"status": "ok", "database": "ok"})


@get(
    "/static/{path:path}",
    name="public.static",
    opt={"policy": PUBLIC, "assets": True},
    include_in_schema=False,
)
async def static_file(request: Request[Any, Any, Any], path: FromPath[str]) -> File:
    manifest: StaticManifest = request.app.state.static_manifest
    entry = manifest.by_url.get(path.lstrip("/"))
    if entry is None:
        raise NotFoundException
    return File(
        path=entry.path,
        media_type=entry.media_type,
        content_disposition_type="inline",
        headers={"Cache-Control": IMMUTABLE},
        etag=None,
    )


@get(
    "/manifest.webmanifest",
    name="public.manifest",
    opt={"policy": PUBLIC, "assets": True},
    include_in_schema=False,
)
async def web_manifest(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    manifest: StaticManifest = request.app.state.static_manifest
    body = {
        "id": "/mijn",
        "name": "Ons Plan",
        "short_name": "Ons Plan",
        "description": "Eén plan voor jullie huishouden, samen met wie jullie helpt.",
        "lang": "nl",
        "dir": "ltr",
        "start_url": "/mijn",
        "scope": "/",
        "display": "standalone",
        "background_color": manifest.colours["--basis-color-background"],
        "theme_color": manifest.colours["--basis-color-primary"],
        "icons": [
            {"src": manifest.url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": manifest.url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": manifest.url("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": manifest.url("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return Response(body, media_type="application/manifest+json", headers={"Cache-Control": "no-cache"})


ROUTES = [start_page, live, ready, static_file, web_manifest]
