"""Help requests: an action offered to volunteers as a card that does not identify the household.

The household (or the regisseur together with the household) writes the card in its own words; volunteers of
the organisations the gemeente works with see it on their task board and offer to help; the household
accepts or declines. A card is one-off ("Een keer boodschappen doen") or for set days of the week in a
period (the school run on Monday, Tuesday and Thursday): several volunteers can then each take some of the
days, and each day goes to one of them at most.

After accepting, the household chooses what that volunteer gets to know (first names, the address or only a
meeting place, the phone number, a note), and the volunteer sees that and nothing else. The volunteer of a
one-off card marks it done and the household confirms. A withdrawn request, or a volunteer's part that the
household ended, ends that volunteer's access at once (the policy only relates a volunteer to a household
through an accepted offer on a request that still runs).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, DomainError, IllegalTransition, InvalidInput, NotFound
from server.domain.events import EventKind, record_event
from server.domain.models import (
    Household,
    Member,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleAssignment,
    Trajectory,
    utcnow,
)
from server.domain.network.model import NetworkPerson
from server.domain.plan.model import ActionStatus, PlanAction, Share, WhoType
from server.domain.policy import Actor
from server.domain.rows import get_in_household
from server.domain.text import check, clean, refused
from server.domain.volunteering.model import (
    HelpOffer,
    HelpOfferMember,
    HelpOfferStatus,
    HelpRequest,
    HelpRequestStatus,
    HelpRotaDay,
    InvolvementCount,
)

MAX_WHAT = 300
MAX_WHEN = 120
MAX_MESSAGE = 300
MAX_PLACE = 200
MAX_NOTE = 300
LIVE = (HelpRequestStatus.OPEN, HelpRequestStatus.ACCEPTED, HelpRequestStatus.DONE)
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")

# The days of the week as the forms and the table write them; the position is the weekday (0 is Monday).
WEEKDAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
ONE_OFF = "eenmalig"
RECURRING = "vaste_dagen"


def local_today() -> dt.date:
    return utcnow().astimezone(LOCAL_TZ).date()


def days_of(codes: str) -> tuple[int, ...]:
    """ "ma,do" as weekdays (0, 3); anything unknown is left out."""
    if not codes:
        return ()
    given = codes.split(",")
    return tuple(i for i, code in enumerate(WEEKDAYS) if code in given)


def codes_of(days: Iterable[int]) -> str:
    return ",".join(WEEKDAYS[d] for d in sorted(set(days)))


def _chosen_days(raw: list[str] | str) -> tuple[tuple[int, ...], bool]:
    """The weekdays ticked in a form, and whether anything else was sent (which no checkbox can)."""
    values = [raw] if isinstance(raw, str) else list(raw)
    values = [v for v in values if v]
    return tuple(sorted({WEEKDAYS.index(v) for v in values if v in WEEKDAYS})), any(v not in WEEKDAYS for v in values)


def is_recurring(request: HelpRequest) -> bool:
    return bool(request.weekdays)


def next_date(
    days: Sequence[int], starts_on: dt.date | None, ends_on: dt.date | None, today: dt.date
) -> dt.date | None:
    """The first day from today (or from the start of the period) on one of ``days``, within the period."""
    if not days:
        return None
    first = max(today, starts_on) if starts_on else today
    for offset in range(7):
        candidate = first + dt.timedelta(days=offset)
        if candidate.weekday() in days:
            return None if ends_on is not None and candidate > ends_on else candidate
    return None


# ------------------------------------------------------------------------------------------------------
# Publishing, with names in the text pointed out first
# ------------------------------------------------------------------------------------------------------


@dataclass
class HelpRequestInput:
    what: str = ""
    when_text: str = ""
    # "eenmalig" or "vaste_dagen"; with set days, the days of the week and the period.
    kind: str = ONE_OFF
    weekdays: list[str] | str = field(default_factory=list)
    starts_on: str = ""
    ends_on: str = ""
    # The names pointed out in the text (comma-separated) that the household saw and chose to publish as they
    # are; a name added after that is pointed out again.
    names_seen: str = ""


@dataclass(frozen=True)
class NameInText:
    """A name of someone the household knows, found in the text volunteers would read."""

    word: str  # as it stands in the text
    whose: str  # "member", "household" (the family name) or "network"


# Words that come before a name ("oma Ria", "juf Petra"), stand for one ("Kind 1") or name a role on the
# network map ("Huisarts"): no name themselves, and a map entry of only such words is looked for by no word.
ORDINARY_WORDS = frozenset(
    {"oma", "opa", "tante", "oom", "neef", "nicht", "juf", "meester", "buurvrouw", "buurman", "mevrouw", "meneer"}
    | {"vader", "moeder", "papa", "mama", "broer", "zus", "zoon", "dochter", "vriend", "vriendin", "buren"}
    | {"huisarts", "dokter", "tandarts", "school", "voetbalclub", "club", "kerk", "moskee", "wijkagent", "collega"}
    | {"mw", "mw.", "dhr", "dhr.", "de", "van", "der", "den", "het", "ter", "ten", "kind", "baby"}
)


def _names_to_look_for(full_name: str) -> list[str]:
    """The whole name, and the first name on its own ("Ria de Vries": also "Ria"; "oma Ria": "Ria")."""
    words = full_name.split()
    names = [w for w in words if w.strip("().,").casefold() not in ORDINARY_WORDS and len(w) >= 2]
    if not names:
        return []
    found = [" ".join(words)]
    first = names[0].strip("().,")
    if len(first) >= 2 and first not in found:
        found.append(first)
    return found


def _find(name: str, text: str) -> str | None:
    # A whole word (or words), in any case: "Sem" is found in "sem komt" but not in "semester".
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(part) for part in name.split()) + r"(?!\w)"
    match = re.search(pattern, text, flags=re.IGNORECASE)
    return match.group(0) if match else None


async def names_in_text(db: AsyncSession, household_id: uuid.UUID, *texts: str) -> list[NameInText]:
    """Names of household members, of the household itself and of people on its network map that stand in
    the texts, each once. Two queries."""
    household = await db.get(Household, household_id)
    members = list(await db.scalars(select(Member.first_name).where(Member.household_id == household_id)))
    network = list(await db.scalars(select(NetworkPerson.name).where(NetworkPerson.household_id == household_id)))
    candidates: list[tuple[str, str]] = [(n, "member") for m in members for n in _names_to_look_for(m)]
    if household is not None:
        candidates += [(n, "household") for n in _names_to_look_for(household.name)[:1]]
    candidates += [(n, "network") for p in network for n in _names_to_look_for(p)]
    text = "\n".join(texts)
    found: list[NameInText] = []
    seen: set[str] = set()
    # Longer names first, so that "Ria de Vries" is told once and not again as "Ria".
    for name, whose in sorted(candidates, key=lambda c: -len(c[0])):
        word = _find(name, text)
        if word is None or any(word.casefold() in s for s in seen):
            continue
        seen.add(word.casefold())
        found.append(NameInText(word, whose))
    return found


class NamesInText(DomainError):
    """The text names someone the household knows; the household looks again or publishes it as it is."""

    message = N_("In je tekst staan namen. Kijk of dat de bedoeling is.")

    def __init__(self, names: list[NameInText]) -> None:
        super().__init__()
        self.names = names


async def live_request_for(db: AsyncSession, action_id: uuid.UUID) -> HelpRequest | None:
    found: HelpRequest | None = await db.scalar(
        select(HelpRequest).where(HelpRequest.action_id == action_id, HelpRequest.status.in_(LIVE)).limit(1)
    )
    return found


@cache
def _live_action_ids_statement() -> Select[tuple[uuid.UUID]]:
    household_id: BindParameter[uuid.UUID] = bindparam("household_id", type_=HelpRequest.household_id.type)
    return select(HelpRequest.action_id).where(HelpRequest.household_id == household_id, HelpRequest.status.in_(LIVE))


async def live_action_ids(db: AsyncSession, household_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """Actions of the household that have a help request going (so no second one is offered)."""
    return frozenset(await db.scalars(_live_action_ids_statement(), {"household_id": household_id}))


def _date(raw: str, field_name: str, errors: dict[str, str]) -> dt.date | None:
    raw = clean(raw)
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        day = None
    # A year far off is a typing error: the next date of a rota must stay countable.
    if day is None or not 2000 <= day.year <= 2100:
        errors[field_name] = N_("Vul een datum in, zoals 2026-12-01.")
        return None
    return day


def _schedule(data: HelpRequestInput, errors: dict[str, str]) -> tuple[str, dt.date | None, dt.date | None]:
    """The days and the period of a request with set days ("", None, None for a one-off request)."""
    if data.kind not in (ONE_OFF, RECURRING):
        errors["kind"] = N_("Kies: een keer, of vaste dagen.")
        return "", None, None
    if data.kind == ONE_OFF:
        return "", None, None
    days, strange = _chosen_days(data.weekdays)
    if strange:
        errors["weekdays"] = N_("Kies dagen uit de lijst.")
    elif not days:
        errors["weekdays"] = N_("Kies op welke dagen jullie hulp zoeken.")
    starts_on = _date(data.starts_on, "starts_on", errors)
    ends_on = _date(data.ends_on, "ends_on", errors)
    if "starts_on" not in errors and starts_on is None:
        errors["starts_on"] = N_("Vul in vanaf wanneer jullie hulp zoeken.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = N_("De laatste dag komt na de eerste dag.")
    elif ends_on and ends_on < local_today():
        errors["ends_on"] = N_("Deze dag is al voorbij.")
    if starts_on and ends_on and not errors and next_date(days, starts_on, ends_on, starts_on) is None:
        errors["weekdays"] = N_("Geen van deze dagen valt in die periode.")
    return codes_of(days), starts_on, ends_on


async def publish(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, action_id: uuid.UUID, data: HelpRequestInput
) -> HelpRequest:
    """Put a card on the task board for an action that a volunteer is to do. The text is the household's own
    (never the action's, which may name people); names in it are pointed out first (``NamesInText``), and
    published as written only when the household chose that."""
    action = await get_in_household(db, PlanAction, action_id, household_id)
    household = await db.get(Household, household_id)
    if household is None:
        raise NotFound
    if action.who_type != WhoType.VRIJWILLIGER:
        raise IllegalTransition(N_("Alleen een actie voor een vrijwilliger kan een hulpvraag worden."))
    if action.status in (ActionStatus.GEDAAN, ActionStatus.GESTOPT):
        raise IllegalTransition(N_("Deze actie is al klaar of gestopt."))
    if await live_request_for(db, action.id) is not None:
        raise IllegalTransition(N_("Voor deze actie staat al een hulpvraag uit."))
    errors: dict[str, str] = {}
    what, when_text = clean(data.what), clean(data.when_text)
    if not what:
        errors["what"] = N_("Schrijf op waarbij jullie hulp zoeken.")
    elif len(what) > MAX_WHAT:
        errors["what"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_WHAT)
    if len(when_text) > MAX_WHEN:
        errors["when_text"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_WHEN)
    weekdays, starts_on, ends_on = _schedule(data, errors)
    errors.update(refused(what=data.what, when_text=data.when_text))
    if errors:
        raise InvalidInput(errors)
    names = await names_in_text(db, household_id, what, when_text)
    seen = {word.strip().casefold() for word in data.names_seen.split(",") if word.strip()}
    if any(name.word.casefold() not in seen for name in names):
        raise NamesInText(names)
    request = HelpRequest(
        household_id=household_id,
        action_id=action.id,
        municipality_id=household.municipality_id,
        what=what,
        when_text=when_text,
        wijk=household.wijk,
        status=HelpRequestStatus.OPEN,
        published_by_id=actor.id,
        weekdays=weekdays,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.add(request)
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.HELP_PUBLISHED, detail={"what": what}
    )
    return request


# ------------------------------------------------------------------------------------------------------
# The task board and offers
# ------------------------------------------------------------------------------------------------------


@cache
def _volunteer_organisation_statement(whole: bool) -> Select[Any]:
    """The volunteer's organisation (``whole``), or only its id where the question is whether there is one."""
    return (
        select(Organisation if whole else Organisation.id)
        .where(
            Organisation.id.in_(bindparam("organisations", expanding=True)),
            Organisation.kind == OrganisationKind.VOLUNTEER,
            Organisation.works_with_municipality.is_(True),
            Organisation.ended_at.is_(None),
            Organisation.municipality_id == bindparam("municipality_id", type_=Organisation.municipality_id.type),
        )
        .limit(1)
    )


def _volunteer_organisation_parameters(actor: Actor) -> dict[str, Any] | None:
    organisation_ids = [r.organisation_id for r in actor.roles if r.role == Role.VOLUNTEER and r.organisation_id]
    if not organisation_ids:
        return None
    return {"organisations": organisation_ids, "municipality_id": actor.person.municipality_id}


async def volunteer_organisation(db: AsyncSession, actor: Actor) -> Organisation | None:
    """The volunteer's organisation, if it is one the volunteer's gemeente works with (and has not ended)."""
    parameters = _volunteer_organisation_parameters(actor)
    if parameters is None:
        return None
    found: Organisation | None = await db.scalar(_volunteer_organisation_statement(True), parameters)
    return found


async def works_with_gemeente(db: AsyncSession, actor: Actor) -> bool:
    """Whether the volunteer's organisation is one the volunteer's gemeente works with (``volunteer_organisation``
    without loading it)."""
    parameters = _volunteer_organisation_parameters(actor)
    return parameters is not None and await db.scalar(_volunteer_organisation_statement(False), parameters) is not None


@dataclass
class OfferInput:
    # A short message to the household with the offer.
    message: str = ""
    # With set days: the days the volunteer takes ("di", "do").
    weekdays: list[str] | str = field(default_factory=list)


@dataclass(frozen=True)
class Card:
    """What a volunteer sees of a help request before acceptance: nothing that identifies the household."""

    id: uuid.UUID
    what: str
    when_text: str
    wijk: str
    offered: bool
    days: tuple[int, ...] = ()  # the request's days (empty: one-off)
    open_days: tuple[int, ...] = ()  # of those, the days nobody has yet
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    offered_days: tuple[int, ...] = ()


@dataclass(frozen=True)
class Task:
    """A request whose offer the household accepted: the volunteer's own task."""

    id: uuid.UUID
    household_id: uuid.UUID
    what: str
    status: HelpRequestStatus
    when_text: str = ""
    days: tuple[int, ...] = ()  # the volunteer's own days of a request with set days
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    next_on: dt.date | None = None


def _in_period(today: ColumnElement[dt.date]) -> ColumnElement[bool]:
    """A request without an end, or whose last day has not passed: after it, volunteers read nothing of it."""
    return or_(HelpRequest.ends_on.is_(None), HelpRequest.ends_on >= today)


def _today() -> BindParameter[dt.date]:
    return bindparam("today", type_=HelpRequest.ends_on.type)


@cache
def _tasks_statement() -> Select[Any]:
    volunteer_id: BindParameter[uuid.UUID] = bindparam("volunteer_id", type_=HelpOffer.volunteer_id.type)
    return (
        select(
            HelpRequest.id,
            HelpRequest.household_id,
            HelpRequest.what,
            HelpRequest.status,
            HelpRequest.when_text,
            HelpRequest.weekdays,
            HelpRequest.starts_on,
            HelpRequest.ends_on,
            HelpOffer.weekdays.label("offered"),
        )
        .join(HelpOffer, HelpOffer.help_request_id == HelpRequest.id)
        .where(
            HelpOffer.volunteer_id == volunteer_id,
            HelpOffer.status == HelpOfferStatus.ACCEPTED,
            HelpRequest.status.in_(LIVE),
            _in_period(_today()),
        )
        .order_by(HelpRequest.accepted_at, HelpRequest.id)
    )


async def tasks_of(db: AsyncSession, actor: Actor) -> list[Task]:
    """The volunteer's own tasks: requests on which the household accepted their offer, while they run. One
    query."""
    today = local_today()
    rows = await db.execute(_tasks_statement(), {"volunteer_id": actor.id, "today": today})
    tasks = []
    for row in rows:
        days = days_of(row.offered) if row.weekdays else ()
        tasks.append(
            Task(
                row.id,
                row.household_id,
                row.what,
                HelpRequestStatus(row.status),
                row.when_text,
                days,
                row.starts_on,
                row.ends_on,
                next_date(days, row.starts_on, row.ends_on, today),
            )
        )
    return tasks


@cache
def _taken_days_statement() -> Select[tuple[uuid.UUID, int, uuid.UUID]]:
    return select(HelpRotaDay.help_request_id, HelpRotaDay.weekday, HelpRotaDay.volunteer_id).where(
        HelpRotaDay.help_request_id.in_(bindparam("request_ids", expanding=True))
    )


async def _taken_days(db: AsyncSession, request_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dict[int, uuid.UUID]]:
    """Per request: which weekday is whose (the volunteer's person id)."""
    taken: dict[uuid.UUID, dict[int, uuid.UUID]] = {}
    if not request_ids:
        return taken
    rows = await db.execute(_taken_days_statement(), {"request_ids": list(request_ids)})
    for request_id, weekday, volunteer_id in rows.tuples():
        taken.setdefault(request_id, {})[weekday] = volunteer_id
    return taken


@cache
def _cards_statement() -> Select[Any]:
    """The open requests of the gemeente that still run (the latest hundred), with the volunteer's own offer on
    each, if she made one (one at most: an offer is unique per request and volunteer)."""
    volunteer_id: BindParameter[uuid.UUID] = bindparam("volunteer_id", type_=HelpOffer.volunteer_id.type)
    municipality_id: BindParameter[uuid.UUID] = bindparam("municipality_id", type_=HelpRequest.municipality_id.type)
    return (
        select(
            HelpRequest.id,
            HelpRequest.what,
            HelpRequest.when_text,
            HelpRequest.wijk,
            HelpRequest.weekdays,
            HelpRequest.starts_on,
            HelpRequest.ends_on,
            HelpOffer.id.label("offer_id"),
            HelpOffer.weekdays.label("offered"),
        )
        .outerjoin(HelpOffer, (HelpOffer.help_request_id == HelpRequest.id) & (HelpOffer.volunteer_id == volunteer_id))
        .where(
            HelpRequest.municipality_id == municipality_id,
            HelpRequest.status == HelpRequestStatus.OPEN,
            _in_period(_today()),
        )
        .order_by(HelpRequest.created_at.desc())
        .limit(100)
    )


@dataclass(frozen=True)
class Board:
    """The volunteer's task board: the open cards (only when her organisation works with the gemeente), and her
    own accepted tasks."""

    cards: list[Card]
    tasks: list[Task]
    works_with: bool


async def board(db: AsyncSession, actor: Actor) -> Board:
    """Open cards of the volunteer's gemeente, and the volunteer's own accepted tasks."""
    tasks = await tasks_of(db, actor)
    if not await works_with_gemeente(db, actor):
        return Board([], tasks, works_with=False)
    parameters = {"volunteer_id": actor.id, "municipality_id": actor.person.municipality_id, "today": local_today()}
    requests = (await db.execute(_cards_statement(), parameters)).all()
    taken = await _taken_days(db, [r.id for r in requests if r.weekdays])
    cards = []
    for r in requests:
        days = days_of(r.weekdays)
        cards.append(
            Card(
                r.id,
                r.what,
                r.when_text,
                r.wijk,
                r.offer_id is not None,
                days,
                tuple(d for d in days if d not in taken.get(r.id, {})),
                r.starts_on,
                r.ends_on,
                days_of(r.offered or ""),
            )
        )
    return Board(cards, tasks, works_with=True)


class CardGone(NotFound):
    message = N_("Deze hulpvraag staat niet (meer) open. Kijk op het takenbord voor andere vragen.")


async def offer(
    db: AsyncSession,
    actor: Actor,
    request_id: uuid.UUID,
    message: str = "",
    weekdays: list[str] | str | None = None,
) -> HelpOffer:
    """A volunteer offers to help; with set days, on the days she chooses of those still open."""
    organisation = await volunteer_organisation(db, actor)
    request = await db.get(HelpRequest, request_id)
    # A card outside the volunteer's reach, a card someone else already took and an unknown id all get
    # the same answer: whether a request exists (or was taken) is not for every volunteer to learn.
    if (
        organisation is None
        or request is None
        or request.municipality_id != actor.person.municipality_id
        or request.status != HelpRequestStatus.OPEN
        or (request.ends_on and request.ends_on < local_today())
    ):
        raise CardGone
    check("message", message, long_text=True)
    message = clean(message)
    if len(message) > MAX_MESSAGE:
        raise InvalidInput({"message": N_("Je bericht is te lang (hoogstens %(max)s tekens).", max=MAX_MESSAGE)})
    existing = await db.scalar(
        select(HelpOffer).where(HelpOffer.help_request_id == request.id, HelpOffer.volunteer_id == actor.id)
    )
    if existing is not None:
        return existing
    days: tuple[int, ...] = ()
    if is_recurring(request):
        chosen, strange = _chosen_days(weekdays or [])
        open_days = set(days_of(request.weekdays)) - set((await _taken_days(db, [request.id])).get(request.id, {}))
        if strange or not set(chosen) <= set(days_of(request.weekdays)):
            raise InvalidInput({"weekdays": N_("Kies dagen van deze hulpvraag.")})
        if not chosen:
            raise InvalidInput({"weekdays": N_("Kies op welke dagen je kunt helpen.")})
        if not set(chosen) <= open_days:
            raise InvalidInput(
                {"weekdays": N_("Een van die dagen heeft al een vrijwilliger. Kies een dag die nog open is.")}
            )
        days = chosen
    made = HelpOffer(
        help_request_id=request.id,
        volunteer_id=actor.id,
        organisation_id=organisation.id,
        message=message,
        created_at=utcnow(),
        weekdays=codes_of(days),
    )
    db.add(made)
    await db.flush()
    await record_event(
        db,
        household_id=request.household_id,
        actor=actor.person,
        kind=EventKind.HELP_OFFERED,
        detail={"what": request.what, "organisation": organisation.name},
        subject_id=made.id,
    )
    return made


# ------------------------------------------------------------------------------------------------------
# The household decides
# ------------------------------------------------------------------------------------------------------


class DayTaken(IllegalTransition):
    """Two volunteers would do the same day of a request with set days."""

    message = N_("Die dag heeft al een vrijwilliger. Een dag kan maar door één vrijwilliger gedaan worden.")


def _day_taken(weekday: int, name: str) -> DayTaken:
    return DayTaken(
        N_(
            "Op %(day)s helpt %(name)s al. Een dag kan maar door één vrijwilliger gedaan worden. Er is niets "
            "veranderd. Zeg nee tegen dit aanbod, of vraag de vrijwilliger om andere dagen.",
            day=WEEKDAY_NAMES[weekday],
            name=name,
        )
    )


# The day names in refusals: translated at the edge, with the refusal around them.
WEEKDAY_NAMES = (
    N_("maandag"),
    N_("dinsdag"),
    N_("woensdag"),
    N_("donderdag"),
    N_("vrijdag"),
    N_("zaterdag"),
    N_("zondag"),
)
# The rota row of a one-off request: the whole request goes to one volunteer, guarded by the same constraint.
WHOLE_REQUEST = -1


async def _give_days(db: AsyncSession, request: HelpRequest, chosen: HelpOffer) -> None:
    """Write the chosen offer's days into the rota (a one-off request has one row for the whole request), or
    refuse the whole acceptance when a day is taken.

    The caller took the request's row first, so two members accepting two offers for the same
    request at the same moment take turns and the second sees the first's days; the unique constraint on
    (request, weekday) is the backstop everywhere, and its violation is the same refusal. The refusal rolls
    back the request's transaction, so nothing of the acceptance stays."""
    days = days_of(chosen.weekdays) if is_recurring(request) else (WHOLE_REQUEST,)
    taken = (await _taken_days(db, [request.id])).get(request.id, {})
    clash = next((d for d in days if d in taken), None)
    if clash is not None:
        if clash == WHOLE_REQUEST:
            raise IllegalTransition(N_("Over dit aanbod is al besloten."))
        holder = await db.get(Person, taken[clash])
        raise _day_taken(clash, holder.display_name if holder else "")
    try:
        async with db.begin_nested():
            db.add_all(
                HelpRotaDay(help_request_id=request.id, weekday=d, offer_id=chosen.id, volunteer_id=chosen.volunteer_id)
                for d in days
            )
            await db.flush()
    except IntegrityError:
        # Someone else gave one of these days in the same moment, past the lock.
        raise DayTaken from None


async def decide(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, offer_id: uuid.UUID, *, accept: bool
) -> HelpRequest:
    """The household accepts an offer or declines it. A one-off request goes to one volunteer (the other
    offers are then declined); a request with set days goes day by day: each accepted offer takes its days,
    and the request stays on the board while any day is open."""
    found = await db.execute(
        select(HelpOffer, HelpRequest)
        .join(HelpRequest, HelpRequest.id == HelpOffer.help_request_id)
        .where(HelpOffer.id == offer_id, HelpRequest.household_id == household_id)
    )
    row = found.tuples().first()
    if row is None:
        raise NotFound
    chosen, request = row
    if accept:
        # Take the request's row first, with a write, so that another acceptance of the same request at the same
        # moment waits here until this one is committed or rolled back (a row lock on PostgreSQL, the write
        # lock on SQLite); then read the request and the offer again, as they are now.
        await db.execute(
            update(HelpRequest)
            .where(HelpRequest.id == request.id)
            .values(updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        await db.refresh(request)
        await db.refresh(chosen)
    if request.status != HelpRequestStatus.OPEN or chosen.status != HelpOfferStatus.PENDING:
        raise IllegalTransition(N_("Over dit aanbod is al besloten."))
    volunteer = await db.get(Person, chosen.volunteer_id)
    organisation = await db.get(Organisation, chosen.organisation_id) if chosen.organisation_id else None
    name = volunteer.display_name if volunteer else ""
    if not accept:
        chosen.status = HelpOfferStatus.DECLINED
        await db.flush()
        await record_event(
            db,
            household_id=household_id,
            actor=actor.person,
            kind=EventKind.HELP_DECLINED,
            detail={"volunteer": name},
            subject_id=chosen.id,
        )
        return request
    await _give_days(db, request, chosen)
    if is_recurring(request):
        taken = (await _taken_days(db, [request.id])).get(request.id, {})
        if set(days_of(request.weekdays)) <= set(taken):
            # Every day has its volunteer: off the board; offers still waiting can no longer be accepted.
            request.status = HelpRequestStatus.ACCEPTED
            for other in await db.scalars(
                select(HelpOffer).where(
                    HelpOffer.help_request_id == request.id,
                    HelpOffer.id != chosen.id,
                    HelpOffer.status == HelpOfferStatus.PENDING,
                )
            ):
                other.status = HelpOfferStatus.DECLINED
    else:
        for other in await db.scalars(
            select(HelpOffer).where(HelpOffer.help_request_id == request.id, HelpOffer.id != chosen.id)
        ):
            other.status = HelpOfferStatus.DECLINED
        request.status = HelpRequestStatus.ACCEPTED
        request.volunteer_id = chosen.volunteer_id
    chosen.status = HelpOfferStatus.ACCEPTED
    request.accepted_at = request.accepted_at or utcnow()
    action = await db.get(PlanAction, request.action_id)
    if action is not None:
        if action.assigned_person_id is None or not is_recurring(request):
            action.assigned_person_id = chosen.volunteer_id
        names = await _accepted_names(db, request.id) if is_recurring(request) else [name]
        performer = ", ".join(names)
        action.performer = (f"{performer} ({organisation.name})" if organisation else performer)[:120]
        if action.status == ActionStatus.OPEN:
            action.status = ActionStatus.BEZIG
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.HELP_ACCEPTED,
        detail={"volunteer": name, "what": request.what},
        subject_id=chosen.id,
    )
    await record_involvement(db, household_id)
    return request


async def _accepted_names(db: AsyncSession, request_id: uuid.UUID) -> list[str]:
    return list(
        await db.scalars(
            select(Person.display_name)
            .join(HelpOffer, HelpOffer.volunteer_id == Person.id)
            .where(HelpOffer.help_request_id == request_id, HelpOffer.status == HelpOfferStatus.ACCEPTED)
            .order_by(HelpOffer.created_at)
        )
    )


async def _accepted_offer(
    db: AsyncSession, household_id: uuid.UUID, offer_id: uuid.UUID
) -> tuple[HelpOffer, HelpRequest]:
    row = (
        (
            await db.execute(
                select(HelpOffer, HelpRequest)
                .join(HelpRequest, HelpRequest.id == HelpOffer.help_request_id)
                .where(HelpOffer.id == offer_id, HelpRequest.household_id == household_id)
            )
        )
        .tuples()
        .first()
    )
    if row is None:
        raise NotFound
    chosen, request = row
    if chosen.status != HelpOfferStatus.ACCEPTED or request.status not in LIVE:
        raise IllegalTransition(
            N_(
                "Dit aanbod is (nog) niet aangenomen, of de hulpvraag loopt niet meer. "
                "Dan krijgt de vrijwilliger niets te zien."
            )
        )
    return chosen, request


async def end_part(db: AsyncSession, actor: Actor, household_id: uuid.UUID, offer_id: uuid.UUID) -> HelpRequest:
    """The household ends one volunteer's part of a request with set days: her days are open again and her
    access ends at once."""
    chosen, request = await _accepted_offer(db, household_id, offer_id)
    if not is_recurring(request):
        raise IllegalTransition(N_("Trek bij een eenmalige hulpvraag de hele hulpvraag in."))
    chosen.status = HelpOfferStatus.ENDED
    await db.execute(delete(HelpRotaDay).where(HelpRotaDay.offer_id == chosen.id))
    if request.status == HelpRequestStatus.ACCEPTED:
        request.status = HelpRequestStatus.OPEN
    action = await db.get(PlanAction, request.action_id)
    if action is not None and action.assigned_person_id == chosen.volunteer_id:
        action.assigned_person_id = None
    volunteer = await db.get(Person, chosen.volunteer_id)
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.HELP_PART_ENDED,
        detail={"what": request.what, "volunteer": volunteer.display_name if volunteer else ""},
        subject_id=chosen.id,
    )
    await record_involvement(db, household_id)
    return request


# ------------------------------------------------------------------------------------------------------
# What an accepted volunteer gets to know
# ------------------------------------------------------------------------------------------------------


PLACE_NONE = "niets"
PLACE_ADDRESS = "adres"
PLACE_TEXT = "plek"


@dataclass
class DisclosureInput:
    """The household's choice of what one accepted volunteer gets to know."""

    members: list[str] | str = field(default_factory=list)  # member ids whose first name she may know
    place: str = PLACE_NONE  # "niets", "adres" (the household's address) or "plek" (the text below)
    place_text: str = ""
    phone: str = ""  # "ja": the household's phone number
    note: str = ""


@dataclass(frozen=True)
class DisclosureForm:
    offer: HelpOffer
    request: HelpRequest
    volunteer_name: str
    members: list[Member]
    chosen_members: frozenset[uuid.UUID]
    address: str
    phone: str

    @property
    def days(self) -> tuple[int, ...]:
        return days_of(self.offer.weekdays)


async def disclosure_form(db: AsyncSession, household_id: uuid.UUID, offer_id: uuid.UUID) -> DisclosureForm:
    chosen, request = await _accepted_offer(db, household_id, offer_id)
    household = await db.get(Household, household_id)
    if household is None:
        raise NotFound
    volunteer = await db.get(Person, chosen.volunteer_id)
    members = list(
        await db.scalars(
            select(Member)
            .where(Member.household_id == household_id)
            .order_by(Member.is_adult.desc(), Member.first_name)
        )
    )
    chosen_members = frozenset(
        await db.scalars(select(HelpOfferMember.member_id).where(HelpOfferMember.offer_id == chosen.id))
    )
    return DisclosureForm(
        chosen,
        request,
        volunteer.display_name if volunteer else "",
        members,
        chosen_members,
        household.address,
        household.phone,
    )


async def disclose(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, offer_id: uuid.UUID, data: DisclosureInput
) -> HelpOffer:
    """Write down what the volunteer of this accepted offer gets to know; a later choice replaces it."""
    chosen, _request = await _accepted_offer(db, household_id, offer_id)
    household = await db.get(Household, household_id)
    if household is None:
        raise NotFound
    errors: dict[str, str] = {}
    raw_members = [data.members] if isinstance(data.members, str) else list(data.members)
    member_ids: set[uuid.UUID] = set()
    for raw in (m for m in raw_members if m):
        try:
            member_ids.add(uuid.UUID(raw))
        except ValueError:
            errors["members"] = N_("Kies mensen uit de lijst.")
    known = set(await db.scalars(select(Member.id).where(Member.household_id == household_id)))
    if not member_ids <= known:
        errors["members"] = N_("Kies mensen uit de lijst.")
    place_text, note = clean(data.place_text), clean(data.note)
    if data.place not in (PLACE_NONE, PLACE_ADDRESS, PLACE_TEXT):
        errors["place"] = N_("Kies een van de mogelijkheden.")
    elif data.place == PLACE_ADDRESS and not household.address:
        errors["place"] = N_("Jullie adres staat nog niet in Ons Plan. Schrijf een plek op.")
    elif data.place == PLACE_TEXT and not place_text:
        errors["place_text"] = N_("Schrijf de plek op, bijvoorbeeld: bij de ingang van de school.")
    if len(place_text) > MAX_PLACE:
        errors["place_text"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_PLACE)
    if data.phone not in ("", "ja"):
        errors["phone"] = N_("Kies een van de mogelijkheden.")
    elif data.phone == "ja" and not household.phone:
        errors["phone"] = N_("Jullie telefoonnummer staat nog niet in Ons Plan.")
    if len(note) > MAX_NOTE:
        errors["note"] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=MAX_NOTE)
    errors.update(refused(("note",), place_text=data.place_text, note=data.note))
    if errors:
        raise InvalidInput(errors)
    chosen.share_address = data.place == PLACE_ADDRESS
    chosen.share_place = place_text if data.place == PLACE_TEXT else ""
    chosen.share_phone = data.phone == "ja"
    chosen.share_note = note
    chosen.shared_at = utcnow()
    await db.execute(delete(HelpOfferMember).where(HelpOfferMember.offer_id == chosen.id))
    db.add_all(HelpOfferMember(offer_id=chosen.id, member_id=m) for m in sorted(member_ids))
    await db.flush()
    return chosen


