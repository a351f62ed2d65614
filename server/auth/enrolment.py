"""One-time enrolment links: how a person gets their first (or a new) passkey.

The token has 256 bits of randomness and is stored only as its SHA-256, so a copy of the database does not
give anyone a working link. A link works once and for seven days.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import segno
from markupsafe import Markup, escape
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, NotFound
from server.domain.models import EnrolmentToken, Person, utcnow

VALID_FOR = dt.timedelta(days=7)
ENROL_PATH = "/aanmelden/"


class EnrolmentLinkInvalid(NotFound):
    message = N_("Deze link werkt niet (meer). Vraag om een nieuwe link.")


@dataclass(frozen=True)
class IssuedLink:
    person: Person
    url: str
    expires_at: dt.datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue(
    db: AsyncSession,
    *,
    person: Person,
    created_by: Person | None,
    origin: str,
    revoke_earlier: bool = True,
    message: str = "",
) -> IssuedLink:
    """Create a new link for ``person``, with an optional personal ``message`` shown when it is opened.
    Earlier unused links of the person stop working."""
    now = utcnow()
    if revoke_earlier:
        await db.execute(
            update(EnrolmentToken)
            .where(EnrolmentToken.person_id == person.id, EnrolmentToken.used_at.is_(None))
            .values(used_at=now)
        )
    token = secrets.token_urlsafe(32)
    row = EnrolmentToken(
        person_id=person.id,
        token_hash=_hash(token),
        created_by_id=created_by.id if created_by else None,
        created_at=now,
        expires_at=now + VALID_FOR,
        message=message,
    )
    db.add(row)
    await db.flush()
    return IssuedLink(person=person, url=f"{origin.rstrip('/')}{ENROL_PATH}{token}", expires_at=row.expires_at)


async def find_valid(db: AsyncSession, token: str) -> tuple[EnrolmentToken, Person]:
    """The unused, unexpired link for ``token``; anything else is refused with the same answer."""
    if not token or len(token) > 100:
        raise EnrolmentLinkInvalid
    row = await db.scalar(select(EnrolmentToken).where(EnrolmentToken.token_hash == _hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise EnrolmentLinkInvalid
    person = await db.get(Person, row.person_id)
    if person is None:
        raise EnrolmentLinkInvalid
    return row, person


async def consume(db: AsyncSession, token: str) -> Person:
    """Mark the link used, atomically: of two concurrent uses only one succeeds."""
    row, person = await find_valid(db, token)
    result = await db.execute(
        update(EnrolmentToken)
        .where(EnrolmentToken.id == row.id, EnrolmentToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if getattr(result, "rowcount", 0) != 1:
        raise EnrolmentLinkInvalid
    return person


def qr_svg(url: str, *, label: str) -> Markup:
    """The link as an SVG QR code, to scan at the kitchen table. No inline styles (the CSP forbids them)."""
    qr = segno.make(url, error="m")
    svg: str = qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(svg)  # noqa: S704 - segno's own SVG, with an escaped label
