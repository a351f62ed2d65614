"""Lists of households: a member's own and the regisseur's caseload (the team lead's overview is in
server/domain/teamwork/team.py).

The regisseur's caseload answers "what needs me today": per household its phase and since when, the next
evaluation, and the signals that ask for her attention. It costs the same two statements however many
households she has: one for the households with their signals (correlated subqueries), and one for the
latest scores of both sides.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

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


async def households_of_member(session: AsyncSession, actor: Actor) -> list[Household]:
    result = await session.scalars(
        select(Household).join(Member, Member.household_id == Household.id).where(Member.person_id == actor.id)
    )
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


def _own_trajectories(whose: ColumnElement[bool]) -> Select[tuple[uuid.UUID]]:
    return (
        select(Trajectory.household_id)
        .join(Household, Household.id == Trajectory.household_id)
        .where(whose, Trajectory.phase != Phase.AFGESLOTEN)
    )


async def caseload(
    db: AsyncSession, actor: Actor, *, phase: Phase | None = None, today: dt.date | None = None
) -> Caseload:
    """The regisseur's own households (open trajectories she is the regisseur of), most urgent first, narrowed
    to ``phase`` when one is chosen. Two statements, however many households.

    Her own households are hers to see: the overview writes no look for them, so her last look in the access
    log stays the moment of her last visit to the household ("changed since your last visit")."""
    today = today or utcnow().date()
    rows = await _rows(db, actor, Trajectory.regisseur_id == actor.id, today)
    return _caseload(rows, phase)


async def caseloads_of(
    db: AsyncSession, actor: Actor, covers: Collection[tuple[uuid.UUID, uuid.UUID]], *, today: dt.date | None = None
) -> dict[tuple[uuid.UUID, uuid.UUID], Caseload]:
    """Per (regisseur, team): the households of that team she is the regisseur of, as ``actor`` sees them (her
    own looks and changes decide "changed since your last visit"). What a colleague covering for absent
    regisseurs looks after. The same two statements, however many covers."""
    today = today or utcnow().date()
    rows: list[CaseloadRow] = []
    if covers:
        whose = or_(*(and_(Trajectory.regisseur_id == r, Household.team_id == t) for r, t in covers))
        rows = await _rows(db, actor, whose, today)
    return {
        (regisseur, team): _caseload(
            [row for row in rows if row.regisseur_id == regisseur and row.team_id == team], None
        )
        for regisseur, team in covers
    }


async def _rows(db: AsyncSession, actor: Actor, whose: ColumnElement[bool], today: dt.date) -> list[CaseloadRow]:
    households = await _households(db, actor, whose, today)
    if not households:
        return []
    gaps = await _rating_gaps(db, whose)
    return [
        CaseloadRow(
            household_id=h.household_id,
            name=h.name,
            phase=h.phase,
            phase_since=h.phase_since,
            next_evaluation_on=h.next_evaluation_on,
            evaluation_overdue=h.next_evaluation_on is not None and h.next_evaluation_on < today,
            next_checkin_on=h.next_checkin_on,
            overdue_actions=h.overdue_actions,
            rating_gaps=gaps.get(h.household_id, 0),
            changed_since_visit=h.changed_since_visit,
            help_without_volunteer=h.help_without_volunteer,
            handover=h.handover,
            escalation=h.escalation,
            regisseur_id=h.regisseur_id,
            team_id=h.team_id,
        )
        for h in households
    ]


def _caseload(rows: list[CaseloadRow], phase: Phase | None) -> Caseload:
    counts = Counter(row.phase for row in rows)
    return Caseload(
        rows=sorted((row for row in rows if phase is None or row.phase is phase), key=attention_order),
        phase_counts={p: counts[p] for p in OPEN_PHASES},
        phase=phase,
    )


@dataclass(frozen=True)
class _Household:
    household_id: uuid.UUID
    name: str
    phase: Phase
    phase_since: dt.date
    next_evaluation_on: dt.date | None
    next_checkin_on: dt.date | None
    overdue_actions: int
    help_without_volunteer: int
    changed_since_visit: bool
    handover: WaitingHandover | None
    escalation: EscalationStatus | None
    regisseur_id: uuid.UUID | None
    team_id: uuid.UUID


def phase_moved_at() -> ScalarSelect[Any]:
    """Per household row: when its trajectory last moved to another phase (for "since" and days in phase)."""
    return (
        select(func.max(TimelineEvent.created_at))
        .where(TimelineEvent.household_id == Household.id, TimelineEvent.kind == EventKind.TRAJECTORY_PHASE)
        .scalar_subquery()
    )


def overdue_actions(today: dt.date) -> ScalarSelect[Any]:
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


async def _households(db: AsyncSession, actor: Actor, whose: ColumnElement[bool], today: dt.date) -> list[_Household]:
    """The households of the caseload with every signal that one row can answer, in one statement."""
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
        .where(AccessLogEntry.household_id == Household.id, AccessLogEntry.actor_id == actor.id)
        .scalar_subquery()
    )
    last_change = (
        select(func.max(TimelineEvent.created_at))
        .where(
            TimelineEvent.household_id == Household.id,
            TimelineEvent.actor_id.is_not(None),
            TimelineEvent.actor_id != actor.id,
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
    decided_since = dt.datetime.combine(today - dt.timedelta(days=ESCALATION_SIGNAL_DAYS), dt.time(), tzinfo=dt.UTC)
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
    result = await db.execute(
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
            Trajectory.regisseur_id,
            Household.team_id,
        )
        .join(Trajectory, Trajectory.household_id == Household.id)
        .where(whose, Trajectory.phase != Phase.AFGESLOTEN)
    )
    households = []
    for row in result.tuples():
        (household_id, name, phase, started_on, evaluation, checkin) = row[:6]
        moved, actions, help_count, visit, change, to, at, escalated, regisseur_id, team_id = row[6:]
        households.append(
            _Household(
                household_id=household_id,
                name=name,
                phase=Phase(phase),
                # A phase event of an earlier trajectory of the household is older than this one's start.
                phase_since=max(started_on, moved.date()) if moved else started_on,
                next_evaluation_on=evaluation,
                next_checkin_on=checkin,
                overdue_actions=int(actions or 0),
                help_without_volunteer=int(help_count or 0),
                changed_since_visit=change is not None and (visit is None or change > visit),
                handover=WaitingHandover(to, at or "") if to else None,
                escalation=EscalationStatus(escalated) if escalated else None,
                regisseur_id=regisseur_id,
                team_id=team_id,
            )
        )
    return households


async def _rating_gaps(db: AsyncSession, whose: ColumnElement[bool]) -> dict[uuid.UUID, int]:
    """Per household of the caseload: on how many leefgebieden the latest assessments of both sides differ by
    two steps or more (as the scores page counts them), in one statement."""
    ranked = (
        select(
            Assessment.id,
            Assessment.household_id,
            Assessment.perspective,
            func.row_number()
            .over(
                partition_by=(Assessment.household_id, Assessment.perspective),
                order_by=(Assessment.held_on.desc(), Assessment.created_at.desc()),
            )
            .label("newest"),
        )
        .where(Assessment.household_id.in_(_own_trajectories(whose)))
        .subquery()
    )
    result = await db.execute(
        select(ranked.c.household_id, ranked.c.perspective, Rating.domain_key, Rating.score)
        .join(Rating, Rating.assessment_id == ranked.c.id)
        .where(ranked.c.newest == 1)
    )
    scores: dict[tuple[uuid.UUID, str], dict[str, int]] = {}
    for household_id, perspective, domain_key, score in result.tuples():
        scores.setdefault((household_id, domain_key), {})[perspective] = score
    gaps: Counter[uuid.UUID] = Counter()
    for (household_id, _domain), by in scores.items():
        theirs, mine = by.get(Perspective.HOUSEHOLD), by.get(Perspective.PROFESSIONAL)
        if theirs is not None and mine is not None and abs(theirs - mine) >= TALK_ABOUT_DIFFERENCE:
            gaps[household_id] += 1
    return dict(gaps)
