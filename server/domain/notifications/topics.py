"""The topics a person chooses a channel for ("in de app" or "ook als pushbericht"), which event kinds belong
to each, and the defaults per role. The rules that decide who is told of an outbox row are in ``rules``."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from server.domain.events import EventKind
from server.domain.models import Role


class Topic(enum.StrEnum):
    EVALUATION = "evaluation"  # an evaluation due in a week, tomorrow, or overdue
    ACTION = "action"  # an action given to you or your organisation
    HELP = "help"  # an offer of help on your request; your offer accepted or declined
    INVITATION = "invitation"  # someone you invited accepted
    SHARE = "share"  # a share given to or withdrawn from your organisation
    HANDOVER = "handover"  # a handover waiting for you, or your handover answered
    ESCALATION = "escalation"  # a doorbraak waiting for you, or yours decided
    ACCOUNT = "account"  # a recovery link used on your account


TOPIC_OF_KIND: dict[str, Topic] = {
    EventKind.EVALUATION_DUE_WEEK: Topic.EVALUATION,
    EventKind.EVALUATION_DUE_TOMORROW: Topic.EVALUATION,
    EventKind.EVALUATION_OVERDUE: Topic.EVALUATION,
    EventKind.ACTION_ASSIGNED: Topic.ACTION,
    EventKind.NETWORK_INVITED: Topic.ACTION,
    EventKind.HELP_OFFERED: Topic.HELP,
    EventKind.HELP_ACCEPTED: Topic.HELP,
    EventKind.HELP_DECLINED: Topic.HELP,
    EventKind.NETWORK_JOINED: Topic.INVITATION,
    EventKind.SHARE_CREATED: Topic.SHARE,
    EventKind.SHARE_REVOKED: Topic.SHARE,
    EventKind.HANDOVER_OFFERED: Topic.HANDOVER,
    EventKind.HANDOVER_ACCEPTED: Topic.HANDOVER,
    EventKind.HANDOVER_DECLINED: Topic.HANDOVER,
    EventKind.HANDOVER_WITHDRAWN: Topic.HANDOVER,
    EventKind.ESCALATION_RAISED: Topic.ESCALATION,
    EventKind.ESCALATION_WITHDRAWN: Topic.ESCALATION,
    EventKind.ESCALATION_DECIDED: Topic.ESCALATION,
    EventKind.ACCOUNT_RECOVERED: Topic.ACCOUNT,
}

# The topics that also come by push unless the person chose otherwise, per role: what needs doing soon. A
# person with several roles gets push for a topic when one of their roles has it.
DEFAULT_PUSH: dict[Role, frozenset[Topic]] = {
    Role.HOUSEHOLD_MEMBER: frozenset({Topic.EVALUATION, Topic.HELP, Topic.INVITATION, Topic.ACCOUNT}),
    Role.NETWORK_MEMBER: frozenset({Topic.ACTION, Topic.ACCOUNT}),
    Role.VOLUNTEER: frozenset({Topic.HELP, Topic.ACTION, Topic.ACCOUNT}),
    Role.VOLUNTEER_COORDINATOR: frozenset({Topic.ACCOUNT}),
    Role.REGISSEUR: frozenset({Topic.EVALUATION, Topic.HANDOVER, Topic.ESCALATION, Topic.ACCOUNT}),
    Role.PARTNER_PROFESSIONAL: frozenset({Topic.ACTION, Topic.HANDOVER, Topic.ACCOUNT}),
    Role.TEAM_LEAD: frozenset({Topic.ESCALATION, Topic.ACCOUNT}),
    Role.ADMIN: frozenset({Topic.ACCOUNT}),
}


def default_push(roles: Iterable[Role], topic: Topic) -> bool:
    return any(topic in DEFAULT_PUSH.get(role, frozenset()) for role in roles)


def topic_of(kind: str) -> Topic | None:
    """The topic of an outbox kind, or None when the kind tells nobody."""
    return TOPIC_OF_KIND.get(kind)
