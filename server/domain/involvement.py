"""Who is involved with a household ("dat"-information): everyone with access sees *that* others are
involved, with their role and since when; *what* they do is visible only where the household shared it.
How much of this a person sees is the policy's answer (``InvolvedView``), applied here and nowhere else.

The involvement register holds the organisations and professionals involved, from and to: the regisseur
adds and ends rows, and a partner organisation that gets a share or an action in the plan is added by the
domain in the same transaction. A row is never deleted: ending it sets its last day, so the household keeps
the history of who helped when."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    ScalarSelect,
    Select,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.domain.errors import N_, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import (
    Household,
    Organisation,
    OrganisationKind,
    Person,
    Phase,
    Role,
    RoleAssignment,
    Team,
    Trajectory,
    utcnow,
)
from server.domain.policy import Actor, InvolvedView
from server.domain.text import clean, refused
from server.domain.volunteering.model import HelpOffer, HelpOfferStatus, HelpRequest, HelpRequestStatus
from server.domain.workspace.model import Involvement

MAX_ORGANISATION = 120
MAX_PROFESSIONAL = 120
# A phone number or an e-mail address; the column holds 120, a way to reach someone needs far less.
MAX_CONTACT = 80
# A start that is planned (an appointment next month) is fine; a year ahead is a typing error.
MAX_DAYS_AHEAD = 92
PHONE = re.compile(r"\+?[0-9][0-9 ()./-]*")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 6, 15

# Why the domain added a row by itself (kept in the event, for the sentence in the timeline).
BY_SHARE = "share"
BY_ACTION = "action"
BY_HANDOVER = "handover"


def parse_day(raw: str) -> dt.date | None:
    """A date as a date field sends it (2027-03-15); None when empty or not a date."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def is_contact(value: str) -> bool:
    """A phone number (6 to 15 digits, with spaces, dashes, brackets or a leading +) or an e-mail address."""
    if EMAIL.fullmatch(value):
        return True
    digits = sum(char.isdigit() for char in value)
    return bool(PHONE.fullmatch(value)) and MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS


# --------------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewInvolvement:
    organisation_name: str
    professional_name: str
    contact: str
    from_on: dt.date
    to_on: dt.date | None


@dataclass
class InvolvementInput:
    """A row of the register as typed in the form (dates as the date fields send them)."""

    organisation_name: str = ""
    professional_name: str = ""
    contact: str = ""
    from_on: str = ""
    to_on: str = ""

    def validate(self, *, today: dt.date) -> NewInvolvement:
        errors = refused(
            organisation_name=self.organisation_name, professional_name=self.professional_name, contact=self.contact
        )
        organisation = clean(self.organisation_name)
        professional = clean(self.professional_name)
        contact = clean(self.contact)
        if not organisation:
            errors.setdefault("organisation_name", N_("Vul in welke organisatie meehelpt."))
        elif len(organisation) > MAX_ORGANISATION:
            errors["organisation_name"] = N_("De naam is te lang (hoogstens %(max)s tekens).", max=MAX_ORGANISATION)
        if len(professional) > MAX_PROFESSIONAL:
            errors["professional_name"] = N_("De naam is te lang (hoogstens %(max)s tekens).", max=MAX_PROFESSIONAL)
        if len(contact) > MAX_CONTACT:
            errors["contact"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_CONTACT)
        elif contact and not is_contact(contact):
            errors.setdefault(
                "contact",
                N_("Vul een telefoonnummer of een e-mailadres in, bijvoorbeeld 0348 123 456 of j.dewit@voorbeeld.nl."),
            )
        from_on = parse_day(self.from_on)
        if from_on is None:
            errors["from_on"] = (
                N_("Vul in sinds wanneer ze meehelpen.")
                if not self.from_on.strip()
                else N_("Vul een datum in, bijvoorbeeld 15-03-2027.")
            )
        elif from_on > today + dt.timedelta(days=MAX_DAYS_AHEAD):
            errors["from_on"] = N_("Deze datum ligt te ver vooruit. Kies een datum tot drie maanden na vandaag.")
        to_on = parse_day(self.to_on)
        if self.to_on.strip() and to_on is None:
            errors["to_on"] = N_("Vul een datum in, bijvoorbeeld 15-03-2027.")
        elif to_on is not None:
            errors.update(_end_errors(to_on, from_on, today))
        if errors or from_on is None:
            raise InvalidInput(errors)
        return NewInvolvement(organisation, professional, contact, from_on, to_on)


