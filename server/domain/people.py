"""People, their roles, and registering a household (the short form; the full intake comes later)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import ScalarSelect, Select, SQLColumnExpression, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, DomainError, IllegalTransition, InvalidInput, NotAllowed, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import (
    AccountEvent,
    EnrolmentToken,
    Household,
    Member,
    Organisation,
    OrganisationKind,
    Passkey,
    Person,
    Phase,
    ReferralSource,
    Role,
    RoleAssignment,
    Team,
    Trajectory,
    WebSession,
    utcnow,
)
from server.domain.policy import Action, Actor, decide, relations_to_household
from server.domain.rows import get_in_household
from server.domain.text import check, clean, refused

MAX_NAME = 80
MAX_MEMBERS = 12
# Rows for members on the registration form.
MEMBER_ROWS = 6
MAX_QUESTION = 500


async def create_person(
    db: AsyncSession,
    *,
    municipality_id: uuid.UUID,
    display_name: str,
    role: Role,
    team_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
) -> Person:
    person = Person(municipality_id=municipality_id, display_name=display_name)
    person.roles = [
        RoleAssignment(role=role, team_id=team_id, organisation_id=organisation_id, household_id=household_id)
    ]
    db.add(person)
    await db.flush()
    return person


@dataclass
class MemberInput:
    first_name: str
    is_adult: bool


@dataclass
class HouseholdInput:
    name: str
    wijk: str = ""
    address: str = ""
    phone: str = ""
    referral_source: str = ReferralSource.ZELF.value
    referred_by: str = ""
    # The question the household came with, in its own words; the day of the aanmelding (ISO, as a date
    # field sends it; empty is today).
    question: str = ""
    registered_on: str = ""
    members: list[MemberInput] = field(default_factory=list)

    def registration_day(self) -> dt.date:
        """The day of the aanmelding; only valid after ``validate``."""
        return dt.date.fromisoformat(self.registered_on) if self.registered_on else utcnow().date()

    def validate(self) -> None:
        errors: dict[str, str] = {}
        raw_names = " ".join(m.first_name for m in self.members)
        forbidden = refused(
            name=self.name,
            wijk=self.wijk,
            address=self.address,
            phone=self.phone,
            referred_by=self.referred_by,
            question=self.question,
            registered_on=self.registered_on,
            members=raw_names,
        )
        self.name = clean(self.name)
        self.members = [MemberInput(clean(m.first_name), m.is_adult) for m in self.members if clean(m.first_name)]
        if not self.name:
            errors["name"] = N_("Geef het huishouden een naam, bijvoorbeeld de achternaam.")
        elif len(self.name) > 120:
            errors["name"] = N_("De naam is te lang (hoogstens 120 tekens).")
        if len(self.wijk) > 80:
            errors["wijk"] = N_("De wijk is te lang (hoogstens 80 tekens).")
        if len(self.address) > 200:
            errors["address"] = N_("Het adres is te lang (hoogstens 200 tekens).")
        if len(self.phone) > 40:
            errors["phone"] = N_("Het telefoonnummer is te lang (hoogstens 40 tekens).")
        if self.referral_source not in {s.value for s in ReferralSource}:
            errors["referral_source"] = N_("Kies hoe het huishouden bij ons kwam.")
        self.question = clean(self.question)
        if len(self.question) > MAX_QUESTION:
            errors["question"] = N_("De vraag is te lang (hoogstens 500 tekens).")
        self.registered_on = clean(self.registered_on)
        try:
            day = dt.date.fromisoformat(self.registered_on) if self.registered_on else None
        except ValueError:
            errors["registered_on"] = N_("Vul een datum in, zoals 3 maart 2026.")
        else:
            if day is not None and day > utcnow().date():
                errors["registered_on"] = N_("De datum van aanmelding kan niet in de toekomst liggen.")
            elif day is not None and day.year < 2000:
                errors["registered_on"] = N_("Vul een datum in, zoals 3 maart 2026.")
        if not any(m.is_adult for m in self.members):
            errors["members"] = N_("Vul ten minste één volwassene in.")
        elif any(len(m.first_name) > MAX_NAME for m in self.members):
            errors["members"] = N_("Een voornaam is te lang (hoogstens 80 tekens).")
        elif len(self.members) > MAX_MEMBERS:
            errors["members"] = N_("Vul hoogstens twaalf leden in.")
        errors.update(forbidden)
        if errors:
            raise InvalidInput(errors)


@dataclass
class HouseholdForm:
    """The registration form as it is posted: the household's fields and six rows for members."""

    name: str = ""
    wijk: str = ""
    address: str = ""
    phone: str = ""
    referral_source: str = ""
    referred_by: str = ""
    question: str = ""
    registered_on: str = ""
    member_0_name: str = ""
    member_0_adult: str = ""
    member_1_name: str = ""
    member_1_adult: str = ""
    member_2_name: str = ""
    member_2_adult: str = ""
    member_3_name: str = ""
    member_3_adult: str = ""
    member_4_name: str = ""
    member_4_adult: str = ""
    member_5_name: str = ""
    member_5_adult: str = ""

    def members(self) -> list[MemberInput]:
        rows = [getattr(self, f"member_{i}_name") for i in range(MEMBER_ROWS)]
        adult = [getattr(self, f"member_{i}_adult") == "ja" for i in range(MEMBER_ROWS)]
        return [MemberInput(str(name), is_adult) for name, is_adult in zip(rows, adult, strict=True)]

    def to_input(self) -> HouseholdInput:
        return HouseholdInput(
            name=self.name,
            wijk=self.wijk,
            address=self.address,
            phone=self.phone,
            referral_source=self.referral_source,
            referred_by=self.referred_by,
            question=self.question,
            registered_on=self.registered_on,
            members=self.members(),
        )


