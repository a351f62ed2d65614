"""Reading one row that belongs to a household: the same question for goals, actions, help requests,
members and people on the network map. A row of another household is as absent as a missing one."""

from __future__ import annotations

import uuid
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from server.domain.errors import NotFound


class _InHousehold(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def household_id(self) -> uuid.UUID: ...


RowT = TypeVar("RowT", bound=_InHousehold)


async def find_in_household(
    db: AsyncSession, model: type[RowT], row_id: uuid.UUID, household_id: uuid.UUID
) -> RowT | None:
    # The model's columns, as SQLAlchemy maps them on the class (the protocol describes instances).
    id_column: Mapped[uuid.UUID] = model.id  # type: ignore[assignment]
    household_column: Mapped[uuid.UUID] = model.household_id  # type: ignore[assignment]
    row: RowT | None = await db.scalar(select(model).where(id_column == row_id, household_column == household_id))
    return row


async def get_in_household(db: AsyncSession, model: type[RowT], row_id: uuid.UUID, household_id: uuid.UUID) -> RowT:
    row = await find_in_household(db, model, row_id, household_id)
    if row is None:
        raise NotFound
    return row
