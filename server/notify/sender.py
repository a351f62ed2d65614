"""Web push: sending the deliveries that are due, and what each answer of a push service means.

A message goes to the push service of the device (the subscription's endpoint), encrypted for that device
(RFC 8291, content encoding aes128gcm) and signed with the server's VAPID key (RFC 8292); ``pywebpush`` does
both. The payload holds no personal data: a neutral title in the person's language and the address of the
message in Ons Plan, where the details are shown after sign-in to whoever may read them.

The answers (RFC 8030):
- 2xx: the push service took it; the delivery is sent.
- 404 or 410: the subscription is gone (the person removed the app or turned push off in the browser); it is
  deleted, and its deliveries with it.
- 429, 5xx, a network error or a timeout: tried again later, after 30 seconds, doubling up to an hour (or
  later when the service says so in Retry-After); after ``MAX_ATTEMPTS`` tries the delivery is failed.
- any other 4xx: our request was wrong and will stay wrong; the delivery is failed at once.
A failed delivery keeps its last answer (a status and a short reason, never content) for the admin.

``deliver_due`` claims due deliveries with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and keeps them locked
while it sends, so that no two workers send the same delivery. It also locks the deliveries' subscriptions
(``FOR NO KEY UPDATE``, which still lets new deliveries be added to them): one device is served by one worker
at a time, so that a worker that deletes a gone subscription never waits for a delivery another worker holds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import enum
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from py_vapid import Vapid
from pywebpush import WebPushException, webpush_async
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server import i18n
from server.config import Settings
from server.domain.models import Person, utcnow
from server.domain.notifications.model import DeliveryStatus, PushDelivery, PushSubscription
from server.i18n import gettext as _
from server.notify import vapid

log = logging.getLogger("onsplan.notify")

# Tries before a delivery is marked failed.
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=1)
# A Retry-After further away than this is not waited for: the message would be stale by then (its TTL).
LONGEST_RETRY_AFTER = dt.timedelta(hours=24)
# How long the push service keeps a message for a device that is offline (the TTL header, in seconds).
TTL_SECONDS = 24 * 60 * 60
# How long one request to a push service may take, and how long the VAPID signature is valid (RFC 8292 allows
# at most 24 hours).
SEND_TIMEOUT_SECONDS = 10.0
VAPID_VALID_FOR = dt.timedelta(hours=12)
BATCH = 20


class Outcome(enum.StrEnum):
    SENT = "sent"
    GONE = "gone"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Answer:
    """What one attempt came to: the outcome, a short reason (for the admin), and how long the push service
    asked us to wait (Retry-After), if it did."""

    outcome: Outcome
    reason: str = ""
    retry_after: dt.timedelta | None = None


def parse_retry_after(value: str | None, now: dt.datetime) -> dt.timedelta | None:
    """Retry-After as seconds or as an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return dt.timedelta(seconds=int(value))
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return max(moment - now, dt.timedelta(0))


def classify(status: int, reason: str = "", retry_after: dt.timedelta | None = None) -> Answer:
    """The outcome of a push service's answer with this HTTP status."""
    text = f"HTTP {status} {reason}".strip()[:300]
    if 200 <= status < 300:
        return Answer(Outcome.SENT)
    if status in (404, 410):
        return Answer(Outcome.GONE, text)
    if status == 429 or status >= 500:
        return Answer(Outcome.RETRY, text, retry_after)
    return Answer(Outcome.FAILED, text)


def next_delay(attempts: int, retry_after: dt.timedelta | None = None) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed try: 30 s, 1 min, 2 min, ... at most an hour, or
    longer when the push service asked for it."""
    backoff: dt.timedelta = min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)
    if retry_after is not None:
        asked: dt.timedelta = min(retry_after, LONGEST_RETRY_AFTER)
        return max(backoff, asked)
    return backoff


def payload(notification_id: uuid.UUID, locale: str | None) -> str:
    """What the device receives: a neutral title in the person's language and where a tap leads. No name,
    no household, no words of the event: a lock screen is read by whoever holds the phone."""
    token = i18n.current_locale.set(locale if locale in i18n.SUPPORTED_LOCALES else i18n.DEFAULT_LOCALE)
    try:
        title = _("Er is iets nieuws in Ons Plan")
    finally:
        i18n.current_locale.reset(token)
    return json.dumps({"title": title, "url": f"/mijn/meldingen/{notification_id}"}, ensure_ascii=False)


def audience(endpoint: str) -> str:
    """The VAPID "aud" claim: the origin of the push service (scheme, host and port)."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


class PushSender:
    """Sends one encrypted, signed message to one device, and says what came of it."""

    def __init__(self, keys: vapid.VapidKeys, subject: str, session: aiohttp.ClientSession) -> None:
        self._signer = Vapid.from_pem(keys.private_pem.encode("ascii"))
        self._subject = subject
        self._session = session

    async def send(self, endpoint: str, p256dh: str, auth: str, data: str, *, now: dt.datetime) -> Answer:
        claims: dict[str, str | int] = {
            "sub": self._subject,
            "aud": audience(endpoint),
            # The signature's lifetime counts on the clock, whatever moment the delivery was due.
            "exp": int((utcnow() + VAPID_VALID_FOR).timestamp()),
        }
        try:
            await webpush_async(
                subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
                data=data,
                vapid_private_key=self._signer,
                vapid_claims=claims,
                content_encoding="aes128gcm",
                ttl=TTL_SECONDS,
                timeout=aiohttp.ClientTimeout(total=SEND_TIMEOUT_SECONDS),
                aiohttp_session=self._session,
            )
        except WebPushException as exc:
            response: Any = exc.response
            if response is None:  # pywebpush refused before sending (e.g. keys that are not a P-256 point)
                return Answer(Outcome.FAILED, f"refused: {exc.message}"[:300])
            status = int(getattr(response, "status", 0) or 0)
            return classify(status, str(getattr(response, "reason", "") or ""), parse_retry_after(exc.retry_after, now))
        except TimeoutError:
            return Answer(Outcome.RETRY, "timeout")
        except aiohttp.ClientError as exc:
            return Answer(Outcome.RETRY, f"network: {type(exc).__name__}")
        except (ValueError, TypeError) as exc:  # keys of the subscription that cannot be used
            return Answer(Outcome.FAILED, f"refused: {type(exc).__name__}")
        except Exception as exc:
            # Anything else is this one delivery's trouble: it is tried again later. Were it to end the batch,
            # its transaction would roll back and every message of the batch that did go out would be sent again,
            # each round, for as long as this one keeps failing.
            log.exception("push attempt failed unexpectedly")
            return Answer(Outcome.RETRY, f"error: {type(exc).__name__}")
        return Answer(Outcome.SENT)


