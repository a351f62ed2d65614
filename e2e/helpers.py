"""Helpers for the end-to-end tests: page watching, axe-core, layout checks and virtual passkeys.

Import them in a test module with ``from e2e.helpers import visit, check_a11y, ...``. The fixtures that use
them live in ``e2e/conftest.py``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import secrets
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, CDPSession, ConsoleMessage, Page, Response

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from e2e.conftest import LiveServer

T = TypeVar("T")

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


def broken_words(page: Page, selector: str) -> list[str]:
    """The words inside the elements matching ``selector`` that the layout splits over two lines (a break
    after a hyphen is a break between words; visually hidden text is left out)."""
    return list(
        page.evaluate(
            """(selector) => {
                const broken = [];
                for (const element of document.querySelectorAll(selector)) {
                    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
                    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                        if (node.parentElement.closest('.visually-hidden')) continue;
                        for (const word of node.textContent.matchAll(/[^\\s-]+-?/g)) {
                            const range = document.createRange();
                            range.setStart(node, word.index);
                            range.setEnd(node, word.index + word[0].length);
                            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                            if (lines.size > 1) broken.push(word[0]);
                        }
                    }
                }
                return broken;
            }""",
            selector,
        )
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


def from_start_page(page: Page, name: str, label: str) -> None:
    """Sign in as a demo person from the demo start page ("Ga verder als Anouk (huishouden)"), making a passkey
    with the page's authenticator, and land on /mijn. The demo must be loaded (``live_server.cli("demo")``)."""
    visit(page, "/")
    page.get_by_role("button", name=f"Ga verder als {name} ({label})").click()
    settle(page, r"/aanmelden/[A-Za-z0-9_-]+$")
    page.get_by_role("button", name="Passkey maken").click()
    settle(page, r"/mijn\?welkom=1$")


def unread_in_header(page: Page) -> int:
    """The count of unread messages the header shows next to "Meldingen" (0 when it shows none)."""
    name = page.locator("a.site-nav__messages").first.evaluate("a => a.textContent.replace(/\\s+/g, ' ').trim()")
    found = re.fullmatch(r"Meldingen(?:, (\d+) ongelezen)?", name)
    assert found, f"the header's link to Meldingen reads {name!r}"
    return int(found.group(1) or 0)


# --------------------------------------------------------------------------------------------------------
# Data of a test's own, made with the domain's code on the live server's database
# --------------------------------------------------------------------------------------------------------


def on_database(live_server: LiveServer, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work(db)`` in one transaction on the live server's database, with its settings, as ``onsplan demo``
    does, and return what it returns. It runs on a thread of its own: Playwright's sync API keeps an event loop
    on the test's thread."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from server.config import Settings
    from server.db import make_engine

    async def run() -> T:
        engine = make_engine(Settings.from_env(live_server.env))
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
                return await work(db)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


@dataclass(frozen=True)
class OwnHousehold:
    """A household of Woerden made for one test: in uitvoering with a demo regisseur, one adult member with a
    one-time link (``link``, a path), goals (their texts in ``goals``) and, when asked, a planned evaluation."""

    id: str
    name: str
    member: str
    member_id: str
    link: str
    goals: tuple[str, ...]
    evaluation_id: str | None
    evaluation_on: dt.date | None


def own_household(
    live_server: LiveServer,
    *,
    member: str,
    goals: tuple[tuple[str, str], ...] = (),
    evaluation_in_days: int | None = None,
    regisseur: str = "Fatima",
) -> OwnHousehold:
    """Make a household in uitvoering, so that a test does not depend on the demo households' phase or on the
    order of the tests. ``goals`` are (leefgebied key, the household's words); ``evaluation_in_days`` plans its
    evaluation that many days after today (the gemeente's day)."""
    from sqlalchemy import select

    from server.auth import enrolment
    from server.domain.models import Household, Member, Municipality, Person, Phase, Role, Trajectory
    from server.domain.people import create_person
    from server.domain.plan import service as plan
    from server.domain.policy import Relation, actor_for
    from server.domain.ratings import instruments
    from server.domain.teamwork.model import cover_day
    from server.domain.workspace import evaluation as evaluations

    live_server.cli("demo")
    name = f"Meijer {secrets.token_hex(2)}"

    async def work(db: AsyncSession) -> OwnHousehold:
        woerden = await db.scalar(select(Municipality).where(Municipality.slug == "woerden"))
        assert woerden is not None, "the demo gemeente is not there"
        lead = await db.scalar(
            select(Person).where(Person.municipality_id == woerden.id, Person.display_name == regisseur)
        )
        assert lead is not None, f"no {regisseur} in Woerden"
        await db.refresh(lead, ["roles"])
        team_id = next(role.team_id for role in lead.roles if role.team_id)
        household = Household(
            municipality_id=woerden.id, team_id=team_id, name=name, wijk="Molenvliet",
            address="Molenvlietbaan 7, Woerden", phone="06-98765432",
        )  # fmt: skip
        db.add(household)
        await db.flush()
        person = await create_person(
            db, municipality_id=woerden.id, display_name=member, role=Role.HOUSEHOLD_MEMBER, household_id=household.id
        )
        db.add(Member(household_id=household.id, person_id=person.id, first_name=member, is_adult=True))
        today = cover_day()
        trajectory = Trajectory(
            household_id=household.id, phase=Phase.UITVOERING, regisseur_id=lead.id,
            regisseur_since=today - dt.timedelta(days=120), started_on=today - dt.timedelta(days=120),
            question="We willen weer rust in huis en overzicht over de rekeningen.",
        )  # fmt: skip
        db.add(trajectory)
        await db.flush()
        instrument = instruments.built_in()[instruments.DEFAULT_KEY]
        for key, text in goals:
            await plan.create_goal(
                db, actor_for(person), Relation.MEMBER, household.id, instrument,
                plan.GoalInput(domain_key=key, text=text, horizon="drie_maanden"),
            )  # fmt: skip
        planned = None
        if evaluation_in_days is not None:
            planned = await evaluations.plan_evaluation(
                db, trajectory, lead, today + dt.timedelta(days=evaluation_in_days), first=True
            )
        link = await enrolment.issue(db, person=person, created_by=None, origin=live_server.base_url)
        return OwnHousehold(
            id=str(household.id),
            name=name,
            member=member,
            member_id=str(person.id),
            link=urlsplit(link.url).path,
            goals=tuple(text for _key, text in goals),
            evaluation_id=str(planned.id) if planned else None,
            evaluation_on=planned.planned_on if planned else None,
        )

    return on_database(live_server, work)
