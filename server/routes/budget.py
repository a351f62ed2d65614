"""The gezinsbudget: the household reads its ledger, the regisseur books grants and spending, and the team lead
approves (or refuses, with a reason) what is above the regisseur's mandate."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from server.domain.budget import ledger
from server.domain.budget.ledger import EntryForApproval, EntryInput, Ledger, RefusalInput, Totals, TrajectoryLedger
from server.domain.budget.model import BudgetEntry, EntryKind, EntryStatus
from server.domain.budget.money import typed
from server.domain.errors import InvalidInput
from server.domain.models import utcnow
from server.domain.policy import Action, Actor, Can
from server.i18n import current_locale
from server.i18n import gettext as _
from server.routes.deps import DbSession, Form, guarded_household
from server.views.presenters import day, entry_kind_label, euro
from server.web import flash, render, see_other

LEDGER = "/huishoudens/{household_id:uuid}/budget"
DECISION = LEDGER + "/{entry_id:uuid}"
TEAM = "/team/budget"
PAGE = "pages/budget/ledger.html"
APPROVAL_PAGE = "pages/budget/approve.html"
TEAM_PAGE = "pages/budget/team.html"


def _totals(totals: Totals) -> dict[str, str]:
    return {
        "granted": euro(totals.granted),
        "spent": euro(totals.spent),
        "left": euro(totals.left),
        "waiting_grants": euro(totals.waiting_grants) if totals.waiting_grants else "",
        "waiting_spending": euro(totals.waiting_spending) if totals.waiting_spending else "",
    }


def _entry(entry: BudgetEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "kind": entry_kind_label(entry.kind),
        "is_grant": entry.kind == EntryKind.GRANT,
        "purpose": entry.purpose,
        "amount": euro(entry.amount_cents),
        "on": day(entry.booked_on),
        "decided_by": entry.decided_by_name,
        "waiting": entry.status == EntryStatus.AWAITING,
        "refused": entry.status == EntryStatus.REFUSED,
        "approved_by": entry.approved_by_name if entry.status == EntryStatus.COUNTS else "",
        "refused_by": entry.approved_by_name if entry.status == EntryStatus.REFUSED else "",
        "refusal": entry.refusal,
    }


def _part(part: TrajectoryLedger) -> dict[str, Any]:
    return {
        "id": part.trajectory_id,
        "started": day(part.started_on),
        "closed": day(part.closed_on) if part.closed_on else "",
        "is_open": part.is_open,
        "totals": _totals(part.totals),
        "entries": [_entry(entry) for entry in part.entries],
    }


def _kinds() -> list[tuple[str, str]]:
    return [
        (EntryKind.GRANT.value, _("Toekenning: geld dat het huishouden krijgt")),
        (EntryKind.SPENDING.value, _("Uitgave: geld dat wordt uitgegeven")),
    ]


async def _context(
    request: Request[Any, Any, Any],
    db: DbSession,
    *,
    data: EntryInput | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    household = guarded_household(request)
    can: Can = request.state.can
    # The mandate is asked only for the form, which only the regisseur (or who covers) has.
    mandate_of = household.municipality_id if can.write_budget else None
    found: Ledger = await ledger.ledger_of(db, household.id, mandate_of)
    current = found.current
    return {
        "household": household,
        "flash": flash(request, "geboekt", "wacht"),
        "parts": [_part(part) for part in found.trajectories],
        "is_open": current is not None,
        "mandate": euro(found.mandate_cents),
        "kinds": _kinds(),
        "data": data or EntryInput(booked_on=utcnow().date().isoformat()),
        "errors": {field: _(message) for field, message in (errors or {}).items()},
    }


@get(LEDGER, name="budget.view", opt={"policy": Action.BUDGET_READ, "resource": "budget"})
async def ledger_page(
    request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[uuid.UUID]
) -> Template:
    return render(request, PAGE, await _context(request, db_session))


@post(LEDGER, name="budget.book", opt={"policy": Action.BUDGET_WRITE, "resource": "budget"}, status_code=200)
async def book(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    data: Form[EntryInput],
) -> Response[Any]:
    actor: Actor = request.state.actor
    try:
        entry = await ledger.book_entry(db_session, actor, household_id, data, locale=current_locale.get())
    except InvalidInput as exc:
        # Nothing is booked; the form comes back with what was typed and a message per field.
        context = await _context(request, db_session, data=data, errors=exc.errors)
        return render(request, PAGE, context, status_code=400)
    done = "wacht" if entry.status == EntryStatus.AWAITING else "geboekt"
    return see_other(f"/huishoudens/{household_id}/budget?{done}=1")


# --------------------------------------------------------------------------------------------------------
# The team lead
# --------------------------------------------------------------------------------------------------------


@get(TEAM, name="budget.approvals", opt={"policy": Action.TEAM_OVERVIEW, "resource": ledger.APPROVALS_RESOURCE})
async def approvals_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    actor: Actor = request.state.actor
    rows = [
        {
            "entry_id": row.entry_id,
            "household_id": row.household_id,
            "household": row.household_name,
            "regisseur": row.regisseur_name,
            "kind": entry_kind_label(row.kind),
            "purpose": row.purpose,
            "amount": euro(row.amount_cents),
            "on": day(row.booked_on),
        }
        for row in await ledger.waiting_for_team(db_session, actor)
    ]
    context = {"rows": rows, "flash": flash(request, "goedgekeurd", "afgewezen", "al_besloten")}
    return render(request, TEAM_PAGE, context)


def _approval_context(
    request: Request[Any, Any, Any], found: EntryForApproval, *, reason: str = "", errors: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "household": guarded_household(request),
        "entry": _entry(found.entry),
        "totals": _totals(found.totals),
        "amount_typed": typed(found.entry.amount_cents),
        "trajectory_open": found.trajectory_open,
        "reason": reason,
        "errors": {field: _(message) for field, message in (errors or {}).items()},
    }


@get(
    DECISION + "/goedkeuren",
    name="budget.approval",
    opt={"policy": Action.BUDGET_APPROVE, "resource": "budget"},
)
async def approval_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    entry_id: FromPath[uuid.UUID],
) -> Template:
    found = await ledger.entry_for_approval(db_session, household_id, entry_id)
    return render(request, APPROVAL_PAGE, _approval_context(request, found))


async def _decide(
    request: Request[Any, Any, Any],
    db: DbSession,
    household_id: uuid.UUID,
    entry_id: uuid.UUID,
    *,
    approve: bool,
    refusal: RefusalInput | None = None,
) -> Response[Any]:
    actor: Actor = request.state.actor
    try:
        _entry_row, decided = await ledger.decide_entry(
            db, actor, household_id, entry_id, approve=approve, refusal=refusal, locale=current_locale.get()
        )
    except InvalidInput as exc:
        found = await ledger.entry_for_approval(db, household_id, entry_id)
        context = _approval_context(request, found, reason=refusal.reason if refusal else "", errors=exc.errors)
        return render(request, APPROVAL_PAGE, context, status_code=400)
    if not decided:
        return see_other(f"{TEAM}?al_besloten=1")
    return see_other(f"{TEAM}?{'goedgekeurd' if approve else 'afgewezen'}=1")


@post(
    DECISION + "/goedkeuren",
    name="budget.approve",
    opt={"policy": Action.BUDGET_APPROVE, "resource": "budget"},
    status_code=200,
)
async def approve(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    entry_id: FromPath[uuid.UUID],
) -> Response[Any]:
    return await _decide(request, db_session, household_id, entry_id, approve=True)


@post(
    DECISION + "/afwijzen",
    name="budget.refuse",
    opt={"policy": Action.BUDGET_APPROVE, "resource": "budget"},
    status_code=200,
)
async def refuse(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    household_id: FromPath[uuid.UUID],
    entry_id: FromPath[uuid.UUID],
    data: Form[RefusalInput],
) -> Response[Any]:
    return await _decide(request, db_session, household_id, entry_id, approve=False, refusal=data)


ROUTES = [ledger_page, book, approvals_page, approval_page, approve, refuse]
