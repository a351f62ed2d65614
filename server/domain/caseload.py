"""Lists of households: a member's own and the regisseur's caseload (the team lead's overview is in
server/domain/teamwork/team.py).

The regisseur's caseload answers "what needs me today": per household its phase and since when, the next
evaluation, and the signals that ask for her attention. It costs one statement however many households she
has: the households with their signals (correlated subqueries), the latest scores of both sides included.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.domain.events import EventKind
from server.domain.models import (
    AccessLogEntry,
    Household,
    Member,
    Organisation,
    Person,
    Phase,
    TimelineEvent,
    Trajectory,
    utcnow,
)
from server.domain.plan.model import ActionStatus, PlanAction
from server.domain.policy import Actor
from server.domain.ratings.model import Assessment, Perspective, Rating
from server.domain.ratings.service import TALK_ABOUT_DIFFERENCE
from server.domain.teamwork.model import Escalation, EscalationStatus
from server.domain.volunteering.model import HelpRequest, HelpRequestStatus
from server.domain.workspace.model import CheckIn, Handover, HandoverStatus

# The phases of a trajectory that is still open: the caseload's filter offers these.
OPEN_PHASES = tuple(phase for phase in Phase if phase is not Phase.AFGESLOTEN)
OPEN_ACTION = (ActionStatus.OPEN, ActionStatus.BEZIG)
# How long a decided doorbraak stays a signal in the regisseur's caseload.
ESCALATION_SIGNAL_DAYS = 14


@cache
def _member_households_statement() -> Select[tuple[Household]]:
    person_id = bindparam("person_id", type_=Member.person_id.type)
    return select(Household).join(Member, Member.household_id == Household.id).where(Member.person_id == person_id)


async def households_of_member(session: AsyncSession, actor: Actor) -> list[Household]:
    result = await session.scalars(_member_households_statement(), {"person_id": actor.id})
    return list(result)


# --------------------------------------------------------------------------------------------------------
# The regisseur's caseload
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingHandover:
    """A handover of one of her households that is not decided yet: who must accept it (and, for a warm
    handover, at which partner organisation)."""

    to_name: str
    to_organisation: str = ""


@dataclass(frozen=True)
class CaseloadRow:
    """One household of the regisseur's caseload, with what asks for her attention."""

    household_id: uuid.UUID
    name: str
    phase: Phase
    phase_since: dt.date
    next_evaluation_on: dt.date | None
    evaluation_overdue: bool
    # In waakvlam: the next check-in not yet held.
    next_checkin_on: dt.date | None
    overdue_actions: int
    # Leefgebieden where the household's and the professional's latest scores differ by two steps or more.
    rating_gaps: int
    changed_since_visit: bool
    help_without_volunteer: int
    handover: WaitingHandover | None = None
    # A doorbraak: open (asked), or decided (granted or refused) in the last two weeks.
    escalation: EscalationStatus | None = None
    regisseur_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None

    @property
    def signals(self) -> int:
        """How many different things ask for attention: the order of the caseload."""
        return sum(
            (
                self.evaluation_overdue,
                self.overdue_actions > 0,
                self.rating_gaps > 0,
                self.changed_since_visit,
                self.help_without_volunteer > 0,
                self.handover is not None,
                self.escalation is not None,
            )
        )


@dataclass(frozen=True)
class Caseload:
    rows: list[CaseloadRow]
    # How many households of the whole caseload are in each open phase (for the filter), and the one chosen.
    phase_counts: dict[Phase, int] = field(default_factory=dict)
    phase: Phase | None = None

    @property
    def total(self) -> int:
        return sum(self.phase_counts.values())


def chosen_phase(value: str | None) -> Phase | None:
    """The phase a filter asks for, or None (all phases) for an empty or unknown value."""
    return next((phase for phase in OPEN_PHASES if phase.value == value), None)


def attention_order(row: CaseloadRow) -> tuple[bool, int, str]:
    """An overdue evaluation first, then the household with the most signals, then by name."""
    return (not row.evaluation_overdue, -row.signals, row.name.casefold())


