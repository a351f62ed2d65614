"""The gemeente as its functional admin keeps it: its teams and organisations (created, renamed, ended) and its
settings, each within bounds that keep the product safe and the plan workable.

An ended team or organisation stays in the database: households, roles, shares and the involvement register
still name it. It is no longer offered for anything new (``active_teams``, ``active_organisations``). None of
this reads a household's dossier: the admin sees counts, never names, plans, ratings or timelines.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, InvalidInput, NotFound
from server.domain.models import (
    Household,
    Municipality,
    Organisation,
    OrganisationKind,
    Phase,
    RoleAssignment,
    Team,
    Trajectory,
    utcnow,
)
from server.domain.policy import Actor
from server.domain.ratings import instruments
from server.domain.ratings.model import Assessment
from server.domain.text import clean, refused

MAX_NAME = 120

# The bounds of the settings. The evaluation comes back at least monthly and at most yearly; the mandate is a
# whole amount up to ten thousand euro; a professional's idle session ends within the hour (5 minutes is the
# least that lets someone type a note), a household's within a month.
EVALUATION_WEEKS = (4, 52)
MANDATE_CENTS = (0, 10_000_00)
PROFESSIONAL_IDLE_MINUTES = (5, 60)
HOUSEHOLD_IDLE_DAYS = (1, 30)


# --------------------------------------------------------------------------------------------------------
# Teams and organisations
# --------------------------------------------------------------------------------------------------------


async def active_teams(db: AsyncSession, municipality_id: uuid.UUID) -> list[Team]:
    """The teams that can be chosen for something new."""
    return list(
        await db.scalars(
            select(Team).where(Team.municipality_id == municipality_id, Team.ended_at.is_(None)).order_by(Team.name)
        )
    )


async def active_organisations(
    db: AsyncSession, municipality_id: uuid.UUID, kind: OrganisationKind | None = None
) -> list[Organisation]:
    """The organisations that can be chosen for something new, of one kind or of both."""
    statement = select(Organisation).where(
        Organisation.municipality_id == municipality_id, Organisation.ended_at.is_(None)
    )
    if kind is not None:
        statement = statement.where(Organisation.kind == kind)
    return list(await db.scalars(statement.order_by(Organisation.name)))


@dataclass(frozen=True)
class GemeenteUnits:
    """Everything on the teams and organisations page: the active ones and, apart, the ended ones."""

    teams: list[Team]
    ended_teams: list[Team]
    organisations: list[Organisation]
    ended_organisations: list[Organisation]


async def units_of(db: AsyncSession, actor: Actor) -> GemeenteUnits:
    municipality_id = actor.person.municipality_id
    teams = list(await db.scalars(select(Team).where(Team.municipality_id == municipality_id).order_by(Team.name)))
    organisations = list(
        await db.scalars(
            select(Organisation).where(Organisation.municipality_id == municipality_id).order_by(Organisation.name)
        )
    )
    return GemeenteUnits(
        teams=[t for t in teams if t.ended_at is None],
        ended_teams=[t for t in teams if t.ended_at is not None],
        organisations=[o for o in organisations if o.ended_at is None],
        ended_organisations=[o for o in organisations if o.ended_at is not None],
    )


@dataclass
class TeamInput:
    name: str = ""


@dataclass
class OrganisationInput:
    name: str = ""
    # "partner" or "volunteer"; only when creating (a kind is not changed later: roles depend on it).
    kind: str = ""


def _name(raw: str) -> tuple[str, dict[str, str]]:
    errors = refused(name=raw)
    name = clean(raw)
    if errors:
        return name, errors
    if not name:
        return name, {"name": N_("Vul een naam in.")}
    if len(name) > MAX_NAME:
        return name, {"name": N_("De naam is te lang (hoogstens 120 tekens).")}
    return name, {}


async def _team_name_taken(db: AsyncSession, municipality_id: uuid.UUID, name: str, but: uuid.UUID | None) -> bool:
    statement = select(Team.id).where(
        Team.municipality_id == municipality_id, Team.ended_at.is_(None), func.lower(Team.name) == name.lower()
    )
    if but is not None:
        statement = statement.where(Team.id != but)
    return await db.scalar(statement.limit(1)) is not None


async def _organisation_name_taken(
    db: AsyncSession, municipality_id: uuid.UUID, name: str, but: uuid.UUID | None
) -> bool:
    statement = select(Organisation.id).where(
        Organisation.municipality_id == municipality_id,
        Organisation.ended_at.is_(None),
        func.lower(Organisation.name) == name.lower(),
    )
    if but is not None:
        statement = statement.where(Organisation.id != but)
    return await db.scalar(statement.limit(1)) is not None


TEAM_NAME_TAKEN = N_("Er is al een team met deze naam. Kies een andere naam.")
ORGANISATION_NAME_TAKEN = N_("Er is al een organisatie met deze naam. Kies een andere naam.")
ENDED = N_("Dit is beëindigd; de naam blijft zoals hij was.")


async def team_of(db: AsyncSession, actor: Actor, team_id: uuid.UUID) -> Team:
    """A team of the admin's own gemeente; any other looks like none."""
    team = await db.get(Team, team_id)
    if team is None or team.municipality_id != actor.person.municipality_id:
        raise NotFound
    return team


