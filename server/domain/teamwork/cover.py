"""Waarneming: the team lead names a colleague who covers for an absent regisseur of the team, from one day to
another. During the period the guard gives the colleague the relation ``COVERING`` to the absent regisseur's
households of that team: the regisseur's rights, every read logged as "waarneming". Ending a cover early
ends that access at once.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, select
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


class _Covers(enum.Enum):
    """Which covers a statement asks for: one shape each, so each is built once."""

    OF_TEAMS = "of_teams"
    COVERING_NOW = "covering_now"
    ONE_OF_TEAMS = "one_of_teams"


@cache
def _rows_statement(which: _Covers) -> Select[Any]:
    """The current and coming covers (not ended, not over by ``today``) with both names, of the team lead's
    teams, of the colleague covering today, or one cover of the team lead's teams."""
    absent, covering = aliased(Person), aliased(Person)
    today = bindparam("today", type_=Cover.ends_on.type)
    conditions: list[ColumnElement[bool]] = []
    teams = Cover.team_id.in_(bindparam("team_ids", type_=Cover.team_id.type, expanding=True))
    if which is _Covers.OF_TEAMS:
        conditions = [teams]
    elif which is _Covers.COVERING_NOW:
        conditions = [
            Cover.covering_id == bindparam("person_id", type_=Cover.covering_id.type),
            Cover.starts_on <= today,
        ]
    else:
        conditions = [Cover.id == bindparam("cover_id", type_=Cover.id.type), teams]
    return (
        select(
            Cover.id,
            Cover.absent_id,
            absent.display_name,
            covering.display_name,
            Cover.starts_on,
            Cover.ends_on,
            Cover.team_id,
        )
        .join(absent, absent.id == Cover.absent_id)
        .join(covering, covering.id == Cover.covering_id)
        .where(Cover.ended_at.is_(None), Cover.ends_on >= today, *conditions)
        .order_by(Cover.starts_on, absent.display_name)
    )


async def _rows(db: AsyncSession, which: _Covers, today: dt.date, **values: object) -> list[CoverRow]:
    result = await db.execute(_rows_statement(which), {"today": today, **values})
    return [
        CoverRow(cover_id, absent_id, absent, covering, starts_on, ends_on, starts_on <= today, team_id)
        for cover_id, absent_id, absent, covering, starts_on, ends_on, team_id in result.tuples()
    ]


async def team_covers(db: AsyncSession, actor: Actor, *, today: dt.date | None = None) -> list[CoverRow]:
    """The current and coming covers of the team lead's team(s)."""
    teams = actor.teams(Role.TEAM_LEAD)
    if not teams:
        return []
    return await _rows(db, _Covers.OF_TEAMS, today or cover_day(), team_ids=list(teams))


async def covering_now(db: AsyncSession, actor: Actor, *, today: dt.date | None = None) -> list[CoverRow]:
    """The covers this person works in today (whom they cover for, until when)."""
    return await _rows(db, _Covers.COVERING_NOW, today or cover_day(), person_id=actor.id)


async def cover_of_team(
    db: AsyncSession, actor: Actor, cover_id: uuid.UUID, *, today: dt.date | None = None
) -> CoverRow:
    """One current or coming cover of the team lead's team(s), or NotFound."""
    teams = actor.teams(Role.TEAM_LEAD)
    rows = await _rows(db, _Covers.ONE_OF_TEAMS, today or cover_day(), cover_id=cover_id, team_ids=list(teams))
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
