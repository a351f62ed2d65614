"""The tables of the regisseur's work on a trajectory after the triage: the integral intake with the
household's earlier help, the gespreksverslag with the household's corrections, the plan's agreement, the
handovers (warm to a partner, or of the regisseur role to a colleague), the waakvlam's check-ins, and the
register of who is involved ("dat"-information)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from advanced_alchemy.base import UUIDAuditBase, UUIDBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.domain.models import utcnow


class Intake(UUIDAuditBase):
    """The integral intake of one trajectory, held with the household at home. The ratings, the network map
    and the involvement register it draws on live in their own tables; this row holds what the conversation
    adds and the parts left open on purpose."""

    __tablename__ = "intake"

    trajectory_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trajectory.id"), unique=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    held_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # Who was there, in plain words ("Anouk, Daan en Fatima (regisseur)").
    present: Mapped[str] = mapped_column(String(300), default="")
    # What the household wants first, in its own words.
    wants_first: Mapped[str] = mapped_column(String(500), default="")
    agreements: Mapped[str] = mapped_column(String(1000), default="")
    # Parts of the completeness check left open on purpose: {part key: reason}.
    skipped: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)


class HistoryItem(UUIDAuditBase):
    """One earlier help in the hulpverleningsbiografie: who helped, when, and what did and did not help, in
    the household's words. It belongs to the household."""

    __tablename__ = "history_item"

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    helper: Mapped[str] = mapped_column(String(120))
    period: Mapped[str] = mapped_column(String(60), default="")
    helped: Mapped[str] = mapped_column(String(500), default="")
    not_helped: Mapped[str] = mapped_column(String(500), default="")
    written_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    # "household" when a member wrote it, otherwise the writer's role.
    written_by_role: Mapped[str] = mapped_column(String(30), default="")