class AlreadyRegistered(DomainError):
    """The household being registered already has an open trajectory in this gemeente."""

    message = N_("Dit huishouden is al aangemeld.")

    def __init__(self, match: RegisteredHousehold) -> None:
        super().__init__()
        self.match = match


@dataclass(frozen=True)
class RegisteredHousehold:
    """A household that is already registered, as far as the person registering may know it: always that it
    exists and which team to ask; its page only when they may see that."""

    household_id: uuid.UUID
    team_name: str
    may_view: bool


def _address_key(value: str) -> str:
    """Letters and digits only, lower case: "Kerkstraat 12-a" and "kerkstraat 12a" are the same address."""
    return re.sub(r"[\W_]+", "", clean(value).casefold())


def _phone_key(value: str) -> str:
    """Digits only, with +31 / 0031 written as 0: "06-12345678" and "+31 6 1234 5678" are one number."""
    digits = re.sub(r"\D+", "", value)
    if digits.startswith("0031"):
        digits = "0" + digits[4:]
    elif digits.startswith("31") and value.strip().startswith("+"):
        digits = "0" + digits[2:]
    return digits


async def already_registered(db: AsyncSession, actor: Actor, data: HouseholdInput) -> RegisteredHousehold | None:
    """A household of this gemeente with an open trajectory that is the one being registered.

    The match is the same name together with the same address or the same phone number. The name alone is
    not enough (many households share a surname); an address or phone number alone is not either (a
    household moves on and another moves in, a number is passed on), but a name with one of them is very
    likely the same household. Without an address and a phone number nothing can be told and nothing is
    matched. Closed trajectories do not count: a household may be registered again after its trajectory
    ended.
    """
    address, phone = _address_key(data.address), _phone_key(data.phone)
    if not address and not phone:
        return None
    rows = await db.execute(
        select(Household.id, Household.address, Household.phone, Team.name)
        .join(Trajectory, Trajectory.household_id == Household.id)
        .join(Team, Team.id == Household.team_id)
        .where(
            Household.municipality_id == actor.person.municipality_id,
            func.lower(Household.name) == data.name.lower(),
            Trajectory.phase != Phase.AFGESLOTEN,
        )
        .order_by(Household.created_at)
    )
    for household_id, their_address, their_phone, team_name in rows.tuples():
        if (address and _address_key(their_address) == address) or (phone and _phone_key(their_phone) == phone):
            relations, _household = await relations_to_household(db, actor, household_id)
            may_view = decide(relations, Action.HOUSEHOLD_VIEW).allowed
            return RegisteredHousehold(household_id=household_id, team_name=team_name, may_view=may_view)
    return None


