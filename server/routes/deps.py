"""Dependencies that route handlers ask for by name."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeAlias, TypeVar

from litestar import Request
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import NotFound
from server.domain.models import Household
from server.domain.policy import HouseholdRef
from server.domain.ratings import instruments
from server.domain.ratings.instruments import InstrumentDef

PLAN = "/huishoudens/{household_id:uuid}/plan"

InputT = TypeVar("InputT")
# A form, bound by Litestar into the domain's input dataclass (fields the dataclass lacks, such as the CSRF
# token, are ignored; the domain validates the values and words its messages).
Form: TypeAlias = Annotated[InputT, Body(media_type=RequestEncodingType.URL_ENCODED)]

# The request's database session; Advanced Alchemy commits it once, after the handler has answered.
DbSession: TypeAlias = NamedDependency[AsyncSession]


async def household_or_404(db: AsyncSession, household_id: uuid.UUID) -> Household:
    """The household a route is about; the guard has already checked the person's relation to it."""
    household = await db.get(Household, household_id)
    if household is None:
        raise NotFound
    return household


def guarded_household(request: Request[Any, Any, Any]) -> HouseholdRef:
    """The household a household route is about, as the guard found it while deciding (name, gemeente,
    team and set of leefgebieden): no second look-up."""
    household: HouseholdRef = request.state.household
    return household


async def household_and_instrument(
    request: Request[Any, Any, Any], db: AsyncSession
) -> tuple[HouseholdRef, InstrumentDef]:
    """The household the guard decided about, and its gemeente's set of leefgebieden (a built-in set costs no
    query)."""
    household = guarded_household(request)
    return household, await instruments.by_key(db, household.municipality_id, household.instrument_key)


def plan_url(household_id: uuid.UUID, anchor: str = "") -> str:
    """The household's plan, optionally at one goal or action."""
    return f"/huishoudens/{household_id}/plan" + (f"#{anchor}" if anchor else "")


@dataclass(frozen=True)
class Refused:
    """How a step was refused, for the page that comes back: which form (on a page with several), messages per
    field, or the domain's refusal of the step itself."""

    form: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str = ""

    @property
    def status_code(self) -> int:
        return 409 if self.refusal else 400 if self.errors else 200


NOT_REFUSED = Refused()
