"""The server's VAPID key pair (RFC 8292): made once and kept in the database, or given in the settings.

Every app process serves the same public key to browsers (their push subscriptions are bound to it), and
every worker signs with the matching private key; so the pair lives where all of them read it. Two processes
that start at the same moment both try to store a new pair; the unique name lets one win, and both then use
the stored one.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings
from server.domain.models import utcnow
from server.domain.notifications.model import ServerKey

KEY_NAME = "vapid"


@dataclass(frozen=True)
class VapidKeys:
    private_pem: str
    # The uncompressed P-256 point, base64url without padding: the browser's applicationServerKey.
    public_key: str


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_key_of(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("a VAPID key is a P-256 (prime256v1) private key")
    point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return _b64url(point)


def new_pair() -> VapidKeys:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    return VapidKeys(private_pem=pem, public_key=public_key_of(pem))


def _from_settings(settings: Settings) -> VapidKeys | None:
    raw = settings.vapid_private_key.strip()
    if not raw:
        return None
    pem = raw if raw.startswith("-----BEGIN") else Path(raw).read_text()
    public = public_key_of(pem)
    if settings.vapid_public_key and settings.vapid_public_key.strip() != public:
        raise ValueError("ONSPLAN_VAPID_PUBLIC_KEY does not belong to ONSPLAN_VAPID_PRIVATE_KEY")
    return VapidKeys(private_pem=pem, public_key=public)


async def keys(db: AsyncSession, settings: Settings) -> VapidKeys:
    """The pair to use: from the settings when given there, else the one in the database (made now if there
    is none yet). Makes at most one pair, whichever processes ask at the same time."""
    given = _from_settings(settings)
    if given is not None:
        return given
    stored = await db.scalar(select(ServerKey).where(ServerKey.name == KEY_NAME))
    if stored is None:
        pair = new_pair()
        insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
        await db.execute(
            insert(ServerKey)
            .values(name=KEY_NAME, private_key=pair.private_pem, public_key=pair.public_key, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["name"])
        )
        stored = await db.scalar(select(ServerKey).where(ServerKey.name == KEY_NAME))
        if stored is None:  # pragma: no cover - the row was just written or was there already
            raise RuntimeError("the VAPID key could not be stored")
    return VapidKeys(private_pem=stored.private_key, public_key=stored.public_key)


def subject(settings: Settings) -> str:
    """The VAPID "sub" claim: a way for a push service to reach whoever runs this Ons Plan."""
    if settings.vapid_subject:
        return settings.vapid_subject
    return settings.origin if settings.uses_tls else "mailto:beheer@localhost"
