"""The access log ("Wie keek in ons plan"): append-only and hash-chained per household."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from contextvars import ContextVar, Token
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Insert,
    Select,
    String,
    Table,
    Update,
    bindparam,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from server.domain.errors import N_
from server.domain.models import AccessLogEntry, Household, Organisation, Role, Trajectory, utcnow
from server.domain.plan.model import Goal, PlanAction, Share, ShareSubject
from server.domain.policy import Actor, Relation

# A colleague covering for the absent regisseur looks as "waarneming" (no role of its own: a regisseur's
# role, for a period).
COVERING_ROLE = "waarneming"

# The role a person looked in, as shown to the household.
RELATION_ROLE: dict[Relation, str] = {
    Relation.REGISSEUR: Role.REGISSEUR,
    Relation.COVERING: COVERING_ROLE,
    Relation.TEAM_COLLEAGUE: Role.REGISSEUR,
    Relation.PARTNER_WITH_SHARE: Role.PARTNER_PROFESSIONAL,
    Relation.PARTNER_WITH_RATINGS_SHARE: Role.PARTNER_PROFESSIONAL,
    Relation.ESCALATION_LEAD: Role.TEAM_LEAD,
    Relation.NETWORK_WITH_SHARE: Role.NETWORK_MEMBER,
    Relation.VOLUNTEER_ACCEPTED: Role.VOLUNTEER,
    Relation.TEAM_LEAD: Role.TEAM_LEAD,
    Relation.ADMIN: Role.ADMIN,
}


def _entry_hash(entry: AccessLogEntry) -> str:
    fields = [
        entry.prev_hash,
        str(entry.household_id),
        str(entry.actor_id),
        entry.actor_role,
        entry.organisation_name,
        entry.resource,
        entry.action,
        entry.created_at.isoformat(),
    ]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


@dataclass(frozen=True)
class Look:
    """Someone outside the household is shown something of it: who, in which role, what. Plain values, so
    that it can be written after the request's own session has ended."""

    actor_id: uuid.UUID
    actor_name: str
    role: str
    organisation_id: uuid.UUID | None
    household_id: uuid.UUID
    resource: str

    @classmethod
    def of(cls, actor: Actor, relation: Relation, household_id: uuid.UUID, resource: str) -> Look:
        role = RELATION_ROLE.get(relation, Role.HOUSEHOLD_MEMBER)
        if relation is Relation.HANDOVER_RECEIVER:
            # A handover is offered to a partner professional (warm) or to a colleague regisseur.
            role = Role.PARTNER_PROFESSIONAL if actor.has_role(Role.PARTNER_PROFESSIONAL) else Role.REGISSEUR
        organisation_id = next(
            (r.organisation_id for r in actor.roles if r.role == role and r.organisation_id),
            None,
        )
        return cls(actor.id, actor.person.display_name, role, organisation_id, household_id, resource)


# The looks of the page being served, when the web layer writes them after the read (server/transactions.py).
_page_looks: ContextVar[list[Look] | None] = ContextVar("page_looks", default=None)


def collect_page_looks() -> tuple[list[Look], Token[list[Look] | None]]:
    """For the request about to be served: the list its pages' looks gather in (see ``record_page_looks``)."""
    looks: list[Look] = []
    return looks, _page_looks.set(looks)


def stop_collecting(token: Token[list[Look] | None]) -> None:
    _page_looks.reset(token)


def gathered_page_looks() -> list[Look]:
    return list(_page_looks.get() or ())


async def record_page_looks(db: AsyncSession, looks: Sequence[Look]) -> None:
    """The looks of a list a page shows (households by name). In a request they are handed to the web layer,
    which writes them after the read, before the page is shown, and withholds the page when it cannot: written
    here, in the page's own transaction, they would hold each household's chain until the page is done, and
    parallel requests showing one household would wait for each other. Outside a request (a command, a test
    of the domain) they are written at once."""
    gathering = _page_looks.get()
    if gathering is None:
        await record_looks(db, looks)
    else:
        gathering.extend(looks)


async def record_look(db: AsyncSession | AsyncConnection, look: Look) -> AccessLogEntry:
    """Append one entry to the household's chain, after every entry that came before it."""
    (entry,) = await record_looks(db, [look])
    return entry


