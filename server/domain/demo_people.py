"""Who a visitor of the demo can become (demo mode only; production refuses demo mode). The demo data itself
is loaded by ``onsplan demo`` (server/demo.py), which the app never imports."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Municipality, Person, Role, RoleAssignment

DEMO_SLUG = "woerden"

# (display name, role): the people a visitor can become; the label shown for each comes from the role (and
# the person's own language, when she chose one).
DEMO_PEOPLE: tuple[tuple[str, Role], ...] = (
    ("Anouk", Role.HOUSEHOLD_MEMBER),
    # A mother of four who reads Arabic better than Dutch: her pages are in Arabic, from right to left.
    ("Samira", Role.HOUSEHOLD_MEMBER),
    ("Fatima", Role.REGISSEUR),
    ("Ruud", Role.PARTNER_PROFESSIONAL),
    ("Sem", Role.VOLUNTEER),
    ("Karin", Role.TEAM_LEAD),
    ("Bram", Role.ADMIN),
    ("Ria", Role.VOLUNTEER_COORDINATOR),
    ("Oma Ineke", Role.NETWORK_MEMBER),
)


async def demo_people(db: AsyncSession) -> list[tuple[Role, Person]]:
    """The people a visitor of the demo can become, with the label shown for each."""
    municipality_id = await db.scalar(select(Municipality.id).where(Municipality.slug == DEMO_SLUG))
    if municipality_id is None:
        return []
    rows = await db.execute(
        select(Person, RoleAssignment.role)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            Person.municipality_id == municipality_id,
            Person.deactivated_at.is_(None),
            RoleAssignment.active_clause(),
        )
    )
    found = {(person.display_name, str(role)): person for person, role in rows.tuples()}
    return [(role, found[(name, role.value)]) for name, role in DEMO_PEOPLE if (name, role.value) in found]
