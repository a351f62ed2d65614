"""Who is told of an outbox row, and where a tap on the message leads: the one place that decides it.

The outbox row names its kind, its household, who did it and the row it is about (its subject). From those,
each kind has its rule below. Three things hold for every kind: the person who did it is never told of it;
nobody the admin deactivated is told; and someone told because of a role (regisseur, partner professional,
team lead, volunteer, network member) is told only while that role works (``RoleAssignment.active_clause``,
the same rule as for signing in). The queries are a fixed few per row, however many people are told.

A message names no one: the page behind its URL shows what it is about, after sign-in, to whoever may see it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.events import EventKind
from server.domain.models import Member, OutboxMessage, Passkey, Person, Role, RoleAssignment, Trajectory, utcnow
from server.domain.network.model import NetworkPerson
from server.domain.notifications.topics import topic_of
from server.domain.plan.model import ActionStatus, PlanAction, Share
from server.domain.teamwork.model import Escalation
from server.domain.volunteering.model import HelpOffer, HelpRequest
from server.domain.workspace.model import Evaluation, EvaluationGuest, EvaluationStatus, Handover

# The person's own page, where what waits for them is listed (actions of their organisation, shares,
# handovers, the evaluations they are invited to).
OWN_PAGE = "/mijn"
PASSKEYS_PAGE = "/mijn/passkeys"
VOLUNTEER_PAGE = "/taken"
TEAM_ESCALATIONS_PAGE = "/team/doorbraken"
# An action given to someone of the household's network is still to do in one of these.
_OPEN_ACTION = (ActionStatus.OPEN, ActionStatus.BEZIG)


@dataclass(frozen=True)
class Recipient:
    person_id: uuid.UUID
    url: str


def household_page(household_id: uuid.UUID) -> str:
    return f"/huishoudens/{household_id}"


def evaluation_page(household_id: uuid.UUID, evaluation_id: uuid.UUID) -> str:
    return f"/huishoudens/{household_id}/evaluaties/{evaluation_id}"


def help_requests_page(household_id: uuid.UUID) -> str:
    """Where the household sees the offers on its help requests and accepts or declines them."""
    return f"/huishoudens/{household_id}/hulpvragen"


def network_page(household_id: uuid.UUID) -> str:
    return f"/huishoudens/{household_id}/netwerk"


# A group of people told alike: who (a statement that selects person ids) and where their tap leads.
Group = tuple[Select[Any], str]


def _members(household_id: uuid.UUID) -> Select[Any]:
    """The household's members with an account (children without one are not told)."""
    return select(Member.person_id).where(Member.household_id == household_id, Member.person_id.is_not(None))


def _holders(role: Role, moment: dt.datetime, **context: uuid.UUID | None) -> Select[Any]:
    """Whoever has this role, in this context (a team, an organisation, a household, or one person), now."""
    statement = select(RoleAssignment.person_id).where(
        RoleAssignment.role == role, RoleAssignment.active_clause(moment)
    )
    for name, value in context.items():
        statement = statement.where(getattr(RoleAssignment, name) == value)
    return statement


