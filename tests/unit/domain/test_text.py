"""The input layer for free text: what is refused, what counts as empty, what is stored."""

from __future__ import annotations

import pytest

from server.domain.text import clean, has_forbidden_characters, refused


@pytest.mark.parametrize(
    "invisible",
    ["", "   ", "\u200b\u200b", "\ufeff", " \u200b \u2060 ", "\u200e\xad\u2066\u2069", "\u200f\u061c\u202a", "\u3000"],
)
def test_text_of_only_invisible_characters_is_empty(invisible: str) -> None:
    assert clean(invisible) == ""


def test_visible_text_keeps_its_joiners_and_loses_invisible_ends() -> None:
    assert clean("\u200b  Rust   in huis \ufeff") == "Rust in huis"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean(family) == family
    assert clean("Cafe\u0301") == "Café"


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\n", "\t", "\ud800", "\uffff"])
def test_control_characters_are_refused_in_a_line(control: str) -> None:
    assert has_forbidden_characters(f"Oma{control}Ineke")


def test_a_long_text_may_hold_line_breaks_and_tabs_but_no_other_controls() -> None:
    assert not has_forbidden_characters("Eerste regel\r\nTweede\tregel", long_text=True)
    assert has_forbidden_characters("Regel\x00", long_text=True)
    assert refused(("note",), note="a\nb", name="a\nb") == {"name": refused(name="\x00")["name"]}
