"""The team's work on the start page in words: doorbraken waiting, budget entries waiting, covers."""

from __future__ import annotations

from typing import Any

from server.domain.teamwork.model import Escalation, EscalationStatus
from server.domain.teamwork.start import TeamStart
from server.views.caseload import caseload_context
from server.views.presenters import day


def team_start_context(start: TeamStart) -> dict[str, Any]:
    return {
        "is_lead": start.is_lead,
        "escalations": [
            {
                "id": row.escalation_id,
                "household_id": row.household_id,
                "household": row.household_name,
                "regisseur": row.regisseur,
                "needed_by": day(row.needed_by) if row.needed_by else "",
            }
            for row in start.open_escalations
        ],
        "budget_waiting": start.budget_waiting,
        "covers": [
            {
                "absent": c.absent,
                "covering": c.covering,
                "from": day(c.starts_on),
                "to": day(c.ends_on),
                "current": c.current,
            }
            for c in start.covers
        ],
        "covering": [
            {"absent": c.cover.absent, "to": day(c.cover.ends_on), "caseload": caseload_context(c.caseload)}
            for c in start.covering
        ],
    }


def escalation_summary(escalation: Escalation | None) -> dict[str, Any] | None:
    """The household's doorbraak as its regisseur sees it on the household overview: open (with a way to
    withdraw it) or the latest decision."""
    if escalation is None:
        return None
    return {
        "id": escalation.id,
        "open": escalation.status == EscalationStatus.OPEN,
        "granted": escalation.status == EscalationStatus.GRANTED,
        "blocked": escalation.blocked,
        "raised_on": day(escalation.created_at.date()),
        "decided_by": escalation.decided_by_name,
        "decided_on": day(escalation.decided_at.date()) if escalation.decided_at else "",
        "decision": escalation.decision,
    }