@dataclass
class EndInput:
    """Ending a row: the last day they helped; empty means today."""

    to_on: str = ""

    def validate(self, *, from_on: dt.date, today: dt.date) -> dt.date:
        to_on = parse_day(self.to_on) if self.to_on.strip() else today
        if to_on is None:
            raise InvalidInput({"to_on": N_("Vul een datum in, bijvoorbeeld 15-03-2027.")})
        errors = _end_errors(to_on, from_on, today)
        if errors:
            raise InvalidInput(errors)
        return to_on


def _end_errors(to_on: dt.date, from_on: dt.date | None, today: dt.date) -> dict[str, str]:
    # An end is written down when it happened; a row that ends later is still active until then.
    if to_on > today:
        return {"to_on": N_("Deze datum is nog niet geweest. Laat het einde leeg zolang ze meehelpen.")}
    if from_on is not None and to_on < from_on:
        return {"to_on": N_("Het einde kan niet voor het begin liggen.")}
    return {}


# --------------------------------------------------------------------------------------------------------
# The register
# --------------------------------------------------------------------------------------------------------


async def register(db: AsyncSession, household_id: uuid.UUID) -> list[Involvement]:
    """Every row of the household's register in one statement: those still involved first (by organisation),
    then those who ended (the most recent end first)."""
    rows = await db.scalars(
        select(Involvement)
        .where(Involvement.household_id == household_id)
        .order_by(
            case((Involvement.to_on.is_(None), 0), else_=1),
            Involvement.to_on.desc(),
            Involvement.organisation_name,
            Involvement.from_on,
        )
    )
    return list(rows)


def _event_detail(row: Involvement) -> dict[str, str]:
    return {
        "organisation": row.organisation_name,
        "professional": row.professional_name,
        "from_on": row.from_on.isoformat(),
        "to_on": row.to_on.isoformat() if row.to_on else "",
    }


async def add_involvement(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, data: InvolvementInput
) -> Involvement:
    """The regisseur adds an organisation or professional to the register (also one that helped earlier and
    stopped: then with its end)."""
    values = data.validate(today=utcnow().date())
    row = Involvement(
        household_id=household_id,
        organisation_name=values.organisation_name,
        professional_name=values.professional_name,
        contact=values.contact,
        from_on=values.from_on,
        to_on=values.to_on,
        created_by_id=actor.id,
    )
    db.add(row)
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.INVOLVEMENT_ADDED, detail=_event_detail(row)
    )
    return row


async def end_involvement(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, involvement_id: uuid.UUID, data: EndInput
) -> Involvement:
    """The organisation no longer helps: the row keeps its history and gets its last day. Ending a row that
    has already ended changes nothing (a second click)."""
    row = await db.scalar(
        select(Involvement).where(Involvement.id == involvement_id, Involvement.household_id == household_id)
    )
    if row is None:
        raise NotFound
    if row.to_on is not None:
        return row
    row.to_on = data.validate(from_on=row.from_on, today=utcnow().date())
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.INVOLVEMENT_ENDED, detail=_event_detail(row)
    )
    return row


