"""The place to go after sign-in stays on this site, whatever trick the link tries."""

from __future__ import annotations

import pytest

from server.auth.next_path import DEFAULT, local_path


@pytest.mark.parametrize(
    "path",
    [
        "/mijn",
        "/huishoudens/0b6c3c9e-1d2f-4f7a-9a51-0d9e5e0c1a11/plan",
        "/huishoudens/0b6c3c9e-1d2f-4f7a-9a51-0d9e5e0c1a11/scores?opgeslagen=wonen#lg-wonen",
        "/taken?klaar=1",
    ],
)
def test_a_path_on_this_site_is_kept(path: str) -> None:
    assert local_path(path) == path


@pytest.mark.parametrize(
    "trick",
    [
        "//example.org/",
        "///example.org/",
        "/\\example.org/",
        "\\\\example.org",
        "/\t/example.org/",
        "/\n/example.org/",
        "/\r/example.org/",
        "/%09/example.org/",
        "/%0a/example.org/",
        "/%5cexample.org/",
        "/%2f/example.org/",
        "%2F%2Fexample.org",
        "/%252f/example.org/",
        "/%25252f%25252fexample.org",
        "https://example.org/",
        "http:example.org",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,hallo",
        "example.org/mijn",
        "mijn",
        " /mijn",
        "/mijn\x00",
        "/\u3000/example.org",
        "/\uff0f\uff0fexample.org",
        "/\u2028/example.org",
        "",
        None,
        "/" + "a" * 600,
    ],
)
def test_anything_else_goes_to_the_persons_own_page(trick: str | None) -> None:
    assert local_path(trick) == DEFAULT