async def caseload(
    db: AsyncSession, actor: Actor, *, phase: Phase | None = None, today: dt.date | None = None
) -> Caseload:
    """The regisseur's own households (open trajectories she is the regisseur of), most urgent first, narrowed
    to ``phase`` when one is chosen. One statement, however many households.

    Her own households are hers to see: the overview writes no look for them, so her last look in the access
    log stays the moment of her last visit to the household ("changed since your last visit")."""
    today = today or utcnow().date()
    rows = await _rows(db, actor, today, _own_caseload_statement(), {"regisseur_id": actor.id})
    return _caseload(rows, phase)


async def caseloads_of(
    db: AsyncSession, actor: Actor, covers: Collection[tuple[uuid.UUID, uuid.UUID]], *, today: dt.date | None = None
) -> dict[tuple[uuid.UUID, uuid.UUID], Caseload]:
    """Per (regisseur, team): the households of that team she is the regisseur of, as ``actor`` sees them (her
    own looks and changes decide "changed since your last visit"). What a colleague covering for absent
    regisseurs looks after. The same one statement, however many covers."""
    today = today or utcnow().date()
    rows: list[CaseloadRow] = []
    if covers:
        # The shape follows the number of covers, so it is built for the call (a colleague covering is rare).
        whose = or_(*(and_(Trajectory.regisseur_id == r, Household.team_id == t) for r, t in covers))
        rows = await _rows(db, actor, today, _households_statement(whose), {})
    return {
        (regisseur, team): _caseload(
            [row for row in rows if row.regisseur_id == regisseur and row.team_id == team], None
        )
        for regisseur, team in covers
    }


@cache
def _own_caseload_statement() -> Select[Any]:
    """The regisseur's own caseload, asked on every visit of her start page: built once."""
    return _households_statement(
        Trajectory.regisseur_id == bindparam("regisseur_id", type_=Trajectory.regisseur_id.type)
    )


def _caseload(rows: list[CaseloadRow], phase: Phase | None) -> Caseload:
    counts = Counter(row.phase for row in rows)
    return Caseload(
        rows=sorted((row for row in rows if phase is None or row.phase is phase), key=attention_order),
        phase_counts={p: counts[p] for p in OPEN_PHASES},
        phase=phase,
    )


def phase_moved_at() -> ScalarSelect[Any]:
    """Per household row: when its trajectory last moved to another phase (for "since" and days in phase)."""
    return (
        select(func.max(TimelineEvent.created_at))
        .where(TimelineEvent.household_id == Household.id, TimelineEvent.kind == EventKind.TRAJECTORY_PHASE)
        .scalar_subquery()
    )


def overdue_actions(today: dt.date | ColumnElement[dt.date]) -> ScalarSelect[Any]:
    """Per household row: how many of its open actions are past their date."""
    return (
        select(func.count(PlanAction.id))
        .where(
            PlanAction.household_id == Household.id,
            PlanAction.due_on < today,
            PlanAction.status.in_(OPEN_ACTION),
        )
        .scalar_subquery()
    )


def rating_gaps() -> ScalarSelect[Any]:
    """Per household row: on how many leefgebieden the latest assessments of both sides differ by two steps
    or more (as the scores page counts them)."""

    def latest(perspective: Perspective) -> ScalarSelect[Any]:
        return (
            select(Assessment.id)
            .where(Assessment.household_id == Household.id, Assessment.perspective == perspective)
            .order_by(Assessment.held_on.desc(), Assessment.created_at.desc())
            .limit(1)
            .correlate(Household)
            .scalar_subquery()
        )

    theirs, mine = aliased(Rating), aliased(Rating)
    return (
        select(func.count(theirs.id))
        .join(mine, mine.domain_key == theirs.domain_key)
        .where(
            theirs.assessment_id == latest(Perspective.HOUSEHOLD),
            mine.assessment_id == latest(Perspective.PROFESSIONAL),
            func.abs(theirs.score - mine.score) >= TALK_ABOUT_DIFFERENCE,
        )
        .correlate(Household)
        .scalar_subquery()
    )