async def register_household(db: AsyncSession, actor: Actor, data: HouseholdInput) -> Household:
    """A regisseur registers a household: members, an account for each adult, and a trajectory in its first
    phase, the aanmelding. A household that already has an open trajectory is not registered twice
    (``AlreadyRegistered``)."""
    data.validate()
    teams = actor.teams(Role.REGISSEUR)
    if not teams:
        raise NotAllowed
    # A team the admin ended takes no new households.
    active = sorted(await db.scalars(select(Team.id).where(Team.id.in_(teams), Team.ended_at.is_(None))))
    if not active:
        raise NotAllowed(N_("Je team is beëindigd. Vraag de beheerder om een rol in een ander team."))
    match = await already_registered(db, actor, data)
    if match is not None:
        raise AlreadyRegistered(match)
    team_id = active[0]
    household = Household(
        municipality_id=actor.person.municipality_id,
        team_id=team_id,
        name=data.name,
        wijk=clean(data.wijk),
        address=clean(data.address),
        phone=clean(data.phone),
    )
    db.add(household)
    await db.flush()
    for item in data.members:
        person_id = None
        if item.is_adult:
            person = await create_person(
                db,
                municipality_id=household.municipality_id,
                display_name=item.first_name,
                role=Role.HOUSEHOLD_MEMBER,
                household_id=household.id,
            )
            person_id = person.id
        db.add(
            Member(household_id=household.id, person_id=person_id, first_name=item.first_name, is_adult=item.is_adult)
        )
    db.add(
        Trajectory(
            household_id=household.id,
            phase=Phase.AANMELDING,
            regisseur_id=actor.id,
            referral_source=ReferralSource(data.referral_source),
            referred_by=clean(data.referred_by)[:120],
            question=data.question,
            started_on=data.registration_day(),
            regisseur_since=data.registration_day(),
        )
    )
    await db.flush()
    await record_event(
        db,
        household_id=household.id,
        actor=actor.person,
        kind=EventKind.HOUSEHOLD_REGISTERED,
        detail={"members": len(data.members), "referral_source": data.referral_source, "question": data.question},
    )
    return household


async def member_of(db: AsyncSession, household_id: uuid.UUID, member_id: uuid.UUID) -> Member:
    return await get_in_household(db, Member, member_id, household_id)


async def person_of_member(db: AsyncSession, member: Member) -> Person:
    if member.person_id is None:
        raise NotFound(N_("Alleen volwassen leden krijgen een eigen toegang."))
    person = await db.get(Person, member.person_id)
    if person is None:
        raise NotFound
    return person


async def passkeys_of(db: AsyncSession, person_id: uuid.UUID) -> list[Passkey]:
    result = await db.scalars(select(Passkey).where(Passkey.person_id == person_id).order_by(Passkey.created_at))
    return list(result)


@cache
def _passkey_counts_statement() -> Select[tuple[uuid.UUID, int]]:
    return (
        select(Passkey.person_id, func.count())
        .where(Passkey.person_id.in_(bindparam("person_ids", expanding=True)))
        .group_by(Passkey.person_id)
    )


