"""Server-side sessions in the database, so that any app instance can serve any request.

The cookie carries a random 256-bit token; the database keeps only its SHA-256. A new token is issued at
sign-in and at sign-out (session fixation), and a session ends after an idle period and after an
absolute lifetime, both shorter for professionals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.domain.models import PROFESSIONAL_ROLES, Person, WebSession, utcnow

COOKIE_NAME = "onsplan_session"
# Writing last_seen on every request would turn every read into a write; a minute is precise enough.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limits(settings: Settings, person: Person | None) -> tuple[int, int]:
    professional = person is not None and any(
        r.role in PROFESSIONAL_ROLES and r.revoked_at is None for r in person.roles
    )
    if professional:
        return settings.session_idle_minutes_professional, settings.session_max_hours_professional
    return settings.session_idle_minutes, settings.session_max_hours


async def load(db: AsyncSession, token: str | None, settings: Settings) -> WebSession | None:
    if not token or len(token) > 100:
        return None
    row = await db.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if row is None:
        return None
    now = utcnow()
    idle = dt.timedelta(minutes=int(row.data.get("idle_minutes", settings.session_idle_minutes)))
    if row.expires_at <= now or row.last_seen_at + idle <= now:
        await db.delete(row)
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now
    return row


async def create(
    db: AsyncSession, settings: Settings, person: Person | None, data: dict[str, Any] | None = None
) -> tuple[str, WebSession]:
    idle_minutes, max_hours = _limits(settings, person)
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


async def purge_expired(db: AsyncSession) -> int:
    result = await db.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)
