"""The ledger of the gezinsbudget: grants (toekenningen) and spending (uitgaven) per trajectory, booked by the
regisseur, read by the household, and approved by the team lead where an entry is above the mandate.

The rules, in one place:
- Only while the trajectory is open (any phase but afgesloten) is anything booked or decided.
- The mandate is the gemeente's setting (``Municipality.budget_mandate_cents``): an entry up to it counts at
  once; above it (grant or spending alike) it waits for the team lead of the household's team, and counts
  only once approved. A refused entry never counts, and keeps the team lead's reason.
- What is left is what was granted minus what was spent, counting only entries that count. A spending may
  not take it below zero; a spending that is waiting for approval already holds its part of what is left
  (so that approving it later can never take the budget below zero), and a grant that is waiting holds
  nothing yet (it may still be refused). The household never owes its budget money.
- Every booking and every decision is a timeline event the household reads in plain words.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access_log import Look, record_page_looks
from server.domain.budget.model import BudgetEntry, EntryKind, EntryStatus
from server.domain.budget.money import AmountError, format_euro, parse_amount
from server.domain.errors import N_, IllegalTransition, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import Household, Municipality, Phase, Role, Trajectory, utcnow
from server.domain.policy import Actor, Relation
from server.domain.text import clean, refused

MAX_PURPOSE = 200
MAX_REFUSAL = 500
# A payment agreed for next month may be written down now; further ahead is a typing error.
MAX_DAYS_AHEAD = 31
# What the team lead's list of entries waiting is recorded as, in each household's access log.
APPROVALS_RESOURCE = "budget_approvals"

CLOSED = N_("Het traject is afgesloten. Er kan niets meer bij in het gezinsbudget.")


def parse_day(raw: str) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------------
# Totals
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """What counts of one trajectory's ledger, in cents; and what waits for the team lead."""

    granted: int = 0
    spent: int = 0
    waiting_grants: int = 0
    waiting_spending: int = 0

    @property
    def left(self) -> int:
        return self.granted - self.spent

    @property
    def free(self) -> int:
        """What a new spending may still take: left, minus the spending already waiting for approval."""
        return self.left - self.waiting_spending


def totals_of(entries: Iterable[BudgetEntry]) -> Totals:
    granted = spent = waiting_grants = waiting_spending = 0
    for entry in entries:
        grant = entry.kind == EntryKind.GRANT
        if entry.status == EntryStatus.COUNTS:
            granted += entry.amount_cents if grant else 0
            spent += 0 if grant else entry.amount_cents
        elif entry.status == EntryStatus.AWAITING:
            waiting_grants += entry.amount_cents if grant else 0
            waiting_spending += 0 if grant else entry.amount_cents
    return Totals(granted, spent, waiting_grants, waiting_spending)


def needs_approval(amount_cents: int, mandate_cents: int) -> bool:
    """Above the mandate the team lead approves; up to it (inclusive) the regisseur decides alone."""
    return amount_cents > mandate_cents


# --------------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewEntry:
    kind: EntryKind
    purpose: str
    amount_cents: int
    booked_on: dt.date


@dataclass
class EntryInput:
    """One line of the ledger as typed in the regisseur's form (the date as a date field sends it)."""

    kind: str = ""
    purpose: str = ""
    amount: str = ""
    booked_on: str = ""

    def validate(self, *, today: dt.date, started_on: dt.date) -> NewEntry:
        errors = refused(purpose=self.purpose, amount=self.amount)
        kind = self.kind if self.kind in set(EntryKind) else None
        if kind is None:
            errors["kind"] = N_("Kies of het een toekenning of een uitgave is.")
        purpose = clean(self.purpose)
        if not purpose:
            errors.setdefault("purpose", N_("Vul in waarvoor het geld is."))
        elif len(purpose) > MAX_PURPOSE:
            errors["purpose"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_PURPOSE)
        amount = 0
        if "amount" not in errors:
            try:
                amount = parse_amount(self.amount)
            except AmountError as exc:
                errors["amount"] = exc.message
        booked_on = parse_day(self.booked_on) if self.booked_on.strip() else today
        if booked_on is None:
            errors["booked_on"] = N_("Vul een datum in, bijvoorbeeld 15-03-2027.")
        elif booked_on > today + dt.timedelta(days=MAX_DAYS_AHEAD):
            errors["booked_on"] = N_("Deze datum ligt te ver vooruit. Kies een datum tot een maand na vandaag.")
        elif booked_on < started_on:
            errors["booked_on"] = N_(
                "Deze datum ligt voor het begin van het traject (%(date)s).", date=started_on.strftime("%d-%m-%Y")
            )
        if errors or kind is None or booked_on is None:
            raise InvalidInput(errors)
        return NewEntry(EntryKind(kind), purpose, amount, booked_on)


