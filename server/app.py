"""The composition root. ``create_app(settings)`` builds the whole app; importing does nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar, Response
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.template.config import TemplateConfig

from server.auth import csrf, sessions
from server.config import Settings
from server.db import make_engine
from server.errors import EXCEPTION_HANDLERS
from server.form_keys import apply_once, keep_first_answer
from server.middleware import RequestContextMiddleware, configure_logging, security_headers_middleware
from server.routes import ROUTE_HANDLERS
from server.routes.guard import authorise
from server.transactions import LookWriter, end_reads, request_finisher
from server.web import StaticManifest, build_template_engine


async def after_handler(response: Response[Any]) -> Response[Any]:
    """After every handler: a change keeps its answer with its form's key, then a page that only read ends
    its transaction."""
    return await end_reads(await keep_first_answer(response))


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level)

    engine = make_engine(settings)
    db_config = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        create_all=False,
    )
    # The request's transaction ends in our own handler (commit, then the access log); it needs the session's
    # scope key, which the config makes unique per app.
    db_config.before_send_handler = request_finisher(db_config.session_scope_key)
    manifest = StaticManifest()
    template_engine = build_template_engine(manifest)

    housekeeping: list[asyncio.Task[None]] = []

    async def start_housekeeping(app: Litestar) -> None:
        housekeeping.append(asyncio.create_task(sessions.purge_regularly(engine, settings)))

    async def stop(app: Litestar) -> None:
        for task in housekeeping:
            task.cancel()
        await asyncio.gather(*housekeeping, return_exceptions=True)
        await engine.dispose()

    state: dict[str, Any] = {
        "settings": settings,
        "db_config": db_config,
        "static_manifest": manifest,
        "look_writer": LookWriter(engine),
    }
    app = Litestar(
        route_handlers=ROUTE_HANDLERS,
        plugins=[SQLAlchemyPlugin(config=db_config)],
        guards=[authorise],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=csrf.COOKIE_NAME,
            cookie_secure=settings.secure_cookies,
            cookie_samesite="lax",
            header_name=csrf.HEADER_NAME,
        ),
        compression_config=CompressionConfig(backend="gzip", minimum_size=500, gzip_compress_level=6),
        template_config=TemplateConfig(engine=template_engine),
        exception_handlers=EXCEPTION_HANDLERS,
        state=State(state),
        # Litestar uses the nearest layer's hook only: a router or handler with hooks of its own would switch
        # these off for its routes (every form applied once, the read-only transaction ended early).
        before_request=apply_once,
        after_request=after_handler,
        on_startup=[start_housekeeping],
        on_shutdown=[stop],
        openapi_config=None,
        debug=False,
    )
    # Wrapped around the router itself (not per route) so that every response gets a request id and the
    # security headers, including the 404 for a path no route knows.
    security_headers = security_headers_middleware(hsts=settings.uses_tls)
    app.asgi_handler = security_headers(
        RequestContextMiddleware(app.asgi_handler, count_statements=settings.count_statements)
    )
    return app
