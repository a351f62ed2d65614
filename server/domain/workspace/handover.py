"""Handovers: the regisseur lets go only when the receiver says yes (DESIGN.md principle 2).

Two kinds:
- the warme overdracht (afschalen): a named professional of a partner organisation of the gemeente takes the
  household on; when they accept, they are in the involvement register and the trajectory is closed as
  "overgedragen". Accepting gives them no dossier access: they see only what the household shares;
- the regisseur role to a colleague of the household's team, in any open phase; when they accept they are
  the household's regisseur from that day, and the one before has no access any more (access follows
  ``Trajectory.regisseur_id``).

Until the receiver answers, the regisseur stays the regisseur, both see the handover as pending, and there is
at most one pending handover per trajectory. Every step is a timeline event in words the household reads.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.domain import involvement, lifecycle
from server.domain.access_log import Look, record_page_looks
from server.domain.errors import N_, IllegalTransition, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import (
    Household,
    Organisation,
    OrganisationKind,
    Person,
    Phase,
    Role,
    RoleAssignment,
    Trajectory,
    utcnow,
)
from server.domain.policy import Actor, Relation
from server.domain.text import clean, refused
from server.domain.workspace.model import Handover, HandoverKind, HandoverStatus

# Afschalen comes after an evaluatie, or straight from uitvoering after a kortstondige inzet (lifecycle.py).
WARM_PHASES = frozenset({Phase.UITVOERING, Phase.EVALUATIE})
MAX_NOTE = 500
MAX_ANSWER = 300
# What the household reads in its access log when a receiver saw its name on their start page.
RECEIVER_LIST_RESOURCE = "handover"

NOT_PENDING = N_("Deze overdracht is al beantwoord of ingetrokken.")


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


def _note(note: str, errors: dict[str, str]) -> str:
    errors.update(refused(long_texts=("note",), note=note))
    text = clean(note)
    if len(text) > MAX_NOTE:
        errors["note"] = N_("De toelichting is te lang (hoogstens 500 tekens).")
    return text


@dataclass
class WarmHandoverInput:
    """A warme overdracht: the partner organisation, the professional there who takes over, and a note."""

    organisation_id: str = ""
    person_id: str = ""
    note: str = ""

    def validate(self) -> tuple[uuid.UUID, uuid.UUID]:
        errors: dict[str, str] = {}
        self.note = _note(self.note, errors)
        organisation, person = _uuid(self.organisation_id), _uuid(self.person_id)
        if organisation is None or person is None:
            errors["partner"] = N_("Kies de professional die het overneemt.")
        if errors or organisation is None or person is None:
            raise InvalidInput(errors)
        return organisation, person


@dataclass
class RegisseurHandoverInput:
    """The regisseur role to a colleague of the team, with a note."""

    person_id: str = ""
    note: str = ""

    def validate(self) -> uuid.UUID:
        errors: dict[str, str] = {}
        self.note = _note(self.note, errors)
        person = _uuid(self.person_id)
        if person is None:
            errors["colleague"] = N_("Kies de collega die regisseur wordt.")
        if errors or person is None:
            raise InvalidInput(errors)
        return person


@dataclass
class HandoverForm:
    """The regisseur's form: warm to a partner (``partner`` is "<organisation id>:<person id>", one option per
    professional) or to a colleague (``colleague``), with a note."""

    kind: str = ""
    partner: str = ""
    colleague: str = ""
    note: str = ""

    def to_input(self) -> WarmHandoverInput | RegisseurHandoverInput:
        if self.kind == HandoverKind.WARM:
            organisation, _sep, person = self.partner.partition(":")
            return WarmHandoverInput(organisation_id=organisation, person_id=person, note=self.note)
        if self.kind == HandoverKind.REGISSEUR:
            return RegisseurHandoverInput(person_id=self.colleague, note=self.note)
        raise InvalidInput({"kind": N_("Kies aan wie je overdraagt.")})


@dataclass
class AnswerInput:
    """The receiver's answer when they say no: a few words for the regisseur (and the household)."""

    answer: str = ""

    def validate(self) -> str:
        errors = refused(long_texts=("answer",), answer=self.answer)
        self.answer = clean(self.answer)
        if not errors and not self.answer:
            errors["answer"] = N_("Schrijf kort waarom je nee zegt.")
        elif len(self.answer) > MAX_ANSWER:
            errors["answer"] = N_("Je antwoord is te lang (hoogstens 300 tekens).")
        if errors:
            raise InvalidInput(errors)
        return self.answer


