"""Notifications in words: a plain sentence per message, the topics a person chooses for, their devices, and
the admin's list of failed push messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date

from server.domain.events import EventKind
from server.domain.notifications.queries import (
    ACTION_KINDS,
    EVALUATION_KINDS,
    Choice,
    Device,
    FailedDelivery,
    Inbox,
    InboxItem,
)
from server.domain.notifications.service import ALSO_PUSH, APP_ONLY, DEVICE_SEPARATOR
from server.domain.notifications.topics import Topic, topic_of
from server.domain.teamwork.model import EscalationStatus
from server.i18n import current_locale
from server.i18n import gettext as _
from server.views.presenters import moment


def _date(value: dt.date) -> str:
    """'3 december': an evaluation is close by, the year goes without saying."""
    return format_date(value, "d MMMM", locale=current_locale.get())


def _family(item: InboxItem) -> str:
    return _("de familie %(name)s") % {"name": item.household} if item.household else _("een huishouden")


def _first_up(text: str) -> str:
    """'De familie De Vries' at the start of a sentence (``str.capitalize`` would lower the name)."""
    return text[:1].upper() + text[1:]


def _evaluation_sentence(item: InboxItem) -> str:
    own = item.own_household or not item.household
    if item.on is None or item.kind not in (
        EventKind.EVALUATION_DUE_WEEK,
        EventKind.EVALUATION_DUE_TOMORROW,
        EventKind.EVALUATION_OVERDUE,
    ):
        if own:
            return _("Er is nieuws over jullie evaluatie.")
        return _("Er is nieuws over de evaluatie met %(family)s.") % {"family": _family(item)}
    values = {"date": _date(item.on), "family": _family(item)}
    if item.kind == EventKind.EVALUATION_DUE_WEEK:
        if own:
            return _("Jullie evaluatie is over een week, op %(date)s.") % values
        return _("De evaluatie met %(family)s is over een week, op %(date)s.") % values
    if item.kind == EventKind.EVALUATION_DUE_TOMORROW:
        if own:
            return _("Jullie evaluatie is morgen, op %(date)s.") % values
        return _("De evaluatie met %(family)s is morgen, op %(date)s.") % values
    if own:
        return _("Jullie evaluatie stond op %(date)s en is nog niet gehouden.") % values
    return _("De evaluatie met %(family)s stond op %(date)s en is nog niet gehouden.") % values


def _action_sentence(item: InboxItem) -> str:
    """Without the action's words: a message stays in the list after the household withdrew the share or the
    invitation, and the words are plan content (read live) that the reader may no longer see. A tap shows the
    action where the reader still may."""
    values = {"organisation": item.organisation, "family": _family(item)}
    if item.organisation and item.household:
        return _("Er is een actie voor %(organisation)s bij %(family)s.") % values
    if item.household:
        return _("Er is een actie voor jou in het plan van %(family)s.") % values
    return _("Er is een actie voor jou.")


def _help_sentence(item: InboxItem) -> str:
    values = {"who": item.who or _("Iemand"), "what": item.what, "family": _family(item)}
    if item.kind == EventKind.HELP_OFFERED:
        if not item.what:
            return _("Iemand bood hulp aan.")
        if item.household:
            return _("%(who)s bood %(family)s hulp aan bij: %(what)s") % values
        return _("%(who)s bood hulp aan bij: %(what)s") % values
    if item.kind == EventKind.HELP_ACCEPTED:
        if not item.what:
            return _("Je hulpaanbod is aangenomen.")
        return _("Je hulpaanbod is aangenomen: %(what)s. Je ziet nu wat er nodig is.") % values
    if not item.what:
        return _("Je hulpaanbod is deze keer niet nodig.")
    return _("Je hulpaanbod voor %(what)s is deze keer niet nodig. Bedankt!") % values


def _network_sentence(item: InboxItem) -> str:
    values = {"who": item.who or _("Iemand"), "family": _family(item)}
    if item.kind == EventKind.NETWORK_JOINED:
        if item.own_household or not item.household:
            return _("%(who)s doet nu mee met jullie plan.") % values
        return _("%(who)s doet nu mee met het plan van %(family)s.") % values
    if item.household:
        return _("%(family)s vraagt of je meehelpt.") % {"family": _first_up(_family(item))}
    return _("Je bent uitgenodigd om mee te helpen.")


def _share_sentence(item: InboxItem) -> str:
    values = {
        "family": _first_up(_family(item)),
        "organisation": item.organisation or _("jouw organisatie"),
    }
    if item.kind == EventKind.SHARE_REVOKED:
        return _("%(family)s deelt iets niet meer met %(organisation)s.") % values
    return _("%(family)s deelt iets met %(organisation)s.") % values


def _handover_sentence(item: InboxItem) -> str:
    values = {"who": item.who or _("Iemand"), "whom": item.answered_by or _("Iemand"), "family": _family(item)}
    if item.kind == EventKind.HANDOVER_OFFERED:
        return _("%(who)s vraagt of jij %(family)s verder helpt.") % values
    if item.kind == EventKind.HANDOVER_ACCEPTED:
        return _("%(whom)s neemt %(family)s van je over.") % values
    if item.kind == EventKind.HANDOVER_DECLINED:
        return _("%(whom)s neemt %(family)s niet over.") % values
    return _("%(who)s vraagt je niet meer om %(family)s over te nemen.") % values


def _escalation_sentence(item: InboxItem) -> str:
    values = {"who": item.who or _("Iemand"), "whom": item.answered_by or _("De teamleider"), "family": _family(item)}
    if item.kind == EventKind.ESCALATION_RAISED:
        return _("%(who)s vraagt een doorbraak voor %(family)s.") % values
    if item.kind == EventKind.ESCALATION_WITHDRAWN:
        return _("%(who)s heeft de vraag om een doorbraak voor %(family)s ingetrokken.") % values
    if item.outcome == EscalationStatus.GRANTED:
        return _("%(whom)s heeft de doorbraak voor %(family)s toegekend.") % values
    if item.outcome == EscalationStatus.REFUSED:
        return _("%(whom)s heeft de doorbraak voor %(family)s niet toegekend.") % values
    return _("Er is besloten over de doorbraak voor %(family)s.") % values


def message_sentence(item: InboxItem) -> str:
    """What a message is about, in one plain sentence: "Sem bood hulp aan bij: boodschappen doen"."""
    kind = item.kind
    if kind in EVALUATION_KINDS:
        return _evaluation_sentence(item)
    if kind in ACTION_KINDS:
        return _action_sentence(item)
    topic = topic_of(kind)
    if topic is Topic.HELP:
        return _help_sentence(item)
    if kind in (EventKind.NETWORK_INVITED, EventKind.NETWORK_JOINED):
        return _network_sentence(item)
    if topic is Topic.SHARE:
        return _share_sentence(item)
    if topic is Topic.HANDOVER:
        return _handover_sentence(item)
    if topic is Topic.ESCALATION:
        return _escalation_sentence(item)
    if kind == EventKind.ACCOUNT_RECOVERED:
        return _(
            "Er is een herstellink gebruikt voor jouw account. Was jij dat niet? Neem dan contact op met je "
            "regisseur of de gemeente."
        )
    return _("Er is iets nieuws in Ons Plan.")


def inbox_context(inbox: Inbox) -> dict[str, Any]:
    return {
        "messages": [
            {
                "id": item.id,
                "sentence": message_sentence(item),
                "when": moment(item.created_at),
                "unread": not item.read,
            }
            for item in inbox.items
        ],
        "page": inbox.page,
        "has_more": inbox.has_more,
    }


# --------------------------------------------------------------------------------------------------------
# Choices and devices
# --------------------------------------------------------------------------------------------------------


def topic_label(topic: Topic | None) -> str:
    labels = {
        Topic.EVALUATION: _("Evaluaties"),
        Topic.ACTION: _("Acties voor jou"),
        Topic.HELP: _("Hulp aanbieden en vragen"),
        Topic.INVITATION: _("Uitnodigingen"),
        Topic.SHARE: _("Wat huishoudens delen"),
        Topic.HANDOVER: _("Overdrachten"),
        Topic.ESCALATION: _("Doorbraken"),
        Topic.ACCOUNT: _("Je account"),
    }
    return labels.get(topic, _("Overig")) if topic is not None else _("Overig")


def topic_hint(topic: Topic) -> str:
    hints = {
        Topic.EVALUATION: _("Een evaluatie is over een week of morgen, of is nog niet gehouden."),
        Topic.ACTION: _("Er is een actie aan jou of je organisatie gegeven."),
        Topic.HELP: _("Iemand biedt hulp aan op jullie vraag, of jouw hulpaanbod is aangenomen of niet nodig."),
        Topic.INVITATION: _("Iemand die jullie uitnodigden, doet nu mee."),
        Topic.SHARE: _("Een huishouden deelt iets met je organisatie, of stopt daarmee."),
        Topic.HANDOVER: _("Een overdracht wacht op jou, of iemand gaf antwoord op jouw overdracht."),
        Topic.ESCALATION: _("Een doorbraak wacht op jou, of er is besloten over jouw vraag."),
        Topic.ACCOUNT: _("Er is een herstellink gebruikt voor jouw account."),
    }
    return hints[topic]


def choices_context(choices: list[Choice]) -> list[dict[str, Any]]:
    return [
        {
            "topic": choice.topic.value,
            "label": topic_label(choice.topic),
            "hint": topic_hint(choice.topic),
            "value": ALSO_PUSH if choice.push else APP_ONLY,
            "options": [(APP_ONLY, _("Alleen in de app")), (ALSO_PUSH, _("Ook als pushbericht"))],
            "default": _("ook als pushbericht") if choice.default else _("alleen in de app"),
        }
        for choice in choices
    ]


def device_label(device: str) -> str:
    """'Chrome op Android' from the stored 'Chrome/Android'."""
    browser, _sep, system = device.partition(DEVICE_SEPARATOR)
    if browser and system:
        return _("%(browser)s op %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Onbekend apparaat")


def devices_context(devices: list[Device]) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "label": device_label(d.device),
            "endpoint": d.endpoint,
            "since": moment(d.created_at),
            "last_sent": moment(d.last_sent_at) if d.last_sent_at else "",
        }
        for d in devices
    ]


def failed_context(rows: list[FailedDelivery]) -> list[dict[str, Any]]:
    return [
        {
            "when": moment(row.when),
            "topic": topic_label(topic_of(row.kind)),
            "error": row.error or _("Geen reden bekend"),
            "attempts": row.attempts,
            "person": row.person,
            "device": device_label(row.device),
        }
        for row in rows
    ]
