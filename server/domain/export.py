"""The whole dossier of a household, for the household ("dossier in eigen hand").

``collect`` gathers everything recorded about the household in a fixed number of queries; the JSON export
is that data as it is, with the timeline and the access log in full. ``collect_for_print`` gathers the same
dossier for the PDF, with the two lists that grow without end summarised by the database (see there).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import involvement
from server.domain.budget import ledger
from server.domain.budget.model import EntryKind, EntryStatus
from server.domain.budget.money import format_euro
from server.domain.errors import NotFound
from server.domain.models import AccessLogEntry, Household, Person, TimelineEvent, Trajectory, utcnow
from server.domain.network import service as network
from server.domain.network.model import NetworkPerson
from server.domain.plan import service as plan
from server.domain.policy import Actor, Relation
from server.domain.ratings import service as ratings
from server.domain.ratings.instruments import InstrumentDef
from server.domain.workspace import intake as intakes
from server.domain.workspace import steps
from server.domain.workspace.evaluation import DossierEvaluation, dossier_of
from server.domain.workspace.model import HistoryItem, Involvement, PlanAgreement

# The PDF shows this many of the latest timeline events one by one; older ones are counted per month.
PRINTED_EVENTS = 200


@dataclass
class DossierBase:
    """What both downloads show in full: the household, its trajectory, plan, scores and network."""

    household: Household
    trajectory: Trajectory | None
    regisseur_name: str
    instrument: InstrumentDef
    plan: plan.PlanView
    ratings: ratings.RatingsView
    network: list[NetworkPerson]
    # The involvement register: who helps and how to reach them, still helping first, then who stopped.
    involved: list[Involvement]
    # The hulpverleningsbiografie, oldest first, and every gespreksverslag with its corrections, newest first.
    history: list[HistoryItem]
    reports: list[intakes.ReportView]
    # Every akkoord on the plan, oldest first, with the plan as it was then.
    agreements: list[PlanAgreement]
    # The gezinsbudget: per trajectory (newest first) its entries, newest first, and its totals.
    budget: ledger.Ledger
    # The evaluations, the latest day first: held ones with their summary and goal reviews, moved, lapsed.
    evaluations: list[DossierEvaluation]


@dataclass
class Dossier(DossierBase):
    """Everything, for the JSON download: every timeline event and every look, newest first."""

    events: list[TimelineEvent]
    looks: list[AccessLogEntry]


@dataclass(frozen=True)
class MonthCount:
    month: dt.date  # the first day of the month, in local time
    count: int


@dataclass(frozen=True)
class LooksInMonth:
    """How often one person looked in one month, in the role and organisation the access log recorded."""

    month: dt.date  # the first day of the month, in local time
    actor_name: str
    actor_role: str
    organisation_name: str
    times: int
    resources: tuple[tuple[str, int], ...]  # what they looked at and how often, most often first


@dataclass
class PrintedDossier(DossierBase):
    """The dossier as the PDF shows it; see ``collect_for_print``."""

    events: list[TimelineEvent]  # the latest PRINTED_EVENTS, newest first
    older_events: list[MonthCount]  # the events before those, counted per month, newest month first
    looks: list[LooksInMonth]  # newest month first, most looks first within a month


async def _base(
    db: AsyncSession, household_id: uuid.UUID, instrument: InstrumentDef, actor: Actor, relation: Relation
) -> dict[str, Any]:
    household = await db.get(Household, household_id)
    if household is None:
        raise NotFound
    trajectory = await db.scalar(
        select(Trajectory).where(Trajectory.household_id == household_id).order_by(Trajectory.started_on.desc())
    )
    regisseur = (
        await db.get(Person, trajectory.regisseur_id) if trajectory is not None and trajectory.regisseur_id else None
    )
    return {
        "household": household,
        "trajectory": trajectory,
        "regisseur_name": regisseur.display_name if regisseur else "",
        "instrument": instrument,
        "plan": await plan.load_plan(db, household_id, instrument, actor, relation, with_removed=True),
        "ratings": await ratings.load_ratings(db, household_id, instrument),
        "network": await network.people_of(db, household_id),
        "involved": await involvement.register(db, household_id),
        "history": await intakes.list_history(db, household_id),
        "reports": await intakes.all_reports(db, household_id),
        "agreements": await steps.agreements_of(db, household_id),
        "budget": await ledger.ledger_of(db, household_id),
        "evaluations": await dossier_of(db, household_id),
    }


async def collect(
    db: AsyncSession, household_id: uuid.UUID, instrument: InstrumentDef, actor: Actor, relation: Relation
) -> Dossier:
    """The whole dossier. The timeline and the access log are not cut off: the household has the right to
    all of it, and this download is where it gets it."""
    base = await _base(db, household_id, instrument, actor, relation)
    events = await db.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.household_id == household_id)
        .order_by(TimelineEvent.created_at.desc(), TimelineEvent.id.desc())
    )
    looks = await db.scalars(
        select(AccessLogEntry)
        .where(AccessLogEntry.household_id == household_id)
        .order_by(AccessLogEntry.created_at.desc(), AccessLogEntry.id.desc())
    )
    return Dossier(**base, events=list(events), looks=list(looks))


async def collect_for_print(
    db: AsyncSession,
    household_id: uuid.UUID,
    instrument: InstrumentDef,
    actor: Actor,
    relation: Relation,
    *,
    local_tz: ZoneInfo,
) -> PrintedDossier:
    """The dossier for the PDF, of a size that does not grow with the household's history.

    The access log is counted per person and month (and within that per thing looked at) by the database in
    one GROUP BY query: a household with ten thousand looks gets a table of some dozens of rows, which says
    what a person wants to know from paper (who looked, how often, when roughly); the JSON download holds
    every look. The timeline is a story read from the top, so its latest ``PRINTED_EVENTS`` events are
    printed one by one (some pages, enough for the last months of a busy household) and older events are
    counted per month: printing a thousand more lines would make a PDF of dozens of pages that nobody reads
    and that takes seconds of a server thread. Months are calendar months in ``local_tz``.
    """
    base = await _base(db, household_id, instrument, actor, relation)
    dialect = db.get_bind().dialect.name
    events = list(
        await db.scalars(
            select(TimelineEvent)
            .where(TimelineEvent.household_id == household_id)
            .order_by(TimelineEvent.created_at.desc(), TimelineEvent.id.desc())
            .limit(PRINTED_EVENTS)
        )
    )
    older_events: list[MonthCount] = []
    if len(events) == PRINTED_EVENTS:
        oldest = events[-1]
        older = (
            select(_local_month(TimelineEvent.created_at, dialect, local_tz).label("month"))
            .where(
                TimelineEvent.household_id == household_id,
                # Everything after the last printed event in the printed order (newest first, then id).
                or_(
                    TimelineEvent.created_at < oldest.created_at,
                    and_(TimelineEvent.created_at == oldest.created_at, TimelineEvent.id < oldest.id),
                ),
            )
            .subquery()
        )
        rows = await db.execute(
            select(older.c.month, func.count()).group_by(older.c.month).order_by(older.c.month.desc())
        )
        older_events = [MonthCount(_first_day(month), int(count)) for month, count in rows]
    return PrintedDossier(
        **base,
        events=events,
        older_events=older_events,
        looks=await _looks_by_month(db, household_id, dialect, local_tz),
    )


async def _looks_by_month(
    db: AsyncSession, household_id: uuid.UUID, dialect: str, local_tz: ZoneInfo
) -> list[LooksInMonth]:
    # The month is computed in a subquery so that GROUP BY names a column: PostgreSQL does not see that two
    # copies of an expression with bound parameters are the same expression.
    entries = (
        select(
            _local_month(AccessLogEntry.created_at, dialect, local_tz).label("month"),
            AccessLogEntry.actor_id,
            AccessLogEntry.actor_name,
            AccessLogEntry.actor_role,
            AccessLogEntry.organisation_name,
            AccessLogEntry.resource,
        )
        .where(AccessLogEntry.household_id == household_id)
        .subquery()
    )
    person = (entries.c.month, entries.c.actor_id, entries.c.actor_name, entries.c.actor_role)
    rows = await db.execute(
        select(*person, entries.c.organisation_name, entries.c.resource, func.count()).group_by(
            *person, entries.c.organisation_name, entries.c.resource
        )
    )
    # One row per person, month and thing looked at; fold the things into the person's row for that month.
    folded: dict[tuple[Any, ...], list[tuple[str, int]]] = {}
    for month, actor_id, name, role, organisation, resource, count in rows:
        folded.setdefault((month, actor_id, name, role, organisation), []).append((resource, int(count)))
    summary = [
        LooksInMonth(
            month=_first_day(month),
            actor_name=name,
            actor_role=role,
            organisation_name=organisation,
            times=sum(count for _resource, count in resources),
            resources=tuple(sorted(resources, key=lambda item: (-item[1], item[0]))),
        )
        for (month, _actor_id, name, role, organisation), resources in folded.items()
    ]
    summary.sort(key=lambda row: (-row.month.toordinal(), -row.times, row.actor_name))
    return summary


def _local_month(column: Any, dialect: str, local_tz: ZoneInfo) -> ColumnElement[str]:
    """'YYYY-MM' of a timestamp stored in UTC, in local time, computed by the database."""
    if dialect == "postgresql":
        return func.to_char(func.timezone(local_tz.key, column), "YYYY-MM")
    # SQLite stores the UTC time as text and knows no time zones. Only a month's last hours can move into the
    # next month, so the UTC offset in force at the end of each month decides (in Europe it does not change
    # in those hours; daylight saving time starts and ends on a Sunday early in the morning).
    shift = case(
        *[
            (func.strftime("%m", column) == f"{month:02d}", _end_of_month_shift(local_tz, month))
            for month in range(1, 13)
        ]
    )
    return func.strftime("%Y-%m", column, shift)


def _end_of_month_shift(local_tz: ZoneInfo, month: int) -> str:
    year = utcnow().year
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=1)
    offset = end.astimezone(local_tz).utcoffset() or dt.timedelta()
    return f"{int(offset.total_seconds()) // 60:+d} minutes"


def _first_day(month: str) -> dt.date:
    year, number = month.split("-")
    return dt.date(int(year), int(number), 1)


def as_json(dossier: Dossier, *, timeline_text: Any, look_text: Any) -> dict[str, Any]:
    """The dossier as plain data. ``timeline_text`` and ``look_text`` turn an event or a look into the
    sentence the household also sees on screen."""
    household = dossier.household
    instrument = dossier.instrument
    trajectory = dossier.trajectory
    return {
        "gemaakt_op": utcnow().isoformat(),
        "huishouden": {
            "naam": household.name,
            "wijk": household.wijk,
            "adres": household.address,
            "telefoon": household.phone,
            "leden": [{"voornaam": m.first_name, "volwassen": m.is_adult} for m in household.members],
        },
        "traject": None
        if trajectory is None
        else {
            "fase": str(trajectory.phase),
            "gestart_op": trajectory.started_on.isoformat(),
            "regisseur": dossier.regisseur_name,
            "aanmelding": str(trajectory.referral_source),
            "aangemeld_door": trajectory.referred_by,
        },
        "instrument": {
            "naam": instrument.name,
            "schaal": [{"score": s.score, "omschrijving": s.label} for s in instrument.scale],
        },
        "doelen": [
            {
                "leefgebied": item.domain_name,
                "doel": item.goal.text,
                "wanneer": str(item.goal.horizon),
                "gewenste_score": item.goal.target_score,
                "geschreven_door": item.goal.written_by_name,
                "geschreven_als": item.goal.written_by_role,
                "geschrapt_op": item.goal.removed_at.isoformat() if item.goal.removed_at else None,
                "acties": [
                    {
                        "wat": a.what,
                        "wie": str(a.who_type),
                        "door": a.performer,
                        "waarom_professional": a.professional_reason,
                        "voor": a.due_on.isoformat() if a.due_on else None,
                        "status": str(a.status),
                        "notitie": a.note,
                    }
                    for a in item.actions
                ],
                "gedeeld_met": [
                    {"met": s.name, "waarvoor": s.share.purpose, "sinds": s.share.created_at.isoformat()}
                    for s in item.shares
                ],
            }
            for item in dossier.plan.goals
        ],
        "scores_gedeeld_met": [
            {"met": s.name, "waarvoor": s.share.purpose, "sinds": s.share.created_at.isoformat()}
            for s in dossier.plan.ratings_shares
        ],
        "netwerk": [
            {
                "naam": person.name,
                "relatie": str(person.relation),
                "formeel": person.is_formal,
                "ring": person.ring,
                "kan_helpen_met": person.can_help_with,
                "liever_niet_betrokken": person.not_involved,
                "waarom_niet": person.not_involved_reason,
            }
            for person in dossier.network
        ],
        "betrokken": [
            {
                "organisatie": row.organisation_name,
                "hulpverlener": row.professional_name,
                "contact": row.contact,
                "sinds": row.from_on.isoformat(),
                "tot_en_met": row.to_on.isoformat() if row.to_on else None,
            }
            for row in dossier.involved
        ],
        "metingen": [
            {
                "soort": str(view.assessment.kind),
                "door": "huishouden" if view.assessment.perspective == "household" else "regisseur",
                "datum": view.assessment.held_on.isoformat(),
                "scores": [
                    {
                        "leefgebied": instrument.domain_name(key),
                        "score": rating.score,
                        "toelichting": rating.note,
                    }
                    for key, rating in view.ratings.items()
                ],
            }
            for view in dossier.ratings.household + dossier.ratings.professional
        ],
        "akkoord_op_het_plan": [
            {
                "datum": agreement.agreed_on.isoformat(),
                "hoe": "in de app" if agreement.way == "in_app" else "aan tafel, vastgelegd door de regisseur",
                "door": agreement.person_name,
                "plan_toen": agreement.plan,
            }
            for agreement in dossier.agreements
        ],
        "eerdere_hulp": [
            {
                "wie": item.helper,
                "wanneer": item.period,
                "wat_hielp": item.helped,
                "wat_niet_hielp": item.not_helped,
                "geschreven_door": "huishouden" if item.written_by_role == intakes.HOUSEHOLD_WRITER else "regisseur",
            }
            for item in dossier.history
        ],
        "gespreksverslagen": [
            {
                "gemaakt_op": view.report.created_at.isoformat(),
                "verslag": [{"kop": part["title"], "regels": list(part["lines"])} for part in view.report.body],
                "correcties": [
                    {"door": c.author_name, "wanneer": c.created_at.isoformat(), "tekst": c.text}
                    for c in view.corrections
                ],
            }
            for view in dossier.reports
        ],
        "gezinsbudget": [_budget_part(part) for part in dossier.budget.trajectories],
        "evaluaties": [_evaluation_part(item) for item in dossier.evaluations],
        "tijdlijn": [
            {"wanneer": e.created_at.isoformat(), "wat": timeline_text(e), "soort": e.kind} for e in dossier.events
        ],
        "wie_keek": [
            {
                "wanneer": entry.created_at.isoformat(),
                "wie": entry.actor_name,
                "rol": entry.actor_role,
                "organisatie": entry.organisation_name,
                "wat": entry.resource,
                "zin": look_text(entry),
            }
            for entry in dossier.looks
        ],
    }


_ENTRY_STATUS = {
    EntryStatus.COUNTS: "telt mee",
    EntryStatus.AWAITING: "wacht op goedkeuring van de teamleider",
    EntryStatus.REFUSED: "niet goedgekeurd",
}


def _budget_part(part: ledger.TrajectoryLedger) -> dict[str, Any]:
    """One trajectory's gezinsbudget: amounts in whole cents (exact) and as the page shows them."""
    totals = part.totals
    return {
        "traject_gestart_op": part.started_on.isoformat(),
        "traject_afgesloten_op": part.closed_on.isoformat() if part.closed_on else None,
        "toegekend_centen": totals.granted,
        "uitgegeven_centen": totals.spent,
        "over_centen": totals.left,
        "over": format_euro(totals.left),
        "regels": [
            {
                "datum": entry.booked_on.isoformat(),
                "soort": "toekenning" if entry.kind == EntryKind.GRANT else "uitgave",
                "waarvoor": entry.purpose,
                "bedrag_centen": entry.amount_cents,
                "bedrag": format_euro(entry.amount_cents),
                "status": _ENTRY_STATUS.get(EntryStatus(entry.status), str(entry.status)),
                "geboekt_door": entry.decided_by_name,
                "besloten_door_teamleider": entry.approved_by_name,
                "besloten_op": entry.approved_at.isoformat() if entry.approved_at else None,
                "waarom_niet": entry.refusal,
            }
            for entry in part.entries
        ],
    }


def _evaluation_part(item: DossierEvaluation) -> dict[str, Any]:
    """One evaluation: its day and what became of it, with the summary the household read in its timeline."""
    evaluation = item.evaluation
    return {
        "gepland_op": evaluation.planned_on.isoformat(),
        "status": str(evaluation.status),
        "reden": evaluation.reason,
        "geopend_op": evaluation.started_on.isoformat() if evaluation.started_on else None,
        "gehouden_op": evaluation.held_on.isoformat() if evaluation.held_on else None,
        "besluit": str(evaluation.decision) if evaluation.decision else None,
        "samenvatting": evaluation.summary,
        "gasten": list(item.guests),
        "doelen": [
            {"doel": text, "uitkomst": str(review.outcome), "notitie": review.note} for text, review in item.reviews
        ],
    }
