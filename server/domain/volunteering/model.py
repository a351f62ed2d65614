"""The tables of help from volunteers: anonymous cards, offers, and the counts of who was involved over time."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from advanced_alchemy.base import UUIDAuditBase, UUIDBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, false
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
    # A recurring request: the days of the week it is for, as codes "ma,di,...,zo" in week order (empty for a
    # one-off request), and the period (both days included; an empty end is "until further notice").
    weekdays: Mapped[str] = mapped_column(String(20), default="", server_default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, default=None)


class HelpOfferStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ENDED = "ended"  # the household ended an accepted volunteer's part of a recurring request


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
    # For a recurring request: the days this volunteer offers to take ("di,do"), a subset of the request's.
    weekdays: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # What the household chose to let this volunteer know once accepted (the first names chosen are in
    # HelpOfferMember). Nothing until the household chooses; it can change the choice at any time.
    share_address: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    share_place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    share_phone: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    share_note: Mapped[str] = mapped_column(String(300), default="", server_default="")
    shared_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class HelpOfferMember(UUIDBase):
    """A household member whose first name the household lets an accepted volunteer know."""

    __tablename__ = "help_offer_member"
    __table_args__ = (UniqueConstraint("offer_id", "member_id", name="uq_help_offer_member_offer_member"),)

    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("help_offer.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))


class HelpRotaDay(UUIDBase):
    """One day of the week of a recurring request, given to one accepted volunteer.

    The unique constraint is what makes a day go to one volunteer only: two households' members accepting
    two offers for the same day at the same moment both try to write this row, and the database lets one win.
    """

    __tablename__ = "help_rota_day"
    __table_args__ = (UniqueConstraint("help_request_id", "weekday", name="uq_help_rota_day_request_weekday"),)

    help_request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("help_request.id", ondelete="CASCADE"))
    # 0 is Monday (maandag), 6 is Sunday (zondag).
    weekday: Mapped[int] = mapped_column(Integer)
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("help_offer.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)


class InvolvementCount(UUIDBase):
    """How many volunteers, network members and professionals were involved with a household on a day."""

    __tablename__ = "involvement_count"
    __table_args__ = (UniqueConstraint("household_id", "counted_on"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    counted_on: Mapped[dt.date] = mapped_column(Date)
    volunteers: Mapped[int] = mapped_column(Integer, default=0)
    network: Mapped[int] = mapped_column(Integer, default=0)
    professionals: Mapped[int] = mapped_column(Integer, default=0)
