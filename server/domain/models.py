"""The core model: gemeente, team, organisation, person and roles, household, member, trajectory,
timeline, and what sign-in and the access log need.

Later capabilities extend this module through Alembic migrations.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from advanced_alchemy.base import UUIDAuditBase, UUIDBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Role(enum.StrEnum):
    HOUSEHOLD_MEMBER = "household_member"
    NETWORK_MEMBER = "network_member"
    VOLUNTEER = "volunteer"
    VOLUNTEER_COORDINATOR = "volunteer_coordinator"
    REGISSEUR = "regisseur"
    PARTNER_PROFESSIONAL = "partner_professional"
    TEAM_LEAD = "team_lead"
    ADMIN = "admin"

    @property
    def is_professional(self) -> bool:
        return self in PROFESSIONAL_ROLES


PROFESSIONAL_ROLES = frozenset({Role.REGISSEUR, Role.PARTNER_PROFESSIONAL, Role.TEAM_LEAD, Role.ADMIN})


class OrganisationKind(enum.StrEnum):
    PARTNER = "partner"
    VOLUNTEER = "volunteer"


class Phase(enum.StrEnum):
    AANMELDING = "aanmelding"
    TRIAGE = "triage"
    INTAKE = "intake"
    PLAN_VASTGESTELD = "plan_vastgesteld"
    UITVOERING = "uitvoering"
    EVALUATIE = "evaluatie"
    WAAKVLAM = "waakvlam"
    AFGESLOTEN = "afgesloten"


class ReferralSource(enum.StrEnum):
    ZELF = "zelf"
    NETWERK = "netwerk"
    KETENPARTNER = "ketenpartner"
    INTERN_GEMEENTE = "intern_gemeente"
    PARTICULIER = "particulier"


class TriageOutcome(enum.StrEnum):
    """The four answers of the Woerden pilot to "is coordination needed?" (seed 000, 2.3.3)."""

    REGISSEUR = "regisseur"  # the regisseur coordinates
    KORTSTONDIG = "kortstondig"  # short inzet to get things moving, then a warm handover
    VRIJWILLIGERS = "vrijwilligers"  # build a circle of volunteers around the household
    GEEN_REGIE = "geen_regie"  # no coordination needed: handed over to a named organisation


class Municipality(UUIDAuditBase):
    __tablename__ = "municipality"

    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    instrument_key: Mapped[str] = mapped_column(String(60), default="zrm11")
    # The gemeente's settings, set by its functional admin (server/domain/gemeente.py keeps their bounds).
    # How many weeks after the akkoord (or the last evaluation) the next evaluation is proposed.
    evaluation_interval_weeks: Mapped[int] = mapped_column(Integer, default=13, server_default="13")
    # Budget entries up to this amount (in cents) the regisseur decides alone; above it the team lead approves.
    budget_mandate_cents: Mapped[int] = mapped_column(Integer, default=50000, server_default="50000")
    # Session lifetimes: idle minutes for professionals, idle days for everyone else.
    professional_idle_minutes: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    household_idle_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")


class Team(UUIDAuditBase):
    __tablename__ = "team"

    municipality_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # Ended by the admin: kept for history, no longer offered for new roles or households.
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class Organisation(UUIDAuditBase):
    __tablename__ = "organisation"

    municipality_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[OrganisationKind] = mapped_column(String(20))
    # Only volunteer organisations the gemeente works with see its help requests.
    works_with_municipality: Mapped[bool] = mapped_column(Boolean, default=True)
    # Ended by the admin: kept for history and the involvement register, no longer offered for shares or roles.
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class Person(UUIDAuditBase):
    __tablename__ = "person"

    municipality_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("municipality.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    # Interface language chosen by the person; None means: follow the browser.
    locale: Mapped[str | None] = mapped_column(String(8), default=None)
    # When the person made their first passkey. A link someone else makes after that is a recovery.
    enrolled_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # Deactivated by the admin: every session ended at that moment and no sign-in works any more.
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # When a household member finished or skipped the "Begin hier" steps of her first visit.
    welcome_done_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="person", lazy="selectin", cascade="all, delete-orphan"
    )


class RoleAssignment(UUIDBase):
    """One role of a person in one context (a team, an organisation or a household)."""

    __tablename__ = "role_assignment"
    __table_args__ = (Index("ix_role_assignment_household", "household_id", "role"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(String(30))
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"), default=None, index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    household_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("household.id"), default=None)
    # Since when the person has the role (shown to the admin).
    granted_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    # When the role ends. The admin may end a role from a later day: until that moment it still works.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    person: Mapped[Person] = relationship(back_populates="roles")

    def active_at(self, moment: dt.datetime | None = None) -> bool:
        """The one rule for "does this role still work": not ended, or ended from a moment still to come."""
        return self.revoked_at is None or self.revoked_at > (moment or utcnow())

    @classmethod
    def active_clause(cls, moment: dt.datetime | None = None) -> ColumnElement[bool]:
        """``active_at`` as a condition for a query."""
        return or_(cls.revoked_at.is_(None), cls.revoked_at > (moment or utcnow()))


class Household(UUIDAuditBase):
    __tablename__ = "household"

    municipality_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("municipality.id"), index=True)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    wijk: Mapped[str] = mapped_column(String(80), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")

    members: Mapped[list[Member]] = relationship(
        back_populates="household", lazy="selectin", order_by="Member.created_at"
    )


class Member(UUIDAuditBase):
    __tablename__ = "member"

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None, index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    is_adult: Mapped[bool] = mapped_column(Boolean, default=True)

    household: Mapped[Household] = relationship(back_populates="members")


class Trajectory(UUIDAuditBase):
    __tablename__ = "trajectory"
    __table_args__ = (Index("ix_trajectory_regisseur_phase", "regisseur_id", "phase"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    phase: Mapped[Phase] = mapped_column(String(30), default=Phase.AANMELDING, index=True)
    regisseur_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    referral_source: Mapped[ReferralSource] = mapped_column(String(30), default=ReferralSource.ZELF)
    referred_by: Mapped[str] = mapped_column(String(120), default="")
    # The day of the aanmelding.
    started_on: Mapped[dt.date] = mapped_column(Date, default=lambda: utcnow().date())
    # The question the household came with, in its own words.
    question: Mapped[str] = mapped_column(String(500), default="")
    triage_outcome: Mapped[TriageOutcome | None] = mapped_column(String(30), default=None)
    triage_reason: Mapped[str] = mapped_column(String(500), default="")
    # With "geen regie nodig": the organisation that goes on helping the household.
    handed_over_to: Mapped[str] = mapped_column(String(120), default="")
    # Since when the current regisseur is the household's regisseur (after a handover: the day it was accepted).
    regisseur_since: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # Set when the plan is agreed; the evaluations themselves move it on.
    next_evaluation_on: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    exit_reason: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)


class TimelineEvent(UUIDBase):
    __tablename__ = "timeline_event"
    __table_args__ = (Index("ix_timeline_household_time", "household_id", "created_at"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    kind: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class OutboxMessage(UUIDBase):
    """A domain event waiting to be turned into notifications by the worker (written with the event)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unprocessed", "processed_at", "created_at"),)

    kind: Mapped[str] = mapped_column(String(60))
    household_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("household.id"), default=None)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    # The row the event is about (an action, an offer, a share, a handover, a doorbraak, an evaluation, a
    # person), so that the notification rules find who to tell. An id, never a name.
    subject_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # Events made by the scheduler carry a key ("evaluation.due_7:<id>"): a second worker making the same
    # event at the same moment meets the unique index and adds nothing.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), default=None, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class Passkey(UUIDBase):
    """A WebAuthn credential of a person."""

    __tablename__ = "passkey"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class EnrolmentToken(UUIDBase):
    """A one-time enrolment link. Only the SHA-256 of the token is stored."""

    __tablename__ = "enrolment_token"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # A short personal message from whoever invited the person, shown when they open the link.
    message: Mapped[str] = mapped_column(String(300), default="")
    # Made by someone else for a person who already enrolled: using it switches off their passkeys.
    is_recovery: Mapped[bool] = mapped_column(Boolean, default=False)
    # A professional's recovery works only once a second person (team lead or another admin) approved it.
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class AccountEvent(UUIDBase):
    """Something that happened to a person's own access (a recovery link made, approved, used), shown to
    them on their passkeys page; for household members also in their household's timeline."""

    __tablename__ = "account_event"
    __table_args__ = (Index("ix_account_event_person_time", "person_id", "created_at"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class WebSession(UUIDBase):
    """A server-side browser session. The cookie holds a random token; the row holds its hash."""

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), default=None, index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class RateLimitBucket(UUIDBase):
    """Attempts per key per minute, in the database so that every app instance counts together."""

    __tablename__ = "rate_limit_bucket"
    __table_args__ = (UniqueConstraint("key", "window_start"),)

    key: Mapped[str] = mapped_column(String(200))
    window_start: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    hits: Mapped[int] = mapped_column(Integer, default=0)


class AccessLogEntry(UUIDBase):
    """One look at a household's data by someone outside the household (NEN 7513 fields).

    Append-only; each entry carries the hash of the previous entry of the same household so that a
    removed or altered entry breaks the chain.
    """

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_household_time", "household_id", "created_at"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    actor_name: Mapped[str] = mapped_column(String(120))
    actor_role: Mapped[str] = mapped_column(String(30))
    organisation_name: Mapped[str] = mapped_column(String(120), default="")
    resource: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(30), default="read")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    entry_hash: Mapped[str] = mapped_column(String(64))


__all__ = [
    "AccessLogEntry",
    "AccountEvent",
    "EnrolmentToken",
    "Household",
    "Member",
    "Municipality",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "Passkey",
    "Person",
    "Phase",
    "RateLimitBucket",
    "ReferralSource",
    "Role",
    "RoleAssignment",
    "Team",
    "TimelineEvent",
    "Trajectory",
    "TriageOutcome",
    "WebSession",
]
