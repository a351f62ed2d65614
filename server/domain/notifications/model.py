"""The tables of notifications: the messages a person reads in "Meldingen", their devices for web push, the
deliveries to those devices (with retries), their choices per kind of message, and the server's VAPID keys."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from advanced_alchemy.base import UUIDBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.domain.models import utcnow


class Notification(UUIDBase):
    """One message for one person, made by the worker from an outbox row. It holds no text: the page shows
    what it is about from the kind and the subject, after sign-in, with what the reader may see."""

    __tablename__ = "notification"
    __table_args__ = (
        # The same outbox row never tells the same person twice, whichever worker made the message.
        UniqueConstraint("outbox_id", "person_id"),
        Index("ix_notification_person_unread", "person_id", "read_at", "created_at"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    outbox_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"), default=None)
    # The event kind of the outbox row (an EventKind value, or one of the scheduler's evaluation kinds).
    kind: Mapped[str] = mapped_column(String(60))
    household_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("household.id"), default=None)
    subject_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # Where a tap on the message leads (a path in Ons Plan).
    url: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class PushSubscription(UUIDBase):
    """A device on which a person turned web push on: the push service's endpoint and the keys to encrypt for
    it (RFC 8291). Deleted when the person turns it off or the push service says it is gone (404, 410)."""

    __tablename__ = "push_subscription"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    # What the person sees in their list of devices ("Chrome op Android"), from the browser's user agent.
    device: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class PushDelivery(UUIDBase):
    """One notification on its way to one device. The worker locks pending rows (FOR UPDATE SKIP LOCKED on
    PostgreSQL) while it sends them, so each is sent by one worker; it retries with backoff, and after too many
    failures marks it failed for an admin to see."""

    __tablename__ = "push_delivery"
    __table_args__ = (
        UniqueConstraint("notification_id", "subscription_id"),
        Index("ix_push_delivery_due", "status", "next_attempt_at"),
    )

    notification_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"))
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("push_subscription.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DeliveryStatus] = mapped_column(String(20), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # The last answer or error, for the admin's list of failed messages (a status and a reason, no content).
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class NotificationPreference(UUIDBase):
    """A person's choice for one topic of messages: in the app only, or also by web push. Without a row the
    default of their role counts."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("person_id", "topic"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(40))
    push: Mapped[bool] = mapped_column(Boolean)


class ServerKey(UUIDBase):
    """A key the server keeps in the database: the VAPID key pair for web push (name "vapid"), made once."""

    __tablename__ = "server_key"

    name: Mapped[str] = mapped_column(String(40), unique=True)
    # The private key, PEM (PKCS#8). Readable by whoever can read the database, like the rest of it.
    private_key: Mapped[str] = mapped_column(Text)
    # The public key as the browser's applicationServerKey wants it (uncompressed point, base64url).
    public_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
