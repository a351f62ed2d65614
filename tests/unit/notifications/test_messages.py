"""A message in words, without a database: the sentence for each kind (the household's own "jullie", a
professional's household name, a volunteer's anonymised card), the topics each role is asked about, and the
role a look in the household's access log names."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from server.domain.events import EventKind
from server.domain.models import Person, Role, RoleAssignment, utcnow
from server.domain.notifications.queries import InboxItem, reader_relation, topics_for
from server.domain.notifications.topics import Topic
from server.domain.policy import Actor, Relation
from server.domain.teamwork.model import EscalationStatus
from server.views.notifications import message_sentence

HOUSEHOLD = uuid.uuid4()
DECEMBER_3 = dt.date(2026, 12, 3)


def item(kind: str, *, own: bool = False, household: str = "", **values: Any) -> InboxItem:
    return InboxItem(
        id=uuid.uuid4(),
        kind=kind,
        url="/mijn",
        created_at=utcnow(),
        read=False,
        household=household,
        own_household=own,
        household_id=HOUSEHOLD,
        **values,
    )


def actor(*roles: Role, household_id: uuid.UUID | None = None) -> Actor:
    person = Person(id=uuid.uuid4(), municipality_id=uuid.uuid4(), display_name="Fatima")
    return Actor(
        person=person,
        roles=tuple(RoleAssignment(person_id=person.id, role=role, household_id=household_id) for role in roles),
    )


@pytest.mark.parametrize(
    ("message", "sentence"),
    [
        (
            item(EventKind.HELP_OFFERED, own=True, who="Sem", what="boodschappen doen"),
            "Sem bood hulp aan bij: boodschappen doen",
        ),
        (
            item(EventKind.HELP_OFFERED, household="De Vries", who="Sem", what="boodschappen doen"),
            "Sem bood de familie De Vries hulp aan bij: boodschappen doen",
        ),
        (
            item(EventKind.EVALUATION_DUE_WEEK, household="De Vries", on=DECEMBER_3),
            "De evaluatie met de familie De Vries is over een week, op 3 december.",
        ),
        (
            item(EventKind.EVALUATION_DUE_WEEK, own=True, on=DECEMBER_3),
            "Jullie evaluatie is over een week, op 3 december.",
        ),
        (
            item(EventKind.EVALUATION_DUE_TOMORROW, household="De Vries", on=DECEMBER_3),
            "De evaluatie met de familie De Vries is morgen, op 3 december.",
        ),
        (
            item(EventKind.EVALUATION_OVERDUE, own=True, on=DECEMBER_3),
            "Jullie evaluatie stond op 3 december en is nog niet gehouden.",
        ),
        # The evaluation is gone (its subject no longer there): still a sentence, without the day.
        (item(EventKind.EVALUATION_DUE_WEEK, own=True), "Er is nieuws over jullie evaluatie."),
        (
            item(EventKind.ACCOUNT_RECOVERED),
            "Er is een herstellink gebruikt voor jouw account. Was jij dat niet? Neem dan contact op met je "
            "regisseur of de gemeente.",
        ),
        (
            item(EventKind.ACTION_ASSIGNED, household="De Vries", organisation="MEE", what="Een budgetplan maken"),
            # Never the action's words: the message outlives the share that let the reader see them.
            "Er is een actie voor MEE bij de familie De Vries.",
        ),
        (
            item(EventKind.HELP_ACCEPTED, what="boodschappen doen"),
            "Je hulpaanbod is aangenomen: boodschappen doen. Je ziet nu wat er nodig is.",
        ),
        (
            item(EventKind.HELP_DECLINED, what="boodschappen doen"),
            "Je hulpaanbod voor boodschappen doen is deze keer niet nodig. Bedankt!",
        ),
        (item(EventKind.NETWORK_JOINED, own=True, who="Oma Ineke"), "Oma Ineke doet nu mee met jullie plan."),
        (
            item(EventKind.SHARE_CREATED, household="De Vries", organisation="MEE"),
            "De familie De Vries deelt iets met MEE.",
        ),
        (
            item(EventKind.SHARE_REVOKED, household="De Vries", organisation="MEE"),
            "De familie De Vries deelt iets niet meer met MEE.",
        ),
        (
            item(EventKind.HANDOVER_OFFERED, household="De Vries", who="Fatima"),
            "Fatima vraagt of jij de familie De Vries verder helpt.",
        ),
        (
            item(EventKind.HANDOVER_ACCEPTED, household="De Vries", answered_by="Ruud"),
            "Ruud neemt de familie De Vries van je over.",
        ),
        (
            item(EventKind.ESCALATION_RAISED, household="De Vries", who="Fatima"),
            "Fatima vraagt een doorbraak voor de familie De Vries.",
        ),
        (
            item(
                EventKind.ESCALATION_DECIDED,
                household="De Vries",
                answered_by="Karin",
                outcome=EscalationStatus.GRANTED,
            ),
            "Karin heeft de doorbraak voor de familie De Vries toegekend.",
        ),
        (item("something.new"), "Er is iets nieuws in Ons Plan."),
    ],
)
def test_each_kind_reads_as_a_plain_sentence(message: InboxItem, sentence: str) -> None:
    assert message_sentence(message) == sentence


def test_each_role_is_asked_only_about_its_own_topics() -> None:
    assert topics_for(actor(Role.HOUSEHOLD_MEMBER)) == [Topic.EVALUATION, Topic.HELP, Topic.INVITATION, Topic.ACCOUNT]
    assert topics_for(actor(Role.TEAM_LEAD)) == [Topic.ESCALATION, Topic.ACCOUNT]
    assert topics_for(actor(Role.PARTNER_PROFESSIONAL)) == [Topic.ACTION, Topic.SHARE, Topic.HANDOVER, Topic.ACCOUNT]
    # Someone whose last role ended keeps their own account.
    assert topics_for(actor()) == [Topic.ACCOUNT]


def test_the_look_names_the_role_the_person_was_told_in() -> None:
    regisseur = actor(Role.REGISSEUR)
    assert reader_relation(regisseur, HOUSEHOLD, EventKind.EVALUATION_DUE_WEEK) is Relation.REGISSEUR
    assert reader_relation(regisseur, HOUSEHOLD, EventKind.HANDOVER_OFFERED) is Relation.HANDOVER_RECEIVER
    partner = actor(Role.PARTNER_PROFESSIONAL)
    assert reader_relation(partner, HOUSEHOLD, EventKind.SHARE_CREATED) is Relation.PARTNER_WITH_SHARE
    lead = actor(Role.TEAM_LEAD)
    assert reader_relation(lead, HOUSEHOLD, EventKind.ESCALATION_RAISED) is Relation.TEAM_LEAD
    network = actor(Role.NETWORK_MEMBER, household_id=HOUSEHOLD)
    assert reader_relation(network, HOUSEHOLD, EventKind.ACTION_ASSIGNED) is Relation.NETWORK_WITH_SHARE
