"""The table of the netwerkkaart: the people around a household."""

from __future__ import annotations

import enum
import uuid

from advanced_alchemy.base import UUIDAuditBase
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class NetworkRelation(enum.StrEnum):
    FAMILIE = "familie"
    VRIEND = "vriend"
    BUUR = "buur"
    COLLEGA = "collega"
    KERK_OF_MOSKEE = "kerk_of_moskee"
    VERENIGING = "vereniging"
    ANDERS = "anders"


class NetworkPerson(UUIDAuditBase):
    """Someone around the household, on its network map (netwerkkaart)."""

    __tablename__ = "network_person"
    __table_args__ = (Index("ix_network_person_household", "household_id"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"))
    name: Mapped[str] = mapped_column(String(120))
    relation: Mapped[NetworkRelation] = mapped_column(String(30))
    # Formal: someone who helps as part of their work or an organisation; informal: family, friends.
    is_formal: Mapped[bool] = mapped_column(Boolean, default=False)
    # 1 is closest to the household, 3 farthest away.
    ring: Mapped[int] = mapped_column(Integer, default=2)
    can_help_with: Mapped[str] = mapped_column(String(300), default="")
    # The household does not want this person involved (and may say why).
    not_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    not_involved_reason: Mapped[str] = mapped_column(String(300), default="")
    # Set once the household invited this person and an account exists for them.
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None, index=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
