"""Showing a freshly made enrolment link once, after a Post/Redirect/Get.

The link exists in plain text only in the session of the person who made it, until they have seen it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response

from server.auth import enrolment
from server.domain.models import WebSession
from server.i18n import gettext as _
from server.views.presenters import moment
from server.web import render, see_other

FLASH_KEY = "issued_link"


def remember_link(request: Request[Any, Any, Any], link: enrolment.IssuedLink, *, back: str, message: str = "") -> None:
    web_session: WebSession = request.state.web_session
    web_session.data = {
        **web_session.data,
        FLASH_KEY: {
            "url": link.url,
            "name": link.person.display_name,
            "expires": link.expires_at.isoformat(),
            "back": back,
            "message": message,
            "needs_approval": link.needs_approval,
        },
    }


def show_link(request: Request[Any, Any, Any], *, fallback: str) -> Response[Any]:
    web_session: WebSession | None = request.state.web_session
    data = dict(web_session.data) if web_session else {}
    pending = data.pop(FLASH_KEY, None)
    if not pending or web_session is None:
        return see_other(fallback)
    web_session.data = data
    context = {
        "url": pending["url"],
        "name": pending["name"],
        "expires": moment(dt.datetime.fromisoformat(pending["expires"])),
        "back": pending.get("back") or fallback,
        "message": pending.get("message", ""),
        "needs_approval": bool(pending.get("needs_approval")),
        "qr": enrolment.qr_svg(
            pending["url"], label=_("QR-code met de aanmeldlink voor %(name)s") % {"name": pending["name"]}
        ),
    }
    response = render(request, "pages/shared/link.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response
