"""Working without a connection.

**Each form applied once.** Every form that changes something carries a key the server made when it rendered
the form. ``claim`` writes the key in the transaction of the change; a second request with the key (a
replay of a change kept offline, a double tap, a retry after an answer that got lost) finds the row, waits
for the first one to end if it is still running, and gets the first answer (``Submission.answer``) instead
of changing anything again. A change that failed (an error, a refusal) stored nothing, its key included, so
sending it again tries again.

**Pages kept for reading.** ``kept_pages`` lists the pages the signed-in person may keep on their device:
for a household member their start page, the household's page, plan, scores and network map; for a
regisseur (or a colleague covering for her) the same pages of the households she marked "beschikbaar voor
huisbezoek" and of those with an evaluation today. The service worker keeps exactly these and drops the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Exists, delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.caseload import households_of_member
from server.domain.models import Trajectory, utcnow
from server.domain.offline.model import FormSubmission, VisitMark
from server.domain.policy import Actor, Relation, relations_to_household
from server.domain.teamwork.model import cover_day
from server.domain.workspace.model import Evaluation, EvaluationStatus

# The server's keys are 22 characters of base64url; a key the service worker makes for a change made after
# another one offline is a UUID. Anything else is not a key of ours.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# How long a key and its answer are kept: longer than any device stays offline with changes waiting.
KEEP_KEYS = dt.timedelta(days=30)
# A device's clock may be wrong; a time further off than this is not stored as the time of the change.
DEVICE_CLOCK_SLACK = dt.timedelta(days=31)
# The pages of one household kept for reading, and a household member's own start page.
HOUSEHOLD_PAGES = ("plan", "scores", "netwerk")
# The most households one person keeps marked for home visits (the latest marked), and the most with an
# evaluation today on top of those: a day's visits, with room.
MAX_VISIT_HOUSEHOLDS = 12
# Who keeps a household's pages for a home visit: whoever does the regisseur's work on it.
VISITING = frozenset({Relation.REGISSEUR, Relation.COVERING})


@dataclass
class VisitInput:
    # "ja": keep the household's pages for a home visit; "nee": stop keeping them.
    bewaren: str = ""


@dataclass(frozen=True)
class Answer:
    status_code: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Earlier:
    """A key that was used before: by whom, and the answer it got (None: not stored)."""

    person_id: uuid.UUID
    answer: Answer | None


def submission_key(form_key: str, method: str, path: str, values: list[tuple[str, str]]) -> str:
    """What makes a change one change: the form's key, where it was sent, and what was filled in."""
    text = json.dumps([form_key, method, path, values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def device_time(raw: str | None, now: dt.datetime | None = None) -> dt.datetime | None:
    """The time of the change on the device (ISO 8601 with an offset), or None when absent or implausible."""
    if not raw or len(raw) > 40:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    now = now or utcnow()
    if abs(now - moment) > DEVICE_CLOCK_SLACK:
        return None
    return moment.astimezone(dt.UTC)


def _insert(db: AsyncSession) -> Any:
    """The database's own INSERT, which knows ON CONFLICT DO NOTHING."""
    return postgresql.insert if db.bind.dialect.name == "postgresql" else sqlite.insert


async def claim(
    db: AsyncSession, *, key: str, person_id: uuid.UUID, method: str, path: str, device_at: dt.datetime | None
) -> Earlier | None:
    """Take ``key`` for this change, in the request's transaction. None: the key is new, go on and change.
    Otherwise the key was used: what for, and its first answer.

    ``INSERT ... ON CONFLICT DO NOTHING`` waits while another transaction holds the same key (a row lock on
    PostgreSQL, the one writer on SQLite) and inserts nothing once that one committed; if that one rolled
    back, this one gets the key. So two sends of one form at the same moment change things once.
    """
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "key": key,
        "person_id": person_id,
        "method": method,
        "path": path[:400],
        "created_at": utcnow(),
        "device_at": device_at,
        "headers": {},
        "body": b"",
    }
    statement = _insert(db)(FormSubmission).values(**values).on_conflict_do_nothing(index_elements=["key"])
    inserted = await db.execute(statement.returning(FormSubmission.id))
    if inserted.first() is not None:
        return None
    row = (await db.execute(select(FormSubmission).where(FormSubmission.key == key))).scalar_one()
    answer = None
    if row.status_code is not None:
        answer = Answer(row.status_code, dict(row.headers), row.body)
    return Earlier(row.person_id, answer)


async def keep_answer(db: AsyncSession, key: str, answer: Answer) -> None:
    """Store the first answer with the key, in the same transaction as the change."""
    await db.execute(
        update(FormSubmission)
        .where(FormSubmission.key == key)
        .values(status_code=answer.status_code, headers=answer.headers, body=answer.body)
    )


async def forget_old_keys(db: AsyncSession, now: dt.datetime | None = None) -> int:
    result = await db.execute(delete(FormSubmission).where(FormSubmission.created_at < (now or utcnow()) - KEEP_KEYS))
    return int(getattr(result, "rowcount", 0) or 0)


# --------------------------------------------------------------------------------------------------------
# Households kept for a home visit
# --------------------------------------------------------------------------------------------------------


def is_marked(person_id: ColumnElement[uuid.UUID], household_id: ColumnElement[uuid.UUID]) -> Exists:
    """Whether the person keeps the household's pages on her devices, as a condition the household overview
    reads with the rest of the household's state."""
    return exists().where(VisitMark.person_id == person_id, VisitMark.household_id == household_id)


async def mark_for_visit(db: AsyncSession, actor: Actor, household_id: uuid.UUID, *, keep: bool) -> None:
    """Mark (or unmark) a household as "beschikbaar voor huisbezoek" for this person: its pages are kept on
    her devices. Marking twice is marking once.

    Her devices keep the latest ``MAX_VISIT_HOUSEHOLDS`` marked; a mark older than those is removed, so that
    a household's page never says it is on her device when it is not."""
    existing = await db.scalar(
        select(VisitMark).where(VisitMark.person_id == actor.id, VisitMark.household_id == household_id)
    )
    if keep and existing is None:
        # Marked from two pages at the same moment: the second finds the first's row and adds nothing.
        values = {"id": uuid.uuid4(), "person_id": actor.id, "household_id": household_id, "marked_at": utcnow()}
        await db.execute(
            _insert(db)(VisitMark).values(**values).on_conflict_do_nothing(index_elements=["person_id", "household_id"])
        )
        older = (
            select(VisitMark.id)
            .where(VisitMark.person_id == actor.id)
            .order_by(VisitMark.marked_at.desc(), VisitMark.id)
            .offset(MAX_VISIT_HOUSEHOLDS)
        )
        await db.execute(delete(VisitMark).where(VisitMark.id.in_(older)))
    elif not keep and existing is not None:
        await db.delete(existing)


async def _visit_households(db: AsyncSession, actor: Actor) -> list[uuid.UUID]:
    """The households this professional keeps for a visit and still does the regisseur's work on: marked
    ones, and her own with an evaluation today (those come on top of the marked ones: a visit planned today
    pushes no marked household off her device). A mark of a household handed over to a colleague stays in
    the table but keeps nothing."""
    marked = list(
        await db.scalars(
            select(VisitMark.household_id)
            .where(VisitMark.person_id == actor.id)
            .order_by(VisitMark.marked_at.desc())
            .limit(MAX_VISIT_HOUSEHOLDS)
        )
    )
    today = list(
        await db.scalars(
            select(Evaluation.household_id)
            .join(Trajectory, Trajectory.id == Evaluation.trajectory_id)
            .where(
                Trajectory.regisseur_id == actor.id,
                Evaluation.status == EvaluationStatus.GEPLAND,
                Evaluation.planned_on == cover_day(),
            )
            .limit(MAX_VISIT_HOUSEHOLDS)
        )
    )
    kept: list[uuid.UUID] = []
    for household_id in dict.fromkeys([*today, *marked]):
        relations, _household = await relations_to_household(db, actor, household_id)
        if relations & VISITING:
            kept.append(household_id)
    return kept


@dataclass(frozen=True)
class KeptPages:
    """What the service worker keeps for this person: ``pages`` are fetched and kept at once; any other page
    under one of ``households`` (a form to edit a goal, say) is kept once it was opened with a connection."""

    pages: list[str]
    households: list[str]


async def kept_pages(db: AsyncSession, actor: Actor) -> KeptPages:
    """The pages this person may keep on the device, for reading (and filling in) without a connection.

    A professional's own start page is not among them: it lists every household of her caseload, and a
    device that goes along on visits keeps only the households she chose for them."""
    pages = [] if actor.is_professional else ["/mijn"]
    households: list[str] = []
    for household in await households_of_member(db, actor):
        households.append(f"/huishoudens/{household.id}/")
        pages.append(f"/huishoudens/{household.id}")
        pages += [f"/huishoudens/{household.id}/{page}" for page in HOUSEHOLD_PAGES]
    if actor.is_professional:
        for household_id in await _visit_households(db, actor):
            households.append(f"/huishoudens/{household_id}/")
            pages.append(f"/huishoudens/{household_id}")
            pages += [f"/huishoudens/{household_id}/{page}" for page in HOUSEHOLD_PAGES]
    return KeptPages(list(dict.fromkeys(pages)), list(dict.fromkeys(households)))
