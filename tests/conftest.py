"""Test fixtures: a clean database per test, on SQLite by default or on the PostgreSQL server named by
``ONSPLAN_TEST_DATABASE_URL`` (``make test`` starts one and runs the suite on both)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.app import create_app
from server.config import Settings
from server.db import make_engine
from server.domain.tables import metadata
from server.migrate import upgrade
from tests.forms import csrf_token, submit_form

PG_URL = os.environ.get("ONSPLAN_TEST_DATABASE_URL", "")
BACKEND = "postgresql" if PG_URL else "sqlite"
TEST_ORIGIN = "http://testserver.local"


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backend: {BACKEND}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(f"database backend used: {BACKEND}")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Run the migrations once per test session: into a SQLite file that each test copies, or into the
    PostgreSQL test database that each test empties."""
    if PG_URL:
        upgrade(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return str(path)


async def clean_database(migrated_template: str, directory: Path) -> str:
    """A migrated database with no rows: a copy of the SQLite template in ``directory``, or the PostgreSQL test
    database emptied."""
    if PG_URL:
        engine = make_engine(Settings(database_url=PG_URL))
        tables = [t.name for t in reversed(metadata.sorted_tables)]
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        await engine.dispose()
        return PG_URL
    path = directory / "test.sqlite3"
    shutil.copyfile(migrated_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def database_url(migrated_template: str, tmp_path: Path) -> str:
    return await clean_database(migrated_template, tmp_path)


def settings_for(database_url: str, **overrides: Any) -> Settings:
    """The settings of the app under test; ``overrides`` change single fields (e.g. ``count_statements``)."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": "test-secret-key-that-is-long-enough-for-tests",
        "origin": TEST_ORIGIN,
        "rp_id": "testserver.local",
        "log_level": "WARNING",
        "rate_limit_per_minute": 1000,
    }
    return Settings(**{**values, **overrides})


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url=TEST_ORIGIN) as test_client:
        yield test_client


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session of its own for arranging and checking data, beside the app's sessions."""
    engine = make_engine(settings)
    maker = async_sessionmaker(engine, expire_on_commit=False)
    async with maker() as session:
        yield session
    await engine.dispose()


def csrf_from(html: str) -> str:
    """The page's CSRF token, for the few tests that send what no form on the page would (a forged action,
    a post the page offers no form for); everything else goes through ``submit``."""
    return csrf_token(html, TEST_ORIGIN + "/")


@pytest.fixture
def submit(client: AsyncTestClient[Litestar]) -> Callable[..., Any]:
    """Open the page, find the form whose action is ``action``, fill in ``data`` and send it as a browser
    would: the form's hidden fields and defaults, its method and its action (see tests/forms.py).

    ``page`` is a path to open, or a page already open (a response), as a form a person left open is.
    A field the form does not have, a value not among its options or a changed hidden field fails the test
    unless it says ``hostile=True``; ``button`` picks the button to click by its text, ``index`` one of
    several forms with the same action, ``htmx=True`` sends it as htmx does."""

    async def _submit(page: Any, action: str | None = None, data: dict[str, Any] | None = None, **options: Any) -> Any:
        return await submit_form(client, page, action, data, **options)

    return _submit


@pytest.fixture(autouse=True)
def _no_leftover_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key in list(os.environ):
        if key.startswith("ONSPLAN_") and key != "ONSPLAN_TEST_DATABASE_URL":
            monkeypatch.delenv(key, raising=False)
    return
