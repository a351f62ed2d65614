"""The integral intake with the household, its completeness check, the gespreksverslag made from it (with the
household's corrections), and the household's hulpverleningsbiografie (earlier help).

The intake draws on what lives elsewhere: the ratings of both perspectives, the network map, the involvement
register and the earlier help. The check says per part whether it is done, still missing, or left open on
purpose with a reason ("niet nu"); the intake can be completed only when nothing is missing without a reason.
Completing it makes the gespreksverslag, which is kept as it was made: the household corrects it by adding its
own words, never by an edit. The phase stays intake: the plan's akkoord moves it on (and asks
``intake_complete`` first).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_date
from sqlalchemy import ColumnElement, Exists, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, IllegalTransition, InvalidInput, NotFound, VersionConflict
from server.domain.events import EventKind, record_event
from server.domain.models import Person, Phase, Trajectory, utcnow
from server.domain.network.model import NetworkPerson
from server.domain.policy import Actor, Relation
from server.domain.ratings.instruments import InstrumentDef
from server.domain.ratings.model import Assessment, Perspective, Rating
from server.domain.ratings.service import TALK_ABOUT_DIFFERENCE
from server.domain.text import clean, refused
from server.domain.workspace.model import ConversationReport, HistoryItem, Intake, Involvement, ReportCorrection

MAX_PRESENT = 300
MAX_WANTS_FIRST = 500
MAX_AGREEMENTS = 1000
MAX_QUESTION = 500
MAX_SKIP_REASON = 200
MAX_HELPER = 120
MAX_PERIOD = 60
MAX_HISTORY_TEXT = 500
MAX_CORRECTION = 1000
# The gespreksverslag is written in Dutch, as the household and the regisseur spoke it; it is kept as made.
REPORT_LOCALE = "nl"
HOUSEHOLD_WRITER = "household"


class PartKey(enum.StrEnum):
    """The parts of the integral intake, in the order the conversation goes through them."""

    QUESTION = "question"
    HOUSEHOLD_RATINGS = "household_ratings"
    REGISSEUR_RATINGS = "regisseur_ratings"
    NETWORK = "network"
    INVOLVED = "involved"
    HISTORY = "history"
    WANTS_FIRST = "wants_first"


PART_TITLES: dict[PartKey, str] = {
    PartKey.QUESTION: N_("De vraag van het huishouden"),
    PartKey.HOUSEHOLD_RATINGS: N_("Scores van het huishouden"),
    PartKey.REGISSEUR_RATINGS: N_("Scores van de regisseur"),
    PartKey.NETWORK: N_("Netwerkkaart"),
    PartKey.INVOLVED: N_("Wie al betrokken zijn"),
    PartKey.HISTORY: N_("Eerdere hulp"),
    PartKey.WANTS_FIRST: N_("Wat het huishouden eerst wil"),
}


class PartState(enum.StrEnum):
    DONE = "done"
    MISSING = "missing"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Part:
    """One line of the completeness check."""

    key: PartKey
    state: PartState
    # Why it is left open ("niet nu"), when skipped.
    reason: str = ""
    # How far it is, where that is a count: (done, of).
    progress: tuple[int, int] | None = None

    @property
    def title(self) -> str:
        return PART_TITLES[self.key]

    @property
    def done(self) -> bool:
        return self.state is PartState.DONE

    @property
    def missing(self) -> bool:
        return self.state is PartState.MISSING


@dataclass
class IntakeFacts:
    """What the intake draws on from elsewhere, loaded in a fixed number of queries."""

    household_scores: dict[str, int] = field(default_factory=dict)
    professional_scores: dict[str, int] = field(default_factory=dict)
    network_count: int = 0
    involved: list[Involvement] = field(default_factory=list)
    history: list[HistoryItem] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------------
# The intake row
# --------------------------------------------------------------------------------------------------------


async def find_intake(db: AsyncSession, trajectory_id: uuid.UUID) -> Intake | None:
    intake: Intake | None = await db.scalar(select(Intake).where(Intake.trajectory_id == trajectory_id))
    return intake


async def intake_for(db: AsyncSession, trajectory: Trajectory) -> Intake:
    """The intake of an open trajectory in the phase intake; made on first use."""
    intake = await find_intake(db, trajectory.id)
    if intake is not None:
        return intake
    if trajectory.phase != Phase.INTAKE:
        raise IllegalTransition(not_in_intake())
    intake = Intake(trajectory_id=trajectory.id, household_id=trajectory.household_id, skipped={})
    db.add(intake)
    await db.flush()
    return intake


def not_in_intake() -> str:
    return N_(
        "De intake hoort bij de fase intake: na de triage en voordat het plan wordt vastgesteld. Dit huishouden "
        "is nu in een andere fase."
    )


async def intake_complete(db: AsyncSession, trajectory_id: uuid.UUID) -> bool:
    """Whether the trajectory's intake was completed (asked before the plan's akkoord)."""
    completed = await db.scalar(select(Intake.completed_at).where(Intake.trajectory_id == trajectory_id))
    return completed is not None


def _editable(trajectory: Trajectory, intake: Intake) -> None:
    if trajectory.phase != Phase.INTAKE:
        raise IllegalTransition(not_in_intake())
    if intake.completed_at is not None:
        raise IllegalTransition(N_("De intake is al afgerond. Het gespreksverslag blijft zoals het is gemaakt."))


# --------------------------------------------------------------------------------------------------------
# The conversation: what the intake form holds
# --------------------------------------------------------------------------------------------------------


@dataclass
class IntakeInput:
    """The intake form: the day, who were there, the household's question and what it wants first, and the
    agreements made at the table. Empty fields may stay empty while the conversation goes on."""

    held_on: str = ""
    present: str = ""
    question: str = ""
    wants_first: str = ""
    agreements: str = ""
    version: str = ""

    def validate(self) -> dt.date | None:
        long_texts = ("question", "wants_first", "agreements")
        errors = refused(
            long_texts,
            present=self.present,
            question=self.question,
            wants_first=self.wants_first,
            agreements=self.agreements,
        )
        self.present = clean(self.present)
        self.question = clean(self.question)
        self.wants_first = clean(self.wants_first)
        self.agreements = _clean_lines(self.agreements)
        for name, value, limit in (
            ("present", self.present, MAX_PRESENT),
            ("question", self.question, MAX_QUESTION),
            ("wants_first", self.wants_first, MAX_WANTS_FIRST),
            ("agreements", self.agreements, MAX_AGREEMENTS),
        ):
            if name not in errors and len(value) > limit:
                errors[name] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=limit)
        held_on: dt.date | None = None
        if self.held_on.strip():
            try:
                held_on = dt.date.fromisoformat(self.held_on.strip())
            except ValueError:
                errors["held_on"] = N_("Vul een datum in, bijvoorbeeld 15-03-2027.")
            else:
                if held_on > utcnow().date():
                    errors["held_on"] = N_("Het gesprek kan niet in de toekomst liggen.")
        if errors:
            raise InvalidInput(errors)
        return held_on

    @classmethod
    def of(cls, trajectory: Trajectory, intake: Intake) -> IntakeInput:
        return cls(
            held_on=intake.held_on.isoformat() if intake.held_on else "",
            present=intake.present,
            question=trajectory.question,
            wants_first=intake.wants_first,
            agreements=intake.agreements,
            version=str(intake.version),
        )


def _clean_lines(value: str) -> str:
    """A text of several lines (agreements): each line cleaned, empty lines dropped."""
    return "\n".join(line for line in (clean(part) for part in str(value or "").splitlines()) if line)


def _check_version(intake: Intake, version: str) -> None:
    if version.strip() and version.strip() != str(intake.version):
        raise VersionConflict(N_("Iemand anders heeft de intake intussen veranderd. Bekijk de nieuwe versie."))


async def save_intake(
    db: AsyncSession, actor: Person, trajectory: Trajectory, intake: Intake, data: IntakeInput
) -> bool:
    """Keep what was said at the table. The household's question is the trajectory's own. Returns whether
    anything changed (only then the household reads about it in its timeline)."""
    held_on = data.validate()
    _editable(trajectory, intake)
    _check_version(intake, data.version)
    before = (intake.held_on, intake.present, intake.wants_first, intake.agreements, trajectory.question)
    after = (held_on, data.present, data.wants_first, data.agreements, data.question)
    if before == after:
        return False
    intake.held_on = held_on
    intake.present = data.present
    intake.wants_first = data.wants_first
    intake.agreements = data.agreements
    if trajectory.question != data.question:
        trajectory.question = data.question
        trajectory.version += 1
    intake.version += 1
    await record_event(db, household_id=trajectory.household_id, actor=actor, kind=EventKind.INTAKE_SAVED)
    return True


@dataclass
class SkipInput:
    """The "niet nu" of one part of the check, with the reason; ``undo`` takes it back."""

    part: str = ""
    reason: str = ""
    undo: str = ""


async def skip_part(db: AsyncSession, trajectory: Trajectory, intake: Intake, data: SkipInput) -> None:
    """Leave a part open on purpose, with a short reason, or take that back."""
    if data.part not in PartKey._value2member_map_:
        raise InvalidInput({"part": N_("Dit onderdeel kennen we niet.")})
    field_name = f"skip_{data.part}"
    _editable(trajectory, intake)
    skipped = dict(intake.skipped or {})
    if data.undo:
        skipped.pop(data.part, None)
    else:
        errors = refused(**{field_name: data.reason})
        reason = clean(data.reason)
        if not errors and not reason:
            errors[field_name] = N_("Schrijf kort waarom dit nu niet kan.")
        elif not errors and len(reason) > MAX_SKIP_REASON:
            errors[field_name] = N_("De reden is te lang (hoogstens %(max)s tekens).", max=MAX_SKIP_REASON)
        if errors:
            raise InvalidInput(errors)
        skipped[data.part] = reason
    # A new dict, so that the JSON column is written.
    intake.skipped = skipped
    intake.version += 1
    await db.flush()


# --------------------------------------------------------------------------------------------------------
# The completeness check
# --------------------------------------------------------------------------------------------------------


async def gather(db: AsyncSession, household_id: uuid.UUID) -> IntakeFacts:
    """The latest scores of both perspectives, the size of the network map, who is involved now and the
    earlier help. Four queries, whatever the household's size."""
    facts = IntakeFacts()

    def latest(perspective: Perspective) -> Any:
        return (
            select(Assessment.id)
            .where(Assessment.household_id == household_id, Assessment.perspective == perspective)
            .order_by(Assessment.held_on.desc(), Assessment.created_at.desc())
            .limit(1)
            .scalar_subquery()
        )

    rows = await db.execute(
        select(Assessment.perspective, Rating.domain_key, Rating.score)
        .join(Assessment, Assessment.id == Rating.assessment_id)
        .where(
            Rating.household_id == household_id,
            or_(
                Rating.assessment_id == latest(Perspective.HOUSEHOLD),
                Rating.assessment_id == latest(Perspective.PROFESSIONAL),
            ),
        )
    )
    for perspective, domain_key, score in rows:
        scores = facts.household_scores if perspective == Perspective.HOUSEHOLD else facts.professional_scores
        scores[domain_key] = score
    facts.network_count = int(
        await db.scalar(
            select(func.count()).select_from(NetworkPerson).where(NetworkPerson.household_id == household_id)
        )
        or 0
    )
    facts.involved = list(
        await db.scalars(
            select(Involvement)
            .where(Involvement.household_id == household_id, Involvement.to_on.is_(None))
            .order_by(Involvement.from_on, Involvement.organisation_name)
        )
    )
    facts.history = await list_history(db, household_id)
    return facts


