"""Waarneming: the team lead names a colleague who covers for an absent regisseur of the team, from one day to
another. During the period the guard gives the colleague the relation ``COVERING`` to the absent regisseur's
households of that team: the regisseur's rights, every read logged as "waarneming". Ending a cover early
ends that access at once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.domain.errors import N_, IllegalTransition, InvalidInput, NotFound
from server.domain.models import Person, Role, utcnow
from server.domain.policy import Actor
from server.domain.teamwork.model import Cover, cover_day
from server.domain.teamwork.team import team_regisseurs

# At most six months: a longer absence asks for another regisseur (reassign), not a cover.
MAX_DAYS = 183


def _date(value: str, field: str, errors: dict[str, str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = N_("Vul een datum in, zoals 2026-12-01.")
        return None


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@dataclass
class CoverInput:
    absent: str = ""
    covering: str = ""
    starts_on: str = ""
    ends_on: str = ""

    def validate(self, today: dt.date) -> tuple[uuid.UUID, uuid.UUID, dt.date, dt.date]:
        errors: dict[str, str] = {}
        absent, covering = _uuid(self.absent), _uuid(self.covering)
        if absent is None:
            errors["absent"] = N_("Kies de regisseur die afwezig is.")
        if covering is None:
            errors["covering"] = N_("Kies de collega die waarneemt.")
        elif covering == absent:
            errors["covering"] = N_("Kies een andere collega dan de regisseur die afwezig is.")
        starts = _date(self.starts_on, "starts_on", errors)
        ends = _date(self.ends_on, "ends_on", errors)
        if starts is not None and starts < today:
            errors["starts_on"] = N_("Deze datum is al voorbij. Kies vandaag of later.")
        if starts is not None and ends is not None:
            if ends < starts:
                errors["ends_on"] = N_("De einddatum ligt voor de begindatum.")
            elif (ends - starts).days > MAX_DAYS:
                errors["ends_on"] = N_("Een waarneming duurt hoogstens 6 maanden.")
        if errors or absent is None or covering is None or starts is None or ends is None:
            raise InvalidInput(errors)
        return absent, covering, starts, ends


async def start_cover(db: AsyncSession, actor: Actor, data: CoverInput, *, today: dt.date | None = None) -> Cover:
    """The team lead names a colleague of the team to cover for an absent regisseur of the same team."""
    today = today or cover_day()
    absent, covering, starts, ends = data.validate(today)
    teams = actor.teams(Role.TEAM_LEAD)
    team_id: uuid.UUID | None = None
    for team in sorted(teams):
        regisseurs = {person_id for person_id, _name in await team_regisseurs(db, frozenset({team}))}
        if absent in regisseurs and covering in regisseurs:
            team_id = team
            break
    if team_id is None:
        raise InvalidInput({"covering": N_("Kies twee regisseurs uit je team.")})
    overlapping = await db.scalar(
        select(Cover.id).where(
            Cover.team_id == team_id,
            Cover.absent_id == absent,
            Cover.ended_at.is_(None),
            Cover.starts_on <= ends,
            Cover.ends_on >= starts,
        )
    )
    if overlapping is not None:
        raise InvalidInput(
            {"starts_on": N_("Voor deze regisseur is in deze periode al een waarneming geregeld. Beëindig die eerst.")}
        )
    cover = Cover(
        team_id=team_id,
        absent_id=absent,
        covering_id=covering,
        starts_on=starts,
        ends_on=ends,
        created_by_id=actor.id,
    )
    db.add(cover)
    await db.flush()
    return cover


@dataclass(frozen=True)
class CoverRow:
    cover_id: uuid.UUID
    absent_id: uuid.UUID
    absent: str
    covering: str
    starts_on: dt.date
    ends_on: dt.date
    current: bool
    team_id: uuid.UUID | None = None


async def _rows(db: AsyncSession, *conditions: object, today: dt.date) -> list[CoverRow]:
    absent, covering = aliased(Person), aliased(Person)
    result = await db.execute(
        select(Cover, absent.display_name, covering.display_name)
        .join(absent, absent.id == Cover.absent_id)
        .join(covering, covering.id == Cover.covering_id)
        .where(Cover.ended_at.is_(None), Cover.ends_on >= today, *conditions)  # type: ignore[arg-type]
        .order_by(Cover.starts_on, absent.display_name)
    )
    return [
        CoverRow(c.id, c.absent_id, a, w, c.starts_on, c.ends_on, c.starts_on <= today, c.team_id)
        for c, a, w in result.tuples()
    ]


async def team_covers(db: AsyncSession, actor: Actor, *, today: dt.date | None = None) -> list[CoverRow]:
    """The current and coming covers of the team lead's team(s)."""
    teams = actor.teams(Role.TEAM_LEAD)
    if not teams:
        return []
    return await _rows(db, Cover.team_id.in_(teams), today=today or cover_day())


async def covering_now(db: AsyncSession, actor: Actor, *, today: dt.date | None = None) -> list[CoverRow]:
    """The covers this person works in today (whom they cover for, until when)."""
    today = today or cover_day()
    return await _rows(db, Cover.covering_id == actor.id, Cover.starts_on <= today, today=today)


async def cover_of_team(
    db: AsyncSession, actor: Actor, cover_id: uuid.UUID, *, today: dt.date | None = None
) -> CoverRow:
    """One current or coming cover of the team lead's team(s), or NotFound."""
    teams = actor.teams(Role.TEAM_LEAD)
    rows = await _rows(db, Cover.id == cover_id, Cover.team_id.in_(teams), today=today or cover_day())
    if not rows:
        raise NotFound
    return rows[0]


async def end_cover(db: AsyncSession, actor: Actor, cover_id: uuid.UUID, *, today: dt.date | None = None) -> Cover:
    """The team lead ends a cover early (or calls off one that has not started): the colleague's access to
    those households ends at once."""
    today = today or cover_day()
    await cover_of_team(db, actor, cover_id, today=today)
    cover = await db.get(Cover, cover_id)
    if cover is None or cover.ended_at is not None:
        raise IllegalTransition(N_("Deze waarneming is al beëindigd."))
    cover.ended_at = utcnow()
    # The period then ends the day before (or, for one that had not begun, on its first day, never used).
    cover.ends_on = max(cover.starts_on, min(cover.ends_on, today - dt.timedelta(days=1)))
    await db.flush()
    return cover
