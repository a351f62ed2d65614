from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from server.domain.errors import N_, DomainError
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


def _looks_like_interface_text(node: ast.expr) -> bool:
    """A plain string literal with a space: a sentence, not a key or an identifier."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value


def _domain_error_names() -> set[str]:
    import server.app  # noqa: F401 - loads every module, so that every domain error class is known

    names, todo = set(), [DomainError]
    while todo:
        kind = todo.pop()
        names.add(kind.__name__)
        todo += kind.__subclasses__()
    return names


def _raises_domain_error(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in _domain_error_names()


def test_no_message_in_the_domain_escapes_translation() -> None:
    """Messages for people leave the domain (and the passkey code) as errors: per field (``errors["x"] = ...``,
    ``{"x": ...}``) or as the message of an error (``raise NotFound("...")``). Each must be marked with ``N_``."""
    unmarked = []
    for path in sorted(
        [*(SERVER / "domain").rglob("*.py"), *(SERVER / "auth").rglob("*.py"), SERVER / "routes" / "auth.py"]
    ):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            candidates: list[ast.expr] = []
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == "errors"
                for t in node.targets
            ):
                candidates.append(node.value)
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _raises_domain_error(node.exc):
                candidates += list(node.exc.args)
                for arg in node.exc.args:
                    if isinstance(arg, ast.Dict):
                        candidates += [v for v in arg.values if v is not None]
            unmarked += [f"{path.name}:{c.lineno}" for c in candidates if _looks_like_interface_text(c)]
    assert unmarked == []


def test_household_languages_and_the_professionals_narrower_choice() -> None:
    assert negotiate("ar-MA,ar;q=0.9") == "ar"
    assert negotiate("pl-PL,pl;q=0.9,en;q=0.8") == "pl"
    assert negotiate("tr") == "tr"
    assert negotiate("ar,en;q=0.5", allowed=("nl", "en")) == "en"
    assert negotiate("ar", preferred="tr", allowed=("nl", "en")) == "nl"


def test_a_day_named_inside_a_refusal_is_in_the_readers_language() -> None:
    from server.domain.volunteering.service import WEEKDAY_NAMES

    refusal = N_(
        "Op %(day)s helpt %(name)s al. Een dag kan maar door één vrijwilliger gedaan worden. Er is niets "
        "veranderd. Zeg nee tegen dit aanbod, of vraag de vrijwilliger om andere dagen.",
        day=WEEKDAY_NAMES[1],
        name="Lotte",
    )
    assert refusal.startswith("Op dinsdag helpt Lotte al.")
    token = current_locale.set("ar")
    try:
        assert "الثلاثاء" in gettext(refusal) and "Lotte" in gettext(refusal)
    finally:
        current_locale.reset(token)


def test_what_a_person_wrote_is_escaped_into_a_template_text_and_markup_stays_markup() -> None:
    from markupsafe import Markup

    from server.web import StaticManifest, build_template_engine

    engine = build_template_engine(StaticManifest()).engine
    page = engine.from_string(
        "{{ _('Afvinken: %(what)s', what=what) }}|{{ _('Wie: %(who)s', who=who) }}"
        "|{{ _('%(count)d van %(total)d', count=3, total=11) }}"
    )
    token = current_locale.set("en")
    try:
        html = page.render(what='<script>alert("x")</script> & co', who=Markup("<b>Sem</b>"))
    finally:
        current_locale.reset(token)
    tick, who, count = html.split("|")
    assert tick == "Tick off: &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co"
    assert who == "Who: <b>Sem</b>"
    assert count == "3 van 11"  # not in the catalogue: the Dutch source, with its numbers