def check(trajectory: Trajectory, intake: Intake, facts: IntakeFacts, instrument: InstrumentDef) -> list[Part]:
    """Each part: done, missing, or skipped with the reason given."""
    keys = [d.key for d in instrument.domains]
    rated_household = sum(1 for k in keys if k in facts.household_scores)
    rated_regisseur = sum(1 for k in keys if k in facts.professional_scores)
    done: dict[PartKey, bool] = {
        PartKey.QUESTION: bool(trajectory.question),
        PartKey.HOUSEHOLD_RATINGS: rated_household == len(keys),
        PartKey.REGISSEUR_RATINGS: rated_regisseur == len(keys),
        PartKey.NETWORK: facts.network_count > 0,
        PartKey.INVOLVED: bool(facts.involved),
        PartKey.HISTORY: bool(facts.history),
        PartKey.WANTS_FIRST: bool(intake.wants_first),
    }
    progress = {
        PartKey.HOUSEHOLD_RATINGS: (rated_household, len(keys)),
        PartKey.REGISSEUR_RATINGS: (rated_regisseur, len(keys)),
    }
    skipped: dict[str, Any] = intake.skipped or {}
    parts = []
    for key in PartKey:
        if done[key]:
            state, reason = PartState.DONE, ""
        elif key.value in skipped:
            state, reason = PartState.SKIPPED, str(skipped[key.value])
        else:
            state, reason = PartState.MISSING, ""
        parts.append(Part(key, state, reason, progress.get(key)))
    return parts