# ------------------------------------------------------------------------------------------------------------
# Who may receive
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    person_id: uuid.UUID
    name: str
    organisation_id: uuid.UUID | None = None
    organisation: str = ""


async def partner_candidates(db: AsyncSession, municipality_id: uuid.UUID) -> list[Candidate]:
    """The professionals of the gemeente's partner organisations, by organisation: who can take over warm."""
    rows = await db.execute(
        select(Person.id, Person.display_name, Organisation.id, Organisation.name)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .join(Organisation, Organisation.id == RoleAssignment.organisation_id)
        .where(
            Organisation.municipality_id == municipality_id,
            Organisation.kind == OrganisationKind.PARTNER,
            Organisation.ended_at.is_(None),
            Person.municipality_id == municipality_id,
            RoleAssignment.role == Role.PARTNER_PROFESSIONAL,
            RoleAssignment.active_clause(),
            Person.deactivated_at.is_(None),
        )
        .order_by(Organisation.name, Person.display_name)
    )
    return [Candidate(p, n, o, on) for p, n, o, on in rows.tuples()]


async def colleague_candidates(db: AsyncSession, team_id: uuid.UUID, regisseur_id: uuid.UUID | None) -> list[Candidate]:
    """The other regisseurs of the household's team."""
    rows = await db.execute(
        select(Person.id, Person.display_name)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            RoleAssignment.team_id == team_id,
            RoleAssignment.role == Role.REGISSEUR,
            RoleAssignment.active_clause(),
            Person.deactivated_at.is_(None),
            *([Person.id != regisseur_id] if regisseur_id else []),
        )
        .distinct()
        .order_by(Person.display_name, Person.id)
    )
    return [Candidate(p, n) for p, n in rows.tuples()]


async def _partner(
    db: AsyncSession, municipality_id: uuid.UUID, organisation_id: uuid.UUID, person_id: uuid.UUID
) -> tuple[Organisation, Person]:
    """The organisation, if it is a partner organisation of the gemeente, and the person, if they work there."""
    organisation = await db.get(Organisation, organisation_id)
    if (
        organisation is None
        or organisation.municipality_id != municipality_id
        or organisation.kind != OrganisationKind.PARTNER
        or organisation.ended_at is not None
    ):
        raise InvalidInput({"partner": N_("Kies een partnerorganisatie van de gemeente.")})
    person = await db.scalar(
        select(Person)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            Person.id == person_id,
            Person.municipality_id == municipality_id,
            RoleAssignment.organisation_id == organisation_id,
            RoleAssignment.role == Role.PARTNER_PROFESSIONAL,
            RoleAssignment.active_clause(),
            Person.deactivated_at.is_(None),
        )
        .limit(1)
    )
    if person is None:
        raise InvalidInput(
            {"partner": N_("Deze persoon werkt niet (meer) bij %(organisation)s.", organisation=organisation.name)}
        )
    return organisation, person


async def _colleague(db: AsyncSession, household: Household, person_id: uuid.UUID) -> Person:
    person = await db.scalar(
        select(Person)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            Person.id == person_id,
            Person.municipality_id == household.municipality_id,
            RoleAssignment.team_id == household.team_id,
            RoleAssignment.role == Role.REGISSEUR,
            RoleAssignment.active_clause(),
            Person.deactivated_at.is_(None),
        )
        .limit(1)
    )
    if person is None:
        raise InvalidInput({"colleague": N_("Kies een regisseur uit het team van dit huishouden.")})
    return person


# ------------------------------------------------------------------------------------------------------------
# The regisseur's side
# ------------------------------------------------------------------------------------------------------------


async def pending_for_trajectory(db: AsyncSession, trajectory_id: uuid.UUID) -> Handover | None:
    result: Handover | None = await db.scalar(
        select(Handover)
        .where(Handover.trajectory_id == trajectory_id, Handover.status == HandoverStatus.PENDING)
        .order_by(Handover.created_at.desc())
        .limit(1)
    )
    return result


async def _household(db: AsyncSession, trajectory: Trajectory) -> Household:
    household = await db.get(Household, trajectory.household_id)
    if household is None:
        raise NotFound
    return household


async def _check_can_offer(db: AsyncSession, actor: Actor, trajectory: Trajectory) -> None:
    if trajectory.phase == Phase.AFGESLOTEN:
        raise IllegalTransition(N_("Dit traject is afgesloten."))
    if trajectory.regisseur_id != actor.id:
        # The guard lets only the household's own regisseur here; this keeps the rule in the domain too.
        raise IllegalTransition(N_("Alleen de regisseur van het huishouden kan overdragen."))
    if await pending_for_trajectory(db, trajectory.id) is not None:
        raise IllegalTransition(
            N_("Er wacht al een overdracht op antwoord. Trek die eerst in als je iemand anders wilt vragen.")
        )


