from __future__ import annotations

from server.i18n import negotiate


def test_browser_language_is_followed_when_supported() -> None:
    assert negotiate("en-GB,en;q=0.9,nl;q=0.8") == "en"
    assert negotiate("de-DE,de;q=0.9") == "nl"
    assert negotiate("fr;q=0.9, nl;q=0.5") == "nl"


def test_own_choice_wins_over_browser() -> None:
    assert negotiate("en", preferred="nl") == "nl"