@dataclass(frozen=True)
class TaskDetails:
    """What the accepted volunteer reads: the card, her days, and what the household chose to share."""

    request: HelpRequest
    days: tuple[int, ...]
    next_on: dt.date | None
    chosen: bool  # the household has made its choice
    first_names: list[str]
    address: str
    place: str
    phone: str
    note: str


async def task_details(db: AsyncSession, actor: Actor, household_id: uuid.UUID, request_id: uuid.UUID) -> TaskDetails:
    """What the accepted volunteer needs for the task as the household chose it, and no more."""
    request = await get_in_household(db, HelpRequest, request_id, household_id)
    chosen = await db.scalar(
        select(HelpOffer).where(
            HelpOffer.help_request_id == request.id,
            HelpOffer.volunteer_id == actor.id,
            HelpOffer.status == HelpOfferStatus.ACCEPTED,
        )
    )
    if chosen is None or request.status not in LIVE or (request.ends_on and request.ends_on < local_today()):
        raise NotFound
    # Only the two columns that may be shared, not the household (nor its members) as a whole.
    contact = (await db.execute(select(Household.address, Household.phone).where(Household.id == household_id))).first()
    if contact is None:
        raise NotFound
    address, phone = contact
    names = list(
        await db.scalars(
            select(Member.first_name)
            .join(HelpOfferMember, HelpOfferMember.member_id == Member.id)
            .where(HelpOfferMember.offer_id == chosen.id, Member.household_id == household_id)
            .order_by(Member.first_name)
        )
    )
    days = days_of(chosen.weekdays) if is_recurring(request) else ()
    return TaskDetails(
        request=request,
        days=days,
        next_on=next_date(days, request.starts_on, request.ends_on, local_today()),
        chosen=chosen.shared_at is not None,
        first_names=names,
        address=address if chosen.share_address else "",
        place=chosen.share_place,
        phone=phone if chosen.share_phone else "",
        note=chosen.share_note,
    )


