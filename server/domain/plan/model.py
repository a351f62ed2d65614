"""The tables of the household's plan: goals in their own words, actions towards them, and what is shared with whom."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from advanced_alchemy.base import UUIDAuditBase, UUIDBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.domain.models import utcnow


class Horizon(enum.StrEnum):
    EERST = "eerst"
    DRIE_MAANDEN = "drie_maanden"
    EEN_JAAR = "een_jaar"


class WhoType(enum.StrEnum):
    """Who does an action, offered in this order: own strength first."""

    ZELF = "zelf"
    NETWERK = "netwerk"
    VRIJWILLIGER = "vrijwilliger"
    PROFESSIONAL = "professional"


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    BEZIG = "bezig"
    GEDAAN = "gedaan"
    GESTOPT = "gestopt"


class Goal(UUIDAuditBase):
    """A goal in the household's own words, for one leefgebied and a horizon."""

    __tablename__ = "goal"
    __table_args__ = (Index("ix_goal_household", "household_id"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    domain_key: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(String(500))
    horizon: Mapped[Horizon] = mapped_column(String(20))
    target_score: Mapped[int | None] = mapped_column(Integer, default=None)
    written_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    written_by_name: Mapped[str] = mapped_column(String(120), default="")
    # "household" when a member of the household wrote it, otherwise the writer's role.
    written_by_role: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The household struck the goal out: gone from the plan, kept (with its text) in the timeline.
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    removed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative attribute


class PlanAction(UUIDAuditBase):
    """An action towards a goal: what, who does it, by when, and how far it is."""

    __tablename__ = "plan_action"
    __table_args__ = (Index("ix_plan_action_household", "household_id"), Index("ix_plan_action_goal", "goal_id"))

    goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    what: Mapped[str] = mapped_column(String(300))
    who_type: Mapped[WhoType] = mapped_column(String(20))
    performer: Mapped[str] = mapped_column(String(120), default="")
    # Why a professional and not the household, its network or a volunteer (asked when chosen).
    professional_reason: Mapped[str] = mapped_column(String(300), default="")
    # The person the action is assigned to (a network member or volunteer), who may then tick it off.
    assigned_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None, index=True)
    # The partner organisation the action is assigned to (with a professional performer): its professionals
    # see the action and its goal through a share, tick it, note on it and pick it up.
    assigned_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id"), default=None, index=True
    )
    due_on: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    status: Mapped[ActionStatus] = mapped_column(String(20), default=ActionStatus.OPEN)
    # A short note by whoever does the action (a network member, a volunteer, a professional).
    note: Mapped[str] = mapped_column(String(300), default="")
    # The status before it was ticked off, so that an undone tick returns to it.
    status_before_done: Mapped[str] = mapped_column(String(20), default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative attribute


class ShareSubject(enum.StrEnum):
    # One goal with its actions.
    GOAL = "goal"
    # The household's ratings (scores per leefgebied), with a partner organisation only.
    RATINGS = "ratings"


class Share(UUIDBase):
    """A goal (with its actions), or the ratings, shared by the household with a network member or an
    organisation, for a purpose. A ratings share has no goal."""

    __tablename__ = "share"
    __table_args__ = (Index("ix_share_household", "household_id"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    goal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), default=None)
    subject: Mapped[ShareSubject] = mapped_column(String(20), default=ShareSubject.GOAL, server_default="goal")
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None, index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), default=None, index=True)
    purpose: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
