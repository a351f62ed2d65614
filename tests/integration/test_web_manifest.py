"""The web app manifest: what a browser needs to offer "Installeer Ons Plan", with icons it can load."""

from __future__ import annotations

import io
import re

from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image

from server.web import STATIC_DIR


def _css_colour(token: str) -> str:
    match = re.search(rf"{token}\s*:\s*(#[0-9a-fA-F]+)\s*;", (STATIC_DIR / "css" / "tokens.css").read_text())
    assert match, token
    return match.group(1)


async def test_manifest_describes_an_installable_dutch_app(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Ons Plan"
    assert manifest["short_name"] == "Ons Plan"
    assert manifest["description"].startswith("Eén plan voor jullie huishouden")
    assert manifest["lang"] == "nl"
    assert manifest["display"] == "standalone"
    assert manifest["scope"] == "/"
    assert manifest["start_url"].startswith("/")
    # The same colours the stylesheet uses: the title bar and splash screen match the pages.
    assert manifest["theme_color"] == _css_colour("--basis-color-primary") == "#154273"
    assert manifest["background_color"] == _css_colour("--basis-color-background")
    purposes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable"), ("any", "any")} <= purposes


async def test_every_png_icon_is_served_at_the_size_it_claims(client: AsyncTestClient[Litestar]) -> None:
    icons = (await client.get("/manifest.webmanifest")).json()["icons"]
    pngs = [icon for icon in icons if icon["type"] == "image/png"]
    assert len(pngs) == 3
    for icon in pngs:
        response = await client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert response.headers["content-type"] == "image/png"
        assert "immutable" in response.headers["cache-control"]
        image = Image.open(io.BytesIO(response.content))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
    svg = next(icon for icon in icons if icon["type"] == "image/svg+xml")
    assert (await client.get(svg["src"])).headers["content-type"].startswith("image/svg+xml")


async def test_maskable_icon_fills_its_square(client: AsyncTestClient[Litestar]) -> None:
    icons = (await client.get("/manifest.webmanifest")).json()["icons"]
    maskable = next(icon for icon in icons if icon.get("purpose") == "maskable")
    image = Image.open(io.BytesIO((await client.get(maskable["src"])).content)).convert("RGBA")
    # A mask may cut anywhere outside the safe zone, so even the corners are the background, not transparent.
    background = tuple(int(_css_colour("--basis-color-primary")[i : i + 2], 16) for i in (1, 3, 5))
    for corner in [(0, 0), (image.width - 1, 0), (0, image.height - 1), (image.width - 1, image.height - 1)]:
        assert image.getpixel(corner) == (*background, 255)


async def test_pages_name_the_apple_touch_icon_and_theme_colour(client: AsyncTestClient[Litestar]) -> None:
    page = (await client.get("/")).text
    assert '<meta name="theme-color" content="#154273">' in page
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', page)
    assert touch
    response = await client.get(touch.group(1))
    assert response.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (180, 180)
    # The install hint is in the page, hidden until the browser offers installation.
    assert re.search(r'<aside class="install-hint hidden[^"]*"', page)
    assert "Installeer Ons Plan" in page