# ------------------------------------------------------------------------------------------------------
# A one-off task: done and confirmed; withdrawing
# ------------------------------------------------------------------------------------------------------


async def mark_done(db: AsyncSession, actor: Actor, household_id: uuid.UUID, request_id: uuid.UUID) -> HelpRequest:
    request = await get_in_household(db, HelpRequest, request_id, household_id)
    if is_recurring(request) or request.volunteer_id != actor.id:
        raise NotFound
    if request.status != HelpRequestStatus.ACCEPTED:
        raise IllegalTransition(N_("Deze taak is al klaar gemeld."))
    request.status = HelpRequestStatus.DONE
    request.done_at = utcnow()
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.HELP_DONE, detail={"what": request.what}
    )
    return request


async def confirm(db: AsyncSession, actor: Actor, household_id: uuid.UUID, request_id: uuid.UUID) -> HelpRequest:
    """The household confirms the task was done; the action is ticked off and the volunteer's access ends."""
    request = await get_in_household(db, HelpRequest, request_id, household_id)
    if request.status != HelpRequestStatus.DONE:
        raise IllegalTransition(N_("De vrijwilliger heeft deze taak nog niet klaar gemeld."))
    request.status = HelpRequestStatus.CONFIRMED
    request.confirmed_at = utcnow()
    action = await db.get(PlanAction, request.action_id)
    if action is not None and action.status != ActionStatus.GEDAAN:
        action.status_before_done = str(action.status)
        action.status = ActionStatus.GEDAAN
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.HELP_CONFIRMED, detail={"what": request.what}
    )
    return request


