"""Every form is applied once, however often it arrives.

Each form that changes something carries a key (``_sleutel``) the server made when it rendered the form; see
``server.domain.offline.service`` for how the key is kept. Here is where a request meets it:

- ``apply_once`` (before the handler, after the policy's guard) takes the key in the request's transaction.
  A key used before answers with the first answer, to the same person for the same form only.
- ``keep_first_answer`` (after the handler) stores the answer of a change with its key, in the same
  transaction, and answers with exactly those bytes.

A change kept on a device while offline is sent later by the service worker, with the device's time of the
change in the ``X-Device-Time`` header; it is stored beside the server's time.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.datastructures import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.offline import service as offline
from server.errors import error_response
from server.i18n import gettext as _
from server.transactions import PERSON_HEADER, STATE_DB, STATE_RENDERED, current_scope, person_tag
from server.web import FORM_KEY_FIELD

DEVICE_TIME_HEADER = "x-device-time"
# Marks an answer that is the first answer again, not a new change (for the service worker and for tests).
REPEAT_HEADER = "x-onsplan-repeat"
STATE_KEY = "form_key"
STATE_REPEAT = "form_key_repeat"
# Not what was filled in: the token changes when the person signs in again before a kept change is sent.
_NOT_VALUES = frozenset({"_csrf_token"})
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
# The headers of an answer that matter when it is given again; the rest is made anew for every answer. Every
# header htmx reads (``HX-Trigger-After-Settle``, ``HX-Refresh``, ...) is one of them: a list of some would drop
# the others from every answer to a form with a key, the first one too.
_KEPT_HEADERS = frozenset({"location", "vary", "content-type"})
_HTMX_HEADERS = "hx-"


async def _key_of(request: Request[Any, Any, Any]) -> str:
    """The form's key with what was filled in: the same form sent again with the same values is a repeat;
    sent with other values (a form that stayed on the page) it is a change of its own."""
    if request.method not in _UNSAFE or request.state.get("actor") is None:
        return ""
    if not request.headers.get("content-type", "").startswith(_FORMS):
        return ""
    form = await request.form()
    key = form.get(FORM_KEY_FIELD)
    if key is None or isinstance(key, UploadFile):
        return ""
    # The whole value: a ``$`` alone lets a key with a newline after it through.
    if not offline.KEY_PATTERN.fullmatch(str(key)):
        return "-"
    values = sorted(
        (name, value if isinstance(value, str) else f"<{value.filename}>")
        for name, value in form.multi_items()
        if name not in _NOT_VALUES
    )
    return offline.submission_key(str(key), request.method, request.url.path, values)


async def apply_once(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """The before-request hook: take the form's key, or answer a key used before with its first answer."""
    key = await _key_of(request)
    if not key:
        return None
    if key == "-":
        return error_response(request, 400, _("Dit formulier is niet goed verstuurd. Laad de pagina opnieuw."))
    # A change kept on a device is sent for the person who made it; someone else signed in since with this
    # browser does not make it theirs.
    maker = request.headers.get(PERSON_HEADER.decode())
    if maker is not None and maker.encode() != person_tag(request.scope, request.state.actor.id):
        return error_response(request, 409, _("Deze wijziging is gemaakt door iemand anders op dit apparaat."))
    db: AsyncSession = request.state[STATE_DB]
    earlier = await offline.claim(
        db,
        key=key,
        person_id=request.state.actor.id,
        method=request.method,
        path=request.url.path,
        device_at=offline.device_time(request.headers.get(DEVICE_TIME_HEADER)),
    )
    if earlier is None:
        request.state[STATE_KEY] = key
        return None
    request.state[STATE_REPEAT] = True
    if earlier.person_id != request.state.actor.id:
        return error_response(request, 409, _("Dit formulier is al eens verstuurd. Laad de pagina opnieuw."))
    if earlier.answer is None:
        # Taken, and committed without an answer: the change was answered by an exception handler instead of
        # its handler (only a redirect to sign in is below 400), so the after-request hook kept nothing.
        return Response(b"", status_code=204, headers={REPEAT_HEADER: "1"})
    answer = earlier.answer
    # The first answer may show household data again: it is logged as any other answer that shows it. A
    # redirect shows nothing, and was not logged the first time either.
    if answer.body:
        request.state[STATE_RENDERED] = True
    return Response(answer.body, status_code=answer.status_code, headers={**answer.headers, REPEAT_HEADER: "1"})


async def keep_first_answer(response: Response[Any]) -> Response[Any]:
    """Part of the after-request hook: a change made under a key keeps its answer with the key."""
    scope = current_scope.get()
    state: dict[str, Any] = scope.get("state", {}) if scope is not None else {}
    key = state.get(STATE_KEY)
    status = response.status_code or 200
    if scope is None or not key or state.get(STATE_REPEAT) or status >= 400:
        return response
    request: Request[Any, Any, Any] = Request(scope)  # type: ignore[arg-type]
    rendered = response.to_asgi_response(app=None, request=request)
    headers: dict[str, str] = {}
    for raw_name, raw_value in rendered.encode_headers():
        name = raw_name.decode("latin-1").lower()
        if name in _KEPT_HEADERS or name.startswith(_HTMX_HEADERS):
            headers[name] = raw_value.decode("latin-1")
    body = rendered.body if isinstance(rendered.body, bytes) else bytes(rendered.body)
    await offline.keep_answer(state[STATE_DB], key, offline.Answer(rendered.status_code, headers, body))
    # The content type is among the headers; Litestar adds a type only where there is none. Cookies and work
    # after the answer belong to this answer only: they go along now, and are not given again with a repeat.
    return Response(
        body,
        status_code=rendered.status_code,
        headers=headers,
        cookies=response.cookies,
        background=response.background,
    )
