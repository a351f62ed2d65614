"""Ratings per leefgebied: the household scores, the regisseur scores, both are kept over time.

A tap on a score writes into the latest assessment of that perspective (the first one is the nulmeting);
a new assessment (tussenevaluatie, eindmeting, tussendoor) starts a new column in the history. The two
assessments of one evaluation (the household's and the regisseur's) are one round: both carry the evaluation,
so that they are compared with each other and get the day it was held.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, InvalidInput
from server.domain.events import EventKind, record_event
from server.domain.models import utcnow
from server.domain.policy import Actor, Relation
from server.domain.ratings.instruments import InstrumentDef
from server.domain.ratings.model import Assessment, AssessmentKind, Perspective, Rating
from server.domain.text import clean, refused
from server.domain.workspace.model import Evaluation, EvaluationStatus

MAX_NOTE = 300
# A difference of this many steps between the household's and the regisseur's score is worth talking about.
TALK_ABOUT_DIFFERENCE = 2


def perspective_of(relation: Relation) -> Perspective:
    return Perspective.HOUSEHOLD if relation is Relation.MEMBER else Perspective.PROFESSIONAL


async def _latest(db: AsyncSession, household_id: uuid.UUID, perspective: Perspective) -> Assessment | None:
    latest: Assessment | None = await db.scalar(
        select(Assessment)
        .where(Assessment.household_id == household_id, Assessment.perspective == perspective)
        .order_by(Assessment.held_on.desc(), Assessment.created_at.desc())
        .limit(1)
    )
    return latest


@dataclass
class RatingInput:
    """One tap on a score, with an optional explanation in own words."""

    score: str = ""
    note: str = ""
    # The stepper's next page (one leefgebied at a time): where to go once the score is stored.
    next: str = ""


@dataclass
class AssessmentInput:
    """A new meting: which kind, and the day it was held (empty: today)."""

    kind: str = ""
    held_on: str = ""


async def start_assessment(
    db: AsyncSession,
    actor: Actor,
    relation: Relation,
    household_id: uuid.UUID,
    instrument: InstrumentDef,
    kind: str,
    held_on: str = "",
) -> Assessment:
    """Start a new meting. The first one of a perspective is always the nulmeting."""
    perspective = perspective_of(relation)
    errors: dict[str, str] = {}
    if kind not in {k.value for k in AssessmentKind}:
        errors["kind"] = N_("Kies wat voor meting dit is.")
    today = utcnow().date()
    try:
        day = dt.date.fromisoformat(held_on) if held_on.strip() else today
    except ValueError:
        day = today
        errors["held_on"] = N_("Vul een datum in, bijvoorbeeld 15-03-2027.")
    if day > today:
        errors["held_on"] = N_("Een meting kan niet in de toekomst liggen.")
    if errors:
        raise InvalidInput(errors)
    latest = await _latest(db, household_id, perspective)
    if latest is None:
        kind = AssessmentKind.NULMETING
    elif await in_open_round(db, latest):
        # A new meting would take the taps that follow away from the evaluation's round.
        raise InvalidInput(
            {"kind": N_("Je scores horen nu bij de evaluatie. Een nieuwe meting begin je na de evaluatie.")}
        )
    elif kind == AssessmentKind.NULMETING:
        raise InvalidInput({"kind": N_("Er is al een nulmeting. Kies een tussenevaluatie, eindmeting of tussendoor.")})
    assessment = Assessment(
        household_id=household_id,
        instrument_key=instrument.key,
        kind=AssessmentKind(kind),
        perspective=perspective,
        held_on=day,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    db.add(assessment)
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.ASSESSMENT_STARTED,
        detail={"assessment_kind": str(kind), "perspective": str(perspective)},
    )
    return assessment


async def rate(
    db: AsyncSession,
    actor: Actor,
    relation: Relation,
    household_id: uuid.UUID,
    instrument: InstrumentDef,
    domain_key: str,
    score: str,
    note: str = "",
) -> Rating:
    """One tap: store the score (and the explanation, if any) for one leefgebied."""
    errors: dict[str, str] = {}
    if not instrument.has_domain(domain_key):
        errors["domain_key"] = N_("Dit leefgebied kennen we niet.")
    try:
        value = int(score)
    except ValueError:
        value = None
    if value is None or not instrument.has_score(value):
        errors["score"] = N_(
            "Kies een score van %(low)s tot en met %(high)s.",
            low=instrument.min_score,
            high=instrument.max_score,
        )
    errors.update(refused(("note",), note=note))
    note = clean(note)
    if len(note) > MAX_NOTE:
        errors["note"] = N_("De toelichting is te lang (hoogstens %(max)s tekens).", max=MAX_NOTE)
    if errors or value is None:
        raise InvalidInput(errors)
    perspective = perspective_of(relation)
    assessment = await _latest(db, household_id, perspective)
    if assessment is None:
        assessment = await start_assessment(db, actor, relation, household_id, instrument, AssessmentKind.NULMETING)
    rating = await db.scalar(
        select(Rating).where(Rating.assessment_id == assessment.id, Rating.domain_key == domain_key)
    )
    if rating is None:
        rating = Rating(assessment_id=assessment.id, household_id=household_id, domain_key=domain_key, score=value)
        db.add(rating)
    rating.score = value
    rating.note = note
    rating.rated_by_id = actor.id
    rating.updated_at = utcnow()
    await db.flush()
    await record_event(
        db,
        household_id=household_id,
        actor=actor.person,
        kind=EventKind.RATING_SET,
        detail={"domain": instrument.domain_name(domain_key), "score": value, "perspective": str(perspective)},
    )
    return rating


async def in_open_round(db: AsyncSession, assessment: Assessment) -> bool:
    """Whether this assessment belongs to the round of an evaluation that is still planned (scored ahead, or
    opened at the table): until the evaluation is held, the taps of its perspective go there."""
    if assessment.evaluation_id is None:
        return False
    status = await db.scalar(select(Evaluation.status).where(Evaluation.id == assessment.evaluation_id))
    return status == EvaluationStatus.GEPLAND


async def round_assessment(
    db: AsyncSession,
    household_id: uuid.UUID,
    instrument: InstrumentDef,
    perspective: Perspective,
    evaluation_id: uuid.UUID,
    *,
    created_by_id: uuid.UUID | None,
    held_on: dt.date,
) -> Assessment:
    """The assessment of ``perspective`` in the round of an evaluation: the one that exists, or a new one (a
    tussenevaluatie; the very first assessment of a perspective is its nulmeting). Being the latest, it is the
    one the scores page writes into from then on."""
    existing: Assessment | None = await db.scalar(
        select(Assessment).where(Assessment.evaluation_id == evaluation_id, Assessment.perspective == perspective)
    )
    if existing is not None:
        return existing
    first = await _latest(db, household_id, perspective) is None
    assessment = Assessment(
        household_id=household_id,
        instrument_key=instrument.key,
        kind=AssessmentKind.NULMETING if first else AssessmentKind.TUSSENEVALUATIE,
        perspective=perspective,
        held_on=held_on,
        created_by_id=created_by_id,
        created_at=utcnow(),
        evaluation_id=evaluation_id,
    )
    db.add(assessment)
    await db.flush()
    return assessment


async def hold_round(db: AsyncSession, evaluation_id: uuid.UUID, held_on: dt.date, *, final: bool = False) -> None:
    """The round of an evaluation was held on ``held_on``: both assessments get that day. When the trajectory
    closes at the evaluation (``final``), the round is the eindmeting (a perspective's nulmeting stays one)."""
    await db.execute(
        update(Assessment)
        .where(Assessment.evaluation_id == evaluation_id)
        .values(held_on=held_on)
        .execution_options(synchronize_session="fetch")
    )
    if final:
        await db.execute(
            update(Assessment)
            .where(Assessment.evaluation_id == evaluation_id, Assessment.kind != AssessmentKind.NULMETING)
            .values(kind=AssessmentKind.EINDMETING)
            .execution_options(synchronize_session="fetch")
        )


async def move_round(db: AsyncSession, from_evaluation_id: uuid.UUID, to_evaluation_id: uuid.UUID) -> None:
    """Scores given ahead for an evaluation that is moved belong to the evaluation on the new day."""
    await db.execute(
        update(Assessment)
        .where(Assessment.evaluation_id == from_evaluation_id)
        .values(evaluation_id=to_evaluation_id)
        .execution_options(synchronize_session="fetch")
    )


@dataclass
class AssessmentView:
    assessment: Assessment
    ratings: dict[str, Rating] = field(default_factory=dict)

    def score(self, domain_key: str) -> int | None:
        rating = self.ratings.get(domain_key)
        return rating.score if rating else None


@dataclass
class RatingsView:
    instrument: InstrumentDef
    household: list[AssessmentView]
    professional: list[AssessmentView]

    def history(self, perspective: Perspective) -> list[AssessmentView]:
        return self.household if perspective is Perspective.HOUSEHOLD else self.professional

    def latest(self, perspective: Perspective) -> AssessmentView | None:
        items = self.history(perspective)
        return items[-1] if items else None

    def baseline(self, perspective: Perspective) -> AssessmentView | None:
        items = self.history(perspective)
        return items[0] if items else None

    def latest_score(self, perspective: Perspective, domain_key: str) -> int | None:
        latest = self.latest(perspective)
        return latest.score(domain_key) if latest else None

    def to_talk_about(self) -> list[str]:
        """Leefgebieden where the household and the regisseur differ by two steps or more."""
        keys = []
        for domain in self.instrument.domains:
            mine = self.latest_score(Perspective.HOUSEHOLD, domain.key)
            theirs = self.latest_score(Perspective.PROFESSIONAL, domain.key)
            if mine is not None and theirs is not None and abs(mine - theirs) >= TALK_ABOUT_DIFFERENCE:
                keys.append(domain.key)
        return keys

    def series(self, perspective: Perspective, domain_key: str) -> list[tuple[dt.date, int]]:
        return [
            (view.assessment.held_on, score)
            for view in self.history(perspective)
            if (score := view.score(domain_key)) is not None
        ]


async def load_ratings(db: AsyncSession, household_id: uuid.UUID, instrument: InstrumentDef) -> RatingsView:
    """All assessments of the household, oldest first, with their ratings. Two queries."""
    assessments = list(
        await db.scalars(
            select(Assessment)
            .where(Assessment.household_id == household_id)
            .order_by(Assessment.held_on, Assessment.created_at)
        )
    )
    views = {a.id: AssessmentView(a) for a in assessments}
    if views:
        for rating in await db.scalars(select(Rating).where(Rating.household_id == household_id)):
            if rating.assessment_id in views:
                views[rating.assessment_id].ratings[rating.domain_key] = rating
    ordered = [views[a.id] for a in assessments]
    return RatingsView(
        instrument=instrument,
        household=[v for v in ordered if v.assessment.perspective == Perspective.HOUSEHOLD],
        professional=[v for v in ordered if v.assessment.perspective == Perspective.PROFESSIONAL],
    )


async def load_round(db: AsyncSession, evaluation_id: uuid.UUID) -> dict[Perspective, AssessmentView]:
    """The round of one evaluation: each perspective's assessment with its scores. Two queries at most."""
    assessments = list(await db.scalars(select(Assessment).where(Assessment.evaluation_id == evaluation_id)))
    views = {a.id: AssessmentView(a) for a in assessments}
    if views:
        for rating in await db.scalars(select(Rating).where(Rating.assessment_id.in_(list(views)))):
            views[rating.assessment_id].ratings[rating.domain_key] = rating
    return {Perspective(view.assessment.perspective): view for view in views.values()}