async def completeness(
    db: AsyncSession, household_id: uuid.UUID, trajectory: Trajectory, intake: Intake, instrument: InstrumentDef
) -> list[Part]:
    return check(trajectory, intake, await gather(db, household_id), instrument)


async def complete_intake(
    db: AsyncSession,
    actor: Person,
    trajectory: Trajectory,
    intake: Intake,
    instrument: InstrumentDef,
    version: str = "",
) -> ConversationReport:
    """Complete the intake and make the gespreksverslag, or refuse, naming what is still missing."""
    _editable(trajectory, intake)
    _check_version(intake, version)
    facts = await gather(db, trajectory.household_id)
    parts = check(trajectory, intake, facts, instrument)
    missing = [p for p in parts if p.missing]
    if missing:
        raise InvalidInput(
            {
                "complete": N_(
                    "De intake is nog niet compleet. Nog niet gedaan: %(parts)s. Vul dit aan, of kies bij dat "
                    "onderdeel \u201cNiet nu\u201d en schrijf op waarom.",
                    parts=", ".join(p.title for p in missing),
                )
            }
        )
    now = utcnow()
    if intake.held_on is None:
        intake.held_on = now.date()
    intake.completed_at = now
    intake.version += 1
    report = ConversationReport(
        household_id=trajectory.household_id,
        trajectory_id=trajectory.id,
        body=report_body(trajectory, intake, facts, instrument, actor.display_name),
        created_by_id=actor.id,
        created_at=now,
    )
    db.add(report)
    await db.flush()
    await record_event(db, household_id=trajectory.household_id, actor=actor, kind=EventKind.INTAKE_COMPLETED)
    return report


