from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from server.domain.errors import N_
from server.i18n import current_locale, gettext, negotiate

SERVER = Path(__file__).resolve().parents[2] / "server"


def test_browser_language_is_followed_when_supported() -> None:
    assert negotiate("en-GB,en;q=0.9,nl;q=0.8") == "en"
    assert negotiate("de-DE,de;q=0.9") == "nl"
    assert negotiate("fr;q=0.9, nl;q=0.5") == "nl"


def test_own_choice_wins_over_browser() -> None:
    assert negotiate("en", preferred="nl") == "nl"


def test_text_from_the_domain_is_translated_from_its_template_and_keeps_its_values() -> None:
    message = N_("Het doel is te lang (hoogstens %(max)s tekens).", max=500)
    assert message == "Het doel is te lang (hoogstens 500 tekens)."
    token = current_locale.set("en")
    try:
        assert gettext(message) == "The goal is too long (500 characters at most)."
        assert gettext(N_("Kies wie dit doet.")) == "Choose who does it."
    finally:
        current_locale.reset(token)


def _domain_texts() -> list[tuple[str, str, set[str], set[str]]]:
    """Every ``N_("...", name=value)`` in the server code: where, the text, its placeholders, its values."""
    found = []
    for path in sorted(SERVER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
                first = node.args[0]
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), f"{path}:{node.lineno}"
                placeholders = set(re.findall(r"%\((\w+)\)s", first.value))
                values = {k.arg for k in node.keywords if k.arg}
                found.append((f"{path.name}:{node.lineno}", first.value, placeholders, values))
    return found


def test_every_domain_text_fills_exactly_its_placeholders_and_is_in_the_english_catalogue() -> None:
    texts = _domain_texts()
    assert len(texts) > 50
    with (SERVER / "locale" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    for where, text, placeholders, values in texts:
        assert placeholders == values, f"{where}: {text!r} needs {placeholders}, gets {values}"
        entry = catalogue.get(text)
        assert entry is not None and entry.string, f"{where}: {text!r} has no English translation"