async def passkey_counts(db: AsyncSession, person_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not person_ids:
        return {}
    rows = await db.execute(_passkey_counts_statement(), {"person_ids": person_ids})
    return {person_id: int(count) for person_id, count in rows.tuples()}


def passkey_count(person_id: SQLColumnExpression[uuid.UUID | None]) -> ScalarSelect[int]:
    """How many passkeys the person has, as a column of a statement that reads people (the members on the
    household overview)."""
    return select(func.count()).select_from(Passkey).where(Passkey.person_id == person_id).scalar_subquery()


async def end_sessions(db: AsyncSession, person_id: uuid.UUID) -> None:
    """Sign the person out in every browser at once. Sessions live in the database, so this holds on every
    app process from the next request on: a stolen phone's cookie reads nothing more."""
    await db.execute(delete(WebSession).where(WebSession.person_id == person_id))


async def revoke_all_passkeys(db: AsyncSession, person: Person, by: Actor, household_id: uuid.UUID | None) -> int:
    """Lost phone: every passkey of the person stops working at once, and so does every session that was
    signed in with one; the step is logged. Nobody does this to themselves from here (that would lock them
    out); a person removes their own passkeys on "Mijn passkeys"."""
    if by.id == person.id:
        raise NotAllowed(N_("Je eigen passkeys beheer je bij Mijn passkeys."))
    result = await db.execute(delete(Passkey).where(Passkey.person_id == person.id))
    count = int(getattr(result, "rowcount", 0) or 0)
    await end_sessions(db, person.id)
    if household_id is not None:
        await record_event(
            db,
            household_id=household_id,
            actor=by.person,
            kind=EventKind.PERSON_PASSKEYS_REVOKED,
            detail={"person_name": person.display_name, "count": count},
        )
    return count


async def household_team(db: AsyncSession, household_id: uuid.UUID) -> Team | None:
    household = await db.get(Household, household_id)
    return await db.get(Team, household.team_id) if household else None


async def volunteer_organisation(db: AsyncSession, actor: Actor) -> Organisation:
    for assignment in actor.roles:
        if assignment.role == Role.VOLUNTEER_COORDINATOR and assignment.organisation_id:
            organisation = await db.get(Organisation, assignment.organisation_id)
            if organisation and organisation.kind == OrganisationKind.VOLUNTEER:
                return organisation
    raise NotAllowed


@dataclass
class StaffInput:
    """A professional, team lead, coordinator or admin, as the admin types them in."""

    name: str = ""
    role: str = ""
    # The id of the team or organisation the role needs.
    context: str = ""


@dataclass
class VolunteerInput:
    name: str = ""


@dataclass
class PasskeyRemoval:
    # "ja" confirms removing the last passkey.
    bevestig: str = ""


@dataclass
class LanguageChoice:
    # A supported locale, or empty to follow the browser.
    locale: str = ""
    # The page to go back to after choosing (a path on this site).
    terug: str = ""


# Roles an admin may give; which context each needs.
ADMIN_ROLES: dict[Role, str] = {
    Role.REGISSEUR: "team",
    Role.TEAM_LEAD: "team",
    Role.PARTNER_PROFESSIONAL: "organisation",
    Role.VOLUNTEER_COORDINATOR: "organisation",
    Role.ADMIN: "",
}


async def _role_context(
    db: AsyncSession, actor: Actor, role: str, context_id: str, errors: dict[str, str]
) -> tuple[Role | None, uuid.UUID | None, uuid.UUID | None]:
    """The role an admin gives and the team or organisation it needs, each of the admin's own gemeente and
    not ended; a message per field for what does not fit."""
    chosen = Role(role) if role in Role._value2member_map_ else None
    if chosen is None or chosen not in ADMIN_ROLES:
        errors["role"] = N_("Kies een rol.")
        return None, None, None
    team_id = organisation_id = None
    if ADMIN_ROLES[chosen]:
        try:
            context_uuid = uuid.UUID(context_id)
        except ValueError:
            context_uuid = None
        if ADMIN_ROLES[chosen] == "team":
            team = await db.get(Team, context_uuid) if context_uuid else None
            if team is None or team.municipality_id != actor.person.municipality_id or team.ended_at is not None:
                errors["context"] = N_("Kies het team waarin deze persoon werkt.")
            else:
                team_id = team.id
        else:
            organisation = await db.get(Organisation, context_uuid) if context_uuid else None
            wanted = OrganisationKind.VOLUNTEER if chosen is Role.VOLUNTEER_COORDINATOR else OrganisationKind.PARTNER
            if (
                organisation is None
                or organisation.municipality_id != actor.person.municipality_id
                or organisation.kind != wanted
                or organisation.ended_at is not None
            ):
                errors["context"] = N_("Kies de organisatie waar deze persoon werkt.")
            else:
                organisation_id = organisation.id
    return chosen, team_id, organisation_id


async def create_staff(db: AsyncSession, actor: Actor, *, name: str, role: str, context_id: str) -> Person:
    """The functional admin creates a professional, team lead, coordinator or admin of their gemeente."""
    errors: dict[str, str] = refused(name=name)
    name = clean(name)
    if not name:
        errors["name"] = N_("Vul een naam in.")
    elif len(name) > 120:
        errors["name"] = N_("De naam is te lang (hoogstens 120 tekens).")
    chosen, team_id, organisation_id = await _role_context(db, actor, role, context_id, errors)
    if errors or chosen is None:
        raise InvalidInput(errors)
    return await create_person(
        db,
        municipality_id=actor.person.municipality_id,
        display_name=name,
        role=chosen,
        team_id=team_id,
        organisation_id=organisation_id,
    )


async def create_volunteer(db: AsyncSession, actor: Actor, *, name: str) -> Person:
    organisation = await volunteer_organisation(db, actor)
    check("name", name)
    name = clean(name)
    if not name:
        raise InvalidInput({"name": N_("Vul een naam in.")})
    if len(name) > 120:
        raise InvalidInput({"name": N_("De naam is te lang (hoogstens 120 tekens).")})
    return await create_person(
        db,
        municipality_id=organisation.municipality_id,
        display_name=name,
        role=Role.VOLUNTEER,
        organisation_id=organisation.id,
    )


async def staff_of(db: AsyncSession, actor: Actor) -> list[Person]:
    """People the admin manages: everyone in the gemeente with a professional or coordinator role."""
    roles = [r.value for r in ADMIN_ROLES]
    result = await db.scalars(
        select(Person)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(Person.municipality_id == actor.person.municipality_id, RoleAssignment.role.in_(roles))
        .order_by(Person.display_name)
        .distinct()
    )
    return list(result)


async def volunteers_of(db: AsyncSession, actor: Actor) -> list[Person]:
    organisation = await volunteer_organisation(db, actor)
    result = await db.scalars(
        select(Person)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(RoleAssignment.organisation_id == organisation.id, RoleAssignment.role == Role.VOLUNTEER)
        .order_by(Person.display_name)
        .distinct()
    )
    return list(result)


async def managed_person(db: AsyncSession, actor: Actor, person_id: uuid.UUID, *, volunteers: bool) -> Person:
    """A person this admin (or coordinator) may issue links for; anyone else looks like nobody."""
    candidates = await (volunteers_of(db, actor) if volunteers else staff_of(db, actor))
    for person in candidates:
        if person.id == person_id:
            return person
    raise NotFound


# --------------------------------------------------------------------------------------------------------
# The admin's page per person: roles, ending a role, deactivating
# --------------------------------------------------------------------------------------------------------

# Days are the gemeente's days: a role ended "from 1 March" stops at the start of 1 March in the Netherlands.
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


def local_today() -> dt.date:
    return utcnow().astimezone(LOCAL_TZ).date()


@dataclass(frozen=True)
class StaffRole:
    """One role of a person as the admin sees it: what, where, since when, and until when."""

    id: uuid.UUID
    role: Role
    context: str
    granted_at: dt.datetime | None
    ends_at: dt.datetime | None
    active: bool


async def staff_roles(db: AsyncSession, person: Person) -> list[StaffRole]:
    """The person's roles of the admin's kind (no household or network roles), working ones first."""
    rows = await db.execute(
        select(RoleAssignment, Team.name, Organisation.name)
        .outerjoin(Team, Team.id == RoleAssignment.team_id)
        .outerjoin(Organisation, Organisation.id == RoleAssignment.organisation_id)
        .where(RoleAssignment.person_id == person.id, RoleAssignment.role.in_([r.value for r in ADMIN_ROLES]))
    )
    now = utcnow()
    roles = [
        StaffRole(
            id=assignment.id,
            role=Role(assignment.role),
            context=team_name or organisation_name or "",
            granted_at=assignment.granted_at,
            ends_at=assignment.revoked_at,
            active=assignment.active_at(now),
        )
        for assignment, team_name, organisation_name in rows.tuples()
    ]
    return sorted(roles, key=lambda r: (not r.active, r.ends_at is not None, r.role.value, r.context))


@dataclass
class RoleInput:
    """A role the admin adds to someone, with its team or organisation (as on the create form)."""

    role: str = ""
    context: str = ""


@dataclass
class RoleEndInput:
    """The day a role ends: today (at once) or a later day."""

    ends_on: str = ""

    def validate(self) -> dt.date:
        try:
            day = dt.date.fromisoformat(clean(self.ends_on))
        except ValueError:
            raise InvalidInput({"ends_on": N_("Vul een datum in, bijvoorbeeld 15-03-2027.")}) from None
        if day < local_today():
            raise InvalidInput({"ends_on": N_("Kies vandaag of een latere dag.")})
        if day > local_today() + dt.timedelta(days=366):
            raise InvalidInput({"ends_on": N_("Kies een dag binnen een jaar.")})
        return day


OWN_ADMIN_ROLE = N_("Je kunt je eigen rol als beheerder niet beëindigen. Vraag een andere beheerder.")
OWN_DEACTIVATION = N_("Je kunt jezelf niet deactiveren. Vraag een andere beheerder.")


async def add_role(db: AsyncSession, actor: Actor, person: Person, data: RoleInput) -> RoleAssignment:
    """Give the person another role, with the team or organisation it needs."""
    errors: dict[str, str] = refused(role=data.role, context=data.context)
    chosen, team_id, organisation_id = await _role_context(db, actor, data.role, data.context, errors)
    if chosen is not None and not errors:
        now = utcnow()
        if any(
            r.role == chosen and r.team_id == team_id and r.organisation_id == organisation_id and r.active_at(now)
            for r in person.roles
        ):
            errors["role"] = N_("Deze persoon heeft deze rol hier al.")
    if errors or chosen is None:
        raise InvalidInput(errors)
    assignment = RoleAssignment(
        person_id=person.id, role=chosen, team_id=team_id, organisation_id=organisation_id, granted_at=utcnow()
    )
    db.add(assignment)
    await db.flush()
    await _account_event(db, person, "role.added", actor)
    return assignment


async def staff_role_of(db: AsyncSession, person: Person, role_id: uuid.UUID) -> RoleAssignment:
    """One of the person's roles of the admin's kind; anything else looks like nothing."""
    assignment = await db.get(RoleAssignment, role_id)
    if assignment is None or assignment.person_id != person.id or Role(assignment.role) not in ADMIN_ROLES:
        raise NotFound
    return assignment


class RoleAlreadyEnded(IllegalTransition):
    message = N_("Deze rol is al beëindigd.")


async def end_role(
    db: AsyncSession, actor: Actor, person: Person, assignment: RoleAssignment, data: RoleEndInput
) -> None:
    """End a role today (it stops working at once) or from a later day (it works until that day starts). An
    admin does not end their own admin role: a gemeente could be left without anyone to manage it."""
    day = data.validate()
    if person.id == actor.id and assignment.role == Role.ADMIN:
        raise InvalidInput({"ends_on": OWN_ADMIN_ROLE}, OWN_ADMIN_ROLE)
    now = utcnow()
    if not assignment.active_at(now):
        raise RoleAlreadyEnded
    if day <= local_today():
        assignment.revoked_at = now
    else:
        assignment.revoked_at = dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ).astimezone(dt.UTC)
    await db.flush()
    await _account_event(db, person, "role.ended", actor)


