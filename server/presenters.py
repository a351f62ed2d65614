"""Plain-Dutch words for what the domain stores: role names, phases, moments, log lines."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from server.domain.models import AccessLogEntry, Phase, ReferralSource, Role, TimelineEvent
from server.i18n import current_locale
from server.i18n import gettext as _

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


def role_label(role: str) -> str:
    labels = {
        Role.HOUSEHOLD_MEMBER: _("huishouden"),
        Role.NETWORK_MEMBER: _("netwerk"),
        Role.VOLUNTEER: _("vrijwilliger"),
        Role.VOLUNTEER_COORDINATOR: _("coördinator vrijwilligers"),
        Role.REGISSEUR: _("regisseur"),
        Role.PARTNER_PROFESSIONAL: _("professional"),
        Role.TEAM_LEAD: _("teamleider"),
        Role.ADMIN: _("beheerder"),
    }
    return labels.get(Role(role), role) if role in Role._value2member_map_ else role


def phase_label(phase: str) -> str:
    labels = {
        Phase.AANMELDING: _("aanmelding"),
        Phase.TRIAGE: _("triage"),
        Phase.INTAKE: _("intake"),
        Phase.PLAN_VASTGESTELD: _("plan vastgesteld"),
        Phase.UITVOERING: _("uitvoering"),
        Phase.EVALUATIE: _("evaluatie"),
        Phase.WAAKVLAM: _("waakvlam"),
        Phase.AFGESLOTEN: _("afgesloten"),
    }
    return labels.get(Phase(phase), phase) if phase in Phase._value2member_map_ else phase


def referral_label(source: str) -> str:
    labels = {
        ReferralSource.ZELF: _("zelf"),
        ReferralSource.NETWERK: _("via het netwerk"),
        ReferralSource.KETENPARTNER: _("via een ketenpartner"),
        ReferralSource.INTERN_GEMEENTE: _("via de gemeente"),
        ReferralSource.PARTICULIER: _("via een particulier"),
    }
    return labels.get(ReferralSource(source), source)


def moment(value: dt.datetime) -> str:
    """'dinsdag 3 maart om 14:05' in Dutch time."""
    local = value.astimezone(LOCAL_TZ)
    day = format_datetime(local, "EEEE d MMMM", locale=current_locale.get())
    return _("%(day)s om %(time)s") % {"day": day, "time": local.strftime("%H:%M")}


def day(value: dt.date) -> str:
    return format_date(value, "d MMMM y", locale=current_locale.get())


def resource_phrase(resource: str) -> str:
    phrases = {
        "household": _("jullie overzicht"),
        "household.view": _("jullie overzicht"),
        "plan": _("jullie plan"),
        "plan.read": _("jullie plan"),
        "ratings.read": _("jullie scores"),
        "timeline.read": _("jullie tijdlijn"),
        "access_log.read": _("wie er in jullie plan keek"),
        "enrolment": _("de aanmeldlink van een gezinslid"),
    }
    return phrases.get(resource, _("jullie gegevens"))


def access_log_sentence(entry: AccessLogEntry) -> str:
    who = entry.actor_name
    role = role_label(entry.actor_role)
    if entry.organisation_name:
        role = f"{role}, {entry.organisation_name}"
    return _("%(who)s (%(role)s) bekeek %(what)s op %(when)s") % {
        "who": who,
        "role": role,
        "what": resource_phrase(entry.resource),
        "when": moment(entry.created_at),
    }


def timeline_sentence(event: TimelineEvent) -> str:
    detail: dict[str, Any] = event.detail or {}
    who = detail.get("actor_name") or _("Iemand")
    kind = event.kind
    if kind == "household.registered":
        return _("%(who)s heeft jullie huishouden aangemeld.") % {"who": who}
    if kind == "trajectory.phase":
        return _("%(who)s zette de fase van %(from)s naar %(to)s.") % {
            "who": who,
            "from": phase_label(str(detail.get("from", ""))),
            "to": phase_label(str(detail.get("to", ""))),
        }
    if kind == "person.link_issued":
        return _("%(who)s maakte een nieuwe aanmeldlink voor %(name)s.") % {
            "who": who,
            "name": detail.get("person_name", ""),
        }
    if kind == "person.passkeys_revoked":
        return _("%(who)s zette de passkeys van %(name)s uit.") % {"who": who, "name": detail.get("person_name", "")}
    return _("%(who)s veranderde iets in jullie dossier.") % {"who": who}
