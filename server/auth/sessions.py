"""Server-side sessions in the database, so that any app instance can serve any request.

The cookie carries a random 256-bit token; the database keeps only its SHA-256. A new token is issued at
sign-in and at sign-out (session fixation), and a session ends after an idle period and after an
absolute lifetime, both shorter for professionals.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import secrets
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from server.config import Settings
from server.domain.models import PROFESSIONAL_ROLES, Municipality, Person, WebSession, utcnow
from server.domain.notifications.queries import unread_count
from server.domain.offline import service as offline

log = logging.getLogger("onsplan.sessions")

COOKIE_NAME = "onsplan_session"
# Writing last_seen on every request would turn every read into a write; a minute is precise enough.
TOUCH_INTERVAL = dt.timedelta(minutes=1)
# How often a process removes the sessions that have ended (see ``purge_regularly``).
PURGE_INTERVAL = dt.timedelta(hours=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limits(settings: Settings, person: Person | None, gemeente: Municipality | None) -> tuple[int, int]:
    """Idle minutes and absolute hours of a new session. The gemeente chooses the idle time (within the bounds
    of server/domain/gemeente.py); the server's settings stay the outer bound that no gemeente can widen."""
    now = utcnow()
    professional = person is not None and any(r.role in PROFESSIONAL_ROLES and r.active_at(now) for r in person.roles)
    if professional:
        idle = settings.session_idle_minutes_professional
        if gemeente is not None:
            idle = min(idle, gemeente.professional_idle_minutes)
        return idle, settings.session_max_hours_professional
    idle = settings.session_idle_minutes
    if gemeente is not None and person is not None:
        idle = min(idle, gemeente.household_idle_days * 24 * 60)
    return idle, settings.session_max_hours


# Built once: every request that carries a session cookie runs it. It also counts the person's unread
# messages, for the header of every page, so that the count costs no statement of its own.
_SESSION_WITH_PERSON = (
    select(WebSession, Person, unread_count(WebSession.person_id))
    .outerjoin(Person, Person.id == WebSession.person_id)
    .options(joinedload(Person.roles))
    .where(WebSession.token_hash == bindparam("token_hash"))
)


async def load_with_person(
    db: AsyncSession, token: str | None, settings: Settings
) -> tuple[WebSession, Person | None, int] | None:
    """The session of this cookie, its person with their roles and the number of their unread messages, in
    one statement.

    An ended session is removed. The last-seen time is written at most once a minute and committed at once
    (``touch``), so that no request holds the session's row while it works: parallel requests of one
    session never wait on each other.
    """
    if not token or len(token) > 100:
        return None
    found = (await db.execute(_SESSION_WITH_PERSON, {"token_hash": hash_token(token)})).unique().first()
    if found is None:
        return None
    row, person, unread = found
    now = utcnow()
    idle = dt.timedelta(minutes=int(row.data.get("idle_minutes", settings.session_idle_minutes)))
    # Deactivating a person deletes their sessions; a session that still names them ends here all the same.
    deactivated = person is not None and person.deactivated_at is not None
    if deactivated or row.expires_at <= now or row.last_seen_at + idle <= now:
        await db.delete(row)
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        await touch(db, row, now)
    return row, person, int(unread or 0)


async def touch(db: AsyncSession, row: WebSession, now: dt.datetime) -> None:
    """Write the last-seen time and commit at once, on the request's own connection (a second connection
    here would let requests that each hold one wait for each other's). Only the session was read so far, so
    the commit ends nothing else; the row lock lasts as long as this one statement. The condition makes a
    second request of the same minute a no-op, and the loaded row takes the new value without writing it
    again at the end of the request."""
    await db.execute(
        update(WebSession)
        .where(WebSession.id == row.id, WebSession.last_seen_at < now - TOUCH_INTERVAL)
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    await db.commit()
    set_committed_value(row, "last_seen_at", now)


async def create(
    db: AsyncSession, settings: Settings, person: Person | None, data: dict[str, Any] | None = None
) -> tuple[str, WebSession]:
    gemeente = await db.get(Municipality, person.municipality_id) if person is not None else None
    idle_minutes, max_hours = _limits(settings, person, gemeente)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = WebSession(
        token_hash=hash_token(token),
        person_id=person.id if person else None,
        data={"idle_minutes": idle_minutes, **(data or {})},
        created_at=now,
        last_seen_at=now,
        expires_at=now + dt.timedelta(hours=max_hours),
    )
    db.add(row)
    await db.flush()
    return token, row


async def rotate(
    db: AsyncSession, settings: Settings, old: WebSession | None, person: Person | None
) -> tuple[str, WebSession]:
    """End the old session and start a new one with a new token (at sign-in and at sign-out)."""
    if old is not None:
        await db.delete(old)
        await db.flush()
    return await create(db, settings, person)


async def purge_expired(db: AsyncSession, settings: Settings) -> int:
    """Remove the sessions that have ended: past their lifetime, or idle for longer than any session may be."""
    now = utcnow()
    longest_idle = dt.timedelta(minutes=max(settings.session_idle_minutes, settings.session_idle_minutes_professional))
    result = await db.execute(
        delete(WebSession).where((WebSession.expires_at <= now) | (WebSession.last_seen_at <= now - longest_idle))
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_regularly(engine: AsyncEngine, settings: Settings) -> None:
    """Remove ended sessions (and the keys of forms sent long ago, with their answers) now and then every
    ``PURGE_INTERVAL``, for as long as the process runs. Each process does it; a second purge of the same
    moment finds nothing left to remove."""
    while True:
        try:
            async with AsyncSession(engine) as db, db.begin():
                removed = await purge_expired(db, settings)
                keys = await offline.forget_old_keys(db)
            if removed or keys:
                log.info("ended sessions removed", extra={"fields": {"sessions": removed, "form_keys": keys}})
        except Exception:
            log.exception("ended sessions could not be removed; trying again later")
        await asyncio.sleep(PURGE_INTERVAL.total_seconds())
