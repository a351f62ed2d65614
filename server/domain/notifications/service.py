"""What a person does with their notifications: open one (which marks it read), mark them all read, choose per
topic whether it also comes by push, and turn web push on or off per device.

Every function works on the person's own rows only: someone else's message or device is as absent as one that
does not exist (NotFound), so nobody learns that it does.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, InvalidInput, NotFound
from server.domain.models import utcnow
from server.domain.notifications.model import (
    DeliveryStatus,
    Notification,
    NotificationPreference,
    PushDelivery,
    PushSubscription,
)
from server.domain.notifications.queries import topics_for
from server.domain.notifications.topics import Topic, default_push
from server.domain.policy import Actor

# --------------------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------------------


def _local_path(url: str) -> str:
    """Where a message leads: a path in Ons Plan, never another site (a stored URL is only ever our own)."""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return "/mijn/meldingen"


async def open_message(db: AsyncSession, actor: Actor, notification_id: uuid.UUID) -> str:
    """Mark the person's message read (if it was not already) and answer where it leads. One statement."""
    url = await db.scalar(
        update(Notification)
        .where(Notification.id == notification_id, Notification.person_id == actor.id)
        .values(read_at=func.coalesce(Notification.read_at, utcnow()))
        .returning(Notification.url)
        .execution_options(synchronize_session=False)
    )
    if url is None:
        raise NotFound
    return _local_path(url)