class _Rules:
    """The rules per kind. Each returns the groups to tell, or none (the subject is gone, or it no longer
    calls for a message)."""

    def __init__(self, db: AsyncSession, subject_id: uuid.UUID, moment: dt.datetime) -> None:
        self.db = db
        self.subject_id = subject_id
        self.moment = moment

    async def evaluation(self) -> list[Group]:
        found = (
            await self.db.execute(
                select(Evaluation.household_id, Evaluation.status, Trajectory.regisseur_id)
                .join(Trajectory, Trajectory.id == Evaluation.trajectory_id)
                .where(Evaluation.id == self.subject_id)
            )
        ).first()
        # A moved, held or lapsed evaluation tells nobody: a reminder for a day that no longer counts misleads.
        if found is None or found.status != EvaluationStatus.GEPLAND:
            return []
        household_id = found.household_id
        page = evaluation_page(household_id, self.subject_id)
        groups: list[Group] = [(_members(household_id), page)]
        if found.regisseur_id is not None:
            groups.append((_holders(Role.REGISSEUR, self.moment, person_id=found.regisseur_id), page))
        # Guests from the household's network who have an account, while the household still lets them in.
        guests = (
            select(NetworkPerson.person_id)
            .join(EvaluationGuest, EvaluationGuest.network_person_id == NetworkPerson.id)
            .where(
                EvaluationGuest.evaluation_id == self.subject_id,
                NetworkPerson.person_id.in_(_holders(Role.NETWORK_MEMBER, self.moment, household_id=household_id)),
            )
        )
        groups.append((guests, OWN_PAGE))
        return groups

    async def action_assigned(self) -> list[Group]:
        organisation_id = await self.db.scalar(
            select(PlanAction.assigned_organisation_id).where(PlanAction.id == self.subject_id)
        )
        if organisation_id is None:
            return []
        return [(_holders(Role.PARTNER_PROFESSIONAL, self.moment, organisation_id=organisation_id), OWN_PAGE)]

    async def network_invited(self) -> list[Group]:
        """Someone of the network who already has a passkey and was given an action is told (someone new
        gets their link from the household, and an invitation without an action asks nothing of them)."""
        invited = (
            await self.db.execute(
                select(NetworkPerson.household_id, NetworkPerson.person_id).where(NetworkPerson.id == self.subject_id)
            )
        ).first()
        if invited is None or invited.person_id is None:
            return []
        who = _holders(Role.NETWORK_MEMBER, self.moment, household_id=invited.household_id).where(
            RoleAssignment.person_id == invited.person_id,
            exists().where(Passkey.person_id == invited.person_id),
            exists().where(
                PlanAction.household_id == invited.household_id,
                PlanAction.assigned_person_id == invited.person_id,
                PlanAction.status.in_(_OPEN_ACTION),
            ),
        )
        return [(who, OWN_PAGE)]

    async def help_offered(self) -> list[Group]:
        household_id = await self.db.scalar(
            select(HelpRequest.household_id)
            .join(HelpOffer, HelpOffer.help_request_id == HelpRequest.id)
            .where(HelpOffer.id == self.subject_id)
        )
        if household_id is None:
            return []
        return [(_members(household_id), help_requests_page(household_id))]

    async def help_decided(self) -> list[Group]:
        volunteer_id = await self.db.scalar(select(HelpOffer.volunteer_id).where(HelpOffer.id == self.subject_id))
        if volunteer_id is None:
            return []
        return [(_holders(Role.VOLUNTEER, self.moment, person_id=volunteer_id), VOLUNTEER_PAGE)]

    async def network_joined(self) -> list[Group]:
        household_id = await self.db.scalar(
            select(NetworkPerson.household_id).where(NetworkPerson.id == self.subject_id)
        )
        if household_id is None:
            return []
        return [(_members(household_id), network_page(household_id))]

    async def share(self) -> list[Group]:
        organisation_id = await self.db.scalar(select(Share.organisation_id).where(Share.id == self.subject_id))
        if organisation_id is None:  # a share with a person of the network: nobody to tell here
            return []
        return [(_holders(Role.PARTNER_PROFESSIONAL, self.moment, organisation_id=organisation_id), OWN_PAGE)]

    async def handover_for_receiver(self) -> list[Group]:
        return [(select(Handover.to_person_id).where(Handover.id == self.subject_id), OWN_PAGE)]

    async def handover_for_offerer(self) -> list[Group]:
        return [(select(Handover.from_person_id).where(Handover.id == self.subject_id), OWN_PAGE)]

    async def escalation_for_leads(self) -> list[Group]:
        team_id = await self.db.scalar(select(Escalation.team_id).where(Escalation.id == self.subject_id))
        if team_id is None:
            return []
        return [(_holders(Role.TEAM_LEAD, self.moment, team_id=team_id), TEAM_ESCALATIONS_PAGE)]

    async def escalation_decided(self) -> list[Group]:
        raised = (
            await self.db.execute(
                select(Escalation.household_id, Escalation.raised_by_id).where(Escalation.id == self.subject_id)
            )
        ).first()
        if raised is None or raised.raised_by_id is None:
            return []
        return [
            (_holders(Role.REGISSEUR, self.moment, person_id=raised.raised_by_id), household_page(raised.household_id))
        ]

    async def account_recovered(self) -> list[Group]:
        return [(select(Person.id).where(Person.id == self.subject_id), PASSKEYS_PAGE)]


_RULES: dict[str, Callable[[_Rules], Awaitable[list[Group]]]] = {
    EventKind.EVALUATION_DUE_WEEK: _Rules.evaluation,
    EventKind.EVALUATION_DUE_TOMORROW: _Rules.evaluation,
    EventKind.EVALUATION_OVERDUE: _Rules.evaluation,
    EventKind.ACTION_ASSIGNED: _Rules.action_assigned,
    EventKind.NETWORK_INVITED: _Rules.network_invited,
    EventKind.HELP_OFFERED: _Rules.help_offered,
    EventKind.HELP_ACCEPTED: _Rules.help_decided,
    EventKind.HELP_DECLINED: _Rules.help_decided,
    EventKind.NETWORK_JOINED: _Rules.network_joined,
    EventKind.SHARE_CREATED: _Rules.share,
    EventKind.SHARE_REVOKED: _Rules.share,
    EventKind.HANDOVER_OFFERED: _Rules.handover_for_receiver,
    EventKind.HANDOVER_WITHDRAWN: _Rules.handover_for_receiver,
    EventKind.HANDOVER_ACCEPTED: _Rules.handover_for_offerer,
    EventKind.HANDOVER_DECLINED: _Rules.handover_for_offerer,
    EventKind.ESCALATION_RAISED: _Rules.escalation_for_leads,
    EventKind.ESCALATION_WITHDRAWN: _Rules.escalation_for_leads,
    EventKind.ESCALATION_DECIDED: _Rules.escalation_decided,
    EventKind.ACCOUNT_RECOVERED: _Rules.account_recovered,
}


def tells_anyone(kind: str) -> bool:
    """Whether an outbox row of this kind can tell anyone at all (other kinds are only marked processed)."""
    return kind in _RULES and topic_of(kind) is not None


async def recipients(db: AsyncSession, row: OutboxMessage, *, moment: dt.datetime | None = None) -> list[Recipient]:
    """The people to tell of this outbox row, each once, with where their tap leads; in a stable order."""
    if not tells_anyone(row.kind) or row.subject_id is None:
        return []
    rules = _Rules(db, row.subject_id, moment or utcnow())
    groups = await _RULES[row.kind](rules)
    told: dict[uuid.UUID, str] = {}
    for who, url in groups:
        statement = select(Person.id).where(Person.id.in_(who), Person.deactivated_at.is_(None)).order_by(Person.id)
        if row.actor_id is not None:
            statement = statement.where(Person.id != row.actor_id)
        for person_id in await db.scalars(statement):
            told.setdefault(person_id, url)
    return [Recipient(person_id, url) for person_id, url in told.items()]
