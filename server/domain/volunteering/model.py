"""The tables of help from volunteers: anonymous cards, offers, and the counts of who was involved over time."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from advanced_alchemy.base import UUIDAuditBase, UUIDBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.domain.models import utcnow


class HelpRequestStatus(enum.StrEnum):
    OPEN = "open"  # published on the task board
    ACCEPTED = "accepted"  # the household accepted a volunteer's offer
    DONE = "done"  # the volunteer says it is done
    CONFIRMED = "confirmed"  # the household confirmed
    WITHDRAWN = "withdrawn"  # the household took it back; the volunteer's access ends


class HelpRequest(UUIDAuditBase):
    """An action offered to volunteers as a card without anything that identifies the household."""

    __tablename__ = "help_request"
    __table_args__ = (Index("ix_help_request_board", "municipality_id", "status", "created_at"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    action_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan_action.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("municipality.id"))
    what: Mapped[str] = mapped_column(String(300))
    when_text: Mapped[str] = mapped_column(String(120), default="")
    wijk: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[HelpRequestStatus] = mapped_column(String(20), default=HelpRequestStatus.OPEN)
    volunteer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None, index=True)
    published_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class HelpOfferStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class HelpOffer(UUIDBase):
    """A volunteer offers to help with a card; the household accepts or declines."""

    __tablename__ = "help_offer"
    __table_args__ = (UniqueConstraint("help_request_id", "volunteer_id"),)

    help_request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("help_request.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    message: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[HelpOfferStatus] = mapped_column(String(20), default=HelpOfferStatus.PENDING)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class InvolvementCount(UUIDBase):
    """How many volunteers, network members and professionals were involved with a household on a day."""

    __tablename__ = "involvement_count"
    __table_args__ = (UniqueConstraint("household_id", "counted_on"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    counted_on: Mapped[dt.date] = mapped_column(Date)
    volunteers: Mapped[int] = mapped_column(Integer, default=0)
    network: Mapped[int] = mapped_column(Integer, default=0)
    professionals: Mapped[int] = mapped_column(Integer, default=0)