async def record_looks(db: AsyncSession | AsyncConnection, looks: Sequence[Look]) -> list[AccessLogEntry]:
    """Append entries to their households' chains, in order, in the caller's transaction.

    A fixed number of short statements (SQL Core, no unit of work), however many looks and households:
    take the households' write locks, read each chain's head, insert every entry. The lock comes before the
    head is read (a row lock per household on PostgreSQL, taken in the order of their ids; the one writer's
    lock on SQLite), so two writers at the same moment chain one after the other and never fork a chain.
    """
    if not looks:
        return []
    household_ids = sorted({look.household_id for look in looks})
    organisation_ids = list({look.organisation_id for look in looks if look.organisation_id})
    organisation_names: dict[uuid.UUID, str] = {}
    if organisation_ids:
        names = await db.execute(
            _organisation_names_statement(len(organisation_ids) == 1), {"organisation_ids": _ids(organisation_ids)}
        )
        organisation_names = dict(names.tuples().all())
    one = len(household_ids) == 1
    await db.execute(_lock_statement(one), {"household_ids": _ids(household_ids)})
    heads = await db.execute(_heads_statement(one), {"household_ids": _ids(household_ids)})
    previous = {household_id: (entry_hash or "", at) for household_id, entry_hash, at in heads.tuples()}
    entries = []
    for look in looks:
        prev_hash, prev_at = previous.get(look.household_id, ("", None))
        # The chain is read in time order: an entry is always later than the one before it, even when the
        # clock gives the same moment twice (or steps back).
        now = utcnow()
        created_at = max(now, prev_at + _TICK) if prev_at else now
        entry = AccessLogEntry(
            id=uuid.uuid4(),
            household_id=look.household_id,
            actor_id=look.actor_id,
            actor_name=look.actor_name,
            actor_role=str(look.role),
            organisation_name=organisation_names.get(look.organisation_id, "") if look.organisation_id else "",
            resource=look.resource,
            action="read",
            created_at=created_at,
            prev_hash=prev_hash,
        )
        entry.entry_hash = _entry_hash(entry)
        previous[look.household_id] = (entry.entry_hash, created_at)
        entries.append(entry)
    await db.execute(_insert_statement(), [{c: getattr(entry, c) for c in _COLUMNS} for entry in entries])
    return entries


# The statements of ``record_looks``, each built once (a look is written on most pages). Most calls are about
# one household (and one organisation): those compare with one value; more are asked for with an IN list.


def _among(column: InstrumentedAttribute[uuid.UUID], name: str, one: bool) -> ColumnElement[bool]:
    if one:
        return column == bindparam(name, type_=column.type)
    return column.in_(bindparam(name, type_=column.type, expanding=True))


def _ids(ids: Sequence[uuid.UUID]) -> uuid.UUID | Sequence[uuid.UUID]:
    """The value for ``_among``: the one id, or the list."""
    return ids[0] if len(ids) == 1 else ids


@cache
def _organisation_names_statement(one: bool) -> Select[tuple[uuid.UUID, str]]:
    return select(Organisation.id, Organisation.name).where(_among(Organisation.id, "organisation_ids", one))


@cache
def _lock_statement(one: bool) -> Update:
    """Takes the households' write locks before their chain heads are read, by updating the rows to what they
    are. No value changes, so the session's objects need no synchronising."""
    return (
        update(Household)
        .where(_among(Household.id, "household_ids", one))
        .values(updated_at=Household.updated_at)
        .execution_options(synchronize_session=False)
    )


@cache
def _heads_statement(one: bool) -> Select[Any]:
    """Each household's newest entry (the head of its chain), or none for a household without looks yet."""
    later = aliased(AccessLogEntry)
    newest = (
        select(later.id)
        .where(later.household_id == Household.id)
        .order_by(later.created_at.desc(), later.id.desc())
        .limit(1)
        .correlate(Household)
        .scalar_subquery()
    )
    return (
        select(Household.id, AccessLogEntry.entry_hash, AccessLogEntry.created_at)
        .outerjoin(AccessLogEntry, AccessLogEntry.id == newest)
        .where(_among(Household.id, "household_ids", one))
    )


@cache
def _insert_statement() -> Insert:
    # On the table: the entries are plain rows, written as they are (no objects, no session bookkeeping).
    table = AccessLogEntry.__table__
    assert isinstance(table, Table)
    return insert(table)


_TICK = dt.timedelta(microseconds=1)
_COLUMNS = (
    "id",
    "household_id",
    "actor_id",
    "actor_name",
    "actor_role",
    "organisation_name",
    "resource",
    "action",
    "created_at",
    "prev_hash",
    "entry_hash",
)


