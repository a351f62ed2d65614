"""Thin Litestar controllers: parse input, call the domain, choose a template."""

from __future__ import annotations

from typing import Any

from server.routes import auth, demo, households, me, public, staff

ROUTE_HANDLERS: list[Any] = [
    *public.ROUTES,
    *auth.ROUTES,
    *me.ROUTES,
    *households.ROUTES,
    *staff.ROUTES,
    *demo.ROUTES,
]