async def offer_warm_handover(
    db: AsyncSession, actor: Actor, trajectory: Trajectory, data: WarmHandoverInput
) -> Handover:
    """Ask a professional of a partner organisation to take the household on (afschalen)."""
    organisation_id, person_id = data.validate()
    await _check_can_offer(db, actor, trajectory)
    if trajectory.phase not in WARM_PHASES:
        raise IllegalTransition(N_("Een warme overdracht kan pas in de uitvoering of bij de evaluatie."))
    household = await _household(db, trajectory)
    organisation, person = await _partner(db, household.municipality_id, organisation_id, person_id)
    handover = Handover(
        household_id=household.id,
        trajectory_id=trajectory.id,
        kind=HandoverKind.WARM,
        from_person_id=actor.id,
        to_person_id=person.id,
        to_organisation_id=organisation.id,
        note=data.note,
    )
    db.add(handover)
    await db.flush()
    await record_event(
        db,
        household_id=household.id,
        actor=actor.person,
        kind=EventKind.HANDOVER_OFFERED,
        detail={"handover_kind": str(HandoverKind.WARM), "to": person.display_name, "organisation": organisation.name},
        subject_id=handover.id,
    )
    return handover


async def offer_regisseur_handover(
    db: AsyncSession, actor: Actor, trajectory: Trajectory, data: RegisseurHandoverInput
) -> Handover:
    """Ask a colleague of the household's team to become the household's regisseur."""
    person_id = data.validate()
    await _check_can_offer(db, actor, trajectory)
    if person_id == actor.id:
        raise InvalidInput({"colleague": N_("Je bent zelf al de regisseur. Kies een collega.")})
    household = await _household(db, trajectory)
    colleague = await _colleague(db, household, person_id)
    handover = Handover(
        household_id=household.id,
        trajectory_id=trajectory.id,
        kind=HandoverKind.REGISSEUR,
        from_person_id=actor.id,
        to_person_id=colleague.id,
        note=data.note,
    )
    db.add(handover)
    await db.flush()
    await record_event(
        db,
        household_id=household.id,
        actor=actor.person,
        kind=EventKind.HANDOVER_OFFERED,
        detail={"handover_kind": str(HandoverKind.REGISSEUR), "to": colleague.display_name},
        subject_id=handover.id,
    )
    return handover


async def offer(
    db: AsyncSession, actor: Actor, trajectory: Trajectory, data: WarmHandoverInput | RegisseurHandoverInput
) -> Handover:
    if isinstance(data, WarmHandoverInput):
        return await offer_warm_handover(db, actor, trajectory, data)
    return await offer_regisseur_handover(db, actor, trajectory, data)


