"""Escalation (doorbraak): the regisseur asks the team lead to force a breakthrough when an organisation or a
rule blocks the plan; the team lead grants it (with what is arranged) or refuses it (with why).

One open escalation per household at a time. While it is open, the team lead of the household's team has the
relation ``ESCALATION_LEAD`` (the guard computes it from the open row) and reads the escalation and the part of
the plan it is about; the decision closes it, and with it that reading right. Raising, withdrawing and the
decision are timeline events the household reads.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, ScalarSelect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.domain.access_log import Look, record_page_looks
from server.domain.errors import N_, IllegalTransition, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import Household, Person, Phase, Role, Trajectory, utcnow
from server.domain.plan.model import Goal
from server.domain.policy import Actor, Relation
from server.domain.teamwork.model import Escalation, EscalationStatus
from server.domain.text import clean, refused

MAX_BLOCKED = 500
MAX_BLOCKED_BY = 200
MAX_NEEDED = 500
MAX_DECISION = 1000
# "Het plan als geheel": the value of the goal select that names no goal.
WHOLE_PLAN = "plan"
# How long a decided escalation stays on the team lead's list and as a signal in the regisseur's caseload.
DECIDED_LIST_DAYS = 90
DECIDED_SIGNAL_DAYS = 14
# What the household reads in its access log when the team lead's list of escalations showed its name.
TEAM_ESCALATIONS_RESOURCE = "team.escalations"

GRANTED, REFUSED = "toegekend", "afgewezen"
NOT_OPEN = N_("Deze doorbraak is al beslist of ingetrokken.")
ALREADY_OPEN = N_(
    "Er staat al een doorbraak open voor dit huishouden. Wacht op het besluit van de teamleider, of trek hem in."
)


def _text(errors: dict[str, str], name: str, value: str, limit: int, empty: str, too_long: str) -> str:
    text = clean(value)
    if name in errors:
        return text
    if not text:
        errors[name] = empty
    elif len(text) > limit:
        errors[name] = too_long
    return text


@dataclass
class EscalationInput:
    """The regisseur's form: what is blocked, by whom, what is needed, by when (optional), and the goal it is
    about (a goal id, or ``WHOLE_PLAN``)."""

    blocked: str = ""
    blocked_by: str = ""
    needed: str = ""
    needed_by: str = ""
    goal: str = WHOLE_PLAN

    def validate(self, goal_ids: set[uuid.UUID], today: dt.date) -> tuple[dt.date | None, uuid.UUID | None]:
        errors = refused(
            long_texts=("blocked", "needed"), blocked=self.blocked, blocked_by=self.blocked_by, needed=self.needed
        )
        self.blocked = _text(
            errors,
            "blocked",
            self.blocked,
            MAX_BLOCKED,
            N_("Schrijf op wat er vastzit."),
            N_("Dit is te lang (hoogstens 500 tekens)."),
        )
        self.blocked_by = _text(
            errors,
            "blocked_by",
            self.blocked_by,
            MAX_BLOCKED_BY,
            N_("Schrijf op welke organisatie of regel het tegenhoudt."),
            N_("Dit is te lang (hoogstens 200 tekens)."),
        )
        self.needed = _text(
            errors,
            "needed",
            self.needed,
            MAX_NEEDED,
            N_("Schrijf op wat er nodig is."),
            N_("Dit is te lang (hoogstens 500 tekens)."),
        )
        needed_by: dt.date | None = None
        if self.needed_by.strip():
            try:
                needed_by = dt.date.fromisoformat(self.needed_by.strip())
            except ValueError:
                errors["needed_by"] = N_("Vul een datum in, zoals 2026-12-01.")
            else:
                if needed_by < today:
                    errors["needed_by"] = N_("Deze datum is al voorbij. Kies vandaag of later.")
        goal_id: uuid.UUID | None = None
        if self.goal != WHOLE_PLAN:
            try:
                goal_id = uuid.UUID(self.goal)
            except ValueError:
                goal_id = None
            if goal_id is None or goal_id not in goal_ids:
                errors["goal"] = N_("Kies een doel uit het plan, of het plan als geheel.")
        if errors:
            raise InvalidInput(errors)
        return needed_by, goal_id


@dataclass
class DecisionInput:
    """The team lead's decision: granted with what is arranged, or refused with why."""

    outcome: str = ""
    arranged: str = ""
    reason: str = ""

    def validate(self) -> tuple[EscalationStatus, str]:
        errors = refused(long_texts=("arranged", "reason"), arranged=self.arranged, reason=self.reason)
        self.arranged, self.reason = clean(self.arranged), clean(self.reason)
        status: EscalationStatus | None = None
        text = ""
        if self.outcome == GRANTED:
            status, text = EscalationStatus.GRANTED, self.arranged
            if "arranged" not in errors and not text:
                errors["arranged"] = N_("Schrijf op wat je hebt geregeld.")
            elif len(text) > MAX_DECISION:
                errors["arranged"] = N_("Dit is te lang (hoogstens 1000 tekens).")
        elif self.outcome == REFUSED:
            status, text = EscalationStatus.REFUSED, self.reason
            if "reason" not in errors and not text:
                errors["reason"] = N_("Schrijf op waarom je de doorbraak afwijst.")
            elif len(text) > MAX_DECISION:
                errors["reason"] = N_("Dit is te lang (hoogstens 1000 tekens).")
        else:
            errors["outcome"] = N_("Kies: toekennen of afwijzen.")
        if errors or status is None:
            raise InvalidInput(errors)
        return status, text