class ConversationReport(UUIDBase):
    """The gespreksverslag made from an intake, kept as it was made: the household corrects it by adding its
    own words (``ReportCorrection``), never by a silent edit."""

    __tablename__ = "conversation_report"
    __table_args__ = (Index("ix_conversation_report_household", "household_id", "created_at"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    trajectory_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trajectory.id"))
    # The sections as generated: [{"title": ..., "lines": [...]}].
    body: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class ReportCorrection(UUIDBase):
    """A correction of a gespreksverslag in the household's own words."""

    __tablename__ = "report_correction"

    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("conversation_report.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    author_name: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class AgreementWay(enum.StrEnum):
    IN_APP = "in_app"  # a member said "akkoord" on their own phone
    IN_PERSON = "in_person"  # the regisseur recorded that the household agreed at the table


class PlanAgreement(UUIDBase):
    """The household's "akkoord" on its plan, with the plan as it was at that moment."""

    __tablename__ = "plan_agreement"
    __table_args__ = (Index("ix_plan_agreement_household", "household_id", "created_at"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    trajectory_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trajectory.id"))
    way: Mapped[AgreementWay] = mapped_column(String(20))
    agreed_on: Mapped[dt.date] = mapped_column(Date)
    # The member who said akkoord, or the regisseur who recorded it.
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    person_name: Mapped[str] = mapped_column(String(120), default="")
    # The goals and actions at that moment: [{"domain": ..., "text": ..., "actions": [...]}].
    plan: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class HandoverKind(enum.StrEnum):
    WARM = "warm"  # warme overdracht: a partner organisation takes over, then the trajectory ends
    REGISSEUR = "regisseur"  # a colleague in the team becomes the household's regisseur


class HandoverStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Handover(UUIDBase):
    """A handover that the receiver must accept before the regisseur lets go. Until then both see it as
    pending."""

    __tablename__ = "handover"
    __table_args__ = (
        Index("ix_handover_receiver", "to_person_id", "status"),
        Index("ix_handover_household", "household_id", "status"),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    trajectory_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trajectory.id"))
    kind: Mapped[HandoverKind] = mapped_column(String(20))
    status: Mapped[HandoverStatus] = mapped_column(String(20), default=HandoverStatus.PENDING)
    from_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    # The person who must accept: a partner professional (warm) or a colleague regisseur.
    to_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    to_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    note: Mapped[str] = mapped_column(String(500), default="")
    answer: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class CheckIn(UUIDBase):
    """A waakvlam check-in: a date to ask how it goes, and how it went."""

    __tablename__ = "checkin"
    __table_args__ = (Index("ix_checkin_trajectory_due", "trajectory_id", "due_on"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    trajectory_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trajectory.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    went_well: Mapped[bool | None] = mapped_column(Boolean, default=None)
    note: Mapped[str] = mapped_column(String(300), default="")


class Involvement(UUIDAuditBase):
    """An organisation or professional involved with the household, from and to ("dat"-information), set by
    the regisseur. Partners with an action or a share are added by the domain when that happens."""

    __tablename__ = "involvement"
    __table_args__ = (Index("ix_involvement_household", "household_id", "to_on"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    organisation_name: Mapped[str] = mapped_column(String(120))
    professional_name: Mapped[str] = mapped_column(String(120), default="")
    # How to reach them (a phone number or e-mail address), as the professional gave it.
    contact: Mapped[str] = mapped_column(String(120), default="")
    from_on: Mapped[dt.date] = mapped_column(Date)
    to_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)


__all__ = [
    "AgreementWay",
    "CheckIn",
    "ConversationReport",
    "Handover",
    "HandoverKind",
    "HandoverStatus",
    "HistoryItem",
    "Intake",
    "Involvement",
    "PlanAgreement",
    "ReportCorrection",
]


class EvaluationStatus(enum.StrEnum):
    GEPLAND = "gepland"
    GEHOUDEN = "gehouden"
    # Moved to another day: this row keeps the old day and the reason, a new row is planned.
    VERZET = "verzet"
    # Not held, because the trajectory moved on without it (closed, or to the waakvlam).
    VERVALLEN = "vervallen"


class EvaluationDecision(enum.StrEnum):
    DOORGAAN = "doorgaan"
    AFSCHALEN = "afschalen"
    AFSLUITEN = "afsluiten"


class GoalOutcome(enum.StrEnum):
    BEREIKT = "bereikt"
    LOOPT = "loopt"
    BIJGESTELD = "bijgesteld"
    GESTOPT = "gestopt"


class Evaluation(UUIDBase):
    """An evaluation of a trajectory's plan: planned on a day, then held (with the scores of the household and
    the regisseur in one round, a review of each goal and a decision), moved or lapsed. At most one is planned
    per trajectory at a time (a partial unique index)."""

    __tablename__ = "evaluation"
    __table_args__ = (
        Index("ix_evaluation_due", "status", "planned_on"),
        Index("ix_evaluation_household", "household_id", "planned_on"),
        Index(
            "uq_evaluation_one_planned",
            "trajectory_id",
            unique=True,
            sqlite_where=text("status = 'gepland'"),
            postgresql_where=text("status = 'gepland'"),
        ),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    trajectory_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trajectory.id"))
    planned_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[EvaluationStatus] = mapped_column(String(20), default=EvaluationStatus.GEPLAND)
    # Why it was moved (verzet) or lapsed (vervallen), in a few words.
    reason: Mapped[str] = mapped_column(String(300), default="")
    # Set when the evaluation is opened at the table (the trajectory is then in the phase evaluatie).
    started_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    held_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    decision: Mapped[EvaluationDecision | None] = mapped_column(String(20), default=None)
    # The short B1 summary of the outcome, as the household reads it in its timeline and dossier.
    summary: Mapped[str] = mapped_column(String(2000), default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class EvaluationGuest(UUIDBase):
    """Someone the household invites to an evaluation besides its members and the regisseur: a person of its
    network, or a partner organisation."""

    __tablename__ = "evaluation_guest"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "network_person_id", name="uq_evaluation_guest_network_person"),
        UniqueConstraint("evaluation_id", "organisation_id", name="uq_evaluation_guest_organisation"),
    )

    evaluation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    network_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("network_person.id"), default=None)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    name: Mapped[str] = mapped_column(String(120))
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class GoalReview(UUIDBase):
    """How one goal is doing at an evaluation: bereikt, loopt, bijgesteld (with the new words) or gestopt."""

    __tablename__ = "goal_review"
    __table_args__ = (UniqueConstraint("evaluation_id", "goal_id"),)

    evaluation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    outcome: Mapped[GoalOutcome] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(300), default="")
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