async def withdraw(db: AsyncSession, actor: Actor, household_id: uuid.UUID, request_id: uuid.UUID) -> HelpRequest:
    """Take the request back; every volunteer who had it loses access with their next request."""
    request = await get_in_household(db, HelpRequest, request_id, household_id)
    if request.status not in LIVE:
        raise IllegalTransition(N_("Deze hulpvraag loopt niet meer."))
    request.status = HelpRequestStatus.WITHDRAWN
    volunteers = set(
        await db.scalars(
            select(HelpOffer.volunteer_id).where(
                HelpOffer.help_request_id == request.id, HelpOffer.status == HelpOfferStatus.ACCEPTED
            )
        )
    )
    action = await db.get(PlanAction, request.action_id)
    if action is not None and action.assigned_person_id in volunteers | {request.volunteer_id}:
        action.assigned_person_id = None
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.HELP_WITHDRAWN, detail={"what": request.what}
    )
    await record_involvement(db, household_id)
    return request


# ------------------------------------------------------------------------------------------------------
# The household's page: requests, offers, the rota
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferView:
    offer: HelpOffer
    volunteer_name: str
    organisation_name: str
    days: tuple[int, ...] = ()
    # Days of this offer someone else already has (a pending offer with one cannot be accepted as it is).
    clashes: tuple[int, ...] = ()


