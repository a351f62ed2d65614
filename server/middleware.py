"""ASGI middleware: request id and JSON access log, interface language, security headers."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from server import i18n
from server.db import statement_count
from server.domain import access_log
from server.transactions import current_scope

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

log = logging.getLogger("onsplan")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id of the request being served."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update(extra)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("onsplan")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


def _cookie(scope: Scope, name: str) -> str | None:
    for part in (_header(scope, b"cookie") or "").split(";"):
        key, _sep, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class RequestContextMiddleware:
    """Gives each request an id (kept from X-Request-ID when well formed), picks the interface language,
    and writes one JSON log line per request."""

    def __init__(self, app: ASGIApp, *, count_statements: bool = False) -> None:
        self.app = app
        self.count_statements = count_statements

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        counter = [0]
        count_token = statement_count.set(counter if self.count_statements else None)
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        id_token = request_id_var.set(request_id)
        scope_token = current_scope.set(scope)  # type: ignore[arg-type]
        _looks, looks_token = access_log.collect_page_looks()
        locale_token = i18n.current_locale.set(
            i18n.negotiate(_header(scope, b"accept-language"), preferred=_cookie(scope, i18n.LANGUAGE_COOKIE))
        )
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                extra={
                    "fields": {
                        "method": scope.get("method"),
                        "path": scope.get("path"),
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    }
                },
            )
            statement_count.reset(count_token)
            current_scope.reset(scope_token)
            access_log.stop_collecting(looks_token)
            i18n.current_locale.reset(locale_token)
            request_id_var.reset(id_token)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)


_ASSET_HEADERS = frozenset({b"x-content-type-options", b"referrer-policy", b"strict-transport-security"})
_ASSET_TYPES = (b"text/css", b"text/javascript", b"application/javascript", b"image/png", b"font/")


def _is_loaded_asset(scope: Scope, headers: list[tuple[bytes, bytes]]) -> bool:
    if not scope["path"].startswith("/static/"):
        return False
    kind = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    return kind.startswith(_ASSET_TYPES)


def security_headers_middleware(*, hsts: bool) -> type:
    """Build the middleware that puts the security headers on every response."""

    fixed: list[tuple[bytes, bytes]] = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if hsts:
        fixed.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
    names = {name for name, _value in fixed}
    # A stylesheet, a script or a picture that a page loads is never a document or a worker of its own: the
    # page's policy rules what it does, and its own CSP, frame and permission headers are ignored. Every page's
    # first load fetches about ten of them, so they get what applies to them only. An SVG can be opened as a
    # document, and the service worker is a worker (/sw.js, not under /static): both keep every header.
    for_assets = [(name, value) for name, value in fixed if name in _ASSET_HEADERS]

    class SecurityHeadersMiddleware:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await self.app(scope, receive, send)
                return

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = [h for h in message.get("headers", []) if h[0].lower() not in names]
                    headers.extend(for_assets if _is_loaded_asset(scope, headers) else fixed)
                    message["headers"] = headers
                await send(message)

            await self.app(scope, receive, send_with_headers)

    return SecurityHeadersMiddleware
