"""End-to-end harness: a live ``onsplan`` server and a real Chromium driven by Playwright's sync API.

Run with ``.venv/bin/pytest e2e -p no:cacheprovider`` (Chromium from ``/usr/bin/chromium``, axe-core from
``npm ci``).

The server: one per session (``live_server``), on a free port, with a fresh migrated SQLite file and demo
mode on. ``base_url`` is ``http://localhost:PORT`` (a host name, as WebAuthn requires); ``database_url``
is the server's database. Seed data with ``live_server.cli("demo")`` (runs ``onsplan demo`` against the
same database) or with your own code on ``database_url``. The database is shared by the whole session,
so tests create what they need and do not rely on it being empty.

The browser contexts (fresh per test, one browser per session), all ``locale="nl-NL"`` with ``base_url``
set so ``page.goto("/")`` works:

- ``phone``: 390x844, device scale factor 3, mobile, touch (households and volunteers);
- ``tablet``: 1024x768, touch (regisseurs);
- ``strict_context``: a desktop context without ``bypass_csp``, to prove the Content-Security-Policy.
  ``phone`` and ``tablet`` have ``bypass_csp=True`` only so that axe-core can be injected.
- ``phone_page`` / ``tablet_page``: a page already open in that context; ``new_context(...)`` makes more.

Every page opened in these contexts is watched: a ``console.error`` or an uncaught exception fails the
test at teardown, listing them (if the test failed already, they are attached to its report instead). A
test that provokes one on purpose declares it first with ``allow_console_error(page, r"regex")``. What the
server logs during a test (WARNING and up, with tracebacks) is attached to that test's report.

Pages: ``visit(page, "/path")`` navigates, waits for the load event, asserts status 200 (or
``expect_status=...``) and runs axe-core (WCAG 2.1 A/AA + best practice), failing with a list of
violations. So every page a test visits is checked. ``check_a11y(page)`` checks the current state again
(e.g. after an HTMX swap); ``assert_no_horizontal_scroll(page)`` resizes to 320 px and fails if the page
scrolls sideways.

Passkeys: ``cdp, authenticator_id = add_virtual_authenticator(context, page)`` gives the page a virtual
platform authenticator that answers every WebAuthn prompt (user verified, discoverable credentials);
``credentials(cdp, authenticator_id)`` lists what it stores. All helpers live in ``e2e/helpers.py``.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from e2e.helpers import page_problems, watch_page

ROOT = Path(__file__).resolve().parent.parent
ONSPLAN = ROOT / ".venv" / "bin" / "onsplan"
CHROMIUM = os.environ.get("ONSPLAN_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
STARTUP_TIMEOUT = 30.0

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "nl-NL",
}
TABLET: dict[str, Any] = {
    "viewport": {"width": 1024, "height": 768},
    "has_touch": True,
    "locale": "nl-NL",
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}, "locale": "nl-NL"}


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    database_url: str
    env: dict[str, str]
    log_path: Path

    def cli(self, *args: str) -> str:
        """Run ``onsplan ARGS`` against the live server's database and settings; return its output."""
        done = subprocess.run(
            [str(ONSPLAN), *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, f"onsplan {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _is_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    base_url = f"http://localhost:{port}"
    database_url = f"sqlite+aiosqlite:///{tmp / 'e2e.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONSPLAN_")}
    env.update(
        {
            "ONSPLAN_DATABASE_URL": database_url,
            "ONSPLAN_ORIGIN": base_url,
            "ONSPLAN_RP_ID": "localhost",
            "ONSPLAN_DEMO_MODE": "true",
            "ONSPLAN_SECRET_KEY": secrets.token_urlsafe(30)[:40],
            "ONSPLAN_LOG_LEVEL": "WARNING",
            # Every browser in the suite comes from 127.0.0.1; the limit itself is tested in tests/.
            "ONSPLAN_RATE_LIMIT_PER_MINUTE": "1000",
            "PYTHONUNBUFFERED": "1",
        }
    )
    server = LiveServer(base_url=base_url, database_url=database_url, env=env, log_path=tmp / "server.log")
    server.cli("db", "upgrade")

    with server.log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(ONSPLAN), "run", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not _is_ready(f"http://127.0.0.1:{port}/health/ready"):
                if process.poll() is not None:
                    pytest.fail(f"the server exited with {process.returncode}:\n{server.log()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"the server was not ready within {STARTUP_TIMEOUT:.0f} s:\n{server.log()}")
                time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(autouse=True)
def _server_log_in_report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Attach what the server logged during a test to that test's report, so that a 500 shows its cause."""
    if "live_server" not in request.fixturenames:
        yield
        return
    server: LiveServer = request.getfixturevalue("live_server")
    start = server.log_path.stat().st_size
    yield
    with server.log_path.open("rb") as log:
        log.seek(start)
        new = log.read().decode("utf-8", errors="replace")
    if new.strip():
        request.node.add_report_section("teardown", "server log", new)


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.base_url


@pytest.fixture(scope="session")
def database_url(live_server: LiveServer) -> str:
    return live_server.database_url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Remember whether the test body failed, so that teardown does not report a second, derived error.
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture
def new_context(
    browser: Browser, base_url: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., BrowserContext]]:
    """Factory: ``new_context(PHONE, bypass_csp=False, ...)`` opens a watched context; all are closed, and
    their pages' console errors reported, when the test ends."""
    contexts: list[BrowserContext] = []

    def make(profile: dict[str, Any] | None = None, **options: Any) -> BrowserContext:
        settings = {"base_url": base_url, **(profile or DESKTOP), **options}
        context = browser.new_context(**settings)
        context.set_default_timeout(10_000)
        context.on("page", _watch)
        contexts.append(context)
        return context

    yield make

    problems: list[str] = []
    for context in contexts:
        for page in context.pages:
            problems.extend(f"{page.url}: {p}" for p in page_problems(page))
        context.close()
    if problems and request.node.stash.get(_CALL_FAILED, False):
        request.node.add_report_section("teardown", "browser errors", "\n".join(problems))
    elif problems:
        pytest.fail("the browser reported errors:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def phone(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context(PHONE, bypass_csp=True)


@pytest.fixture
def tablet(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context(TABLET, bypass_csp=True)


@pytest.fixture
def strict_context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context(DESKTOP)


def _watch(page: Page) -> None:
    watch_page(page)


def _open(context: BrowserContext) -> Page:
    page = context.new_page()
    watch_page(page)
    return page


@pytest.fixture
def phone_page(phone: BrowserContext) -> Page:
    return _open(phone)


@pytest.fixture
def tablet_page(tablet: BrowserContext) -> Page:
    return _open(tablet)
