"""Pages in the browser's language on a phone. A household member whose browser asks for Arabic reads her pages
right to left (``<html lang="ar" dir="rtl">``), mirrored, passing axe-core and without sideways scrolling at
320 px: her start page, the household's page, the plan, the scores with the stepper and the charts, the
network map and "wie keek"; so does a volunteer on the task board and a task's page. Turkish and Polish are
left to right with their own lang. A regisseur whose browser asks for Arabic reads Dutch: professionals'
pages come in Dutch and English only."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import PHONE, LiveServer
from e2e.helpers import (
    add_virtual_authenticator,
    assert_no_horizontal_scroll,
    demo_link,
    enrol,
    on_database,
    own_household,
    visit,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

# The skip link on every page, as the Arabic catalogue has it (server/locale/ar).
SKIP_LINK_AR = "انتقل إلى المحتوى"


def signed_in_with_language(
    new_context: Callable[..., BrowserContext], link: str, locale: str
) -> tuple[Page, BrowserContext]:
    """Enrol with a one-time link on a Dutch phone, then go on with the same session on a phone whose browser
    asks for ``locale`` (Playwright sends it as Accept-Language)."""
    dutch = new_context(PHONE, bypass_csp=True)
    page = dutch.new_page()
    add_virtual_authenticator(dutch, page)
    enrol(page, link)
    context = new_context({**PHONE, "locale": locale}, bypass_csp=True, storage_state=dutch.storage_state())
    return context.new_page(), context


def link_for(live_server: LiveServer, name: str) -> str:
    """A one-time sign-in link (a path) for a demo person the demo prints none for (Lotte, a volunteer with
    tasks)."""
    from urllib.parse import urlsplit

    from sqlalchemy import select

    from server.auth import enrolment
    from server.domain.models import Person

    live_server.cli("demo")

    async def work(db: AsyncSession) -> str:
        person = await db.scalar(select(Person).where(Person.display_name == name))
        assert person is not None, f"no {name} in the demo"
        link = await enrolment.issue(db, person=person, created_by=None, origin=live_server.base_url)
        return urlsplit(link.url).path

    return on_database(live_server, work)


def assert_language(page: Page, lang: str, direction: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", direction)


def assert_mirrored(page: Page) -> None:
    """On a right-to-left page the heading starts at the right edge of the content, not at the left."""
    edges = page.evaluate(
        """() => {
            const main = document.getElementById('main');
            const style = getComputedStyle(main);
            const box = main.getBoundingClientRect();
            const range = document.createRange();
            range.selectNodeContents(document.querySelector('main h1'));
            const text = range.getBoundingClientRect();
            return {
                contentRight: box.right - parseFloat(style.paddingRight),
                contentLeft: box.left + parseFloat(style.paddingLeft),
                textRight: text.right,
                textLeft: text.left,
            };
        }"""
    )
    assert abs(edges["textRight"] - edges["contentRight"]) < 2, f"the heading does not start at the right: {edges}"


def assert_labels_inside_drawings(page: Page) -> None:
    """Every label of a chart or the network map lies within its drawing (a label anchored the wrong way
    would hang off its edge and be cut)."""
    outside = page.evaluate(
        """() => {
            const out = [];
            for (const svg of document.querySelectorAll('main svg')) {
                const box = svg.getBoundingClientRect();
                for (const text of svg.querySelectorAll('text')) {
                    const r = text.getBoundingClientRect();
                    if (r.width && (r.left < box.left - 1 || r.right > box.right + 1)) out.push(text.textContent);
                }
            }
            return out;
        }"""
    )
    assert not outside, f"labels outside their drawing on {page.url}: {outside}"


def test_a_household_member_with_an_arabic_browser_reads_her_pages_right_to_left(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    household = own_household(
        live_server, member="Samira", goals=(("financien", "Elke maand de rekeningen op tijd betalen."),)
    )
    page, _context = signed_in_with_language(new_context, household.link, "ar")
    home = f"/huishoudens/{household.id}"
    pages = [
        "/mijn",
        home,
        f"{home}/plan",
        f"{home}/scores",
        f"{home}/scores/stap/1",
        f"{home}/scores/verloop",
        f"{home}/netwerk",
        f"{home}/inzage",
    ]
    for path in pages:
        page.set_viewport_size(PHONE["viewport"])
        visit(page, path)
        assert_language(page, "ar", "rtl")
        expect(page.locator(".skip-link")).to_have_text(SKIP_LINK_AR)
        assert_mirrored(page)
        assert_labels_inside_drawings(page)
        assert_no_horizontal_scroll(page)

    # The coloured edge of each score is on the side where reading starts: the right.
    page.set_viewport_size(PHONE["viewport"])
    visit(page, f"{home}/scores")
    edge = page.locator("button.score").first.evaluate(
        "b => [getComputedStyle(b).borderRightWidth, getComputedStyle(b).borderLeftWidth]"
    )
    assert edge == ["10px", "2px"], f"the score's coloured edge is not on the right: {edge}"

    # A score given on the Arabic stepper is kept, and the page stays right to left.
    page.set_viewport_size(PHONE["viewport"])
    visit(page, f"{home}/scores/stap/1")
    page.locator("button[name=score][value='3']").click()
    page.wait_for_url(f"**{home}/scores/stap/2?opgeslagen=financien")
    assert_language(page, "ar", "rtl")
    expect(page.locator("#aankondiging")).not_to_be_empty()


def test_a_volunteer_with_an_arabic_browser_reads_the_board_and_a_task_right_to_left(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    page, _context = signed_in_with_language(new_context, link_for(live_server, "Lotte"), "ar")
    visit(page, "/taken")
    assert_language(page, "ar", "rtl")
    assert_mirrored(page)
    assert_no_horizontal_scroll(page)

    task = page.locator("main a[href$='/taak']").first
    href = task.get_attribute("href")
    assert href, "Lotte's board lists no task"
    page.set_viewport_size(PHONE["viewport"])
    visit(page, href)
    assert_language(page, "ar", "rtl")
    assert_mirrored(page)
    assert_no_horizontal_scroll(page)


def test_turkish_and_polish_are_left_to_right_with_their_own_language(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    for locale in ("tr", "pl"):
        household = own_household(live_server, member="Ewa", goals=(("huisvesting", "Een huis met een tuin."),))
        page, _context = signed_in_with_language(new_context, household.link, locale)
        for path in ("/mijn", f"/huishoudens/{household.id}/plan"):
            page.set_viewport_size(PHONE["viewport"])
            visit(page, path)
            assert_language(page, locale, "ltr")
            assert_no_horizontal_scroll(page)


def test_a_regisseur_with_an_arabic_browser_reads_dutch(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    household = own_household(live_server, member="Samira")
    page, _context = signed_in_with_language(new_context, demo_link(live_server, "Fatima"), "ar")
    for path in ("/mijn", f"/huishoudens/{household.id}", f"/huishoudens/{household.id}/plan"):
        visit(page, path)
        assert_language(page, "nl", "ltr")
        expect(page.locator(".skip-link")).to_have_text("Naar de inhoud")
