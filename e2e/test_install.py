"""Ons Plan as an installed app: Chromium's own installability check, and the "Installeer Ons Plan" hint.

Headless Chromium does not reliably fire ``beforeinstallprompt`` (it also weighs engagement), so the hint is
driven with a stand-in event that has the same ``prompt()`` and ``userChoice``; what the browser itself
decides is asked over CDP (``Page.getInstallabilityErrors``), the same check that makes it offer the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, TABLET
from e2e.helpers import check_a11y, page_problems, visit, watch_page

# A beforeinstallprompt as Chromium sends it, minus the browser's dialog: prompt() is counted instead.
OFFER_INSTALLATION = """outcome => {
  window.installPrompts = 0;
  const offer = new Event("beforeinstallprompt", { cancelable: true });
  offer.prompt = () => { window.installPrompts += 1; return Promise.resolve(); };
  offer.userChoice = Promise.resolve({ outcome, platform: "web" });
  window.dispatchEvent(offer);
  return offer.defaultPrevented;
}"""


@pytest.fixture(params=["tablet", "phone"])
def profile_context(
    playwright: Playwright, base_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[BrowserContext]:
    """A tablet or phone context with a profile on disk: Chromium offers no installation in an incognito
    context, and every ``browser.new_context()`` is one ("in-incognito")."""
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        base_url=base_url,
        bypass_csp=True,  # for axe-core only, as in the shared fixtures
        **(TABLET if request.param == "tablet" else PHONE),
    )
    context.set_default_timeout(10_000)
    yield context
    problems = [problem for page in context.pages for problem in page_problems(page)]
    context.close()
    assert not problems, problems


def test_chromium_finds_the_start_page_installable(profile_context: BrowserContext, base_url: str) -> None:
    page = profile_context.pages[0] if profile_context.pages else profile_context.new_page()
    watch_page(page)
    visit(page, "/")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == f"{base_url}/"

    cdp = page.context.new_cdp_session(page)
    app_manifest: dict[str, Any] = cdp.send("Page.getAppManifest")
    assert app_manifest["url"] == f"{base_url}/manifest.webmanifest"
    assert app_manifest["errors"] == []
    # The check that makes Chromium offer the app; it also downloads the icon it would install with.
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []

    # Every icon the manifest and the page name loads as an image of its stated size.
    sizes = page.evaluate(
        """async () => {
          const manifest = await (await fetch("/manifest.webmanifest")).json();
          const touch = document.querySelector('link[rel="apple-touch-icon"]').href;
          const sources = manifest.icons.filter(i => i.type === "image/png").map(i => [i.src, i.sizes]);
          sources.push([touch, "180x180"]);
          return Promise.all(sources.map(([src, sizes]) => new Promise((resolve) => {
            const image = new Image();
            image.onload = () => resolve([sizes, `${image.naturalWidth}x${image.naturalHeight}`]);
            image.onerror = () => resolve([sizes, "failed"]);
            image.src = src;
          })));
        }"""
    )
    assert sizes and all(expected == loaded for expected, loaded in sizes), sizes


def test_install_hint_shows_only_when_offered_and_prompts_on_a_tap(phone_page: Page) -> None:
    visit(phone_page, "/")
    hint = phone_page.locator("[data-install-hint]")
    expect(hint).to_be_hidden()

    assert phone_page.evaluate(OFFER_INSTALLATION, "dismissed") is True
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Zet Ons Plan op je beginscherm")
    check_a11y(phone_page)

    hint.get_by_role("button", name="Installeer Ons Plan").tap()
    expect(hint).to_be_hidden()
    assert phone_page.evaluate("window.installPrompts") == 1
    # Declined in the browser's dialog: not offered again on the next page of this visit.
    phone_page.evaluate(OFFER_INSTALLATION, "dismissed")
    expect(hint).to_be_hidden()


def test_install_hint_stays_after_a_boosted_link_and_goes_after_niet_nu(phone_page: Page) -> None:
    visit(phone_page, "/")
    phone_page.evaluate(OFFER_INSTALLATION, "accepted")
    hint = phone_page.locator("[data-install-hint]")
    expect(hint).to_be_visible()

    # hx-boost swaps the body, and with it the hint: it shows again while the offer stands.
    phone_page.locator(".site-header__brand").click()
    phone_page.wait_for_load_state("load")
    expect(hint).to_be_visible()

    hint.get_by_role("button", name="Niet nu").tap()
    expect(hint).to_be_hidden()
    expect(phone_page.locator("#main")).to_be_focused()