@dataclass
class RefusalInput:
    """The team lead's reason to refuse an entry."""

    reason: str = ""

    def validate(self) -> str:
        errors = refused(long_texts=("reason",), reason=self.reason)
        reason = clean(self.reason)
        if not errors and not reason:
            errors["reason"] = N_("Schrijf op waarom je dit niet goedkeurt. Het huishouden en de regisseur lezen het.")
        elif len(reason) > MAX_REFUSAL:
            errors["reason"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_REFUSAL)
        if errors:
            raise InvalidInput(errors)
        return reason


# --------------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------------


@dataclass
class TrajectoryLedger:
    """One trajectory's part of the ledger: its entries, newest first, and its totals."""

    trajectory_id: uuid.UUID
    started_on: dt.date
    closed_on: dt.date | None
    is_open: bool
    entries: list[BudgetEntry] = field(default_factory=list)

    @property
    def totals(self) -> Totals:
        return totals_of(self.entries)


@dataclass
class Ledger:
    """The household's whole gezinsbudget: per trajectory (the current one first), and the mandate."""

    trajectories: list[TrajectoryLedger]
    mandate_cents: int

    @property
    def current(self) -> TrajectoryLedger | None:
        """The open trajectory, where new entries are booked."""
        return next((t for t in self.trajectories if t.is_open), None)

    @property
    def entries(self) -> list[BudgetEntry]:
        return [entry for t in self.trajectories for entry in t.entries]


_NEWEST_FIRST = (BudgetEntry.booked_on.desc(), BudgetEntry.created_at.desc(), BudgetEntry.id.desc())


async def ledger_of(db: AsyncSession, household_id: uuid.UUID, municipality_id: uuid.UUID | None = None) -> Ledger:
    """Every entry of the household, grouped by trajectory (newest trajectory first, entries newest first), in
    one statement; the gemeente's mandate in a second one, only when ``municipality_id`` is given (the form
    needs it), else a mandate of 0."""
    rows = await db.execute(
        select(Trajectory.id, Trajectory.started_on, Trajectory.closed_on, Trajectory.phase, BudgetEntry)
        .outerjoin(BudgetEntry, BudgetEntry.trajectory_id == Trajectory.id)
        .where(Trajectory.household_id == household_id)
        .order_by(Trajectory.started_on.desc(), Trajectory.created_at.desc(), Trajectory.id, *_NEWEST_FIRST)
    )
    parts: dict[uuid.UUID, TrajectoryLedger] = {}
    for trajectory_id, started_on, closed_on, phase, entry in rows.tuples():
        part = parts.get(trajectory_id)
        if part is None:
            part = parts[trajectory_id] = TrajectoryLedger(
                trajectory_id, started_on, closed_on, phase != Phase.AFGESLOTEN
            )
        if entry is not None:
            part.entries.append(entry)
    mandate = (
        await db.scalar(select(Municipality.budget_mandate_cents).where(Municipality.id == municipality_id))
        if municipality_id is not None
        else 0
    )
    # The open trajectory is shown also while it has nothing yet; a closed one without entries says nothing.
    shown = [part for part in parts.values() if part.entries or part.is_open]
    return Ledger(shown, int(mandate or 0))


@dataclass(frozen=True)
class EntryForApproval:
    """One entry as the team lead decides on it, with the totals of its trajectory and nothing of the plan."""

    entry: BudgetEntry
    totals: Totals
    trajectory_open: bool


