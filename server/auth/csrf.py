"""CSRF tokens bound to the signed-in session.

Litestar's CSRF check compares the token in the form (or the ``x-csrftoken`` header) with the token in a
cookie. On its own that lets a token from one session pass in another, for anyone who can plant a cookie
(a sibling subdomain, a network on the way). So for a signed-in session the cookie's token must be the one
derived from that session: an HMAC of the session token's hash with the app's secret, in Litestar's
token format. It changes whenever the session rotates (sign-in, sign-out), and nobody without the secret
and the session can make it.

A page opened with another token in the cookie gets the bound token and a new cookie; a form posted with
it is refused with "your form expired".
"""

from __future__ import annotations

import hashlib
import hmac
from secrets import compare_digest
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash, generate_csrf_token
from litestar.utils.scope.state import ScopeState

from server.config import Settings
from server.domain.models import WebSession

COOKIE_NAME = "onsplan_csrf"
HEADER_NAME = "x-csrftoken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Cookies the end of the request adds to the answer (see server/transactions.py).
STATE_SET_COOKIES = "set_cookies"


def bound_token(settings: Settings, web_session: WebSession) -> str:
    secret = settings.secret_key.encode()
    part = hmac.new(secret, f"csrf:{web_session.token_hash}".encode(), hashlib.sha256).hexdigest()
    part = (part * 2)[:CSRF_SECRET_LENGTH]
    return part + generate_csrf_hash(part, settings.secret_key)


def cookie(settings: Settings, token: str) -> Cookie:
    return Cookie(key=COOKIE_NAME, value=token, path="/", secure=settings.secure_cookies, samesite="lax")


def fresh_cookie(settings: Settings) -> Cookie:
    """A new unbound token, for a browser that has just signed out."""
    return cookie(settings, generate_csrf_token(settings.secret_key))


def check(connection: ASGIConnection[Any, Any, Any, Any], web_session: WebSession | None) -> None:
    """Refuse an unsafe request of a signed-in session whose CSRF cookie is not that session's own; give a
    page of such a session the bound token (and the cookie with it)."""
    if web_session is None or web_session.person_id is None:
        return
    settings: Settings = connection.app.state.settings
    expected = bound_token(settings, web_session)
    if compare_digest(connection.cookies.get(COOKIE_NAME, ""), expected):
        return
    if connection.scope.get("method") not in SAFE_METHODS:
        raise PermissionDeniedException("CSRF token verification failed: not this session's token")
    ScopeState.from_scope(connection.scope).csrf_token = expected
    connection.state[STATE_SET_COOKIES] = [cookie(settings, expected)]
