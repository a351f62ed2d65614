"""The tables of the team's work: escalations (a regisseur asks the team lead for a breakthrough when an
organisation or rule blocks the plan) and covers (a colleague covers for an absent regisseur for a period)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from zoneinfo import ZoneInfo

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.domain.models import utcnow

# A cover's days are the gemeente's days: it begins at the start of its first day and ends at the end of its
# last, in the Netherlands (not an hour or two later, when the day in UTC ends).
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


def cover_day(moment: dt.datetime | None = None) -> dt.date:
    """Today (or the day of ``moment``) in the gemeente: the day a cover's period is measured in."""
    return (moment or utcnow()).astimezone(LOCAL_TZ).date()


class EscalationStatus(enum.StrEnum):
    OPEN = "open"
    GRANTED = "granted"
    REFUSED = "refused"
    # The regisseur took it back before the team lead decided.
    WITHDRAWN = "withdrawn"


class Escalation(UUIDAuditBase):
    """A request for a breakthrough: what is blocked, by whom, what is needed and by when; and the team
    lead's decision. While it is open, the team lead may read the part of the plan it is about."""

    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_household_status", "household_id", "status"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    trajectory_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trajectory.id"))
    # The team of the household when it was raised: its team lead decides.
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), index=True)
    # The goal it is about (with its actions), or none when it is about the plan as a whole.
    goal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"), default=None)
    raised_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    raised_by_name: Mapped[str] = mapped_column(String(120), default="")
    blocked: Mapped[str] = mapped_column(String(500))
    blocked_by: Mapped[str] = mapped_column(String(200))
    needed: Mapped[str] = mapped_column(String(500))
    needed_by: Mapped[dt.date | None] = mapped_column(Date, default=None)
    status: Mapped[EscalationStatus] = mapped_column(String(20), default=EscalationStatus.OPEN)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    decided_by_name: Mapped[str] = mapped_column(String(120), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # Granted: what is arranged. Refused: why.
    decision: Mapped[str] = mapped_column(String(1000), default="")


class Cover(UUIDAuditBase):
    """A colleague covers for an absent regisseur from one day to another (both included): they read and
    work on the absent regisseur's households, every read logged as "waarneming"."""

    __tablename__ = "cover"
    __table_args__ = (Index("ix_cover_covering_period", "covering_id", "starts_on", "ends_on"),)

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), index=True)
    absent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    covering_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    # Ended early by the team lead (the period then ends the day before).
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
