"""The regisseur's caseload in words: per household its phase and what asks for attention."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.domain.caseload import OPEN_PHASES, Caseload, CaseloadRow, WaitingHandover
from server.domain.teamwork.model import EscalationStatus
from server.i18n import gettext as _
from server.i18n import ngettext
from server.views.presenters import day, phase_label


@dataclass(frozen=True)
class Signal:
    text: str
    urgent: bool = False


def _waiting_for(handover: WaitingHandover) -> str:
    if handover.to_organisation:
        return _("Overdracht wacht op %(name)s (%(organisation)s)") % {
            "name": handover.to_name,
            "organisation": handover.to_organisation,
        }
    return _("Overdracht wacht op %(name)s") % {"name": handover.to_name}


def signals(row: CaseloadRow) -> list[Signal]:
    """What needs the regisseur, most pressing first (an overdue evaluation is shown with the date itself)."""
    found: list[Signal] = []
    if row.overdue_actions:
        found.append(
            Signal(
                ngettext("%(num)s actie over de datum", "%(num)s acties over de datum", row.overdue_actions)
                % {"num": row.overdue_actions},
                True,
            )
        )
    if row.rating_gaps:
        found.append(
            Signal(
                ngettext(
                    "Scores verschillen 2 stappen of meer bij %(num)s leefgebied",
                    "Scores verschillen 2 stappen of meer bij %(num)s leefgebieden",
                    row.rating_gaps,
                )
                % {"num": row.rating_gaps}
            )
        )
    if row.changed_since_visit:
        found.append(Signal(_("Er is iets veranderd sinds je laatste bezoek")))
    if row.help_without_volunteer:
        found.append(
            Signal(
                ngettext(
                    "%(num)s hulpvraag nog zonder vrijwilliger",
                    "%(num)s hulpvragen nog zonder vrijwilliger",
                    row.help_without_volunteer,
                )
                % {"num": row.help_without_volunteer}
            )
        )
    if row.handover:
        found.append(Signal(_waiting_for(row.handover)))
    if row.escalation == EscalationStatus.OPEN:
        found.append(Signal(_("Doorbraak gevraagd")))
    elif row.escalation == EscalationStatus.GRANTED:
        found.append(Signal(_("Doorbraak toegekend")))
    elif row.escalation == EscalationStatus.REFUSED:
        found.append(Signal(_("Doorbraak afgewezen"), True))
    return found


def caseload_context(caseload: Caseload) -> dict[str, Any]:
    """View data for the caseload on the regisseur's overview, with the phase filter's options."""
    return {
        "rows": [
            {
                "household_id": row.household_id,
                "name": row.name,
                "phase": phase_label(row.phase),
                "since": day(row.phase_since),
                "evaluation": day(row.next_evaluation_on) if row.next_evaluation_on else "",
                "evaluation_overdue": row.evaluation_overdue,
                "checkin": day(row.next_checkin_on) if row.next_checkin_on else "",
                "signals": signals(row),
                "attention": row.signals > 0,
            }
            for row in caseload.rows
        ],
        "phases": [
            (phase.value, f"{phase_label(phase)} ({caseload.phase_counts.get(phase, 0)})") for phase in OPEN_PHASES
        ],
        "phase": caseload.phase.value if caseload.phase else "",
        "total": caseload.total,
    }
