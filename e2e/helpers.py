"""Helpers for the end-to-end tests: page watching, axe-core, layout checks and virtual passkeys.

Import them in a test module with ``from e2e.helpers import visit, check_a11y, ...``. The fixtures that use
them live in ``e2e/conftest.py``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, CDPSession, ConsoleMessage, Page, Response

if TYPE_CHECKING:
    from e2e.conftest import LiveServer

ROOT = Path(__file__).resolve().parent.parent
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# Attribute under which each watched page keeps its ``PageWatch``.
_WATCH_ATTR = "_onsplan_watch"


# --------------------------------------------------------------------------------------------------------
# Console errors and uncaught exceptions
# --------------------------------------------------------------------------------------------------------


@dataclass
class PageWatch:
    """Collects ``console.error`` messages and uncaught page errors of one page.

    The context fixtures attach one to every page they open and fail the test at teardown when ``problems``
    is not empty. A test that provokes an error on purpose (a CSP refusal, a 404 sub-resource) declares it
    first with ``allow_console_error(page, r"regex")``.
    """

    url: str = ""
    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location or {}
            where = location.get("url") or self.url
            self.errors.append(f"console.error at {where}: {message.text}")

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(f"uncaught exception: {error}")

    @property
    def problems(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


def watch_page(page: Page) -> PageWatch:
    """Start recording console errors and page errors of ``page`` (idempotent)."""
    existing: PageWatch | None = getattr(page, _WATCH_ATTR, None)
    if existing is not None:
        return existing
    watch = PageWatch()
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    page.on("framenavigated", lambda frame: _remember_url(watch, page, frame))
    setattr(page, _WATCH_ATTR, watch)
    return watch


def _remember_url(watch: PageWatch, page: Page, frame: Any) -> None:
    if frame == page.main_frame:
        watch.url = frame.url


def allow_console_error(page: Page, pattern: str) -> None:
    """Declare that a console error matching ``pattern`` (a regex) is expected on ``page``."""
    watch_page(page).allowed.append(re.compile(pattern))


def page_problems(page: Page) -> list[str]:
    """The unexpected console errors and uncaught exceptions recorded on ``page`` so far."""
    watch: PageWatch | None = getattr(page, _WATCH_ATTR, None)
    return watch.problems if watch else []


# --------------------------------------------------------------------------------------------------------
# Accessibility (axe-core) and layout
# --------------------------------------------------------------------------------------------------------


@cache
def _axe_source() -> str:
    if not AXE_PATH.exists():
        raise RuntimeError(f"{AXE_PATH} is missing; run `npm ci` in the repository root")
    return AXE_PATH.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the current document and return its violations (raw axe result objects).

    The context must be created with ``bypass_csp=True``: axe is injected as an inline script, which the
    app's Content-Security-Policy rightly refuses otherwise.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=_axe_source())
    result: dict[str, Any] = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return {violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
            }))};
        }""",
        AXE_TAGS,
    )
    return list(result["violations"])


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:200]}")
            if node.get("summary"):
                lines.extend(f"      {s}" for s in node["summary"].splitlines())
    return "\n".join(lines)


def check_a11y(page: Page) -> None:
    """Fail with a readable list (rule id, impact, help, target selectors) if axe finds any violation."""
    violations = axe_violations(page)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + format_violations(
        violations
    )


def visit(page: Page, path: str, *, expect_status: int | None = 200, a11y: bool = True) -> Response:
    """Open ``path`` (relative to the context's base_url), wait for the load event, check the status and
    run the axe check, so that every page a test visits is checked for accessibility.

    Pass ``expect_status=None`` to skip the status check, ``a11y=False`` only for pages that are not the
    app's (there are none today).
    """
    watch_page(page)
    response = page.goto(path, wait_until="load")
    assert response is not None, f"no response for {path}"
    if expect_status is not None:
        assert response.status == expect_status, f"{path} answered {response.status}, expected {expect_status}"
    if a11y:
        check_a11y(page)
    return response


def assert_no_horizontal_scroll(page: Page, width: int | None = 320, height: int = 640) -> None:
    """Fail if the page scrolls sideways, naming the elements that stick out.

    With ``width`` given (default 320 px, the WCAG 1.4.10 reflow width) the viewport is resized first;
    pass ``width=None`` to check the current viewport.
    """
    if width is not None:
        page.set_viewport_size({"width": width, "height": height})
    result = page.evaluate(
        """() => {
            const root = document.documentElement;
            const client = root.clientWidth;
            const wide = [];
            for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.width > 0 && r.right > client + 0.5) {
                    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                        + (el.classList.length ? '.' + [...el.classList].join('.') : '');
                    wide.push(`${name} (left ${Math.round(r.left)}, right ${Math.round(r.right)})`);
                }
            }
            return {scroll: root.scrollWidth, client: client, wide: wide.slice(0, 15)};
        }"""
    )
    assert result["scroll"] <= result["client"], (
        f"{page.url} scrolls horizontally at {result['client']} px wide "
        f"(scrollWidth {result['scroll']}); elements sticking out:\n  " + "\n  ".join(result["wide"])
    )


# --------------------------------------------------------------------------------------------------------
# Passkeys
# --------------------------------------------------------------------------------------------------------

AUTHENTICATOR_OPTIONS = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


def add_virtual_authenticator(context: BrowserContext, page: Page) -> tuple[CDPSession, str]:
    """Give ``page`` a virtual platform authenticator (like a phone's fingerprint sensor) via CDP.

    It stores discoverable credentials, verifies the user and answers every prompt at once, so
    ``navigator.credentials.create()/get()`` succeed without a dialog. Returns the CDP session and the
    authenticator id for ``credentials()``; keep the session alive as long as the passkey is needed. The
    origin must be ``http://localhost:PORT`` (WebAuthn refuses IP addresses).
    """
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    answer = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR_OPTIONS})
    return cdp, str(answer["authenticatorId"])


def credentials(cdp: CDPSession, authenticator_id: str) -> list[dict[str, Any]]:
    """The credentials stored in the virtual authenticator: dicts with ``credentialId``, ``rpId``,
    ``userHandle``, ``signCount``, ``isResidentCredential`` and ``privateKey`` (all base64)."""
    answer = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    return list(answer["credentials"])


# --------------------------------------------------------------------------------------------------------
# Demo people and enrolment
# --------------------------------------------------------------------------------------------------------

ENROLMENT_LINK = re.compile(r"https?://\S+/aanmelden/[A-Za-z0-9_-]+")


def demo_link(live_server: LiveServer, name: str) -> str:
    """The path of a fresh one-time link for a demo person of Woerden (``onsplan demo`` loads the demo when
    it is not there yet, and prints new links on every run)."""
    output = live_server.cli("demo")
    for line in output.splitlines():
        found = ENROLMENT_LINK.search(line)
        if found and line.strip().startswith(f"{name} ("):
            return urlsplit(found.group(0)).path
    raise AssertionError(f"no link for {name} in the output of `onsplan demo`:\n{output}")


def settle(page: Page, path_pattern: str) -> None:
    """Wait until the page shows ``path_pattern`` (a regex on the path and query) and check it with axe."""
    page.wait_for_url(re.compile(path_pattern))
    page.wait_for_load_state("load")
    check_a11y(page)


def enrol(page: Page, link: str, *, device_name: str = "") -> None:
    """Open an enrolment link, make a passkey with the page's authenticator, and land on /mijn."""
    visit(page, urlsplit(link).path)
    if device_name:
        page.get_by_label("Naam van dit toestel").fill(device_name)
    page.get_by_role("button", name="Passkey maken").click()
    settle(page, r"/mijn\?welkom=1$")