# ------------------------------------------------------------------------------------------------------------
# The regisseur's side
# ------------------------------------------------------------------------------------------------------------


async def open_escalation(db: AsyncSession, household_id: uuid.UUID) -> Escalation | None:
    """The household's open escalation, if any (there is at most one)."""
    result: Escalation | None = await db.scalar(
        select(Escalation)
        .where(Escalation.household_id == household_id, Escalation.status == EscalationStatus.OPEN)
        .order_by(Escalation.created_at.desc())
        .limit(1)
    )
    return result


def latest_id(household_id: ColumnElement[uuid.UUID]) -> ScalarSelect[uuid.UUID]:
    """The household's open escalation, or else its most recently decided one (what the regisseur sees on the
    household overview): its id, as a subquery of its own (on an alias, so that it never correlates with an
    escalation of the statement it is part of). The overview reads the escalation with the household's state."""
    escalation = aliased(Escalation)
    return (
        select(escalation.id)
        .where(escalation.household_id == household_id, escalation.status != EscalationStatus.WITHDRAWN)
        .order_by((escalation.status == EscalationStatus.OPEN).desc(), escalation.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )


async def goal_choices(db: AsyncSession, household_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """The plan's goals, for the select of the form."""
    rows = await db.execute(
        select(Goal.id, Goal.text)
        .where(Goal.household_id == household_id, Goal.removed_at.is_(None))
        .order_by(Goal.created_at, Goal.id)
    )
    return [(goal_id, text) for goal_id, text in rows.tuples()]


async def raise_escalation(
    db: AsyncSession, actor: Actor, trajectory: Trajectory, data: EscalationInput, *, today: dt.date | None = None
) -> Escalation:
    """The regisseur asks the team lead of the household's team for a breakthrough. Only with an open
    trajectory, and one open escalation per household at a time."""
    today = today or utcnow().date()
    goals = await goal_choices(db, trajectory.household_id)
    needed_by, goal_id = data.validate({goal_id for goal_id, _text in goals}, today)
    if trajectory.phase == Phase.AFGESLOTEN:
        raise IllegalTransition(N_("Dit traject is afgesloten."))
    if await open_escalation(db, trajectory.household_id) is not None:
        raise InvalidInput({"blocked": ALREADY_OPEN}, ALREADY_OPEN)
    household = await db.get(Household, trajectory.household_id)
    if household is None:
        raise NotFound
    escalation = Escalation(
        household_id=household.id,
        trajectory_id=trajectory.id,
        team_id=household.team_id,
        goal_id=goal_id,
        raised_by_id=actor.id,
        raised_by_name=actor.person.display_name,
        blocked=data.blocked,
        blocked_by=data.blocked_by,
        needed=data.needed,
        needed_by=needed_by,
    )
    db.add(escalation)
    await db.flush()
    await record_event(
        db,
        household_id=household.id,
        actor=actor.person,
        kind=EventKind.ESCALATION_RAISED,
        detail={"blocked": data.blocked, "blocked_by": data.blocked_by, "needed": data.needed},
        subject_id=escalation.id,
    )
    return escalation


async def _close(
    db: AsyncSession, escalation: Escalation, status: EscalationStatus, actor: Actor | None, decision: str = ""
) -> None:
    """Close the open escalation, once: of two decisions at the same moment, the second finds it closed."""
    now = utcnow()
    values: dict[str, object] = {"status": status, "decision": decision}
    if actor is not None:
        values.update(decided_by_id=actor.id, decided_by_name=actor.person.display_name, decided_at=now)
    result = await db.execute(
        update(Escalation)
        .where(Escalation.id == escalation.id, Escalation.status == EscalationStatus.OPEN)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise IllegalTransition(NOT_OPEN)
    for name, value in values.items():
        setattr(escalation, name, value)


async def escalation_of(db: AsyncSession, household_id: uuid.UUID, escalation_id: uuid.UUID) -> Escalation:
    """One escalation of this household, or NotFound."""
    escalation: Escalation | None = await db.scalar(
        select(Escalation).where(Escalation.id == escalation_id, Escalation.household_id == household_id)
    )
    if escalation is None:
        raise NotFound
    return escalation


async def withdraw(db: AsyncSession, actor: Actor, household_id: uuid.UUID, escalation_id: uuid.UUID) -> Escalation:
    """The regisseur takes the open escalation back before the team lead decides."""
    escalation = await escalation_of(db, household_id, escalation_id)
    await _close(db, escalation, EscalationStatus.WITHDRAWN, None)
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.ESCALATION_WITHDRAWN,
        detail={"blocked": escalation.blocked},
        subject_id=escalation.id,
    )
    return escalation


# ------------------------------------------------------------------------------------------------------------
# The team lead's side
# ------------------------------------------------------------------------------------------------------------


async def open_for_lead(db: AsyncSession, household_id: uuid.UUID, escalation_id: uuid.UUID) -> Escalation:
    """The escalation the team lead is to decide: open, of this household. A decided one is as absent as one
    that never existed (the team lead's reading right ended with the decision)."""
    escalation = await escalation_of(db, household_id, escalation_id)
    if escalation.status != EscalationStatus.OPEN:
        raise NotFound
    return escalation


async def decide(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, escalation_id: uuid.UUID, data: DecisionInput
) -> Escalation:
    """The team lead grants (what is arranged) or refuses (why). The household reads it in its timeline."""
    status, text = data.validate()
    escalation = await open_for_lead(db, household_id, escalation_id)
    if escalation.team_id not in actor.teams(Role.TEAM_LEAD):
        # The guard lets only the team lead of the household's team here; the domain keeps the rule too.
        raise NotFound
    await _close(db, escalation, status, actor, text)
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.ESCALATION_DECIDED,
        detail={
            "outcome": GRANTED if status == EscalationStatus.GRANTED else REFUSED,
            "decision": text,
            "blocked": escalation.blocked,
            "regisseur": escalation.raised_by_name,
        },
        subject_id=escalation.id,
    )
    return escalation


@dataclass(frozen=True)
class EscalationRow:
    escalation_id: uuid.UUID
    household_id: uuid.UUID
    household_name: str
    regisseur: str
    blocked: str
    blocked_by: str
    needed_by: dt.date | None
    raised_on: dt.date
    status: EscalationStatus
    decided_on: dt.date | None
    decided_by: str


@dataclass(frozen=True)
class TeamEscalations:
    open: list[EscalationRow]
    decided: list[EscalationRow]


async def team_escalations(
    db: AsyncSession, actor: Actor, *, today: dt.date | None = None, open_only: bool = False
) -> TeamEscalations:
    """The escalations of the team lead's team(s): the open ones (oldest first) and those decided in the last
    90 days. One statement; each household shown is told in its access log that the team lead saw its name."""
    teams = actor.teams(Role.TEAM_LEAD)
    if not teams:
        return TeamEscalations([], [])
    today = today or utcnow().date()
    since = dt.datetime.combine(today - dt.timedelta(days=DECIDED_LIST_DAYS), dt.time(), tzinfo=dt.UTC)
    regisseur = aliased(Person)
    result = await db.execute(
        select(Escalation, Household.name, regisseur.display_name)
        .join(Household, Household.id == Escalation.household_id)
        .join(Trajectory, Trajectory.id == Escalation.trajectory_id)
        .outerjoin(regisseur, regisseur.id == Trajectory.regisseur_id)
        .where(
            Escalation.team_id.in_(teams),
            (Escalation.status == EscalationStatus.OPEN)
            | (
                Escalation.status.in_([EscalationStatus.GRANTED, EscalationStatus.REFUSED])
                & (Escalation.decided_at >= since)
            ),
        )
        .order_by(Escalation.created_at)
    )
    rows = [
        EscalationRow(
            escalation_id=e.id,
            household_id=e.household_id,
            household_name=name,
            regisseur=current or e.raised_by_name,
            blocked=e.blocked,
            blocked_by=e.blocked_by,
            needed_by=e.needed_by,
            raised_on=e.created_at.date(),
            status=EscalationStatus(e.status),
            decided_on=e.decided_at.date() if e.decided_at else None,
            decided_by=e.decided_by_name,
        )
        for e, name, current in result.tuples()
    ]
    if open_only:
        rows = [row for row in rows if row.status == EscalationStatus.OPEN]
    await record_page_looks(
        db,
        [
            Look.of(actor, Relation.TEAM_LEAD, household_id, TEAM_ESCALATIONS_RESOURCE)
            for household_id in dict.fromkeys(row.household_id for row in rows)
        ],
    )
    open_rows = [row for row in rows if row.status == EscalationStatus.OPEN]
    decided = sorted(
        (row for row in rows if row.status != EscalationStatus.OPEN),
        key=lambda row: row.decided_on or today,
        reverse=True,
    )
    return TeamEscalations(open_rows, decided)
