"""How a request ends: its transaction, and then the access-log entry for what it showed.

The request's database session commits once, when the answer starts (a success or a redirect), and
rolls back otherwise. Its writes are flushed first, so that a write the database refuses turns the answer
into an error instead of a success that stored nothing. A page that only reads (GET, HEAD) ends its
transaction before its template is rendered (``end_reads``), so that no connection waits, idle in a
transaction, while a page renders.

Every answer that showed household data to someone outside the household is logged, whatever the method
or status: a page, a fragment, a refused form that is shown again, a conflict with both versions. The
guard notes who looks (``state.look``) and ``render`` notes that a view was rendered
(``state.rendered_view``); the entry is written here, after the request's own transaction has ended (for
a page that only reads: before its template renders), in a transaction of its own that the process's
``LookWriter`` shares among the looks of that moment, so that a rolled-back request still leaves its look
in the log. If the entry cannot be written, the answer is replaced by an empty error: nothing is shown
that was not logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from typing import Any, cast

from advanced_alchemy.extensions.litestar.plugins.init.config.asyncio import autocommit_handler_maker
from litestar import Response
from litestar.types import BeforeMessageSendHookHandler, Message, Scope
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from server.auth.csrf import STATE_SET_COOKIES
from server.db import statement_count
from server.domain import access_log

log = logging.getLogger("onsplan.transactions")

STATE_DB = "db"
STATE_LOOK = "look"
STATE_RENDERED = "rendered_view"
STATE_LOOK_WRITTEN = "look_written"
_WITHHELD = "onsplan_withheld"
_READS = frozenset({"GET", "HEAD"})
PERSON_HEADER = b"x-onsplan-person"
# The scope of the request being served, for the hook that sees only the handler's answer.
current_scope: ContextVar[dict[str, Any] | None] = ContextVar("current_scope", default=None)


def _fail(message: dict[str, Any], scope: dict[str, Any]) -> None:
    """Turn the answer that is about to start into an empty 500; its body is dropped as it comes."""
    message["status"] = 500
    message["headers"] = [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")]
    scope[_WITHHELD] = True


def person_tag(scope: Mapping[str, Any], person_id: Any) -> bytes:
    """Who is signed in, as the service worker needs to know it: the same tag for the same person, which
    tells nothing about who it is (the app's secret is in it). When the tag of the answers changes, another
    person signed in on this device, and the worker wipes what the one before kept there."""
    secret = scope["litestar_app"].state.settings.secret_key.encode()
    return hmac.new(secret, f"person:{person_id}".encode(), hashlib.sha256).hexdigest()[:24].encode()


def _no_store(message: dict[str, Any]) -> None:
    """Whatever a signed-in person was shown stays out of every cache, the browser's back button included:
    after signing out (or on a phone whose passkeys were switched off) nothing can be read back."""
    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
    headers.append((b"cache-control", b"no-store"))
    message["headers"] = headers


class LookWriter:
    """Writes the looks of all requests of this process, a batch per transaction (a group commit).

    A request hands its look over and waits until the transaction that holds it has committed. While one
    batch is written, the looks of other requests gather for the next one: under load, one short
    transaction appends many entries, and the requests of one process never queue on the database's
    write lock for the access log. Every chain still grows one entry after the other (see
    ``access_log.record_looks``).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._waiting: list[tuple[Sequence[access_log.Look], asyncio.Future[None]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def write(self, looks: Sequence[access_log.Look]) -> bool:
        """True once the looks are stored; False (and logged) when they could not be."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((looks, done))
        if self._writing is None:
            self._writing = asyncio.create_task(self._write_batches())
        try:
            await asyncio.shield(done)
        except Exception:
            log.exception("a look could not be written to the access log; the answer is withheld")
            return False
        return True

    async def _write_batches(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    async with self.engine.begin() as connection:
                        await access_log.record_looks(connection, [look for looks, _done in batch for look in looks])
                except Exception as exc:  # every request of the batch withholds its answer
                    for _look, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                else:
                    for _look, done in batch:
                        if not done.done():
                            done.set_result(None)
        finally:
            self._writing = None


def _look_writer(scope: dict[str, Any]) -> LookWriter:
    # Found through the request: route handlers (and the hooks Litestar keeps with them) are shared by every
    # app built in one process, as tests do, so nothing here closes over one app's engine.
    writer: LookWriter = scope["litestar_app"].state.look_writer
    return writer


def _must_log(state: dict[str, Any], status: int) -> list[access_log.Look]:
    """The looks to write for this answer: the guard's look at the household when its page was shown (a refused
    form shows it too), and the looks of the lists the page showed when it succeeded (as their writes in the
    page's transaction would have been kept: only when it commits)."""
    if state.get(STATE_LOOK_WRITTEN):
        return []
    look: access_log.Look | None = state.get(STATE_LOOK)
    looks = [look] if look is not None and state.get(STATE_RENDERED) and status < 500 else []
    return looks + access_log.gathered_page_looks() if status < 400 else looks


async def end_reads(response: Response[Any]) -> Response[Any]:
    """The after-request hook: a page that only read ends its transaction (a commit of nothing, or a roll
    back for a refusal) and writes its access-log entry before the template renders.
    """
    scope = current_scope.get()
    if scope is None or scope.get("method") not in _READS:
        return response
    state: dict[str, Any] = scope.setdefault("state", {})
    status = response.status_code or 200
    db: AsyncSession | None = state.get(STATE_DB)
    if db is not None and db.in_transaction():
        if status < 400:
            await db.commit()
        else:
            await db.rollback()
    looks = _must_log(state, status)
    if looks:
        if not await _look_writer(scope).write(looks):
            return Response(b"", status_code=500, media_type="text/plain", headers={"Cache-Control": "no-store"})
        state[STATE_LOOK_WRITTEN] = True
    return response


def request_finisher(session_scope_key: str) -> BeforeMessageSendHookHandler:
    commit_or_roll_back = autocommit_handler_maker(commit_on_redirect=True, session_scope_key=session_scope_key)

    async def finish(asgi_message: Message, asgi_scope: Scope) -> None:
        message = cast("dict[str, Any]", asgi_message)
        scope = cast("dict[str, Any]", asgi_scope)
        if message["type"] == "http.response.body" and scope.get(_WITHHELD):
            message["body"] = b""
            return
        if message["type"] != "http.response.start":
            await commit_or_roll_back(asgi_message, asgi_scope)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        actor = state.get("actor")
        if actor is not None:
            _no_store(message)
            message.setdefault("headers", []).append((PERSON_HEADER, person_tag(scope, actor.id)))
        for cookie in state.get(STATE_SET_COOKIES, ()):
            message.setdefault("headers", []).append(cookie.to_encoded_header())
        db: AsyncSession | None = state.get(STATE_DB)
        if db is not None and 200 <= message["status"] < 400:
            try:
                await db.flush()
            except Exception:
                log.exception("the request's writes were refused by the database")
                _fail(message, scope)
        await commit_or_roll_back(asgi_message, asgi_scope)
        looks = _must_log(state, message["status"])
        if looks and not await _look_writer(scope).write(looks):
            _fail(message, scope)
        counter = statement_count.get()
        if counter is not None:
            # Here, after the last statement of the request (its commit and its access-log entry).
            message.setdefault("headers", []).append((b"server-timing", f'sql;desc="{counter[0]} statements"'.encode()))

    return finish
