"""The ledger of a trajectory's gezinsbudget. Amounts are whole cents (integers), never floats."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class EntryKind(enum.StrEnum):
    # Money made available for the household (a toekenning).
    GRANT = "grant"
    # Money spent from it.
    SPENDING = "spending"


class EntryStatus(enum.StrEnum):
    # Decided within the mandate, or approved by the team lead: it counts.
    COUNTS = "counts"
    # Above the regisseur's mandate: it counts once the team lead approves.
    AWAITING = "awaiting"
    REFUSED = "refused"


class BudgetEntry(UUIDAuditBase):
    __tablename__ = "budget_entry"
    __table_args__ = (
        Index("ix_budget_entry_trajectory", "trajectory_id", "booked_on"),
        Index("ix_budget_entry_team_status", "team_id", "status"),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    trajectory_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trajectory.id"))
    # The household's team: its team lead approves what is above the mandate.
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"))
    kind: Mapped[EntryKind] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(300))
    amount_cents: Mapped[int] = mapped_column(Integer)
    booked_on: Mapped[dt.date] = mapped_column(Date)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    decided_by_name: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[EntryStatus] = mapped_column(String(20), default=EntryStatus.COUNTS)
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    approved_by_name: Mapped[str] = mapped_column(String(120), default="")
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # Why the team lead refused.
    refusal: Mapped[str] = mapped_column(String(500), default="")