async def involve_organisation(
    db: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    *,
    organisation_name: str,
    organisation_id: uuid.UUID | None = None,
    professional_name: str = "",
    contact: str = "",
    because: str = "",
) -> Involvement | None:
    """Put an organisation in the register from today, unless a row for it is still active (the same
    organisation, or a row the regisseur typed with the same name); then no row is added (only a missing
    professional's name filled in) and None returned.
    For the domain's own steps (``because``: BY_SHARE, BY_ACTION, BY_HANDOVER); run in the step's
    transaction."""
    same = func.lower(Involvement.organisation_name) == func.lower(literal(organisation_name))
    if organisation_id is not None:
        same = or_(Involvement.organisation_id == organisation_id, same)
    active = await db.scalar(
        select(Involvement)
        .where(Involvement.household_id == household_id, Involvement.to_on.is_(None), same)
        .order_by(Involvement.from_on)
        .limit(1)
    )
    if active is not None:
        # Already there; a professional's name the row lacked (a handover names the person) is filled in.
        if professional_name and not active.professional_name:
            active.professional_name = professional_name[:MAX_PROFESSIONAL]
            await db.flush()
        return None
    row = Involvement(
        household_id=household_id,
        organisation_id=organisation_id,
        organisation_name=organisation_name[:MAX_ORGANISATION],
        professional_name=professional_name[:MAX_PROFESSIONAL],
        contact=contact[:MAX_CONTACT],
        from_on=utcnow().date(),
        created_by_id=actor.id,
    )
    db.add(row)
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.INVOLVEMENT_ADDED,
        detail={**_event_detail(row), "because": because},
    )
    return row


async def involve_performing_organisation(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, performer: str
) -> Involvement | None:
    """A professional action names who does it ("naam of organisatie"). When that is the name of one of the
    gemeente's partner organisations, the organisation gets the action and is involved from now on; a
    person's name or an organisation the gemeente does not know adds nothing (the regisseur adds it by hand)."""
    if not performer:
        return None
    found = (
        await db.execute(
            select(Organisation.id, Organisation.name)
            .join(Household, Household.municipality_id == Organisation.municipality_id)
            .where(
                Household.id == household_id,
                Organisation.kind == OrganisationKind.PARTNER,
                Organisation.ended_at.is_(None),
                func.lower(Organisation.name) == func.lower(literal(performer)),
            )
            .limit(1)
        )
    ).first()
    if found is None:
        return None
    return await involve_organisation(
        db, actor, household_id, organisation_name=found[1], organisation_id=found[0], because=BY_ACTION
    )


# --------------------------------------------------------------------------------------------------------
# Who is involved, for the household's overview
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Involved:
    name: str
    # Empty when the viewer may see names only.
    role: Role | None = None
    since: dt.date | None = None
    # The regisseur's team.
    team: str = ""
    # A row of the register: the organisation, and how to reach its professional (``name``, may be empty).
    organisation: str = ""
    contact: str = ""


# The three kinds of rows of ``involved_with``, in the order the overview lists them.
_ORGANISATION, _VOLUNTEER, _NETWORK = 0, 1, 2


@cache
def _involved_statement() -> Select[Any]:
    """The one statement of ``involved_with``, built once: the three kinds of rows, each ordered by name (the
    register's rows by organisation, then since when)."""
    household_id: BindParameter[uuid.UUID] = bindparam("household_id", type_=Household.id.type)
    accepted_at = func.min(HelpRequest.accepted_at)
    organisations: Select[Any] = select(
        literal_column(str(_ORGANISATION)).label("kind"),
        Involvement.professional_name.label("name"),
        Involvement.organisation_name.label("organisation"),
        Involvement.contact.label("contact"),
        Involvement.from_on.label("since_day"),
        # Typed here: the first part of a UNION gives every column its type.
        cast(null(), accepted_at.type).label("since_moment"),
        Involvement.organisation_name.label("sort_name"),
    ).where(Involvement.household_id == household_id, Involvement.to_on.is_(None))
    volunteers: Select[Any] = (
        select(
            literal_column(str(_VOLUNTEER)),
            Person.display_name,
            null(),
            null(),
            null(),
            accepted_at,
            Person.display_name,
        )
        .join(HelpOffer, HelpOffer.volunteer_id == Person.id)
        .join(HelpRequest, HelpRequest.id == HelpOffer.help_request_id)
        .where(
            HelpRequest.household_id == household_id,
            HelpOffer.status == HelpOfferStatus.ACCEPTED,
            HelpRequest.status.in_([HelpRequestStatus.OPEN, HelpRequestStatus.ACCEPTED, HelpRequestStatus.DONE]),
        )
        .group_by(Person.display_name)
    )
    network: Select[Any] = (
        select(literal_column(str(_NETWORK)), Person.display_name, null(), null(), null(), null(), Person.display_name)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            RoleAssignment.household_id == household_id,
            RoleAssignment.role == Role.NETWORK_MEMBER,
            RoleAssignment.revoked_at.is_(None),
        )
    )
    rows = union_all(organisations, volunteers, network).subquery()
    return select(rows).order_by(rows.c.kind, rows.c.sort_name, rows.c.since_day)