async def entry_for_approval(db: AsyncSession, household_id: uuid.UUID, entry_id: uuid.UUID) -> EntryForApproval:
    found = (
        await db.execute(
            select(BudgetEntry, Trajectory.phase)
            .join(Trajectory, Trajectory.id == BudgetEntry.trajectory_id)
            .where(BudgetEntry.id == entry_id, BudgetEntry.household_id == household_id)
        )
    ).first()
    if found is None:
        raise NotFound
    entry, phase = found
    siblings = await db.scalars(select(BudgetEntry).where(BudgetEntry.trajectory_id == entry.trajectory_id))
    return EntryForApproval(entry, totals_of(siblings), phase != Phase.AFGESLOTEN)


@dataclass(frozen=True)
class WaitingEntry:
    """A row of the team lead's list: an entry above the mandate, waiting for their decision."""

    entry_id: uuid.UUID
    household_id: uuid.UUID
    household_name: str
    regisseur_name: str
    kind: EntryKind
    purpose: str
    amount_cents: int
    booked_on: dt.date


async def waiting_for_team(db: AsyncSession, actor: Actor) -> list[WaitingEntry]:
    """The entries of the team lead's teams that wait for approval, oldest first (they waited longest). Each
    household on the list is told, in its access log, that the team lead saw its name and the entry."""
    teams = actor.teams(Role.TEAM_LEAD)
    if not teams:
        return []
    rows = await db.execute(
        select(
            BudgetEntry.id,
            BudgetEntry.household_id,
            Household.name,
            BudgetEntry.decided_by_name,
            BudgetEntry.kind,
            BudgetEntry.purpose,
            BudgetEntry.amount_cents,
            BudgetEntry.booked_on,
        )
        .join(Household, Household.id == BudgetEntry.household_id)
        .where(
            BudgetEntry.team_id.in_(teams),
            BudgetEntry.status == EntryStatus.AWAITING,
            Household.team_id == BudgetEntry.team_id,
        )
        .order_by(BudgetEntry.created_at, BudgetEntry.id)
    )
    waiting = [
        WaitingEntry(entry_id, household_id, name, by, EntryKind(kind), purpose, amount, booked_on)
        for entry_id, household_id, name, by, kind, purpose, amount, booked_on in rows.tuples()
    ]
    await record_page_looks(
        db,
        [
            Look.of(actor, Relation.TEAM_LEAD, household_id, APPROVALS_RESOURCE)
            for household_id in dict.fromkeys(row.household_id for row in waiting)
        ],
    )
    return waiting


# --------------------------------------------------------------------------------------------------------
# Booking and deciding
# --------------------------------------------------------------------------------------------------------


def _event_detail(entry: BudgetEntry) -> dict[str, object]:
    return {
        "entry": str(entry.id),
        "kind": str(entry.kind),
        "purpose": entry.purpose,
        "amount_cents": entry.amount_cents,
        "booked_on": entry.booked_on.isoformat(),
        "status": str(entry.status),
    }


async def _open_trajectory(db: AsyncSession, household_id: uuid.UUID) -> Trajectory:
    """The household's open trajectory, locked for this transaction (on PostgreSQL), so that two bookings at the
    same moment are checked against what is left one after the other."""
    trajectory = await db.scalar(
        select(Trajectory)
        .where(Trajectory.household_id == household_id, Trajectory.phase != Phase.AFGESLOTEN)
        .order_by(Trajectory.started_on.desc(), Trajectory.created_at.desc())
        .limit(1)
        .with_for_update()
    )
    if trajectory is None:
        raise IllegalTransition(CLOSED)
    return trajectory


async def _entries_of(db: AsyncSession, trajectory_id: uuid.UUID) -> Sequence[BudgetEntry]:
    return (await db.scalars(select(BudgetEntry).where(BudgetEntry.trajectory_id == trajectory_id))).all()


