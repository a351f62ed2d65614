"""What happens in a household's dossier: one enumeration of event kinds, and the one way to record an event.

Recording an event writes the timeline entry the household reads and, in the same transaction, a row in the
outbox. The outbox is the seam for every "after a change, tell someone" rule (push, in-app messages): a
worker reads it later; no use case or route calls a sender itself. Events carry names and short texts for
the timeline; the outbox row keeps the kind, the household and who did it, so that a message can be made
without personal data.
"""

from __future__ import annotations

import enum
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import OutboxMessage, Person, TimelineEvent, utcnow


class EventKind(enum.StrEnum):
    HOUSEHOLD_REGISTERED = "household.registered"
    TRAJECTORY_PHASE = "trajectory.phase"
    PERSON_LINK_ISSUED = "person.link_issued"
    PERSON_PASSKEYS_REVOKED = "person.passkeys_revoked"
    PERSON_RECOVERED = "person.recovered"
    GOAL_CREATED = "goal.created"
    GOAL_UPDATED = "goal.updated"
    # The household struck a goal out of its plan (its text stays in the timeline).
    GOAL_REMOVED = "goal.removed"
    ACTION_CREATED = "action.created"
    ACTION_UPDATED = "action.updated"
    ACTION_TICKED = "action.ticked"
    ACTION_UNTICKED = "action.unticked"
    ACTION_NOTED = "action.noted"
    # An action given to a partner organisation, and picked up by one of its professionals.
    ACTION_ASSIGNED = "action.assigned"
    ACTION_TAKEN = "action.taken"
    SHARE_CREATED = "share.created"
    SHARE_REVOKED = "share.revoked"
    ASSESSMENT_STARTED = "assessment.started"
    RATING_SET = "rating.set"
    NETWORK_ADDED = "network.added"
    NETWORK_UPDATED = "network.updated"
    NETWORK_INVITED = "network.invited"
    NETWORK_WITHDRAWN = "network.withdrawn"
    NETWORK_LEFT = "network.left"
    HELP_PUBLISHED = "help.published"
    HELP_OFFERED = "help.offered"
    HELP_ACCEPTED = "help.accepted"
    HELP_DECLINED = "help.declined"
    HELP_DONE = "help.done"
    HELP_CONFIRMED = "help.confirmed"
    HELP_WITHDRAWN = "help.withdrawn"
    # The household ended one volunteer's part of a request with set days.
    HELP_PART_ENDED = "help.part_ended"
    INTAKE_SAVED = "intake.saved"
    INTAKE_COMPLETED = "intake.completed"
    HISTORY_ADDED = "history.added"
    REPORT_CORRECTED = "report.corrected"
    PLAN_AGREED = "plan.agreed"
    EVALUATION_PLANNED = "evaluation.planned"
    HANDOVER_OFFERED = "handover.offered"
    HANDOVER_ACCEPTED = "handover.accepted"
    HANDOVER_DECLINED = "handover.declined"
    HANDOVER_WITHDRAWN = "handover.withdrawn"
    CHECKIN_PLANNED = "checkin.planned"
    CHECKIN_DONE = "checkin.done"
    INVOLVEMENT_ADDED = "involvement.added"
    INVOLVEMENT_ENDED = "involvement.ended"
    # A doorbraak asked of the team lead, withdrawn by the regisseur, or decided by the team lead.
    ESCALATION_RAISED = "escalation.raised"
    ESCALATION_WITHDRAWN = "escalation.withdrawn"
    ESCALATION_DECIDED = "escalation.decided"
    # The team lead gave the household another regisseur of the team.
    REGISSEUR_ASSIGNED = "regisseur.assigned"
    # The gezinsbudget: an entry booked (counting, or waiting for the team lead), approved or refused.
    BUDGET_BOOKED = "budget.booked"
    BUDGET_APPROVED = "budget.approved"
    BUDGET_REFUSED = "budget.refused"
    # Evaluations: moved to another day (with a reason), opened at the table, held (with the decision and its
    # summary), lapsed; a guest invited by the household.
    EVALUATION_MOVED = "evaluation.moved"
    EVALUATION_STARTED = "evaluation.started"
    EVALUATION_HELD = "evaluation.held"
    EVALUATION_LAPSED = "evaluation.lapsed"
    EVALUATION_GUEST_INVITED = "evaluation.guest_invited"
    # Someone the household invited from its network made their passkey: the invitation is accepted.
    NETWORK_JOINED = "network.joined"
    # Only in the outbox, never in the timeline: made by the worker's scheduler from the evaluation dates
    # (once per evaluation and kind), and the use of a recovery link on a person's account.
    EVALUATION_DUE_WEEK = "evaluation.due_week"
    EVALUATION_DUE_TOMORROW = "evaluation.due_tomorrow"
    EVALUATION_OVERDUE = "evaluation.overdue"
    ACCOUNT_RECOVERED = "account.recovered"


async def record_event(
    session: AsyncSession,
    *,
    household_id: uuid.UUID,
    actor: Person | None,
    kind: EventKind,
    detail: dict[str, Any] | None = None,
    subject_id: uuid.UUID | None = None,
) -> TimelineEvent:
    """Write the timeline entry and its outbox row. ``subject_id`` names the row the event is about (see
    ``OutboxMessage.subject_id``), for the notification rules."""
    now = utcnow()
    event = TimelineEvent(
        household_id=household_id,
        actor_id=actor.id if actor else None,
        kind=kind.value,
        detail={"actor_name": actor.display_name if actor else "", **(detail or {})},
        created_at=now,
    )
    session.add(event)
    session.add(
        OutboxMessage(
            kind=kind.value,
            household_id=household_id,
            actor_id=actor.id if actor else None,
            subject_id=subject_id,
            created_at=now,
        )
    )
    await session.flush()
    return event


async def enqueue(
    session: AsyncSession,
    *,
    kind: EventKind,
    subject_id: uuid.UUID,
    household_id: uuid.UUID | None = None,
    actor: Person | None = None,
) -> None:
    """An outbox row without a timeline entry: for what concerns one person's account, not a dossier."""
    session.add(
        OutboxMessage(
            kind=kind.value,
            household_id=household_id,
            actor_id=actor.id if actor else None,
            subject_id=subject_id,
            created_at=utcnow(),
        )
    )
    await session.flush()
