"""The tables of the ratings: instruments a gemeente loaded, assessments (metingen) and the score per leefgebied."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from advanced_alchemy.base import UUIDAuditBase, UUIDBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.domain.models import utcnow


class AssessmentKind(enum.StrEnum):
    NULMETING = "nulmeting"
    TUSSENEVALUATIE = "tussenevaluatie"
    EINDMETING = "eindmeting"
    TUSSENDOOR = "tussendoor"


class Perspective(enum.StrEnum):
    """Who scored: the household itself, or a professional (the regisseur)."""

    HOUSEHOLD = "household"
    PROFESSIONAL = "professional"


class Instrument(UUIDAuditBase):
    """A gemeente's own set of leefgebieden and scale, next to the sets that ship with the product."""

    __tablename__ = "instrument"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)

    municipality_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("municipality.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class Assessment(UUIDBase):
    """A set of ratings at one moment (meting), from one perspective."""

    __tablename__ = "assessment"
    __table_args__ = (Index("ix_assessment_household_held", "household_id", "held_on"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    instrument_key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[AssessmentKind] = mapped_column(String(30))
    perspective: Mapped[Perspective] = mapped_column(String(20))
    held_on: Mapped[dt.date] = mapped_column(Date)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    # The evaluation this meting belongs to: the household's and the regisseur's scores of one evaluation are
    # one round (the household may score ahead, before the evaluation is held).
    evaluation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("evaluation.id"), default=None, index=True)


class Rating(UUIDBase):
    """The score of one leefgebied in one assessment, with an optional explanation in own words."""

    __tablename__ = "rating"
    __table_args__ = (
        UniqueConstraint("assessment_id", "domain_key"),
        Index("ix_rating_household", "household_id"),
    )

    assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    domain_key: Mapped[str] = mapped_column(String(60))
    score: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300), default="")
    rated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
