"""The partner professional's start page and the household's list of shares, in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from server.domain.partner import PartnerStart, ShareRow
from server.domain.plan.model import ShareSubject
from server.i18n import gettext as _
from server.views.presenters import LOCAL_TZ, day, status_label


def _since(value: dt.datetime) -> str:
    return day(value.astimezone(LOCAL_TZ).date())


def share_rows(rows: list[ShareRow]) -> list[dict[str, Any]]:
    """What the household shares, with whom and for what, for its page of shares."""
    return [
        {
            "id": row.id,
            "ratings": row.subject is ShareSubject.RATINGS,
            "what": _("De scores") if row.subject is ShareSubject.RATINGS else row.goal,
            "goal_id": row.goal_id,
            "name": row.name if row.is_person else _("%(name)s (organisatie)") % {"name": row.name},
            "plain_name": row.name,
            "purpose": row.purpose,
            "since": _since(row.since),
        }
        for row in rows
    ]


def start_view(start: PartnerStart | None) -> dict[str, Any] | None:
    """The partner's section of the start page: the households that share something and the actions for
    their organisation(s)."""
    if start is None:
        return None
    return {
        "organisations": ", ".join(start.organisations),
        "households": [
            {
                "id": household.household_id,
                "name": household.name,
                "shared": [
                    {
                        "ratings": item.subject is ShareSubject.RATINGS,
                        "what": _("De scores") if item.subject is ShareSubject.RATINGS else item.goal,
                        "goal_id": item.goal_id,
                        "organisation": item.organisation,
                        "purpose": item.purpose,
                        "since": _since(item.since),
                    }
                    for item in household.items
                ],
            }
            for household in start.households
        ],
        "actions": [
            {
                "id": action.id,
                "household_id": action.household_id,
                "household": action.household,
                "goal": action.goal,
                "what": action.what,
                "due": day(action.due_on) if action.due_on else "",
                "overdue": action.overdue,
                "status": status_label(action.status),
                "taken_by": action.taken_by,
                "taken_by_me": action.taken_by_me,
            }
            for action in start.actions
        ],
    }
