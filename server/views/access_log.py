""" "Wie keek in ons plan" in plain words: the looks grouped per person and day, what they looked at, and why
they may look (their role, or what the household shared with them and for what)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_date

from server.domain.access_log import COVERING_ROLE, GROUPS_PER_PAGE, LogFilter, LogReading, LookRow, ShareReason
from server.domain.models import Role
from server.i18n import current_locale, ngettext
from server.i18n import gettext as _
from server.views.presenters import LOCAL_TZ, resource_phrase, role_label

# Resources that are looked at because the regisseur asked someone to take over (a handover).
HANDOVER_RESOURCES = frozenset({"handover"})


@dataclass
class LookGroup:
    """One person's looks on one day."""

    actor_id: uuid.UUID
    name: str
    role: str
    organisation: str
    day: dt.date
    count: int = 0
    resources: list[str] = field(default_factory=list)


def group_looks(rows: list[LookRow]) -> list[LookGroup]:
    """Per person and day (in Dutch time), newest day first; within a day the person who looked last first."""
    groups: dict[tuple[uuid.UUID, dt.date], LookGroup] = {}
    for row in rows:
        day = row.created_at.astimezone(LOCAL_TZ).date()
        group = groups.get((row.actor_id, day))
        if group is None:
            group = groups[(row.actor_id, day)] = LookGroup(
                row.actor_id, row.actor_name, row.actor_role, row.organisation_name, day
            )
        group.count += 1
        if row.resource not in group.resources:
            group.resources.append(row.resource)
    return list(groups.values())


def look_day(value: dt.date, today: dt.date) -> str:
    """ "dinsdag 17 november" (with the year when it is not this year)."""
    pattern = "EEEE d MMMM" if value.year == today.year else "EEEE d MMMM y"
    return format_date(value, pattern, locale=current_locale.get())


def _who(group: LookGroup) -> str:
    if group.organisation:
        return _("%(name)s van %(organisation)s") % {"name": group.name, "organisation": group.organisation}
    return group.name


def _share_sentence(share: ShareReason, with_whom: str) -> str:
    if share.is_action:
        return _("jullie vroegen %(with)s om: \u201c%(what)s\u201d") % {"with": with_whom, "what": share.goal_text}
    if share.is_ratings:
        return _("jullie deelden jullie scores met %(with)s, om: %(purpose)s") % {
            "with": with_whom,
            "purpose": share.purpose,
        }
    return _("jullie deelden het doel \u201c%(goal)s\u201d met %(with)s, om: %(purpose)s") % {
        "goal": share.goal_text,
        "with": with_whom,
        "purpose": share.purpose,
    }


def reasons(group: LookGroup, reading: LogReading) -> list[str]:
    """Why this person may look, in the household's words: their role, or the shares that let them."""
    if HANDOVER_RESOURCES.issuperset(group.resources):
        return [_("jullie regisseur vroeg hen om jullie verder te helpen (een overdracht)")]
    role = group.role
    if role == Role.REGISSEUR:
        if group.actor_id == reading.regisseur_id:
            return [_("jullie regisseur")]
        return [_("regisseur uit het team van jullie regisseur")]
    if role == COVERING_ROLE:
        return [_("collega die waarneemt voor jullie regisseur")]
    if role == Role.TEAM_LEAD:
        return [_("teamleider van jullie regisseur")]
    if role == Role.ADMIN:
        return [_("beheerder van Ons Plan bij de gemeente")]
    if role == Role.VOLUNTEER:
        given = [s for s in reading.shares if s.is_action and s.person_id == group.actor_id]
        return [_("vrijwilliger van wie jullie de hulp aannamen"), *(_share_sentence(s, group.name) for s in given)]
    if role == Role.PARTNER_PROFESSIONAL:
        shared = [
            s
            for s in reading.shares
            if not s.is_action and group.organisation and s.organisation_name == group.organisation
        ]
        if shared:
            return [_share_sentence(s, group.organisation) for s in shared]
        return [_("professional van %(organisation)s") % {"organisation": group.organisation or _("een organisatie")}]
    if role == Role.NETWORK_MEMBER:
        shared = [s for s in reading.shares if s.person_id == group.actor_id]
        invited = _("iemand uit jullie netwerk die jullie uitnodigden")
        return [invited, *(_share_sentence(s, group.name) for s in shared)]
    return [role_label(role)]


def group_view(group: LookGroup, reading: LogReading, today: dt.date) -> dict[str, Any]:
    return {
        "headline": ngettext(
            "%(who)s keek %(count)s keer op %(day)s", "%(who)s keek %(count)s keer op %(day)s", group.count
        )
        % {"who": _who(group), "count": group.count, "day": look_day(group.day, today)},
        "looked_at": ", ".join(resource_phrase(r) for r in group.resources),
        "reasons": reasons(group, reading),
        "role": role_label(group.role),
    }


@dataclass(frozen=True)
class LogPage:
    groups: list[dict[str, Any]]
    page: int
    pages: int
    total_looks: int


def log_page(reading: LogReading, wanted: LogFilter, today: dt.date) -> LogPage:
    groups = group_looks(reading.rows)
    pages = max(1, -(-len(groups) // GROUPS_PER_PAGE))
    page = min(wanted.page, pages)
    shown = groups[(page - 1) * GROUPS_PER_PAGE : page * GROUPS_PER_PAGE]
    return LogPage(
        groups=[group_view(g, reading, today) for g in shown],
        page=page,
        pages=pages,
        total_looks=len(reading.rows),
    )
