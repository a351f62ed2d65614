"""The worker's scheduler step: messages that come from a date, not from something someone did.

From the evaluations still planned (gepland) of open trajectories it makes the outbox rows "evaluation due in
a week", "due tomorrow" and "overdue", each once per evaluation and kind. Every row carries a key
(``"<kind>:<evaluation id>"``) with a unique index, and is inserted with ``ON CONFLICT DO NOTHING``: two
workers that run the step at the same moment make one row, whichever commits first.

Days are the gemeente's days (Europe/Amsterdam): "tomorrow" starts at midnight in the Netherlands. Each run
looks only at evaluations planned near today (the index on status and day), so its work does not grow with the
years of evaluations behind it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.events import EventKind
from server.domain.models import OutboxMessage, Phase, Trajectory, utcnow
from server.domain.teamwork.model import cover_day
from server.domain.workspace.model import Evaluation, EvaluationStatus

# "Due in a week": planned within this many days, and more than one day ahead (tomorrow has its own message).
WEEK_AHEAD_DAYS = 7
# An evaluation is told overdue only in the days right after its day. Older ones were told already; or, when
# no worker ran for longer than this, a reminder that late helps nobody.
OVERDUE_WITHIN_DAYS = 7
# Keys looked up in one statement.
_CHUNK = 500


def dedupe_key(kind: EventKind, evaluation_id: uuid.UUID) -> str:
    return f"{kind.value}:{evaluation_id}"


def due_kind(planned_on: dt.date, today: dt.date) -> EventKind | None:
    """Which reminder an evaluation planned on ``planned_on`` calls for today, if any."""
    if planned_on < today:
        return EventKind.EVALUATION_OVERDUE if (today - planned_on).days <= OVERDUE_WITHIN_DAYS else None
    ahead = (planned_on - today).days
    if ahead == 1:
        return EventKind.EVALUATION_DUE_TOMORROW
    if 1 < ahead <= WEEK_AHEAD_DAYS:
        return EventKind.EVALUATION_DUE_WEEK
    return None


async def _existing(db: AsyncSession, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        statement = select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk))
        found.update(key for key in await db.scalars(statement) if key is not None)
    return found


async def run_scheduler(db: AsyncSession, *, moment: dt.datetime | None = None) -> int:
    """Make the evaluation reminders that are due and not yet made, in the caller's transaction. Returns how
    many outbox rows this run added (a row another worker made first is not counted)."""
    now = moment or utcnow()
    today = cover_day(now)
    candidates = await db.execute(
        select(Evaluation.id, Evaluation.household_id, Evaluation.planned_on)
        .join(Trajectory, Trajectory.id == Evaluation.trajectory_id)
        .where(
            Evaluation.status == EvaluationStatus.GEPLAND,
            # Opened at the table and not yet decided: it is being held, so nobody is reminded of it.
            Evaluation.started_on.is_(None),
            Evaluation.planned_on >= today - dt.timedelta(days=OVERDUE_WITHIN_DAYS),
            Evaluation.planned_on <= today + dt.timedelta(days=WEEK_AHEAD_DAYS),
            Trajectory.phase != Phase.AFGESLOTEN,
        )
        .order_by(Evaluation.planned_on, Evaluation.id)
    )
    wanted: dict[str, dict[str, object]] = {}
    for evaluation_id, household_id, planned_on in candidates:
        kind = due_kind(planned_on, today)
        if kind is None:
            continue
        key = dedupe_key(kind, evaluation_id)
        wanted[key] = {
            "id": uuid.uuid4(),
            "kind": kind.value,
            "household_id": household_id,
            "subject_id": evaluation_id,
            "dedupe_key": key,
            "created_at": now,
        }
    if not wanted:
        return 0
    made = await _existing(db, list(wanted))
    rows = [values for key, values in wanted.items() if key not in made]
    if not rows:
        return 0
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    added = 0
    for start in range(0, len(rows), _CHUNK):
        result = await db.execute(
            insert(OutboxMessage)
            .values(rows[start : start + _CHUNK])
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
        )
        added += max(getattr(result, "rowcount", 0) or 0, 0)
    return added
