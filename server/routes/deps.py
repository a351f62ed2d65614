"""Dependencies that route handlers ask for by name."""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

# The request's database session; Advanced Alchemy commits it once, after the handler has answered.
DbSession: TypeAlias = NamedDependency[AsyncSession]