@dataclass(frozen=True)
class RotaDay:
    weekday: int
    volunteer_name: str  # empty: still open


@dataclass(frozen=True)
class RequestView:
    request: HelpRequest
    action_what: str
    offers: list[OfferView]
    volunteer_name: str
    rota: list[RotaDay] = field(default_factory=list)
    accepted: list[OfferView] = field(default_factory=list)

    @property
    def open_days(self) -> list[int]:
        return [d.weekday for d in self.rota if not d.volunteer_name]


async def requests_of(db: AsyncSession, household_id: uuid.UUID) -> list[RequestView]:
    """The household's help requests with their offers and rota. A fixed number of queries."""
    requests = list(
        await db.scalars(
            select(HelpRequest).where(HelpRequest.household_id == household_id).order_by(HelpRequest.created_at.desc())
        )
    )
    if not requests:
        return []
    ids = [r.id for r in requests]
    offers = list(
        await db.scalars(select(HelpOffer).where(HelpOffer.help_request_id.in_(ids)).order_by(HelpOffer.created_at))
    )
    person_ids = {o.volunteer_id for o in offers} | {r.volunteer_id for r in requests if r.volunteer_id}
    names = dict(
        (await db.execute(select(Person.id, Person.display_name).where(Person.id.in_(person_ids)))).tuples().all()
    )
    organisation_ids = {o.organisation_id for o in offers if o.organisation_id}
    organisations = dict(
        (await db.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(organisation_ids))))
        .tuples()
        .all()
    )
    actions = dict(
        (
            await db.execute(
                select(PlanAction.id, PlanAction.what).where(PlanAction.id.in_([r.action_id for r in requests]))
            )
        )
        .tuples()
        .all()
    )
    taken = await _taken_days(db, ids)
    views = []
    for r in requests:
        given = taken.get(r.id, {})
        offer_views = [
            OfferView(
                o,
                names.get(o.volunteer_id, ""),
                organisations.get(o.organisation_id, "") if o.organisation_id else "",
                days_of(o.weekdays),
                tuple(d for d in days_of(o.weekdays) if d in given and given[d] != o.volunteer_id),
            )
            for o in offers
            if o.help_request_id == r.id
        ]
        views.append(
            RequestView(
                request=r,
                action_what=actions.get(r.action_id, ""),
                offers=offer_views,
                volunteer_name=names.get(r.volunteer_id, "") if r.volunteer_id else "",
                rota=[RotaDay(d, names.get(given[d], "") if d in given else "") for d in days_of(r.weekdays)],
                accepted=[o for o in offer_views if o.offer.status == HelpOfferStatus.ACCEPTED],
            )
        )
    return views


