"""Thin Litestar controllers: parse input, call the domain, choose a template."""

from __future__ import annotations

from typing import Any

from server.routes import public

ROUTE_HANDLERS: list[Any] = [*public.ROUTES]
