"""Thin Litestar controllers: parse input, call the domain, choose a template."""

from __future__ import annotations

from typing import Any

from server.routes import (
    auth,
    budget,
    demo,
    escalation,
    evaluation,
    export,
    gemeente,
    handover,
    households,
    intake,
    involvement,
    me,
    network,
    notifications,
    offline,
    plan,
    public,
    ratings,
    sharing,
    staff,
    team,
    trajectory,
    volunteering,
    workspace,
)

ROUTE_HANDLERS: list[Any] = [
    *public.ROUTES,
    *offline.ROUTES,
    *auth.ROUTES,
    *me.ROUTES,
    *notifications.ROUTES,
    *households.ROUTES,
    *workspace.ROUTES,
    *handover.ROUTES,
    *escalation.ROUTES,
    *team.ROUTES,
    *involvement.ROUTES,
    *budget.ROUTES,
    *intake.ROUTES,
    *trajectory.ROUTES,
    *evaluation.ROUTES,
    *plan.ROUTES,
    *ratings.ROUTES,
    *sharing.ROUTES,
    *export.ROUTES,
    *volunteering.ROUTES,
    *network.ROUTES,
    *staff.ROUTES,
    *gemeente.ROUTES,
    *demo.ROUTES,
]