async def deactivate(db: AsyncSession, actor: Actor, person: Person) -> None:
    """Switch off all of the person's access at once: every session ends in the same transaction (so an open
    browser gets the sign-in page on its next request), and passkeys and links no longer sign them in. Their
    roles and passkeys stay, so that reactivating gives the same access back."""
    if person.id == actor.id:
        raise NotAllowed(OWN_DEACTIVATION)
    if person.deactivated_at is not None:
        return
    person.deactivated_at = utcnow()
    await end_sessions(db, person.id)
    # Links made before stay dead after a reactivation too: whoever needs one gets a new one then.
    await db.execute(
        update(EnrolmentToken)
        .where(EnrolmentToken.person_id == person.id, EnrolmentToken.used_at.is_(None))
        .values(used_at=person.deactivated_at)
    )
    await db.flush()
    await _account_event(db, person, "person.deactivated", actor)


async def reactivate(db: AsyncSession, actor: Actor, person: Person) -> None:
    if person.deactivated_at is None:
        return
    person.deactivated_at = None
    await db.flush()
    await _account_event(db, person, "person.reactivated", actor)


async def _account_event(db: AsyncSession, person: Person, kind: str, by: Actor) -> None:
    db.add(AccountEvent(person_id=person.id, kind=kind, actor_name=by.person.display_name, created_at=utcnow()))
    await db.flush()


@dataclass(frozen=True)
class AdminStart:
    """What waits for the admin on their start page: colleagues who never made a passkey (their link may have
    expired), and how many people are active."""

    not_enrolled: int
    active: int


async def admin_start(db: AsyncSession, actor: Actor) -> AdminStart:
    staff = await staff_of(db, actor)
    active = [p for p in staff if p.deactivated_at is None]
    return AdminStart(not_enrolled=sum(1 for p in active if p.enrolled_at is None), active=len(active))