async def _decide(db: AsyncSession, handover: Handover, status: HandoverStatus, answer: str = "") -> None:
    """Close the pending handover, once: of two answers at the same moment, the second finds it answered."""
    now = utcnow()
    result = await db.execute(
        update(Handover)
        .where(Handover.id == handover.id, Handover.status == HandoverStatus.PENDING)
        .values(status=status, decided_at=now, answer=answer)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise IllegalTransition(NOT_PENDING)
    handover.status, handover.decided_at, handover.answer = status, now, answer


async def _names(db: AsyncSession, handover: Handover) -> dict[str, str]:
    """The receiver's name and organisation, as the household reads them."""
    sender = aliased(Person)
    row = (
        await db.execute(
            select(Person.display_name, Organisation.name, sender.display_name)
            .select_from(Person)
            .outerjoin(Organisation, Organisation.id == handover.to_organisation_id)
            .outerjoin(sender, sender.id == handover.from_person_id)
            .where(Person.id == handover.to_person_id)
        )
    ).first()
    name, organisation, regisseur = (row[0], row[1] or "", row[2] or "") if row else ("", "", "")
    return {"handover_kind": str(handover.kind), "to": name, "organisation": organisation, "regisseur": regisseur}


async def withdraw(db: AsyncSession, actor: Actor, trajectory: Trajectory) -> Handover:
    """The regisseur withdraws the pending handover and stays the regisseur."""
    handover = await pending_for_trajectory(db, trajectory.id)
    if handover is None:
        raise IllegalTransition(NOT_PENDING)
    await _decide(db, handover, HandoverStatus.WITHDRAWN)
    await record_event(
        db,
        household_id=trajectory.household_id,
        actor=actor.person,
        kind=EventKind.HANDOVER_WITHDRAWN,
        detail=await _names(db, handover),
        subject_id=handover.id,
    )
    return handover


# ------------------------------------------------------------------------------------------------------------
# The receiver's side
# ------------------------------------------------------------------------------------------------------------


async def offered_to(db: AsyncSession, actor: Actor, household_id: uuid.UUID) -> Handover:
    """The pending handover of this household offered to this person, or NotFound."""
    handover: Handover | None = await db.scalar(
        select(Handover)
        .where(
            Handover.household_id == household_id,
            Handover.to_person_id == actor.id,
            Handover.status == HandoverStatus.PENDING,
        )
        .order_by(Handover.created_at.desc())
        .limit(1)
    )
    if handover is None:
        raise NotFound
    return handover


async def _open_trajectory_of(db: AsyncSession, handover: Handover) -> Trajectory:
    trajectory = await db.get(Trajectory, handover.trajectory_id)
    if trajectory is None or trajectory.phase == Phase.AFGESLOTEN:
        raise IllegalTransition(N_("Dit traject is al afgesloten; de overdracht kan niet meer doorgaan."))
    return trajectory


async def accept(db: AsyncSession, actor: Actor, household_id: uuid.UUID) -> Handover:
    """The receiver says yes. Warm: they are in the involvement register from today and the trajectory is
    closed as "overgedragen". Regisseur role: they are the household's regisseur from today."""
    handover = await offered_to(db, actor, household_id)
    trajectory = await _open_trajectory_of(db, handover)
    today = utcnow().date()
    if handover.kind == HandoverKind.WARM:
        if trajectory.phase not in WARM_PHASES:
            raise IllegalTransition(
                N_("Het traject is niet meer in de uitvoering of evaluatie; deze overdracht kan nu niet doorgaan.")
            )
        if handover.to_organisation_id is None:
            raise IllegalTransition(NOT_PENDING)
        household = await _household(db, trajectory)
        organisation, person = await _partner(db, household.municipality_id, handover.to_organisation_id, actor.id)
        await _decide(db, handover, HandoverStatus.ACCEPTED)
        # Into the register from today, once: an organisation already there (from a share) is not added twice.
        await involvement.involve_organisation(
            db,
            actor,
            household_id,
            organisation_name=organisation.name,
            organisation_id=organisation.id,
            professional_name=person.display_name,
            because=involvement.BY_HANDOVER,
        )
        detail = {**await _names(db, handover), "since": today.isoformat()}
        await record_event(
            db,
            household_id=household_id,
            actor=actor.person,
            kind=EventKind.HANDOVER_ACCEPTED,
            detail=detail,
            subject_id=handover.id,
        )
        trajectory.handed_over_to = organisation.name
        # The regisseur lets go: the trajectory is closed in her name, the step she waited for.
        regisseur = await db.get(Person, trajectory.regisseur_id) if trajectory.regisseur_id else None
        await lifecycle.move(
            db,
            trajectory,
            Phase.AFGESLOTEN,
            regisseur,
            reason=f"overgedragen: {organisation.name}"[:200],
            detail={"organisation": organisation.name},
        )
        return handover
    household = await _household(db, trajectory)
    await _colleague(db, household, actor.id)
    await _decide(db, handover, HandoverStatus.ACCEPTED)
    trajectory.regisseur_id = actor.id
    trajectory.regisseur_since = today
    trajectory.version += 1
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.HANDOVER_ACCEPTED,
        detail={**await _names(db, handover), "since": today.isoformat()},
        subject_id=handover.id,
    )
    return handover


async def decline(db: AsyncSession, actor: Actor, household_id: uuid.UUID, data: AnswerInput) -> Handover:
    """The receiver says no, with a short answer; the regisseur goes on and reads the answer."""
    answer = data.validate()
    handover = await offered_to(db, actor, household_id)
    await _decide(db, handover, HandoverStatus.DECLINED, answer)
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.HANDOVER_DECLINED,
        detail={**await _names(db, handover), "answer": answer},
        subject_id=handover.id,
    )
    return handover


# ------------------------------------------------------------------------------------------------------------
# Lists
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingHandover:
    handover_id: uuid.UUID
    household_id: uuid.UUID
    household_name: str
    kind: HandoverKind
    phase: Phase
    from_name: str
    to_name: str
    organisation: str
    note: str
    since: dt.datetime


class _Pending(enum.Enum):
    """Whose pending handovers a statement asks for: one shape each, so each is built once."""

    FOR_RECEIVER = "for_receiver"
    OFFERED_TO = "offered_to"
    OF_HOUSEHOLD = "of_household"