# ------------------------------------------------------------------------------------------------------
# Counting who is involved
# ------------------------------------------------------------------------------------------------------


async def record_involvement(db: AsyncSession, household_id: uuid.UUID) -> InvolvementCount:
    """Count who is involved today: volunteers with an accepted task, network members with access, and
    professionals (the regisseur and each partner organisation the household shares with). One row a day,
    kept over time for the evaluation."""
    volunteers = await db.scalar(
        select(func.count(func.distinct(HelpOffer.volunteer_id)))
        .join(HelpRequest, HelpRequest.id == HelpOffer.help_request_id)
        .where(
            HelpRequest.household_id == household_id,
            HelpOffer.status == HelpOfferStatus.ACCEPTED,
            HelpRequest.status.in_([*LIVE, HelpRequestStatus.CONFIRMED]),
        )
    )
    network = await db.scalar(
        select(func.count(func.distinct(RoleAssignment.person_id))).where(
            RoleAssignment.household_id == household_id,
            RoleAssignment.role == Role.NETWORK_MEMBER,
            RoleAssignment.revoked_at.is_(None),
        )
    )
    partners = await db.scalar(
        select(func.count(func.distinct(Share.organisation_id))).where(
            Share.household_id == household_id, Share.organisation_id.is_not(None), Share.revoked_at.is_(None)
        )
    )
    regisseurs = await db.scalar(
        select(func.count(func.distinct(Trajectory.regisseur_id))).where(
            Trajectory.household_id == household_id, Trajectory.regisseur_id.is_not(None)
        )
    )
    values = {
        "volunteers": int(volunteers or 0),
        "network": int(network or 0),
        "professionals": int(partners or 0) + int(regisseurs or 0),
    }
    today = utcnow().date()
    insert = pg_insert if db.bind.dialect.name == "postgresql" else sqlite_insert
    await db.execute(
        insert(InvolvementCount)
        .values(id=uuid.uuid4(), household_id=household_id, counted_on=today, **values)
        .on_conflict_do_update(index_elements=["household_id", "counted_on"], set_=values)
    )
    row = await db.scalar(
        select(InvolvementCount).where(
            InvolvementCount.household_id == household_id, InvolvementCount.counted_on == today
        )
    )
    assert row is not None, "the upsert above always leaves a row"
    await db.refresh(row)
    return row


async def involvement_history(db: AsyncSession, household_id: uuid.UUID) -> list[InvolvementCount]:
    return list(
        await db.scalars(
            select(InvolvementCount)
            .where(InvolvementCount.household_id == household_id)
            .order_by(InvolvementCount.counted_on)
        )
    )