async def organisation_of(db: AsyncSession, actor: Actor, organisation_id: uuid.UUID) -> Organisation:
    """An organisation of the admin's own gemeente; any other looks like none."""
    organisation = await db.get(Organisation, organisation_id)
    if organisation is None or organisation.municipality_id != actor.person.municipality_id:
        raise NotFound
    return organisation


async def create_team(db: AsyncSession, actor: Actor, data: TeamInput) -> Team:
    name, errors = _name(data.name)
    if not errors and await _team_name_taken(db, actor.person.municipality_id, name, None):
        errors = {"name": TEAM_NAME_TAKEN}
    if errors:
        raise InvalidInput(errors)
    team = Team(municipality_id=actor.person.municipality_id, name=name)
    db.add(team)
    await db.flush()
    return team


async def rename_team(db: AsyncSession, actor: Actor, team: Team, data: TeamInput) -> Team:
    name, errors = _name(data.name)
    if team.ended_at is not None:
        errors = {"name": ENDED}
    elif not errors and await _team_name_taken(db, team.municipality_id, name, team.id):
        errors = {"name": TEAM_NAME_TAKEN}
    if errors:
        raise InvalidInput(errors)
    team.name = name
    await db.flush()
    return team


async def open_households(db: AsyncSession, team: Team) -> int:
    """How many households of the team have a trajectory that is not closed."""
    count = await db.scalar(
        select(func.count(func.distinct(Household.id)))
        .join(Trajectory, Trajectory.household_id == Household.id)
        .where(Household.team_id == team.id, Trajectory.phase != Phase.AFGESLOTEN)
    )
    return int(count or 0)


async def people_with_role_in(
    db: AsyncSession, *, team_id: uuid.UUID | None = None, organisation_id: uuid.UUID | None = None
) -> int:
    """How many people still have a working role in this team or organisation."""
    statement = select(func.count(func.distinct(RoleAssignment.person_id))).where(RoleAssignment.active_clause())
    if team_id is not None:
        statement = statement.where(RoleAssignment.team_id == team_id)
    else:
        statement = statement.where(RoleAssignment.organisation_id == organisation_id)
    return int(await db.scalar(statement) or 0)


class TeamStillWorking(InvalidInput):
    """A team with households whose trajectory is open cannot end: they would have no team."""

    def __init__(self, households: int) -> None:
        message = (
            N_("Dit team heeft nog 1 huishouden met een lopend traject. Laat de teamleider dat eerst overdragen.")
            if households == 1
            else N_(
                "Dit team heeft nog %(count)s huishoudens met een lopend traject. Laat de teamleider die eerst "
                "overdragen.",
                count=households,
            )
        )
        super().__init__({"team": message}, message)
        self.households = households


async def end_team(db: AsyncSession, actor: Actor, team: Team) -> None:
    """End the team from now on. Refused while households of the team have an open trajectory."""
    if team.ended_at is not None:
        return
    households = await open_households(db, team)
    if households:
        raise TeamStillWorking(households)
    team.ended_at = utcnow()
    await db.flush()


async def create_organisation(db: AsyncSession, actor: Actor, data: OrganisationInput) -> Organisation:
    name, errors = _name(data.name)
    kind = OrganisationKind(data.kind) if data.kind in OrganisationKind._value2member_map_ else None
    if kind is None:
        errors["kind"] = N_("Kies wat voor organisatie het is.")
    if "name" not in errors and await _organisation_name_taken(db, actor.person.municipality_id, name, None):
        errors["name"] = ORGANISATION_NAME_TAKEN
    if errors or kind is None:
        raise InvalidInput(errors)
    organisation = Organisation(municipality_id=actor.person.municipality_id, name=name, kind=kind)
    db.add(organisation)
    await db.flush()
    return organisation


async def rename_organisation(
    db: AsyncSession, actor: Actor, organisation: Organisation, data: OrganisationInput
) -> Organisation:
    name, errors = _name(data.name)
    if organisation.ended_at is not None:
        errors = {"name": ENDED}
    elif not errors and await _organisation_name_taken(db, organisation.municipality_id, name, organisation.id):
        errors = {"name": ORGANISATION_NAME_TAKEN}
    if errors:
        raise InvalidInput(errors)
    organisation.name = name
    await db.flush()
    return organisation


async def end_organisation(db: AsyncSession, actor: Actor, organisation: Organisation) -> None:
    """End the organisation from now on: it is no longer offered for roles or shares. What the households shared
    with it stays theirs to withdraw; the register keeps its name."""
    if organisation.ended_at is None:
        organisation.ended_at = utcnow()
        await db.flush()


# --------------------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------------------


