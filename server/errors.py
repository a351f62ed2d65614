"""The one place that maps errors to responses: a Dutch HTML page, or a fragment for htmx."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Redirect, Template
from sqlalchemy.orm.exc import StaleDataError

from server.domain import errors as domain
from server.i18n import gettext as _
from server.web import answer_headers, is_fragment_request

log = logging.getLogger("onsplan.errors")


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Dit klopt niet helemaal"), _("Niet alles is goed ingevuld. Kijk het nog eens na.")),
        403: (_("Dit mag je niet doen"), _("Je hebt geen toegang tot deze pagina.")),
        404: (
            _("Deze pagina bestaat niet"),
            _("De pagina bestaat niet, of je mag hem niet zien. Ga terug naar de startpagina."),
        ),
        405: (_("Dit kan zo niet"), _("Deze actie kan niet op deze manier.")),
        409: (_("Iemand anders was je voor"), _("Iemand anders heeft dit intussen veranderd.")),
        429: (_("Even wachten"), _("Te veel pogingen. Wacht een minuut en probeer het opnieuw.")),
        500: (
            _("Er ging iets mis"),
            _("Er ging bij ons iets mis. Er is niets verloren. Probeer het straks nog eens."),
        ),
    }


def error_response(request: Request[Any, Any, Any], status: int, message: str | None = None) -> Response[Any]:
    titles = _titles()
    title, default_message = titles.get(status, titles[500])
    context = {"status": status, "title": title, "message": message or default_message}
    template = "partials/error.html" if is_fragment_request(request) else "pages/errors/error.html"
    accept = request.headers.get("accept", "")
    if "text/html" not in accept and "*/*" not in accept and accept and not is_fragment_request(request):
        return Response(content={"status": status, "message": context["message"]}, status_code=status)
    return Template(template_name=template, context=context, status_code=status, headers=answer_headers(status))


DOMAIN_STATUS: tuple[tuple[type[domain.DomainError], int], ...] = (
    (domain.NotFound, 404),
    (domain.NotAllowed, 403),
    (domain.InvalidInput, 400),
    (domain.IllegalTransition, 409),
    (domain.VersionConflict, 409),
    (domain.TooManyAttempts, 429),
)


def handle_domain_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, domain.NotSignedIn):
        if is_fragment_request(request):
            return Response(content="", status_code=401, headers={"HX-Redirect": "/inloggen"})
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return Redirect(path=f"/inloggen?volgende={quote(target, safe='')}", status_code=303)
    status = next((code for kind, code in DOMAIN_STATUS if isinstance(exc, kind)), 400)
    message = _(exc.message) if isinstance(exc, domain.DomainError) else None
    return error_response(request, status, message)


def handle_http_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status = getattr(exc, "status_code", 500)
    message = None
    if isinstance(exc, PermissionDeniedException) and "csrf" in str(getattr(exc, "detail", "")).lower():
        message = _("Je formulier was verlopen. Laad de pagina opnieuw en probeer het nog eens.")
    if isinstance(exc, NotAuthorizedException):
        return handle_domain_error(request, domain.NotSignedIn())
    if status >= 500:
        log.error("server error", exc_info=exc)
    return error_response(request, status, message)


def handle_stale_data(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Two people changed the same thing at the same moment and the database took the other one first.
    (Edits of goals and actions show both versions themselves; this covers every other change.)"""
    return error_response(request, 409)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("unexpected error", exc_info=exc)
    return error_response(request, 500)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    domain.DomainError: handle_domain_error,
    HTTPException: handle_http_error,
    StaleDataError: handle_stale_data,
    Exception: handle_unexpected,
}