@cache
def _pending_statement(which: _Pending) -> Select[Any]:
    """The pending handovers with the names the lists show, built once per shape: the receiver's start page
    (all offered to them, oldest first), the receiver's view of one household's offer, and the household's own
    pending handover (the newest)."""
    sender, receiver = aliased(Person), aliased(Person)
    statement = (
        select(
            Handover.id,
            Handover.household_id,
            Household.name,
            Handover.kind,
            Trajectory.phase,
            sender.display_name,
            receiver.display_name,
            Organisation.name,
            Handover.note,
            Handover.created_at,
        )
        .join(Household, Household.id == Handover.household_id)
        .join(Trajectory, Trajectory.id == Handover.trajectory_id)
        .join(receiver, receiver.id == Handover.to_person_id)
        .outerjoin(sender, sender.id == Handover.from_person_id)
        .outerjoin(Organisation, Organisation.id == Handover.to_organisation_id)
        # A handover of a trajectory that was closed meanwhile waits for nobody.
        .where(Handover.status == HandoverStatus.PENDING, Trajectory.phase != Phase.AFGESLOTEN)
    )
    person_id = bindparam("person_id", type_=Handover.to_person_id.type)
    household_id = bindparam("household_id", type_=Handover.household_id.type)
    if which is _Pending.FOR_RECEIVER:
        municipality_id = bindparam("municipality_id", type_=Household.municipality_id.type)
        return statement.where(
            Handover.to_person_id == person_id, Household.municipality_id == municipality_id
        ).order_by(Handover.created_at)
    if which is _Pending.OFFERED_TO:
        statement = statement.where(Handover.household_id == household_id, Handover.to_person_id == person_id)
    else:
        statement = statement.where(Handover.household_id == household_id)
    return statement.order_by(Handover.created_at.desc()).limit(1)


def _pending(row: tuple[object, ...]) -> PendingHandover:
    hid, household_id, name, kind, phase, sender, receiver, organisation, note, since = row
    return PendingHandover(
        handover_id=hid,  # type: ignore[arg-type]
        household_id=household_id,  # type: ignore[arg-type]
        household_name=str(name),
        kind=HandoverKind(str(kind)),
        phase=Phase(str(phase)),
        from_name=str(sender or ""),
        to_name=str(receiver),
        organisation=str(organisation or ""),
        note=str(note or ""),
        since=since,  # type: ignore[arg-type]
    )


async def pending_for_receiver(db: AsyncSession, actor: Actor) -> list[PendingHandover]:
    """The handovers waiting for this person's answer, for their start page. The names of those households are
    shown outside a household's own pages, so each household reads in its access log that this person saw it.
    One statement, and the looks (written after the read, see ``access_log.record_page_looks``)."""
    if not actor.role_names & {Role.PARTNER_PROFESSIONAL, Role.REGISSEUR}:
        return []
    rows = await db.execute(
        _pending_statement(_Pending.FOR_RECEIVER),
        {"person_id": actor.id, "municipality_id": actor.person.municipality_id},
    )
    pending = [_pending(tuple(row)) for row in rows.tuples()]
    await record_page_looks(
        db,
        [
            Look.of(actor, Relation.HANDOVER_RECEIVER, household_id, RECEIVER_LIST_RESOURCE)
            for household_id in dict.fromkeys(p.household_id for p in pending)
        ],
    )
    return pending


async def offered_view(db: AsyncSession, actor: Actor, household_id: uuid.UUID) -> PendingHandover:
    """What the receiver reads of the handover offered to them: no plan, no ratings."""
    row = (
        await db.execute(_pending_statement(_Pending.OFFERED_TO), {"household_id": household_id, "person_id": actor.id})
    ).first()
    if row is None:
        raise NotFound
    return _pending(tuple(row))


async def pending_for_household(db: AsyncSession, household_id: uuid.UUID) -> PendingHandover | None:
    """The handover of the household's open trajectory that waits for an answer, for the regisseur."""
    row = (await db.execute(_pending_statement(_Pending.OF_HOUSEHOLD), {"household_id": household_id})).first()
    return _pending(tuple(row)) if row else None


async def last_answer(db: AsyncSession, trajectory_id: uuid.UUID) -> Handover | None:
    """The most recent handover of the trajectory that was declined, so the regisseur reads the answer."""
    result: Handover | None = await db.scalar(
        select(Handover)
        .where(Handover.trajectory_id == trajectory_id, Handover.status != HandoverStatus.PENDING)
        .order_by(Handover.created_at.desc())
        .limit(1)
    )
    return result