async def involved_with(db: AsyncSession, household_id: uuid.UUID) -> list[Involved]:
    """The organisations in the register that still help, volunteers with an accepted task, and network
    members with access, in that order. (The regisseur comes from ``involved_for``.) One statement."""
    everyone: list[Involved] = []
    for row in await db.execute(_involved_statement(), {"household_id": household_id}):
        if row.kind == _ORGANISATION:
            everyone.append(
                Involved(
                    row.name,
                    Role.PARTNER_PROFESSIONAL,
                    row.since_day,
                    organisation=row.organisation,
                    contact=row.contact,
                )
            )
        elif row.kind == _VOLUNTEER:
            everyone.append(Involved(row.name, Role.VOLUNTEER, row.since_moment.date() if row.since_moment else None))
        else:
            everyone.append(Involved(row.name, Role.NETWORK_MEMBER))
    return everyone


def current_regisseur_name(household_id: ColumnElement[uuid.UUID]) -> ScalarSelect[str]:
    """The name of the household's regisseur: of its latest trajectory that is not closed and has one. A
    subquery of its own (on an alias, so that it never correlates with a trajectory of the statement it is part
    of): the household overview reads it with the rest of the household's state."""
    trajectory = aliased(Trajectory)
    return (
        select(Person.display_name)
        .join(trajectory, trajectory.regisseur_id == Person.id)
        .where(trajectory.household_id == household_id, trajectory.phase != Phase.AFGESLOTEN)
        .order_by(trajectory.started_on.desc())
        .limit(1)
        .scalar_subquery()
    )


@cache
def _regisseur_statement() -> Select[tuple[str, str]]:
    household_id: BindParameter[uuid.UUID] = bindparam("household_id", type_=Household.id.type)
    return (
        select(current_regisseur_name(household_id), Team.name)
        .select_from(Household)
        .join(Team, Team.id == Household.team_id)
        .where(Household.id == household_id)
    )


def regisseur_involved(name: str | None, team: str) -> Involved | None:
    """The regisseur as the first of who is involved (None when the household has none)."""
    return Involved(name, Role.REGISSEUR, team=team) if name is not None else None


async def involved_for(db: AsyncSession, household: Household | uuid.UUID, view: InvolvedView) -> list[Involved]:
    """Who is involved, as far as ``view`` allows: the regisseur first, then the others."""
    if view is InvolvedView.NONE:
        return []
    household_id = household if isinstance(household, uuid.UUID) else household.id
    row = (await db.execute(_regisseur_statement(), {"household_id": household_id})).first()
    return await involved_around(db, household_id, view, regisseur_involved(*row) if row else None)


async def involved_around(
    db: AsyncSession, household_id: uuid.UUID, view: InvolvedView, regisseur: Involved | None
) -> list[Involved]:
    """Who is involved, as far as ``view`` allows, with the regisseur already read (``current_regisseur_name``;
    the household overview reads it with the household's state)."""
    if view is InvolvedView.NONE:
        return []
    everyone = [regisseur] if regisseur else []
    everyone += await involved_with(db, household_id)
    if view is InvolvedView.NAMES:
        # The names of people only: an organisation's name (a GGZ, debt counselling) would say what help the
        # household gets, and so would the name of its professional, which is easily looked up: the register's
        # rows are left out whole.
        return [Involved(item.name) for item in everyone if item.role is not Role.PARTNER_PROFESSIONAL]
    return everyone