# --------------------------------------------------------------------------------------------------------
# The gespreksverslag
# --------------------------------------------------------------------------------------------------------


def _day(value: dt.date) -> str:
    return format_date(value, "d MMMM y", locale=REPORT_LOCALE)


def _not_now(intake: Intake, key: PartKey) -> str:
    reason = (intake.skipped or {}).get(key.value)
    return f"Nu niet besproken. Waarom: {reason}" if reason else "Nu niet besproken."


def report_body(
    trajectory: Trajectory, intake: Intake, facts: IntakeFacts, instrument: InstrumentDef, regisseur_name: str
) -> list[dict[str, Any]]:
    """The gespreksverslag in plain Dutch (B1), addressed to the household: sections of short lines."""
    sections: list[dict[str, Any]] = []

    def section(title: str, lines: list[str]) -> None:
        sections.append({"title": title, "lines": lines})

    when = _day(intake.held_on or utcnow().date())
    present = intake.present or regisseur_name
    section("Wie waren er en wanneer", [f"Datum: {when}", f"Aanwezig: {present}"])
    section("Wat jullie eerst willen", [intake.wants_first or _not_now(intake, PartKey.WANTS_FIRST)])
    section("Jullie vraag, in jullie eigen woorden", [trajectory.question or _not_now(intake, PartKey.QUESTION)])

    score_lines = []
    for domain in instrument.domains:
        mine = facts.household_scores.get(domain.key)
        theirs = facts.professional_scores.get(domain.key)
        line = f"{domain.name}: Jullie: {_score(mine)} · regisseur: {_score(theirs)}"
        if mine is not None and theirs is not None and abs(mine - theirs) >= TALK_ABOUT_DIFFERENCE:
            line += " (hier kijken jullie er anders naar: daar praten we verder over)"
        score_lines.append(line)
    scale = f"De scores gaan van {instrument.min_score} (het gaat niet) tot {instrument.max_score} (het gaat goed)."
    for key in (PartKey.HOUSEHOLD_RATINGS, PartKey.REGISSEUR_RATINGS):
        if (intake.skipped or {}).get(key.value) and key not in _done_ratings(facts, instrument):
            score_lines.append(f"{PART_TITLES[key]}: {_not_now(intake, key)}")
    section("Hoe het gaat per leefgebied", [scale, *score_lines])

    history_lines = []
    for item in facts.history:
        line = item.helper + (f" ({item.period})" if item.period else "") + "."
        if item.helped:
            line += f" Wat hielp: {item.helped}"
        if item.not_helped:
            line += f" Wat niet hielp: {item.not_helped}"
        history_lines.append(line)
    section("Eerdere hulp", history_lines or [_not_now(intake, PartKey.HISTORY)])

    involved_lines = []
    for row in facts.involved:
        line = row.organisation_name
        if row.professional_name:
            line += f", {row.professional_name}"
        line += f", sinds {_day(row.from_on)}"
        if row.contact:
            line += f" ({row.contact})"
        involved_lines.append(line)
    section("Wie zijn er al betrokken", involved_lines or [_not_now(intake, PartKey.INVOLVED)])

    if facts.network_count:
        network = [
            f"Er staan {facts.network_count} mensen op jullie netwerkkaart."
            if facts.network_count != 1
            else "Er staat 1 persoon op jullie netwerkkaart."
        ]
    else:
        network = [_not_now(intake, PartKey.NETWORK)]
    section("Jullie netwerk", network)
    section("Afspraken", intake.agreements.splitlines() or ["Er zijn nog geen afspraken opgeschreven."])
    return sections


