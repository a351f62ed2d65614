"""Working without a connection: the service worker with what it keeps, the pages it shows offline, the
list of the person's own pages it keeps for reading, and marking a household for a home visit."""

from __future__ import annotations

import hashlib
import json
import uuid
from functools import cache
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain.offline import service as offline
from server.domain.policy import PUBLIC, Action
from server.routes.deps import DbSession, Form
from server.web import SERVICE_WORKER_PATH, TEMPLATE_DIR, StaticManifest, render, see_other

OFFLINE_PAGE = "/offline"
QUEUED_PAGE = "/offline/bewaard"
# The app shell: kept by the service worker when it is installed, so that pages kept for reading look as
# they do online, and the offline pages can be shown without a connection.
SHELL_ASSETS = (
    "css/tokens.css",
    "css/app.css",
    "vendor/htmx.min.js",
    "js/app.js",
    "js/passkeys.js",
    "js/push.js",
    "js/offline.js",
    "icons/icon.svg",
    "icons/icon-192.png",
)
SHELL_TEMPLATES = ("base.html", "pages/public/offline.html", "pages/public/queued.html")


@cache
def _service_worker(manifest: StaticManifest) -> bytes:
    """The worker's file with what it keeps in front: the shell's addresses and a version that changes with
    any of them (and with the worker itself), so that a new release replaces the old caches."""
    worker = SERVICE_WORKER_PATH.read_bytes()
    shell = [manifest.url(asset) for asset in SHELL_ASSETS] + [OFFLINE_PAGE, QUEUED_PAGE]
    fingerprint = hashlib.sha256(worker)
    for name in shell:
        fingerprint.update(name.encode())
    for template in SHELL_TEMPLATES:
        fingerprint.update((TEMPLATE_DIR / template).read_bytes())
    settings = {"version": fingerprint.hexdigest()[:12], "shell": shell, "offlinePage": OFFLINE_PAGE}
    return b"self.ONSPLAN = " + json.dumps(settings).encode() + b";\n" + worker


@get("/sw.js", name="public.service_worker", opt={"policy": PUBLIC, "assets": True}, include_in_schema=False)
async def service_worker(request: Request[Any, Any, Any]) -> Response[bytes]:
    # The worker must be re-checked on every visit so that a new version reaches people quickly.
    return Response(
        _service_worker(request.app.state.static_manifest),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@get(OFFLINE_PAGE, name="offline.page", opt={"policy": PUBLIC})
async def offline_page(request: Request[Any, Any, Any]) -> Template:
    """Shown by the service worker for a page that is not on the device; it lists the pages that are."""
    return render(request, "pages/public/offline.html", {"offline_shell": True})


@get(QUEUED_PAGE, name="offline.queued", opt={"policy": PUBLIC})
async def queued_page(request: Request[Any, Any, Any]) -> Template:
    """Shown by the service worker after a form was kept on the device to be sent later."""
    return render(request, "pages/public/queued.html", {"offline_shell": True})


@get("/mijn/offline", name="offline.kept_pages", opt={"policy": Action.SIGNED_IN})
async def kept_pages(request: Request[Any, Any, Any], db_session: DbSession) -> Response[dict[str, Any]]:
    """The pages the service worker keeps on this device for the signed-in person (addresses only)."""
    kept = await offline.kept_pages(db_session, request.state.actor)
    return Response({"pages": kept.pages, "households": kept.households}, headers={"Cache-Control": "no-store"})


@post(
    "/huishoudens/{household_id:uuid}/huisbezoek",
    name="offline.visit_mark",
    opt={"policy": Action.VISIT_MARK},
    status_code=303,
)
async def mark_for_visit(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[offline.VisitInput],
) -> Response[Any]:
    """ "Beschikbaar voor huisbezoek": keep (or stop keeping) this household's pages on her devices."""
    keep = data.bewaren == "ja"
    await offline.mark_for_visit(db_session, request.state.actor, household_id, keep=keep)
    return see_other(f"/huishoudens/{household_id}?{'huisbezoek' if keep else 'niet-bewaard'}=1")


ROUTES = [service_worker, offline_page, queued_page, kept_pages, mark_for_visit]
