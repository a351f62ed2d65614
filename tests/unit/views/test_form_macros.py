"""The form macros write each attribute apart, so that required, the hint and the error reach screen readers."""

from __future__ import annotations

from html.parser import HTMLParser

from server.web import StaticManifest, build_template_engine


class Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attributes: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("input", "textarea"):
            named = dict(attrs)
            self.attributes[str(named["name"])] = named


def render(source: str) -> dict[str, dict[str, str | None]]:
    engine = build_template_engine(StaticManifest())
    html = engine.engine.from_string(
        '{% from "macros/forms.html" import text_field, textarea_field %}' + source
    ).render(_=lambda text, **values: text)
    parser = Fields()
    parser.feed(html)
    return parser.attributes


def test_a_required_field_with_a_hint_keeps_both() -> None:
    fields = render('{{ text_field("text", "Doel", hint="In je eigen woorden", required=True) }}')
    assert "required" in fields["text"]
    assert fields["text"]["aria-describedby"] == "hint-text"


def test_a_required_field_with_an_error_is_marked_invalid_and_points_at_the_message() -> None:
    fields = render('{{ textarea_field("note", "Notitie", errors={"note": "Te lang"}, required=True) }}')
    assert "required" in fields["note"]
    assert fields["note"]["aria-invalid"] == "true"
    assert fields["note"]["aria-describedby"] == "error-note"