def spending_error(amount_cents: int, totals: Totals, locale: str = "nl") -> str | None:
    """Why a spending of this amount cannot be booked now, or None."""
    if amount_cents <= totals.free:
        return None
    if totals.waiting_spending:
        return N_(
            "Er is nog %(free)s over (%(left)s, waarvan %(waiting)s al wacht op goedkeuring). Een uitgave kan niet "
            "meer zijn dan wat er over is. Boek eerst een toekenning.",
            free=format_euro(max(totals.free, 0), locale),
            left=format_euro(totals.left, locale),
            waiting=format_euro(totals.waiting_spending, locale),
        )
    return N_(
        "Er is nog %(left)s over. Een uitgave kan niet meer zijn dan wat er over is. Boek eerst een toekenning.",
        left=format_euro(totals.left, locale),
    )


async def book_entry(
    db: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    data: EntryInput,
    *,
    locale: str = "nl",
) -> BudgetEntry:
    """The regisseur books a grant or a spending on the open trajectory. Within the mandate it counts at once;
    above it, it waits for the team lead. A spending that would take what is left below zero is refused."""
    trajectory = await _open_trajectory(db, household_id)
    values = data.validate(today=utcnow().date(), started_on=trajectory.started_on)
    found = (
        await db.execute(
            select(Household.team_id, Municipality.budget_mandate_cents)
            .join(Municipality, Municipality.id == Household.municipality_id)
            .where(Household.id == household_id)
        )
    ).first()
    if found is None:
        raise NotFound
    team_id, mandate = found
    if values.kind == EntryKind.SPENDING:
        problem = spending_error(values.amount_cents, totals_of(await _entries_of(db, trajectory.id)), locale)
        if problem:
            raise InvalidInput({"amount": problem})
    entry = BudgetEntry(
        household_id=household_id,
        trajectory_id=trajectory.id,
        team_id=team_id,
        kind=values.kind,
        purpose=values.purpose,
        amount_cents=values.amount_cents,
        booked_on=values.booked_on,
        decided_by_id=actor.id,
        decided_by_name=actor.person.display_name,
        status=EntryStatus.AWAITING if needs_approval(values.amount_cents, int(mandate)) else EntryStatus.COUNTS,
    )
    db.add(entry)
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.BUDGET_BOOKED,
        detail=_event_detail(entry),
        subject_id=entry.id,
    )
    return entry


async def decide_entry(
    db: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    entry_id: uuid.UUID,
    *,
    approve: bool,
    refusal: RefusalInput | None = None,
    locale: str = "nl",
) -> tuple[BudgetEntry, bool]:
    """The team lead approves (it counts from now) or refuses (with a reason) an entry that waits. Returns the
    entry and whether this call decided it: an entry decided already (a second click, or a colleague was
    first) is left as it was."""
    reason = refusal.validate() if not approve and refusal is not None else ""
    if not approve and refusal is None:
        raise InvalidInput({"reason": N_("Schrijf op waarom je dit niet goedkeurt.")})
    entry = await db.scalar(
        select(BudgetEntry).where(BudgetEntry.id == entry_id, BudgetEntry.household_id == household_id)
    )
    if entry is None:
        raise NotFound
    if entry.status != EntryStatus.AWAITING:
        return entry, False
    trajectory = await _open_trajectory(db, household_id)
    if trajectory.id != entry.trajectory_id:
        raise IllegalTransition(CLOSED)
    await db.refresh(entry, with_for_update=True)
    if entry.status != EntryStatus.AWAITING:
        return entry, False
    if approve and entry.kind == EntryKind.SPENDING:
        # The waiting spending already holds its part of what is left; counted without it, it must still fit.
        others = [e for e in await _entries_of(db, entry.trajectory_id) if e.id != entry.id]
        problem = spending_error(entry.amount_cents, totals_of(others), locale)
        if problem:
            raise InvalidInput({"decision": problem})
    entry.status = EntryStatus.COUNTS if approve else EntryStatus.REFUSED
    entry.approved_by_id = actor.id
    entry.approved_by_name = actor.person.display_name
    entry.approved_at = utcnow()
    entry.refusal = reason
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.BUDGET_APPROVED if approve else EventKind.BUDGET_REFUSED,
        detail={**_event_detail(entry), "decided_by": entry.decided_by_name, "refusal": reason},
    )
    return entry, True