async def entries_for(session: AsyncSession, household_id: uuid.UUID, limit: int = 200) -> list[AccessLogEntry]:
    result = await session.scalars(
        select(AccessLogEntry)
        .where(AccessLogEntry.household_id == household_id)
        .order_by(AccessLogEntry.created_at.desc(), AccessLogEntry.id.desc())
        .limit(limit)
    )
    return list(result)


# --------------------------------------------------------------------------------------------------------
# Reading the log: the household's page groups the looks per person and day, filtered by person and period
# --------------------------------------------------------------------------------------------------------

# A period longer than this many looks is cut off (newest first) and the page says so: the household then
# picks a shorter period or one person. The page itself shows the groups a page at a time.
MAX_LOOKS = 5000
GROUPS_PER_PAGE = 25
PERIODS = {"week": 7, "maand": 31, "alles": 0}


@dataclass(frozen=True)
class LogFilter:
    """What the household asks to see: one person (or everyone), and a period: the last week or month,
    everything, or from one day to another (both days included, in Dutch time)."""

    person: uuid.UUID | None = None
    period: str = "alles"
    since: dt.date | None = None
    until: dt.date | None = None
    page: int = 1

    @property
    def is_narrowed(self) -> bool:
        return self.person is not None or self.period != "alles" or self.since is not None or self.until is not None


def read_filter(query: dict[str, str], *, today: dt.date) -> tuple[LogFilter, dict[str, str]]:
    """The filter from the page's GET form. A value that cannot be understood is left out of the filter, with
    a message for the field (never an error page): the page then shows what it can."""
    errors: dict[str, str] = {}
    person = None
    raw_person = query.get("persoon", "").strip()
    if raw_person:
        try:
            person = uuid.UUID(raw_person)
        except ValueError:
            errors["persoon"] = N_("Deze persoon kennen we niet. We laten iedereen zien.")
    period = query.get("periode", "").strip() or "alles"
    if period not in PERIODS and period != "datums":
        errors["periode"] = N_("Kies een periode: de laatste week, de laatste maand of alles.")
        period = "alles"
    since = until = None
    if period == "datums" or query.get("van", "").strip() or query.get("tot", "").strip():
        since, since_error = _day(query.get("van", ""))
        until, until_error = _day(query.get("tot", ""))
        if since_error:
            errors["van"] = since_error
        if until_error:
            errors["tot"] = until_error
        if since and until and since > until:
            errors["tot"] = N_("De einddatum ligt voor de begindatum. Kies een einddatum op of na de begindatum.")
            until = None
        if since or until:
            period = "datums"
        elif period == "datums":
            period = "alles"
    elif PERIODS.get(period):
        since = today - dt.timedelta(days=PERIODS[period] - 1)
    try:
        page = max(1, min(int(query.get("pagina", "1") or "1"), 10_000))
    except ValueError:
        page = 1
    return LogFilter(person=person, period=period, since=since, until=until, page=page), errors


DAYS_KEPT_FROM, DAYS_KEPT_UNTIL = 2000, 2100


def _day(raw: str) -> tuple[dt.date | None, str]:
    raw = raw.strip()
    if not raw:
        return None, ""
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            day = dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        # A year far off is a typing error (and year 9999 has no next day to count up to).
        if DAYS_KEPT_FROM <= day.year <= DAYS_KEPT_UNTIL:
            return day, ""
    return None, N_("Vul een datum in, bijvoorbeeld 17-11-2026.")


@dataclass(frozen=True)
class LookRow:
    actor_id: uuid.UUID
    actor_name: str
    actor_role: str
    organisation_name: str
    resource: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Looker:
    """Someone who looked, for the person filter."""

    actor_id: uuid.UUID
    name: str
    organisation_name: str


@dataclass(frozen=True)
class ShareReason:
    """What the household gave someone that lets them look: a share (with a person or an organisation's name:
    a goal's text or the scores, for a purpose), or an action given to a person of its network."""

    person_id: uuid.UUID | None
    organisation_name: str
    goal_text: str
    purpose: str
    kind: str  # a ShareSubject, or ACTION_GIVEN

    @property
    def is_ratings(self) -> bool:
        return self.kind == ShareSubject.RATINGS

    @property
    def is_action(self) -> bool:
        return self.kind == ACTION_GIVEN


ACTION_GIVEN = "action"


@dataclass(frozen=True)
class LogReading:
    rows: list[LookRow]
    # More looks in the period than MAX_LOOKS: the oldest are not read.
    cut_off: bool
    lookers: list[Looker]
    shares: list[ShareReason]
    regisseur_id: uuid.UUID | None


