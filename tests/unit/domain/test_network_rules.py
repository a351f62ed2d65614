"""Validation of someone on the netwerkkaart."""

from __future__ import annotations

import pytest

from server.domain.errors import InvalidInput
from server.domain.network.model import NetworkRelation
from server.domain.network.service import NetworkPersonInput


def test_a_valid_person_is_cleaned() -> None:
    values = NetworkPersonInput(
        name="  Oma   Ineke ", relation="familie", kind="informeel", ring="1", can_help_with=" Milan  ophalen "
    ).validate()
    assert values["name"] == "Oma Ineke"
    assert values["relation"] is NetworkRelation.FAMILIE
    assert values["is_formal"] is False
    assert values["ring"] == 1
    assert values["can_help_with"] == "Milan ophalen"


def test_a_reason_is_kept_only_for_someone_not_involved() -> None:
    involved = NetworkPersonInput(name="Trees", relation="buur", not_involved_reason="oud verhaal").validate()
    assert involved["not_involved_reason"] == ""
    apart = NetworkPersonInput(
        name="Vader", relation="familie", not_involved="ja", not_involved_reason="Te veel onrust."
    ).validate()
    assert apart["not_involved"] is True and apart["not_involved_reason"] == "Te veel onrust."


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("name", {"name": " "}, "Vul een naam in."),
        ("name", {"name": "x" * 121}, "te lang"),
        ("relation", {"relation": "buurman"}, "Kies wie deze persoon voor jullie is."),
        ("kind", {"kind": "half"}, "Kies of deze persoon helpt"),
        ("ring", {"ring": "4"}, "Kies hoe dichtbij"),
        ("can_help_with", {"can_help_with": "x" * 301}, "te lang"),
    ],
)
def test_wrong_input_is_refused_per_field(field: str, changes: dict[str, str], message: str) -> None:
    data = NetworkPersonInput(name="Fleur", relation="vriend", kind="informeel", ring="2")
    for key, value in changes.items():
        setattr(data, key, value)
    with pytest.raises(InvalidInput) as refused:
        data.validate()
    assert message in refused.value.errors[field]