async def mark_all_read(db: AsyncSession, actor: Actor) -> None:
    await db.execute(
        update(Notification)
        .where(Notification.person_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# --------------------------------------------------------------------------------------------------------
# Choices per topic
# --------------------------------------------------------------------------------------------------------

APP_ONLY = "app"
ALSO_PUSH = "push"


@dataclass
class ChoicesInput:
    """The form "Mijn meldingen": per topic "app" (in the app only) or "push" (also as a push message). A
    topic the form does not send keeps what it was."""

    evaluation: str = ""
    action: str = ""
    help: str = ""
    invitation: str = ""
    share: str = ""
    handover: str = ""
    escalation: str = ""
    account: str = ""

    def value(self, topic: Topic) -> str:
        return str(getattr(self, topic.value, "")).strip()


async def save_choices(db: AsyncSession, actor: Actor, data: ChoicesInput) -> None:
    """Store the person's choices. A row is kept only where the choice differs from the default of their
    roles, so that without a choice of their own the default keeps counting (also when their roles change).
    Nothing is stored when one value is wrong."""
    wanted: dict[Topic, bool] = {}
    errors: dict[str, str] = {}
    for topic in topics_for(actor):
        value = data.value(topic)
        if not value:
            continue
        if value not in (APP_ONLY, ALSO_PUSH):
            errors[topic.value] = N_("Kies: alleen in de app, of ook als pushbericht.")
            continue
        wanted[topic] = value == ALSO_PUSH
    if errors:
        raise InvalidInput(errors)
    if not wanted:
        return
    roles = actor.role_names
    await db.execute(
        delete(NotificationPreference).where(
            NotificationPreference.person_id == actor.id,
            NotificationPreference.topic.in_([topic.value for topic in wanted]),
        )
    )
    own = [
        NotificationPreference(person_id=actor.id, topic=topic.value, push=push)
        for topic, push in wanted.items()
        if push != default_push(roles, topic)
    ]
    db.add_all(own)
    await db.flush()


# --------------------------------------------------------------------------------------------------------
# Devices
# --------------------------------------------------------------------------------------------------------

# Loopback hosts: a push service on the same machine, for development and the test suite's push receiver.
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
# The push services of the browsers (Chrome, Edge, Opera, Samsung Internet and others: Firebase Cloud
# Messaging; Firefox: Mozilla's autopush; Safari: Apple; older Edge: Windows Push Notification Services). In
# production the server sends only to these: an endpoint is an address a signed-in person hands us, and the
# server POSTs to it, so any other host (one inside the network where Ons Plan runs, for one) is refused.
PUSH_SERVICES = ("fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com")
_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
P256DH_BYTES = 65  # an uncompressed P-256 point (RFC 8291)
AUTH_BYTES = 16  # the authentication secret (RFC 8291)
ENDPOINT_MAX = 1000


@dataclass
class SubscriptionInput:
    """What the browser's PushSubscription.toJSON() gives: the push service's endpoint and two keys."""

    endpoint: str = ""
    p256dh: str = ""
    auth: str = ""


def _b64url(value: str) -> bytes | None:
    if not _B64URL.match(value):
        return None
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        return None


def is_push_service(host: str) -> bool:
    """Whether ``host`` is (a host of) one of the browsers' push services."""
    host = host.lower().rstrip(".")
    return any(host == known or host.endswith(f".{known}") for known in PUSH_SERVICES)


def _endpoint_problem(endpoint: str, *, allow_loopback_http: bool, push_services_only: bool = True) -> str | None:
    """Why this endpoint is not one to send to, or None. The server will POST to it, so it must be a push
    service over TLS: an http address or another scheme would leak the (encrypted) message and our VAPID
    signature on the way, and make the server a tool for requests to anywhere. ``push_services_only`` (in
    production) accepts only the browsers' push services on the standard port; otherwise any https host.
    Plain http is accepted only on loopback, and only where the settings allow it (not in production)."""
    if not endpoint or len(endpoint) > ENDPOINT_MAX:
        return N_("Deze browser gaf geen geldig adres voor pushberichten.")
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        _ = parts.port  # a port that is no number raises here
    except ValueError:
        return N_("Deze browser gaf geen geldig adres voor pushberichten.")
    if not host or parts.username or parts.password or any(c.isspace() for c in endpoint):
        return N_("Deze browser gaf geen geldig adres voor pushberichten.")
    if parts.scheme == "http" and allow_loopback_http and host in LOOPBACK:
        return None
    if parts.scheme != "https":
        return N_("Pushberichten gaan alleen via een beveiligd adres (https).")
    if push_services_only and (not is_push_service(host) or parts.port not in (None, 443)):
        return N_("Deze browser gaf geen geldig adres voor pushberichten.")
    return None


def validate_subscription(
    data: SubscriptionInput, *, allow_loopback_http: bool, push_services_only: bool = True
) -> tuple[str, str, str]:
    """The endpoint and keys, checked: an https endpoint (of a browser's push service, with
    ``push_services_only``), a P-256 public key and a 16-byte secret."""
    errors: dict[str, str] = {}
    endpoint = data.endpoint.strip()
    problem = _endpoint_problem(
        endpoint, allow_loopback_http=allow_loopback_http, push_services_only=push_services_only
    )
    if problem:
        errors["endpoint"] = problem
    p256dh = data.p256dh.strip()
    point = _b64url(p256dh)
    valid_point = point is not None and len(point) == P256DH_BYTES
    if valid_point and point is not None:
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        except ValueError:
            valid_point = False
    if not valid_point:
        errors["p256dh"] = N_("De sleutel van deze browser klopt niet. Probeer het opnieuw.")
    auth = data.auth.strip()
    secret = _b64url(auth)
    if secret is None or len(secret) != AUTH_BYTES:
        errors["auth"] = N_("De sleutel van deze browser klopt niet. Probeer het opnieuw.")
    if errors:
        raise InvalidInput(errors, N_("Pushberichten aanzetten lukte niet op dit apparaat."))
    return endpoint, p256dh, auth


# Browser and system names from a User-Agent, most specific first (Edge and Opera also say "Chrome"; Chrome
# also says "Safari").
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
)
# The stored device is "browser/system" (either may be empty): the page words it in the reader's language.
DEVICE_SEPARATOR = "/"


def device_of(user_agent: str) -> str:
    """ "Chrome/Android" from the browser's User-Agent: enough for a person to tell their devices apart, and
    nothing more of the header is kept."""
    agent = user_agent[:500]
    browser = next((name for token, name in _BROWSERS if f"{token}/" in agent), "")
    system = next((name for token, name in _SYSTEMS if token in agent), "")
    return f"{browser}{DEVICE_SEPARATOR}{system}"


async def add_device(
    db: AsyncSession,
    actor: Actor,
    data: SubscriptionInput,
    *,
    user_agent: str,
    allow_loopback_http: bool,
    push_services_only: bool = True,
) -> uuid.UUID:
    """Store the browser's push subscription for this person. The same endpoint again (the browser subscribed
    anew, or someone else signed in on the shared device) updates the row and moves it to this person, and
    what was still waiting to be sent to it for the person before is dropped: one device, one person. Two
    requests with the same endpoint at once end in one row (an upsert on the unique endpoint)."""
    endpoint, p256dh, auth = validate_subscription(
        data, allow_loopback_http=allow_loopback_http, push_services_only=push_services_only
    )
    device = device_of(user_agent)
    before = (
        await db.execute(
            select(PushSubscription.id, PushSubscription.person_id).where(PushSubscription.endpoint == endpoint)
        )
    ).first()
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(PushSubscription).values(
        id=uuid.uuid4(),
        person_id=actor.id,
        endpoint=endpoint,
        p256dh=p256dh,
        auth=auth,
        device=device,
        created_at=utcnow(),
    )
    subscription_id = await db.scalar(
        statement.on_conflict_do_update(
            index_elements=["endpoint"],
            set_={"person_id": actor.id, "p256dh": p256dh, "auth": auth, "device": device},
        ).returning(PushSubscription.id)
    )
    if subscription_id is None:  # pragma: no cover - an upsert always answers its row
        raise RuntimeError("the push subscription was not stored")
    if before is not None and before.person_id != actor.id:
        await db.execute(
            delete(PushDelivery).where(
                PushDelivery.subscription_id == subscription_id, PushDelivery.status == DeliveryStatus.PENDING
            )
        )
    return subscription_id


async def remove_device(db: AsyncSession, actor: Actor, subscription_id: uuid.UUID) -> None:
    """Turn push off on one of the person's devices: its row and what was waiting for it go."""
    removed = await db.scalar(
        delete(PushSubscription)
        .where(PushSubscription.id == subscription_id, PushSubscription.person_id == actor.id)
        .returning(PushSubscription.id)
        .execution_options(synchronize_session=False)
    )
    if removed is None:
        raise NotFound
