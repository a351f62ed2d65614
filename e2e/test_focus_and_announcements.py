"""Focus and announcements on a phone, by keyboard only: after a tick, a saved score or a refused form, focus is
on what changed (the tick's own button, the pressed score) or on the error summary, and the page's one polite
live region says what happened, as a screen reader would read it. Offline, the tick's mark and the count of
what waits are said through the same region, and the status word follows the tick. Without JavaScript, a
refused form opens with its error summary first, focused, with a link to each field."""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING

from playwright.sync_api import BrowserContext, Locator, Page, expect

from e2e.conftest import PHONE, LiveServer
from e2e.helpers import (
    add_virtual_authenticator,
    allow_console_error,
    check_a11y,
    enrol,
    on_database,
    own_household,
    visit,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.ext.asyncio import AsyncSession

# How many Tab presses may pass before the control is reached (the header, the plan's links, earlier cards).
TAB_LIMIT = 120


def live_region(page: Page) -> Locator:
    return page.locator("#aankondiging")


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focused element matches ``selector``, as someone with a keyboard would."""
    for _press in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def add_action(live_server: LiveServer, household_id: str, member_id: str, what: str) -> str:
    """An action of the household's own under its first goal, written by the member herself."""
    from sqlalchemy import select

    from server.domain.models import Person
    from server.domain.plan import service as plan
    from server.domain.plan.model import Goal
    from server.domain.policy import actor_for

    async def work(db: AsyncSession) -> str:
        person = await db.get(Person, uuid.UUID(member_id))
        assert person is not None
        goal_id = await db.scalar(select(Goal.id).where(Goal.household_id == uuid.UUID(household_id)))
        assert goal_id is not None
        action = await plan.create_action(
            db, actor_for(person), uuid.UUID(household_id), goal_id, plan.ActionInput(what=what, who_type="zelf")
        )
        return str(action.id)

    return on_database(live_server, work)


def signed_in_member(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, **profile: object
) -> tuple[Page, str, str, str]:
    """A household of the test's own with one goal and one action; its member signed in on a phone.
    Returns the page, the household id, the action's id and its words."""
    household = own_household(
        live_server, member="Samira", goals=(("financien", "Elke maand de rekeningen op tijd betalen."),)
    )
    what = f"De brief van de woningcorporatie beantwoorden ({secrets.token_hex(2)})"
    action_id = add_action(live_server, household.id, household.member_id, what)
    context = new_context({**PHONE, **profile}, bypass_csp=True)
    page = context.new_page()
    add_virtual_authenticator(context, page)
    enrol(page, household.link)
    return page, household.id, action_id, what


def test_a_tick_keeps_focus_on_its_button_and_is_announced(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    page, household_id, action_id, what = signed_in_member(new_context, live_server)
    visit(page, f"/huishoudens/{household_id}/plan")
    expect(live_region(page)).to_be_empty()
    expect(live_region(page)).to_have_attribute("aria-live", "polite")

    tick = f"#actie-{action_id}-afvinken"
    tab_to(page, tick)
    page.keyboard.press("Space")
    expect(page.locator(tick)).to_have_text("Toch niet gedaan")
    expect(page.locator(tick)).to_be_focused()
    expect(live_region(page)).to_have_text(f"Actie afgevinkt: {what}")
    expect(page.locator(f"#actie-{action_id} .status")).to_have_text("gedaan")
    check_a11y(page)

    # Enter on the same button undoes it, and says so.
    page.keyboard.press("Enter")
    expect(page.locator(tick)).to_have_text("Gedaan")
    expect(page.locator(tick)).to_be_focused()
    expect(live_region(page)).to_have_text(f"Actie niet meer afgevinkt: {what}")
    expect(page.locator(f"#actie-{action_id} .status")).to_have_text("open")


def test_a_saved_score_keeps_focus_on_the_pressed_score_and_is_announced(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    page, household_id, _action_id, _what = signed_in_member(new_context, live_server)
    visit(page, f"/huishoudens/{household_id}/scores")
    card = page.locator("#lg-financien")
    domain = card.locator("legend").inner_text().strip()
    label = card.locator("button[name=score][value='4'] .score__label").inner_text().strip()

    four = "#lg-financien button.score[value='4']"
    tab_to(page, four)
    page.keyboard.press("Enter")
    expect(page.locator(four)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(four)).to_be_focused()
    expect(live_region(page)).to_have_text(f"Bewaard: {domain}, 4 ({label}).")
    check_a11y(page)

    # Another score on the same card: focus moves with it, and the new sentence is read.
    two = "#lg-financien button.score[value='2']"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.locator(two)).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator(two)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(two)).to_be_focused()
    label = page.locator(f"{two} .score__label").inner_text().strip()
    expect(live_region(page)).to_have_text(f"Bewaard: {domain}, 2 ({label}).")


def test_a_refused_form_puts_focus_on_its_error_summary_and_says_how_many_errors(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    page, household_id, _action_id, _what = signed_in_member(new_context, live_server)
    visit(page, f"/huishoudens/{household_id}/plan/doelen/nieuw")
    allow_console_error(page, r"status of 400")
    # Nothing filled in: straight to "Bewaren".
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")

    summary = page.locator(".notice--error[role=alert]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Niet alles is goed ingevuld")
    errors = summary.locator("li").count()
    assert errors >= 2, "an empty goal form names at least the leefgebied and the goal's words"
    expect(live_region(page)).to_have_text(f"Het formulier is niet verstuurd: {errors} fouten")
    check_a11y(page)

    # Each error leads to its field.
    tab_to(page, ".notice--error a[href='#field-text']")
    page.keyboard.press("Enter")
    expect(page.locator("#field-text")).to_be_focused()


def test_without_javascript_the_error_summary_comes_first_and_has_focus(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    page, household_id, _action_id, _what = signed_in_member(new_context, live_server)
    context = new_context(PHONE, bypass_csp=True, java_script_enabled=False, storage_state=page.context.storage_state())
    plain = context.new_page()
    # axe-core itself needs JavaScript in the page (it waits on timers); the same pages with JavaScript are
    # checked in the test above.
    visit(plain, f"/huishoudens/{household_id}/plan/doelen/nieuw", a11y=False)
    allow_console_error(plain, r"status of 400")
    plain.keyboard.press("Tab")  # the skip link first, as on every page
    tab_to(plain, "main form button[type=submit]")
    plain.keyboard.press("Enter")
    plain.wait_for_load_state("load")

    summary = plain.locator(".notice--error[role=alert]")
    expect(summary).to_be_focused()
    # First in the page's content, before the form, with a link to each field that exists.
    assert plain.locator("main > .notice--error + form").count() == 1
    for link in summary.locator("a").all():
        target = (link.get_attribute("href") or "").removeprefix("#")
        assert target and plain.locator(f"[id='{target}']").count() == 1, f"{target} is not a field on the page"


def test_a_tick_kept_offline_is_announced_and_shows_done(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    page, household_id, action_id, what = signed_in_member(new_context, live_server)
    # The service worker answers this page's requests once it has claimed it.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    visit(page, f"/huishoudens/{household_id}/plan")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    tick = f"#actie-{action_id}-afvinken"
    tab_to(page, tick)
    page.keyboard.press("Space")
    expect(page.locator(tick)).to_have_text("Toch niet gedaan")
    expect(page.locator(f"#actie-{action_id} .status")).to_have_text("gedaan")
    expect(page.locator(f"#actie-{action_id} .pending-mark")).to_have_text("Bewaard op dit apparaat, wordt verstuurd")
    expect(live_region(page)).to_contain_text(f"Afvinken: {what}: Bewaard op dit apparaat, wordt verstuurd")
    expect(page.locator("[data-queue-count]")).to_have_text(
        "1 wijziging is bewaard op dit apparaat en wordt verstuurd zodra er verbinding is."
    )
    # The mark itself is no live region of its own: it appeared with its text, which screen readers miss.
    expect(page.locator(f"#actie-{action_id} .pending-mark")).not_to_have_attribute("role", "status")

    page.context.set_offline(False)
    expect(page.locator(f"#actie-{action_id} .pending-mark")).to_have_text("Verstuurd en bewaard.")
    expect(live_region(page)).to_contain_text("Verstuurd en bewaard.")