def _score(value: int | None) -> str:
    return "–" if value is None else str(value)


def _done_ratings(facts: IntakeFacts, instrument: InstrumentDef) -> set[PartKey]:
    keys = {d.key for d in instrument.domains}
    done = set()
    if keys <= facts.household_scores.keys():
        done.add(PartKey.HOUSEHOLD_RATINGS)
    if keys <= facts.professional_scores.keys():
        done.add(PartKey.REGISSEUR_RATINGS)
    return done


@dataclass
class ReportView:
    report: ConversationReport
    corrections: list[ReportCorrection]


async def latest_report(db: AsyncSession, household_id: uuid.UUID) -> ReportView | None:
    """The household's latest gespreksverslag with its corrections, oldest first. Two queries."""
    report = await db.scalar(
        select(ConversationReport)
        .where(ConversationReport.household_id == household_id)
        .order_by(ConversationReport.created_at.desc())
        .limit(1)
    )
    if report is None:
        return None
    corrections = await db.scalars(
        select(ReportCorrection).where(ReportCorrection.report_id == report.id).order_by(ReportCorrection.created_at)
    )
    return ReportView(report, list(corrections))


def has_report(household_id: ColumnElement[uuid.UUID]) -> Exists:
    """Whether the household has a gespreksverslag, as a condition the household overview reads with the rest
    of the household's state."""
    return exists().where(ConversationReport.household_id == household_id)


async def all_reports(db: AsyncSession, household_id: uuid.UUID) -> list[ReportView]:
    """Every gespreksverslag of the household with its corrections, newest first (for the dossier). One query."""
    rows = await db.execute(
        select(ConversationReport, ReportCorrection)
        .outerjoin(ReportCorrection, ReportCorrection.report_id == ConversationReport.id)
        .where(ConversationReport.household_id == household_id)
        .order_by(ConversationReport.created_at.desc(), ReportCorrection.created_at)
    )
    views: dict[uuid.UUID, ReportView] = {}
    for report, correction in rows:
        view = views.setdefault(report.id, ReportView(report, []))
        if correction is not None:
            view.corrections.append(correction)
    return list(views.values())