async def read_looks(
    session: AsyncSession, household_id: uuid.UUID, wanted: LogFilter, *, zone: dt.tzinfo
) -> LogReading:
    """The looks the filter asks for, newest first, with everyone who ever looked (for the filter), the
    household's shares and its regisseur (for why someone may look). Four statements, however long the log."""
    query = select(
        AccessLogEntry.actor_id,
        AccessLogEntry.actor_name,
        AccessLogEntry.actor_role,
        AccessLogEntry.organisation_name,
        AccessLogEntry.resource,
        AccessLogEntry.created_at,
    ).where(AccessLogEntry.household_id == household_id)
    if wanted.person is not None:
        query = query.where(AccessLogEntry.actor_id == wanted.person)
    if wanted.since is not None:
        start = dt.datetime.combine(wanted.since, dt.time(), zone)
        query = query.where(AccessLogEntry.created_at >= start)
    if wanted.until is not None:
        end = dt.datetime.combine(wanted.until + dt.timedelta(days=1), dt.time(), zone)
        query = query.where(AccessLogEntry.created_at < end)
    found = await session.execute(
        query.order_by(AccessLogEntry.created_at.desc(), AccessLogEntry.id.desc()).limit(MAX_LOOKS + 1)
    )
    rows = [LookRow(*row) for row in found.tuples()]
    # Each person once, by the name and organisation of their latest look.
    newest = (
        select(
            AccessLogEntry.actor_id,
            func.max(AccessLogEntry.created_at).label("latest"),
        )
        .where(AccessLogEntry.household_id == household_id)
        .group_by(AccessLogEntry.actor_id)
        .subquery()
    )
    people = await session.execute(
        select(AccessLogEntry.actor_id, AccessLogEntry.actor_name, AccessLogEntry.organisation_name)
        .join(
            newest,
            (newest.c.actor_id == AccessLogEntry.actor_id) & (newest.c.latest == AccessLogEntry.created_at),
        )
        .where(AccessLogEntry.household_id == household_id)
        .order_by(AccessLogEntry.actor_name, AccessLogEntry.actor_id)
    )
    lookers: dict[uuid.UUID, Looker] = {}
    for actor_id, name, organisation in people.tuples():
        lookers.setdefault(actor_id, Looker(actor_id, name, organisation))
    # The shares, and the actions given to people of the network, in one statement.
    shared = (
        select(
            Share.person_id.label("person_id"),
            Organisation.name.label("organisation"),
            Goal.text.label("what"),
            Share.purpose.label("purpose"),
            Share.subject.label("kind"),
            Share.created_at.label("since"),
        )
        .outerjoin(Organisation, Organisation.id == Share.organisation_id)
        .outerjoin(Goal, Goal.id == Share.goal_id)
        .where(Share.household_id == household_id)
    )
    given = select(
        PlanAction.assigned_person_id,
        cast(null(), String),
        cast(PlanAction.what, String),
        cast(literal(""), String),
        cast(literal(ACTION_GIVEN), String),
        PlanAction.created_at,
    ).where(PlanAction.household_id == household_id, PlanAction.assigned_person_id.is_not(None))
    both = union_all(shared, given).subquery()
    shares = await session.execute(select(both).order_by(both.c.since))
    regisseur_id = await session.scalar(
        select(Trajectory.regisseur_id)
        .where(Trajectory.household_id == household_id)
        .order_by(Trajectory.started_on.desc())
        .limit(1)
    )
    return LogReading(
        rows=rows[:MAX_LOOKS],
        cut_off=len(rows) > MAX_LOOKS,
        lookers=list(lookers.values()),
        shares=[
            ShareReason(person_id, organisation or "", what or "", purpose or "", str(kind))
            for person_id, organisation, what, purpose, kind, _since in shares.tuples()
        ],
        regisseur_id=regisseur_id,
    )


async def chain_is_intact(session: AsyncSession, household_id: uuid.UUID) -> bool:
    """Recompute every hash from the first entry on; any change or gap breaks the chain."""
    result = await session.scalars(
        select(AccessLogEntry)
        .where(AccessLogEntry.household_id == household_id)
        .order_by(AccessLogEntry.created_at, AccessLogEntry.id)
    )
    previous = ""
    for entry in result:
        if entry.prev_hash != previous or _entry_hash(entry) != entry.entry_hash:
            return False
        previous = entry.entry_hash
    return True
