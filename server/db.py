"""The database engine: SQLite (WAL) as the embedded default, PostgreSQL for production."""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from server.config import Settings

# The statements of the request being served, when counting is on (see ``Settings.count_statements``).
statement_count: ContextVar[list[int] | None] = ContextVar("statement_count", default=None)


def _count_statement(*_args: Any) -> None:
    counter = statement_count.get()
    if counter is not None:
        counter[0] += 1


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(settings: Settings) -> AsyncEngine:
    kwargs: dict[str, Any] = {"echo": settings.sql_echo}
    pool = {"pool_size": settings.db_pool_size, "max_overflow": settings.db_max_overflow}
    path = sqlite_path(settings.database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        kwargs.update(pool, connect_args={"timeout": 15})
    elif not settings.is_sqlite:
        kwargs.update(pool, pool_pre_ping=True)
    engine = create_async_engine(settings.database_url, **kwargs)
    if settings.count_statements:
        event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)
    if settings.is_sqlite:

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets readers go on while one writer writes; foreign keys are off by default in SQLite.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine
