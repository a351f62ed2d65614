"""The skeleton as a newcomer meets it: the start page, health, headers, errors, CSRF, languages."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient


async def test_start_page_is_dutch_with_csp(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert '<html lang="nl" dir="ltr">' in response.text
    assert "Welkom bij Ons Plan" in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "camera=()" in response.headers["permissions-policy"]
    assert "strict-transport-security" not in response.headers
    assert response.headers["x-request-id"]


async def test_unknown_path_answers_dutch_404_with_headers(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/bestaat-niet", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.text
    assert "content-security-policy" in response.headers


async def test_htmx_request_for_missing_page_gets_fragment(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/bestaat-niet", headers={"hx-request": "true", "accept": "text/html"})
    assert response.status_code == 404
    assert "<html" not in response.text
    assert "Deze pagina bestaat niet" in response.text


async def test_post_without_csrf_token_is_refused(client: AsyncTestClient[Litestar]) -> None:
    await client.get("/")
    response = await client.post("/uitloggen", data={}, headers={"accept": "text/html"})
    assert response.status_code == 403
    assert "formulier was verlopen" in response.text


async def test_health_ready_checks_database(client: AsyncTestClient[Litestar]) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"


async def test_static_files_are_fingerprinted_and_immutable(client: AsyncTestClient[Litestar]) -> None:
    page = (await client.get("/")).text
    css_url = next(part.split('"')[0] for part in page.split('href="') if part.startswith("/static/css/app."))
    response = await client.get(css_url)
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert response.headers["content-type"].startswith("text/css")
    assert (await client.get("/static/css/app.css")).status_code == 404


async def test_what_a_page_loads_carries_only_the_headers_that_apply_to_it(client: AsyncTestClient[Litestar]) -> None:
    page = (await client.get("/")).text
    urls = [part.split('"')[0] for part in page.split('="') if part.startswith("/static/")]
    loaded = [url for url in urls if url.endswith((".css", ".js", ".png"))]
    assert any(u.endswith(".css") for u in loaded) and any(u.endswith(".js") for u in loaded)
    for url in loaded:
        headers = (await client.get(url)).headers
        assert headers["x-content-type-options"] == "nosniff", url
        assert "content-security-policy" not in headers and "x-frame-options" not in headers, url
    # An SVG can be opened as a document of its own, and the service worker is a worker: their own policy counts.
    svg = next(url for url in urls if url.endswith(".svg"))
    for url in (svg, "/sw.js", "/"):
        headers = (await client.get(url)).headers
        assert "script-src 'self'" in headers["content-security-policy"], url
        assert headers["x-frame-options"] == "DENY", url


async def test_html_is_compressed(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/", headers={"accept-encoding": "gzip"})
    assert response.headers.get("content-encoding") == "gzip"


async def test_english_is_chosen_from_accept_language(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="en" dir="ltr">' in response.text
    assert "Welcome to Ons Plan" in response.text


async def test_service_worker_is_not_cached(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert "javascript" in response.headers["content-type"]


async def test_boosted_page_request_gets_whole_page(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/bestaat-niet", headers={"hx-request": "true", "hx-boosted": "true"})
    assert "<html" in response.text
    assert response.headers.get("vary", "").lower().find("hx-request") >= 0