@dataclass(frozen=True)
class _Due:
    delivery: PushDelivery
    subscription: PushSubscription
    locale: str | None
    # The person was deactivated after the message was made: nothing more goes to their devices.
    deactivated: bool


async def claim_due(db: AsyncSession, now: dt.datetime, limit: int) -> list[_Due]:
    """Pending deliveries whose time has come, oldest first, that no other worker holds; locked (with their
    subscriptions) until the transaction ends."""
    result = await db.execute(
        select(PushDelivery, PushSubscription, Person.locale, Person.deactivated_at.is_not(None))
        .join(PushSubscription, PushSubscription.id == PushDelivery.subscription_id)
        .join(Person, Person.id == PushSubscription.person_id)
        .where(PushDelivery.status == DeliveryStatus.PENDING, PushDelivery.next_attempt_at <= now)
        .order_by(PushDelivery.next_attempt_at, PushDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True, key_share=True, of=[PushDelivery, PushSubscription])
    )
    return [_Due(*row) for row in result.tuples()]


def _changes(delivery: PushDelivery, answer: Answer, now: dt.datetime) -> dict[str, Any]:
    """What an attempt changes in its delivery row."""
    attempts = delivery.attempts + 1
    if answer.outcome == Outcome.SENT:
        return {"attempts": attempts, "status": DeliveryStatus.SENT, "sent_at": now, "last_error": ""}
    if answer.outcome == Outcome.RETRY and attempts < MAX_ATTEMPTS:
        later = now + next_delay(attempts, answer.retry_after)
        return {"attempts": attempts, "next_attempt_at": later, "last_error": answer.reason}
    return {"attempts": attempts, "status": DeliveryStatus.FAILED, "last_error": answer.reason}


async def deliver_due(
    db: AsyncSession,
    settings: Settings,
    *,
    limit: int = BATCH,
    session: aiohttp.ClientSession | None = None,
    moment: dt.datetime | None = None,
) -> int:
    """Send up to ``limit`` due deliveries, side by side, and record what came of each, in the caller's
    transaction (which the caller commits: one transaction per batch). Returns how many were tried.

    If the worker stops while sending, the transaction rolls back: the deliveries are still pending and are
    sent later (a device may then get a message twice; none is lost)."""
    now = moment or utcnow()
    due = await claim_due(db, now, limit)
    if not due:
        return 0
    keys = await vapid.keys(db, settings)
    owned = session is None
    http = session or aiohttp.ClientSession()
    sending = [item for item in due if not item.deactivated]
    try:
        sender = PushSender(keys, vapid.subject(settings), http)
        answers = await asyncio.gather(
            *(
                sender.send(
                    item.subscription.endpoint,
                    item.subscription.p256dh,
                    item.subscription.auth,
                    payload(item.delivery.notification_id, item.locale),
                    now=now,
                )
                for item in sending
            )
        )
    finally:
        if owned:
            await http.close()
    outcomes = list(zip(sending, answers, strict=True))
    outcomes += [(item, Answer(Outcome.FAILED, "not sent: person deactivated")) for item in due if item.deactivated]
    gone: set[uuid.UUID] = set()
    sent_to: set[uuid.UUID] = set()
    for item, answer in outcomes:
        if answer.outcome == Outcome.GONE:
            gone.add(item.subscription.id)
            continue
        # Written by id, whatever became of the row meanwhile: on SQLite nothing is locked while the push
        # services answer, and a device turned off in that moment took its delivery with it. (An ORM flush would
        # refuse the whole batch for that one row, and every message of it that went out would go again.)
        changes = _changes(item.delivery, answer, now)
        await db.execute(
            update(PushDelivery)
            .where(PushDelivery.id == item.delivery.id)
            .values(**changes)
            .execution_options(synchronize_session=False)
        )
        if answer.outcome == Outcome.SENT:
            sent_to.add(item.subscription.id)
        else:
            log.info(
                "push not delivered",
                extra={
                    "fields": {
                        "delivery": str(item.delivery.id),
                        "answer": answer.reason,
                        "status": str(changes.get("status", DeliveryStatus.PENDING)),
                        "attempts": changes["attempts"],
                    }
                },
            )
    if sent_to:
        await db.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_(sorted(sent_to)))
            .values(last_sent_at=now)
            .execution_options(synchronize_session=False)
        )
    # The updates first, then the deletes: a delivery of a gone device, sent a moment before in this batch,
    # is deleted with its device.
    if gone:
        await db.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
        log.info("push subscriptions gone", extra={"fields": {"count": len(gone)}})
    return len(due)
