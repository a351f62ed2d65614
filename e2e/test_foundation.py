"""What only a browser shows about the pages that exist today: language, accessibility, layout on a small
phone, the Content-Security-Policy, and the service worker."""

from __future__ import annotations

import contextlib
import urllib.request

from playwright.sync_api import BrowserContext, Error, Page

from e2e.helpers import allow_console_error, assert_no_horizontal_scroll, check_a11y, visit


def _assert_start_page(page: Page) -> None:
    response = visit(page, "/")
    assert page.locator("h1").first.inner_text().strip() == "Welkom bij Ons Plan"
    assert page.get_attribute("html", "lang") == "nl"
    assert "text/html" in response.headers["content-type"]


def test_start_page_on_a_phone_is_dutch_accessible_and_fits_320px(phone_page: Page) -> None:
    _assert_start_page(phone_page)
    assert_no_horizontal_scroll(phone_page, width=320, height=640)
    # The narrowest phone still gets an accessible page (target sizes, reflowed text).
    check_a11y(phone_page)


def test_start_page_on_a_tablet_is_dutch_and_accessible(tablet_page: Page) -> None:
    _assert_start_page(tablet_page)
    assert_no_horizontal_scroll(tablet_page, width=None)


def test_unknown_path_shows_the_dutch_not_found_page(phone_page: Page) -> None:
    # Chromium logs the 404 of the main document as a console error; here it is expected.
    allow_console_error(phone_page, r"status of 404")
    visit(phone_page, "/bestaat-echt-niet", expect_status=404)
    assert phone_page.get_by_text("Deze pagina bestaat niet").first.is_visible()
    assert phone_page.get_attribute("html", "lang") == "nl"


def test_content_security_policy_blocks_injected_inline_script(strict_context: BrowserContext) -> None:
    page = strict_context.new_page()
    allow_console_error(page, r"Content Security Policy")
    response = page.goto("/", wait_until="load")
    assert response is not None
    assert response.status == 200
    csp = response.headers.get("content-security-policy")
    assert csp, "the start page has no Content-Security-Policy header"
    assert "script-src" in csp or "default-src" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[-1].split(";", 1)[0]

    # The page's own scripts run: htmx is there.
    page.wait_for_function("typeof window.htmx !== 'undefined'")

    # An injected inline script does not. Playwright (1.65) raises on the refusal; whether it raises or
    # not, what counts is that nothing ran.
    with contextlib.suppress(Error):
        page.add_script_tag(content="window.__injected = 1")
    assert page.evaluate("typeof window.__injected") == "undefined"


def test_service_worker_is_served_and_registers_for_the_whole_site(phone_page: Page, base_url: str) -> None:
    with urllib.request.urlopen(f"{base_url}/sw.js", timeout=5) as response:
        assert response.status == 200
        assert "javascript" in response.headers["content-type"]
        assert "no-cache" in response.headers.get("cache-control", "")

    visit(phone_page, "/")
    scope = phone_page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{base_url}/"
    assert phone_page.evaluate("navigator.serviceWorker.getRegistrations().then(rs => rs.length)") == 1