@dataclass
class SettingsInput:
    """The settings form as it is posted: numbers as typed, the mandate in euro ("500" or "1.250,50")."""

    instrument: str = ""
    evaluation_interval_weeks: str = ""
    budget_mandate: str = ""
    professional_idle_minutes: str = ""
    household_idle_days: str = ""

    @classmethod
    def of(cls, gemeente: Municipality) -> SettingsInput:
        return cls(
            instrument=gemeente.instrument_key,
            evaluation_interval_weeks=str(gemeente.evaluation_interval_weeks),
            budget_mandate=euro_text(gemeente.budget_mandate_cents),
            professional_idle_minutes=str(gemeente.professional_idle_minutes),
            household_idle_days=str(gemeente.household_idle_days),
        )


# "500", "500,5", "500,50", "1.250,50", "1250.50": euro with at most two decimals; a dot before three digits
# is the Dutch thousands separator.
_EURO = re.compile(r"^(?:(?P<whole>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<comma>\d{1,2}))?|(?P<plain>\d+)\.(?P<dot>\d{1,2}))$")


def parse_euro(raw: str) -> int | None:
    """An amount in euro as people type it, in whole cents; None when it is not an amount."""
    text = clean(raw).replace("€", "").replace(" ", "")
    match = _EURO.match(text)
    if match is None:
        return None
    if match.group("plain") is not None:
        whole, cents = match.group("plain"), match.group("dot")
    else:
        whole, cents = match.group("whole").replace(".", ""), match.group("comma") or ""
    return int(whole) * 100 + int((cents or "0").ljust(2, "0"))


def euro_text(cents: int) -> str:
    """Cents as the form shows them: "500" for whole euros, "500,50" otherwise."""
    whole, rest = divmod(cents, 100)
    return f"{whole},{rest:02d}" if rest else str(whole)


def _whole(raw: str, bounds: tuple[int, int]) -> int | None:
    text = clean(raw)
    if not text.isdigit() or len(text) > 6:
        return None
    value = int(text)
    return value if bounds[0] <= value <= bounds[1] else None


async def households_with_ratings(db: AsyncSession, municipality_id: uuid.UUID) -> int:
    """How many households of the gemeente have ratings (metingen): they were made with the set in use."""
    count = await db.scalar(
        select(func.count(func.distinct(Assessment.household_id)))
        .join(Household, Household.id == Assessment.household_id)
        .where(Household.municipality_id == municipality_id)
    )
    return int(count or 0)


async def settings_of(db: AsyncSession, actor: Actor) -> Municipality:
    gemeente = await db.get(Municipality, actor.person.municipality_id)
    if gemeente is None:
        raise NotFound
    return gemeente


async def save_settings(db: AsyncSession, actor: Actor, data: SettingsInput) -> Municipality:
    """Check every setting against its bounds and store them all, or none.

    The set of leefgebieden can change only while no household has ratings: a household's begin- and
    eindmeting are compared leefgebied by leefgebied, and ratings made with another set cannot be."""
    gemeente = await settings_of(db, actor)
    errors: dict[str, str] = refused(
        instrument=data.instrument,
        evaluation_interval_weeks=data.evaluation_interval_weeks,
        budget_mandate=data.budget_mandate,
        professional_idle_minutes=data.professional_idle_minutes,
        household_idle_days=data.household_idle_days,
    )
    sets = await instruments.available(db, gemeente.id)
    if data.instrument not in sets:
        errors.setdefault("instrument", N_("Kies een set leefgebieden."))
    elif data.instrument != gemeente.instrument_key and await households_with_ratings(db, gemeente.id):
        errors.setdefault(
            "instrument",
            N_(
                "Er zijn al huishoudens met metingen. Hun metingen horen bij de set die nu in gebruik is; "
                "daarom kan de set niet meer wisselen."
            ),
        )
    weeks = _whole(data.evaluation_interval_weeks, EVALUATION_WEEKS)
    if weeks is None:
        errors.setdefault("evaluation_interval_weeks", N_("Vul een aantal weken in van 4 tot en met 52."))
    mandate = parse_euro(data.budget_mandate)
    if mandate is None or not MANDATE_CENTS[0] <= mandate <= MANDATE_CENTS[1]:
        errors.setdefault(
            "budget_mandate", N_("Vul een bedrag in euro in van 0 tot en met 10.000, bijvoorbeeld 500 of 750,50.")
        )
    minutes = _whole(data.professional_idle_minutes, PROFESSIONAL_IDLE_MINUTES)
    if minutes is None:
        errors.setdefault("professional_idle_minutes", N_("Vul een aantal minuten in van 5 tot en met 60."))
    days = _whole(data.household_idle_days, HOUSEHOLD_IDLE_DAYS)
    if days is None:
        errors.setdefault("household_idle_days", N_("Vul een aantal dagen in van 1 tot en met 30."))
    if errors or weeks is None or mandate is None or minutes is None or days is None:
        raise InvalidInput(errors)
    gemeente.instrument_key = data.instrument
    gemeente.evaluation_interval_weeks = weeks
    gemeente.budget_mandate_cents = mandate
    gemeente.professional_idle_minutes = minutes
    gemeente.household_idle_days = days
    await db.flush()
    return gemeente