def _households_statement(whose: ColumnElement[bool]) -> Select[Any]:
    """The households of the caseload with every signal that one row can answer, in one statement; the person
    looking (``actor_id``), ``today`` and ``decided_since`` are parameters."""
    actor_id = bindparam("actor_id", type_=Person.id.type)
    today = bindparam("today", type_=PlanAction.due_on.type)
    phase_moved = phase_moved_at()
    overdue = overdue_actions(today)
    help_open = (
        select(func.count(HelpRequest.id))
        .where(
            HelpRequest.household_id == Household.id,
            HelpRequest.status == HelpRequestStatus.OPEN,
            HelpRequest.volunteer_id.is_(None),
        )
        .scalar_subquery()
    )
    # Her last look at the household, and the last change anyone else made in it.
    last_visit = (
        select(func.max(AccessLogEntry.created_at))
        .where(AccessLogEntry.household_id == Household.id, AccessLogEntry.actor_id == actor_id)
        .scalar_subquery()
    )
    last_change = (
        select(func.max(TimelineEvent.created_at))
        .where(
            TimelineEvent.household_id == Household.id,
            TimelineEvent.actor_id.is_not(None),
            TimelineEvent.actor_id != actor_id,
        )
        .scalar_subquery()
    )
    # A trajectory has at most one pending handover (workspace.handover): who is to accept it, and where.
    pending = (Handover.household_id == Household.id, Handover.status == HandoverStatus.PENDING)
    waiting_for = (
        select(Person.display_name)
        .join(Handover, Handover.to_person_id == Person.id)
        .where(*pending)
        .order_by(Handover.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    waiting_at = (
        select(Organisation.name)
        .join(Handover, Handover.to_organisation_id == Organisation.id)
        .where(*pending)
        .order_by(Handover.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    next_checkin = (
        select(func.min(CheckIn.due_on))
        .where(CheckIn.trajectory_id == Trajectory.id, CheckIn.done_on.is_(None))
        .scalar_subquery()
    )
    gaps = rating_gaps()
    decided_since = bindparam("decided_since", type_=Escalation.decided_at.type)
    escalation = (
        select(Escalation.status)
        .where(
            Escalation.household_id == Household.id,
            (Escalation.status == EscalationStatus.OPEN)
            | (
                Escalation.status.in_([EscalationStatus.GRANTED, EscalationStatus.REFUSED])
                & (Escalation.decided_at >= decided_since)
            ),
        )
        .order_by(Escalation.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            Household.id,
            Household.name,
            Trajectory.phase,
            Trajectory.started_on,
            Trajectory.next_evaluation_on,
            next_checkin,
            phase_moved,
            overdue,
            help_open,
            last_visit,
            last_change,
            waiting_for,
            waiting_at,
            escalation,
            gaps,
            Trajectory.regisseur_id,
            Household.team_id,
        )
        .join(Trajectory, Trajectory.household_id == Household.id)
        .where(whose, Trajectory.phase != Phase.AFGESLOTEN)
    )


async def _rows(
    db: AsyncSession, actor: Actor, today: dt.date, statement: Select[Any], whose: dict[str, Any]
) -> list[CaseloadRow]:
    """The caseload's rows; ``whose`` holds the values of the statement's choice of households."""
    decided_since = dt.datetime.combine(today - dt.timedelta(days=ESCALATION_SIGNAL_DAYS), dt.time(), tzinfo=dt.UTC)
    result = await db.execute(
        statement, {**whose, "actor_id": actor.id, "today": today, "decided_since": decided_since}
    )
    rows = []
    for row in result.tuples():
        (household_id, name, phase, started_on, evaluation, checkin) = row[:6]
        moved, actions, help_count, visit, change, to, at, escalated, gaps, regisseur_id, team_id = row[6:]
        rows.append(
            CaseloadRow(
                household_id=household_id,
                name=name,
                phase=Phase(phase),
                # A phase event of an earlier trajectory of the household is older than this one's start.
                phase_since=max(started_on, moved.date()) if moved else started_on,
                next_evaluation_on=evaluation,
                evaluation_overdue=evaluation is not None and evaluation < today,
                next_checkin_on=checkin,
                overdue_actions=int(actions or 0),
                help_without_volunteer=int(help_count or 0),
                rating_gaps=int(gaps or 0),
                changed_since_visit=change is not None and (visit is None or change > visit),
                handover=WaitingHandover(to, at or "") if to else None,
                escalation=EscalationStatus(escalated) if escalated else None,
                regisseur_id=regisseur_id,
                team_id=team_id,
            )
        )
    return rows