@dataclass
class CorrectionInput:
    """The household's own words beside a gespreksverslag; ``report_id`` is the report the page showed."""

    text: str = ""
    report_id: str = ""


async def add_correction(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, data: CorrectionInput
) -> ReportCorrection:
    """The household adds its own words to a gespreksverslag (the one it read, else the latest). The report
    itself stays as it was made."""
    errors = refused(("text",), text=data.text)
    text = _clean_lines(data.text)
    if not errors and not text:
        errors["text"] = N_("Schrijf wat er anders moet of wat er nog bij hoort.")
    elif not errors and len(text) > MAX_CORRECTION:
        errors["text"] = N_("De correctie is te lang (hoogstens %(max)s tekens).", max=MAX_CORRECTION)
    if errors:
        raise InvalidInput(errors)
    statement = select(ConversationReport).where(ConversationReport.household_id == household_id)
    if data.report_id.strip():
        try:
            report_id = uuid.UUID(data.report_id.strip())
        except ValueError as exc:
            raise NotFound from exc
        statement = statement.where(ConversationReport.id == report_id)
    report = await db.scalar(statement.order_by(ConversationReport.created_at.desc()).limit(1))
    if report is None:
        if data.report_id.strip():
            raise NotFound
        raise IllegalTransition(N_("Er is nog geen gespreksverslag. Dat komt er na het intakegesprek."))
    correction = ReportCorrection(
        report_id=report.id,
        household_id=household_id,
        person_id=actor.id,
        author_name=actor.person.display_name,
        text=text,
        created_at=utcnow(),
    )
    db.add(correction)
    await db.flush()
    await record_event(db, household_id=household_id, actor=actor.person, kind=EventKind.REPORT_CORRECTED)
    return correction


# --------------------------------------------------------------------------------------------------------
# The hulpverleningsbiografie
# --------------------------------------------------------------------------------------------------------


@dataclass
class HistoryInput:
    """One earlier help: who helped, when, and what did and did not help, in the household's words."""

    helper: str = ""
    period: str = ""
    helped: str = ""
    not_helped: str = ""

    def validate(self) -> None:
        errors = refused(
            ("helped", "not_helped"),
            helper=self.helper,
            period=self.period,
            helped=self.helped,
            not_helped=self.not_helped,
        )
        self.helper = clean(self.helper)
        self.period = clean(self.period)
        self.helped = clean(self.helped)
        self.not_helped = clean(self.not_helped)
        if "helper" not in errors and not self.helper:
            errors["helper"] = N_("Vul in wie er hielp, bijvoorbeeld een organisatie of een hulpverlener.")
        for name, value, limit in (
            ("helper", self.helper, MAX_HELPER),
            ("period", self.period, MAX_PERIOD),
            ("helped", self.helped, MAX_HISTORY_TEXT),
            ("not_helped", self.not_helped, MAX_HISTORY_TEXT),
        ):
            if name not in errors and len(value) > limit:
                errors[name] = N_("Dit is te lang (hoogstens %(max)s tekens).", max=limit)
        if errors:
            raise InvalidInput(errors)


async def add_history_item(
    db: AsyncSession, actor: Actor, relation: Relation, household_id: uuid.UUID, data: HistoryInput
) -> HistoryItem:
    """Written by the household on its own phone, or by the regisseur at the kitchen table."""
    data.validate()
    item = HistoryItem(
        household_id=household_id,
        helper=data.helper,
        period=data.period,
        helped=data.helped,
        not_helped=data.not_helped,
        written_by_id=actor.id,
        written_by_role=HOUSEHOLD_WRITER if relation is Relation.MEMBER else "regisseur",
    )
    db.add(item)
    await db.flush()
    await record_event(
        db, household_id=household_id, actor=actor.person, kind=EventKind.HISTORY_ADDED, detail={"helper": item.helper}
    )
    return item


async def list_history(db: AsyncSession, household_id: uuid.UUID) -> list[HistoryItem]:
    return list(
        await db.scalars(
            select(HistoryItem).where(HistoryItem.household_id == household_id).order_by(HistoryItem.created_at)
        )
    )
